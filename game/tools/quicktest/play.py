"""Finding paths by playing: coverage-guided random play, and play aimed at one goal.

Random play is cheap (the engine's own steps) and reaches most of a story in seconds; every path it finds is real
and comes with the seed that plays it. Coverage-guided: at each scene it takes the choice taken least so far (ties
at random), so rare branches come sooner. Play aimed at a goal searches real states, pruned and steered by searches
over small views (``Guide``): it drops a state from which some view says the goal cannot be reached, and goes on
from the state nearest the goal by the farthest of their distances (best-first), or keeps a random sample of each
layer (a randomized beam), as each finds goals the other misses. Views are over-approximations, so a successor
they rule out can never lead to the goal; several small views steer almost as well as their product at a
fraction of its size (the pattern databases of directed model checking). Every goal is sought first by a descent
(``_Aim.descend``): nearest first by the goal's branch distance (``distance``: how far the values are from the
conditions on the way into its scene and its own), one state per projection onto the goal's cone of influence
(what decides where play goes, and the goal's own condition); for a goal that compares one value with a number,
only the Pareto-best by that value, so a rare extreme of a meter is found in a few thousand states instead of a
product of flags. The descent draws nothing at random: a goal costs the same whatever seed random play had.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass
from heapq import heappop, heappush
from random import Random
from typing import Any

from ...engine import Game, Story
from ...engine.chance import roll
from ...engine.conditions import Unary
from ...engine.game import apply_effects
from .distance import NEGATE, Distance
from .goals import Goals
from .keys import StateKey, comparison
from .paths import moves, observe
from .search import Compiled, Expander, SearchResult, Step, trace

Record = Callable[[int, list[Step], int | None], object]
"""Called with (goal, path, seed that plays it or None) for every goal observed on the way."""

UNREACHABLE = 10**9


class Coverage:
    """Random play's bookkeeping: which goals are still unseen, and in which scenes each can be seen, so that a
    scene whose goals have all been seen is played through at the engine's own speed."""

    def __init__(self, goals: Goals, wanted: Callable[[int], bool]) -> None:
        self.goals = goals
        self.wanted = wanted
        where: dict[int, set[str]] = {}
        for sid, plan in goals.plans.items():
            ids = [plan.goal] + [g for _, i in plan.entry for g in (goals.condition_goal(i, True), goals.condition_goal(i, False))]
            for cp in plan.choices:
                ids += [cp.goal, cp.blocked]
                sites = [cp.visible_site, cp.enabled_site, *cp.route_sites, *(i for _, i in cp.labels), *(i for _, i in cp.results)]
                ids += [g for i in sites if i >= 0 for g in (goals.condition_goal(i, True), goals.condition_goal(i, False))]
            for g in ids:
                where.setdefault(g, set()).add(sid)
        self.where = where
        self.open: dict[str, int] = {sid: 0 for sid in goals.plans}
        for g, scenes in where.items():
            if wanted(g):
                for sid in scenes:
                    self.open[sid] += 1

    def seen(self, g: int) -> None:
        """``g`` has a path now: its scenes have one goal fewer to watch for."""
        for sid in self.where.get(g, ()):
            self.open[sid] -= 1


class _Seen:
    """Reports each goal the first time it is observed (with the path so far, and the step that reads it)."""

    __slots__ = ("cover", "extra", "path", "record", "seed")

    def __init__(self, cover: Coverage, record: Record) -> None:
        self.cover = cover
        self.record = record
        self.path: list[Step] = []
        self.extra: Step | None = None
        self.seed = 0

    def __call__(self, g: int) -> None:
        if self.cover.wanted(g):
            extra = self.extra
            self.record(g, self.path + [extra] if extra is not None else list(self.path), self.seed)
            self.cover.seen(g)


def cover(
    story: Story, goals: Goals, exact: Expander, runs: int, first_seed: int, max_steps: int, record: Record,
    wanted: Callable[[int], bool],
) -> int:
    """Play ``runs`` coverage-guided playthroughs (run i with seed ``first_seed + i``), reporting every goal
    ``wanted`` the first time it is observed (``wanted`` must turn false once reported). Returns the runs
    played."""
    taken: dict[str, int] = {}
    coverage = Coverage(goals, wanted)
    see = _Seen(coverage, record)
    for seed in range(first_seed, first_seed + runs):
        see.seed = seed
        _run(story, goals, exact, seed, max_steps, taken, see)
    return runs


def _run(
    story: Story, goals: Goals, exact: Expander, seed: int, max_steps: int, taken: dict[str, int], see: _Seen
) -> None:
    rand = Random(seed).random
    game = Game(story, seed)
    st = game.state
    path: list[Step] = []
    see.path = path
    open_ = see.cover.open
    plans = goals.plans
    while True:
        plan = plans[st.scene]
        watch = open_[st.scene] > 0
        if watch:
            see.extra = None
            see(plan.goal)
            exact.entry_goals(st.scene, st.values, st.visited, st.chosen, see)
        if plan.scene.ending:
            return
        if watch:
            choices = exact.choices(st.scene, plan.simple, st.values, st.visited, st.chosen, see)
            for cc, o in choices:
                see(cc.plan.goal if o else cc.plan.blocked)
            available = [cc.plan.choice for cc, o in choices if o]
        else:
            available = game.available()
        if not available:
            see(plan.dead_end)
            return
        if len(path) >= max_steps:
            return
        least = min(taken.get(ch.key, 0) for ch in available)
        best = [ch for ch in available if taken.get(ch.key, 0) == least]
        choice = best[int(rand() * len(best))]
        taken[choice.key] = taken.get(choice.key, 0) + 1
        cc = exact.by_choice[choice.key]
        step = _engine_step(goals, exact, cc, st.scene, st.values, st.visited, st.chosen, seed, len(path), see, watch)
        game.step(choice)
        path.append(step)


def _engine_step(
    goals: Goals, exact: Expander, cc: Compiled, scene: str, values: Any, visited: Any, chosen: Any, seed: int,
    n: int, see: _Seen, watch: bool,
) -> Step:
    """The step the engine takes with this seed, observing (when ``watch``) the conditions it reads after the
    choice's effects: its result text, and its routes up to the one taken, as the engine tries them."""
    ch = cc.plan.choice
    routes = ch.routes
    if len(routes) == 1 and not (watch and cc.results):
        return Step(scene, ch.id, 0, routes[0].target)
    after = exact.after(cc, values)
    c2 = chosen | {ch.key}
    k_taken = len(routes) - 1
    reads: list[tuple[int, bool]] = []  # route conditions the engine reads, in its order
    if len(routes) > 1:
        for k, r in enumerate(routes):
            if r.when is not None:
                holds = bool(r.when.test(after, visited, c2))
                site = cc.plan.route_sites[k]
                if site >= 0:
                    reads.append((site, holds))
                if not holds:
                    continue
            if r.chance is not None and roll(seed, n, k) >= r.chance:
                continue
            k_taken = k
            break
    step = Step(scene, ch.id, k_taken, routes[k_taken].target)
    if watch:
        see.extra = step
        for site, hold in exact.results(cc, after, visited, c2):
            see(goals.condition_goal(site, bool(hold)))
        for site, holds in reads:
            see(goals.condition_goal(site, holds))
    return step


# ------------------------------------------------------------------------------------------- aimed play


@dataclass(slots=True)
class Guide:
    """A search over a small view with its distances to one goal: how many choices at least, from each of its
    states, to a state where the goal can hold (UNREACHABLE when none)."""

    key: StateKey
    index: dict[tuple[Any, ...], int]
    distance: list[int]

    @classmethod
    def of(cls, res: SearchResult, key: StateKey, goal: int) -> Guide:
        n = res.states
        preds: list[list[int]] = [[] for _ in range(n)]
        for a, outs in enumerate(res.succ):
            for b in outs:
                preds[b].append(a)
        dist = [UNREACHABLE] * n
        frontier = list(res.hits.get(goal, ()))
        for h in frontier:
            dist[h] = 0
        while frontier:
            nxt = []
            for b in frontier:
                for a in preds[b]:
                    if dist[a] == UNREACHABLE:
                        dist[a] = dist[b] + 1
                        nxt.append(a)
            frontier = nxt
        return cls(key, res.index, dist)

    def to_goal(self, scene: str, values: Any, vis: int, cho: int) -> int:
        """The distance from a state (its facts as this guide's masks)."""
        node = self.index.get(self.key.key_of(scene, values, vis, cho))
        return UNREACHABLE if node is None else self.distance[node]


@dataclass(frozen=True, slots=True)
class Objective:
    """A condition goal of the form ``value op constant`` (as read: a goal that it comes out false negates it),
    searched for as an optimisation: which way is better (``sign`` -1: smaller values, +1: larger, 0: neither, for
    ``==`` and ``!=``)."""

    slot: int
    op: str
    constant: int

    @classmethod
    def of(cls, goals: Goals, goal: int) -> Objective | None:
        """The objective of a condition goal on one number compared with a constant; None for any other goal."""
        g = goals.goals[goal]
        if g.kind != "condition":
            return None
        node = goals.sites[g.site].condition.node
        outcome = g.outcome
        while isinstance(node, Unary) and node.op == "not":
            node, outcome = node.operand, not outcome
        found = comparison(node)
        if found is None:
            return None
        name, op, c = found
        slot = goals.slot_of.get(name)
        if slot is None or isinstance(goals.story.defaults[slot], bool):
            return None
        return cls(slot, op if outcome else NEGATE[op], c)

    @property
    def sign(self) -> int:
        return -1 if self.op in ("<", "<=") else 1 if self.op in (">", ">=") else 0


def same_states(goals: Goals, goal: int) -> tuple[frozenset[tuple[str, str]], Objective] | None:
    """For a goal ``value op constant`` read before any choice is taken (as a scene is entered, or as a choice is
    shown): where it is read, and its objective. Goals written differently that hold in the same states share it
    (``civilians >= 50`` read as false, ``civilians < 50`` read as true, in one scene). None for any other goal."""
    objective = Objective.of(goals, goal)
    if objective is None or goals.goals[goal].after:
        return None
    site = goals.goals[goal].site
    places: set[tuple[str, str]] = set()
    for sid, plan in goals.plans.items():
        if any(i == site for _, i in plan.entry):
            places.add((sid, "entered"))
        for cp in plan.choices:
            for role, i in (("if", cp.visible_site), ("requires", cp.enabled_site), *(("label", i) for _, i in cp.labels)):
                if i == site:
                    places.add((cp.choice.key, role))
    return frozenset(places), objective


Searching = Generator[None, None, list[Step] | None]
"""A search over real states run a state at a time: it yields after each state it expands, and returns the path
it found (None: none within its budget)."""

RealState = tuple[str, list[Any], frozenset[str], frozenset[str], tuple[tuple[int, int], ...]]
"""(scene, values, visited, chosen, fact masks for each key in use)."""


class _Aim:
    """A search over real states toward one goal, pruned and ordered by guides (see ``aimed``)."""

    def __init__(
        self, story: Story, goals: Goals, exact: Expander, exact_key: StateKey, goal: int, guides: list[Guide],
        cone: StateKey | None = None,
    ) -> None:
        self.story, self.goals, self.exact, self.goal, self.guides = story, goals, exact, goal, guides
        self.after_goal = goals.goals[goal].after
        self.keys = [exact_key, *(g.key for g in guides), *([cone] if cone is not None else [])]
        self.cone = cone
        start = Game(story, 0).state
        masks = tuple(k.masks(start.visited, start.chosen) for k in self.keys)
        self.start: RealState = (start.scene, start.values, frozenset(start.visited), frozenset(start.chosen), masks)
        self.hit = False

    def see(self, g: int) -> None:
        if g == self.goal:
            self.hit = True

    def expand(self, state: RealState, path: list[Step] | None) -> tuple[list[Step] | None, list[tuple[int, Any, RealState, Step]]]:
        """Whether the goal holds here (then the rest of the path to it, after ``path``: nothing, or the choice
        that reads it), else the successors the guides allow, each as (distance, exact key, state, step)."""
        goals, story = self.goals, self.story
        scene, values, visited, chosen, masks = state
        self.hit = False
        observe(goals, self.exact, scene, values, visited, chosen, self.see)
        if self.hit:
            return (path or []), []
        out: list[tuple[int, Any, RealState, Step]] = []
        if goals.plans[scene].scene.ending:
            return None, out
        guides, keys = self.guides, self.keys
        for move in moves(goals, self.exact, scene, values, visited, chosen, self.see, self.after_goal):
            for g, step in move.reads:
                if g == self.goal:
                    return (path or []) + [step], []
            ch = move.choice
            for k in move.routes:
                nxt = ch.routes[k].target
                enter = story.scenes[nxt].on_enter
                nv = list(move.after)
                if enter:
                    apply_effects(story, enter, nv)
                nmasks = tuple(
                    (vis | key.vis_bit.get(nxt, 0), cho | key.cho_bit.get(ch.key, 0)) for key, (vis, cho) in zip(keys, masks)
                )
                d = max((g.to_goal(nxt, nv, *m) for g, m in zip(guides, nmasks[1:len(guides) + 1])), default=0)
                if d < UNREACHABLE:
                    kk = keys[0].key_of(nxt, nv, *nmasks[0])
                    out.append((d, kk, (nxt, nv, visited | {nxt}, move.chosen, nmasks), Step(scene, ch.id, k, nxt)))
        return None, out

    def best_first(self, budget: int, rand: Random) -> Searching:
        """Take the state the guides put nearest the goal next (ties at random), ``budget`` states at most."""
        tree = _Tree(self.start)
        seen_keys: set[Any] = set()
        heap: list[tuple[int, float, int]] = [(0, 0.0, 0)]
        while heap and len(tree.states) < budget:
            _, _, node = heappop(heap)
            found, successors = self.expand(tree.states[node], None)
            if found is not None:
                return tree.path(node) + found
            for d, kk, state, step in successors:
                if kk not in seen_keys:
                    seen_keys.add(kk)
                    heappush(heap, (d, rand.random(), tree.add(node, state, step)))
            yield
        return None

    def descend(self, distance: Distance, objective: Objective | None, budget: int) -> Searching:
        """Best-first by the goal's distance (``distance``: nearest to holding first, then the guides' distance,
        then the state found first), keeping one state per projection onto the goal's cone of influence
        (``cone``: what decides where play can go, and the goal's own conditions). A goal ``value op constant``
        (``objective``) leaves its value out of the projection and keeps a state only if its value is better than
        every state kept with the same projection: the Pareto-best states, so a rare extreme of a meter is found
        in a few thousand states instead of a product of flags. No chance is involved: the same goal gets the
        same search every run. ``budget`` states at most."""
        cone = self.cone
        assert cone is not None
        slot, sign = (objective.slot, objective.sign) if objective is not None else (-1, 0)
        # The value left out of the projection is replaced by its value at the start: one the cone's key knows
        # (its tables cover the values play can reach, which 0 may not be).
        stand_in = self.start[1][slot] if sign else 0
        tree = _Tree(self.start)
        best: dict[Any, int] = {}
        heap: list[tuple[float, int, int]] = [(0.0, 0, 0)]
        while heap and len(tree.states) < budget:
            node = heappop(heap)[2]
            found, successors = self.expand(tree.states[node], None)
            if found is not None:
                return tree.path(node) + found
            for d, _, state, step in successors:
                scene, values, visited, chosen, masks = state
                value = values[slot] if sign else 0
                if sign:
                    projected = list(values)
                    projected[slot] = stand_in
                else:
                    projected = values
                pk = cone.key_of(scene, projected, *masks[-1])
                old = best.get(pk)
                if old is not None and (value - old) * sign <= 0:
                    continue
                best[pk] = value
                child = tree.add(node, state, step)  # in the order found: the tie-break, so no seed is needed
                heappush(heap, (distance(values, visited, chosen), d, child))
            yield
        return None

    def beam(self, width: int, budget: int, rand: Random) -> Searching:
        """Breadth first, keeping ``width`` states of each layer drawn at random from those the guides allow
        (``budget`` states at most in all): a population of playthroughs, less greedy than best-first, so a goal
        that needs an early turn is found."""
        tree = _Tree(self.start)
        layer = [0]
        while layer and budget > 0:
            budget -= len(layer)
            nxt: dict[Any, tuple[int, RealState, Step]] = {}
            for node in layer:
                found, successors = self.expand(tree.states[node], None)
                if found is not None:
                    return tree.path(node) + found
                for _, kk, child, step in successors:
                    if kk not in nxt:
                        nxt[kk] = (node, child, step)
                yield
            candidates = list(nxt.values())
            rand.shuffle(candidates)
            layer = [tree.add(parent, child, step) for parent, child, step in candidates[:width]]
        return None


class _Tree:
    """States found by a search over real states, each with the state and step it was reached from."""

    def __init__(self, start: RealState) -> None:
        self.states: list[RealState] = [start]
        self.parent: list[int] = [-1]
        self.via: list[Step | None] = [None]

    def add(self, parent: int, state: RealState, step: Step) -> int:
        self.states.append(state)
        self.parent.append(parent)
        self.via.append(step)
        return len(self.states) - 1

    def path(self, node: int) -> list[Step]:
        return trace(self.parent, self.via, node)


def aimed(
    story: Story, goals: Goals, exact: Expander, exact_key: StateKey, goal: int, guides: list[Guide], budget: int,
    distance: Distance, cone: StateKey,
) -> list[Step] | None:
    """Search real states for ``goal``, pruned by ``guides`` (a state some guide rules out can never lead to the
    goal) and steered by them: a descent by the goal's ``distance`` over states told apart by ``cone``
    (``_Aim.descend``), best-first by the guides alone, and randomized beams of 100 and of 400 states a layer,
    each within ``budget`` states, run side by side (``race``): each finds goals the others miss, and a goal one
    of them is misled about costs a few times what the one that finds it spends. Returns the first path found, or
    None. The same goal gets the same search whatever seed random play had (what is drawn at random is drawn
    from the goal's own number). Chance routes go whichever way the search picks (``find_seed`` then finds a
    seed)."""
    aim = _Aim(story, goals, exact, exact_key, goal, guides, cone)
    rand = Random(goal)
    return race([
        aim.descend(distance, Objective.of(goals, goal), budget),
        aim.best_first(budget, rand),
        aim.beam(100, budget, rand),
        aim.beam(400, budget, rand),
    ])


def race(searches: list[Searching]) -> list[Step] | None:
    """Run ``searches`` a state at a time each, in turn, until one finds a path (returned) or all are spent (None)."""
    live = list(searches)
    while live:
        for search in list(live):
            try:
                next(search)
            except StopIteration as done:
                if done.value is not None:
                    for other in live:
                        other.close()
                    return done.value
                live.remove(search)
    return None
