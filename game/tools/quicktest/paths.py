"""Paths that can be played: checking a path for real, and finding a seed that plays it.

A search over a view may take a choice or a route that only looks possible because the view does not know what
decides it. ``check_path`` replays a path with the real state, as the engine plays, and says whether it holds; if
not, it names the conditions that stopped it (what the view must learn). Chance routes can go either way (any
chance from 1 to 99 percent), so a path is played "for some seed"; ``find_seed`` then finds one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from ...engine import Choice, Condition, Game, State, Story
from ...engine.game import apply_effects, available_choices
from ...limits import SEED_MAX
from .goals import Goals
from .search import Expander, SearchResult, Step, reading_route


@dataclass(slots=True)
class Replay:
    """The outcome of checking a path: ``ok``, else the conditions that stopped it at step ``failed`` (0-based);
    ``reached`` holds every goal observed along the way, with the number of steps taken when first seen."""

    ok: bool
    failed: int = -1
    culprits: list[Condition] = field(default_factory=list)
    facts: set[str] = field(default_factory=set)  # facts that stopped it too (a once-only choice already taken)
    reached: dict[int, int] = field(default_factory=dict)


def check_path(story: Story, goals: Goals, exact: Expander, steps: Sequence[Step]) -> Replay:
    """Play ``steps`` with the real state (chance routes going whichever way the path says); see the module
    docstring. Every goal observed on the way is recorded (a path to one goal reaches many)."""
    game = Game(story, 0)
    st = game.state
    out = Replay(True)
    reached = out.reached

    def entry(n: int) -> None:
        observe(goals, exact, st.scene, st.values, st.visited, st.chosen, lambda g: reached.setdefault(g, n))

    entry(0)
    for n, step in enumerate(steps):
        scene = story.scenes[st.scene]
        choice = scene.choice(step.choice) if st.scene == step.scene else None
        if choice is None:
            out.ok, out.failed = False, n
            return out
        if choice not in available_choices(scene, st.values, st.visited, st.chosen):
            out.ok, out.failed = False, n
            guards = scene.choices if not scene.simple else (choice,)
            out.culprits = [c for ch in guards for c in (ch.visible_if, ch.enabled_if) if c is not None]
            out.facts = {ch.key for ch in guards if ch.once}
            return out
        after = list(st.values)
        apply_effects(story, choice.effects, after)
        chosen = st.chosen | {choice.key}
        cc = next(x for x in exact.compiled[st.scene] if x.plan.choice is choice)
        routes, read = exact.routes(cc, after, st.visited, chosen)
        if step.route not in routes:
            out.ok, out.failed = False, n
            out.culprits = [r.when for r in choice.routes[: step.route + 1] if r.when is not None]
            return out
        for site, hold in exact.results(cc, after, st.visited, chosen):
            reached.setdefault(goals.condition_goal(site, bool(hold)), n + 1)
        for site, k, hold in read:
            if k <= step.route:  # the engine reads the routes up to the one it takes
                reached.setdefault(goals.condition_goal(site, bool(hold)), n + 1)
        force(game, choice, step.route)
        entry(n + 1)
    return out


def force(game: Game, choice: Choice, k: int) -> None:
    """Take ``choice`` and arrive by route ``k``, whatever the dice say (the caller checked that it can)."""
    st = game.state
    apply_effects(game.story, choice.effects, st.values)
    st.chosen.add(choice.key)
    st.log.append((st.scene, choice.id))
    target = game.story.scenes[choice.routes[k].target]
    st.scene = target.id
    if target.on_enter:
        apply_effects(game.story, target.on_enter, st.values)
    st.visited.add(target.id)


def observe(goals: Goals, exact: Expander, scene: str, values: Any, visited: Any, chosen: Any, see: Callable[[int], Any]) -> None:
    """Observe every goal of a real state as it is entered: the scene, the conditions read, which choices can be
    taken (or not), and whether it is a dead end."""
    plan = goals.plans[scene]
    see(plan.goal)
    exact.entry_goals(scene, values, visited, chosen, see)
    if plan.scene.ending:
        return
    choices = exact.choices(scene, plan.simple, values, visited, chosen, see)
    if not any(o for _, o in choices):
        see(plan.dead_end)
    for cc, o in choices:
        see(cc.plan.goal if o else cc.plan.blocked)


def concretize(story: Story, goals: Goals, exact: Expander, res: SearchResult, see: Callable[[int, list[Step]], None], limit: int) -> int:
    """Play a search's tree for real: every state the search kept (up to ``limit``) whose path from the start
    holds in play is rebuilt, and every goal it observes there is reported with that path (the first time only,
    so in breadth-first order: shortest first). Returns the states rebuilt."""
    states: dict[int, tuple[str, list[Any], set[str], set[str]]] = {}
    start = Game(story, 0).state
    states[0] = (start.scene, start.values, start.visited, start.chosen)
    reported: set[int] = set()
    rebuilt = 0
    for node in range(min(res.states, limit)):
        if node:
            step = res.via[node]
            found = states.get(res.parent[node])
            if found is None or step is None:
                continue
            child = _advance(story, exact, found, step)
            if child is None:
                continue
            states[node] = child
        scene, values, visited, chosen = states[node]
        rebuilt += 1
        report = _Reporter(res, node, reported, see)

        observe(goals, exact, scene, values, visited, chosen, report)
        if goals.plans[scene].scene.ending:
            continue
        for move in moves(goals, exact, scene, values, visited, chosen, _ignore):
            for g, step in move.reads:
                report(g, step)
    return rebuilt


def _ignore(g: int) -> None:
    pass


@dataclass(slots=True)
class Move:
    """A choice that can be taken in a real state: the values after its effects (the state's own list when it has
    none), the choices taken once it is, the routes it can take, and the conditions read after its effects (its
    result text, its routes), each as (goal, the step that reads it)."""

    choice: Choice
    after: list[Any]
    chosen: Any
    routes: list[int]
    reads: list[tuple[int, Step]]


def moves(
    goals: Goals, exact: Expander, scene: str, values: Any, visited: Any, chosen: Any, see: Callable[[int], Any],
    reads: bool = True,
) -> Iterator[Move]:
    """Every choice that can be taken in a real state (not an ending), observing the conditions read as the
    choices are shown; ``reads``: work out what each reads after its effects (else ``Move.reads`` is empty)."""
    plan = goals.plans[scene]
    for cc, can in exact.choices(scene, plan.simple, values, visited, chosen, see):
        if not can:
            continue
        ch = cc.plan.choice
        after = exact.after(cc, values)
        c2 = chosen | {ch.key}
        outs, read = exact.routes(cc, after, visited, c2)
        found: list[tuple[int, Step]] = []
        if reads:
            first = outs[0]
            for site, hold in exact.results(cc, after, visited, c2):
                found.append((goals.condition_goal(site, bool(hold)), Step(scene, ch.id, first, ch.routes[first].target)))
            for site, k, hold in read:
                taken = reading_route(k, bool(hold), outs)
                found.append((goals.condition_goal(site, bool(hold)), Step(scene, ch.id, taken, ch.routes[taken].target)))
        yield Move(ch, after, c2, outs, found)


class _Reporter:
    """Reports goals first observed at one node of a search's tree, with the node's path (made once)."""

    def __init__(self, res: SearchResult, node: int, reported: set[int], see: Callable[[int, list[Step]], None]) -> None:
        self.res, self.node, self.reported, self.see = res, node, reported, see
        self.path: list[Step] | None = None

    def __call__(self, g: int, extra: Step | None = None) -> None:
        if g in self.reported:
            return
        self.reported.add(g)
        if self.path is None:
            self.path = self.res.path(self.node)
        self.see(g, self.path + [extra] if extra is not None else self.path)


def _advance(
    story: Story, exact: Expander, state: tuple[str, list[Any], set[str], set[str]], step: Step
) -> tuple[str, list[Any], set[str], set[str]] | None:
    """The real state after ``step``, or None if play cannot take it."""
    scene_id, values, visited, chosen = state
    scene = story.scenes[scene_id]
    choice = scene.choice(step.choice)
    if choice is None or choice not in available_choices(scene, values, visited, chosen):
        return None
    cc = next(x for x in exact.compiled[scene_id] if x.plan.choice is choice)
    after = list(values)
    apply_effects(story, choice.effects, after)
    c2 = chosen | {choice.key}
    outs, _ = exact.routes(cc, after, visited, c2)
    if step.route not in outs:
        return None
    target = story.scenes[choice.routes[step.route].target]
    if target.on_enter:
        apply_effects(story, target.on_enter, after)
    return target.id, after, visited | {target.id}, c2


def find_seed(story: Story, path: Sequence[Step], first: int = 1, tries: int = 100_000) -> int | None:
    """A seed under which replaying ``path``'s choices follows the same routes, or None within ``tries`` seeds."""
    taken = []
    for s in path:
        choice = story.scenes[s.scene].choice(s.choice)
        if choice is None:  # a path is made of choices of this story
            raise KeyError(f"{s.scene}.{s.choice}")
        taken.append(choice)
    if not any(len(choice.routes) > 1 for choice in taken):
        return first  # no branching route on the path: every seed follows it
    for seed in range(first, min(first + tries, SEED_MAX + 1)):  # a seed written must be one replay reads back
        game = Game(story, seed)
        st = game.state
        for s, choice in zip(path, taken):
            game.step(choice)
            if st.scene != s.target:
                break
        else:
            return seed
    return None


def state_after(story: Story, path: Sequence[Step]) -> State:
    """The state a real path leads to, each route as the path says."""
    game = Game(story, 0)
    for s in path:
        choice = story.scenes[s.scene].choice(s.choice)
        assert choice is not None
        force(game, choice, s.route)
    return game.state


def replays(story: Story, path: Sequence[Step], seed: int) -> State | None:
    """The state a path leads to when its choices are replayed with ``seed`` (None if it goes another way)."""
    game = Game(story, seed)
    for s in path:
        choice = story.scenes[game.state.scene].choice(s.choice)
        if game.state.scene != s.scene or choice is None:
            return None
        if choice not in game.available():
            return None
        game.step(choice)
        if game.state.scene != s.target:
            return None
    return game.state
