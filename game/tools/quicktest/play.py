"""Finding paths by playing: coverage-guided random play, and play aimed at one goal.

Random play is cheap (the engine's own steps) and reaches most of a story in seconds; every path it finds is real
and comes with the seed that plays it. Coverage-guided: at each scene it takes the choice taken least so far (ties
at random), so rare branches come sooner. Play aimed at a goal is a best-first search over real states, steered by
searches over small views (``Guide``): it drops a state from which some view says the goal cannot be reached, and
goes on from the state nearest the goal by the farthest of their distances (ties at random). Views are over-approximations, so a successor
they rule out can never lead to the goal; several small views steer almost as well as their product at a
fraction of its size (the pattern databases of directed model checking).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from heapq import heappop, heappush
from random import Random
from typing import Any

from ...engine import Game, Story
from ...engine.chance import roll
from ...engine.game import apply_effects
from .goals import Goals
from .keys import StateKey
from .paths import observe
from .search import Compiled, Expander, SearchResult, Step

Record = Callable[[int, list[Step], int | None], object]
"""Called with (goal, path, seed that plays it or None) for every goal observed on the way."""

UNREACHABLE = 10**9


class _Seen:
    """Reports each goal observed by a path shorter than any known for it (``best``: goal -> length)."""

    __slots__ = ("best", "extra", "fresh", "path", "record", "seed")

    def __init__(self, best: dict[int, int], record: Record) -> None:
        self.best = best
        self.record = record
        self.path: list[Step] = []
        self.extra: Step | None = None
        self.seed = 0
        self.fresh = False

    def __call__(self, g: int) -> None:
        extra = self.extra
        n = len(self.path) + (extra is not None)
        if n < self.best.get(g, UNREACHABLE):
            self.best[g] = n
            self.fresh = True
            self.record(g, self.path + [extra] if extra is not None else list(self.path), self.seed)


def cover(
    story: Story, goals: Goals, exact: Expander, runs: int, first_seed: int, max_steps: int, record: Record,
    best: dict[int, int], idle: int,
) -> int:
    """Play up to ``runs`` coverage-guided playthroughs (run i with seed ``first_seed + i``), reporting every goal
    observed by a path shorter than the best known (``best``, updated); stop early after ``idle`` runs in a row
    that found nothing new. Returns the runs played."""
    taken: dict[str, int] = {}
    see = _Seen(best, record)
    quiet = 0
    played = 0
    for seed in range(first_seed, first_seed + runs):
        played += 1
        see.fresh = False
        see.seed = seed
        _run(story, goals, exact, seed, max_steps, taken, see)
        quiet = 0 if see.fresh else quiet + 1
        if quiet >= idle:
            break
    return played


def _run(
    story: Story, goals: Goals, exact: Expander, seed: int, max_steps: int, taken: dict[str, int], see: _Seen
) -> None:
    rand = Random(seed).random
    game = Game(story, seed)
    st = game.state
    path: list[Step] = []
    see.path = path
    while True:
        see.extra = None
        plan = goals.plans[st.scene]
        see(plan.goal)
        exact.entry_goals(st.scene, st.values, st.visited, st.chosen, see)
        if plan.scene.ending:
            return
        choices = exact.choices(st.scene, plan.simple, st.values, st.visited, st.chosen, see)
        available = [cc for cc, o in choices if o]
        for cc, o in choices:
            see(cc.plan.goal if o else cc.plan.blocked)
        if not available:
            see(plan.dead_end)
            return
        if len(path) >= max_steps:
            return
        least = min(taken.get(cc.plan.choice.key, 0) for cc in available)
        best = [cc for cc in available if taken.get(cc.plan.choice.key, 0) == least]
        cc = best[int(rand() * len(best))]
        key = cc.plan.choice.key
        taken[key] = taken.get(key, 0) + 1
        step = _engine_step(goals, exact, cc, st.scene, st.values, st.visited, st.chosen, seed, len(path), see)
        game.step(cc.plan.choice)
        path.append(step)


def _engine_step(
    goals: Goals, exact: Expander, cc: Compiled, scene: str, values: Any, visited: Any, chosen: Any, seed: int,
    n: int, see: _Seen,
) -> Step:
    """The step the engine takes with this seed, observing the conditions it reads after the choice's effects
    (its result text, and its routes up to the one taken, as the engine tries them)."""
    ch = cc.plan.choice
    after = exact.after(cc, values)
    c2 = chosen | {ch.key}
    routes = ch.routes
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


def aimed(
    story: Story, goals: Goals, exact: Expander, exact_key: StateKey, goal: int, guides: list[Guide], budget: int,
    seed: int,
) -> list[Step] | None:
    """Best-first search over real states toward ``goal``: a state the guides rule out is dropped, and the one
    the guides put nearest is taken next (ties at random). Returns the first path found, or None within
    ``budget`` states. Chance routes go whichever way the search picks (``find_seed`` then finds a seed)."""
    rand = Random(seed).random
    target = goals.goals[goal]
    start = Game(story, 0).state
    keys = [exact_key, *(g.key for g in guides)]
    masks0 = tuple(k.masks(start.visited, start.chosen) for k in keys)
    # A state: (scene, values, visited, chosen, masks per key); nodes hold it with its parent and step.
    states: list[tuple[str, list[Any], frozenset[str], frozenset[str], tuple[tuple[int, int], ...]]] = [
        (start.scene, start.values, frozenset(start.visited), frozenset(start.chosen), masks0)
    ]
    parent: list[int] = [-1]
    via: list[Step | None] = [None]
    seen_keys = {exact_key.key_of(start.scene, start.values, *masks0[0])}
    heap: list[tuple[int, float, int]] = [(0, 0.0, 0)]
    hit = [False]

    def see(g: int) -> None:
        if g == goal:
            hit[0] = True

    def path(node: int, extra: Step | None = None) -> list[Step]:
        steps: list[Step] = [] if extra is None else [extra]
        while node > 0:
            step = via[node]
            assert step is not None
            steps.append(step)
            node = parent[node]
        steps.reverse()
        return steps

    while heap and len(states) < budget:
        _, _, node = heappop(heap)
        scene, values, visited, chosen, masks = states[node]
        observe(goals, exact, scene, values, visited, chosen, see)
        if hit[0]:
            return path(node)
        plan = goals.plans[scene]
        if plan.scene.ending:
            continue
        for cc, o in exact.choices(scene, plan.simple, values, visited, chosen, see):
            if not o:
                continue
            ch = cc.plan.choice
            after = exact.after(cc, values)
            c2 = chosen | {ch.key}
            outs, read = exact.routes(cc, after, visited, c2)
            if target.after:
                for site, hold in exact.results(cc, after, visited, c2):
                    if goals.condition_goal(site, bool(hold)) == goal:
                        return path(node, Step(scene, ch.id, outs[0], ch.routes[outs[0]].target))
                for site, k, hold in read:
                    if goals.condition_goal(site, bool(hold)) == goal:
                        taken = k if (hold and k in outs) else next((j for j in outs if j > k), outs[-1])
                        return path(node, Step(scene, ch.id, taken, ch.routes[taken].target))
            for k in outs:
                nxt = ch.routes[k].target
                enter = story.scenes[nxt].on_enter
                nv = list(after)
                if enter:
                    apply_effects(story, enter, nv)
                nmasks = tuple(
                    (vis | key.vis_bit.get(nxt, 0), cho | key.cho_bit.get(ch.key, 0))
                    for key, (vis, cho) in zip(keys, masks)
                )
                kk = exact_key.key_of(nxt, nv, *nmasks[0])
                if kk in seen_keys:
                    continue
                seen_keys.add(kk)
                d = max((g.to_goal(nxt, nv, *m) for g, m in zip(guides, nmasks[1:])), default=0)
                if d >= UNREACHABLE:
                    continue
                states.append((nxt, nv, visited | {nxt}, c2, nmasks))
                parent.append(node)
                via.append(Step(scene, ch.id, k, nxt))
                heappush(heap, (d, rand(), len(states) - 1))
    return None
