"""Breadth-first search over the states a view can tell apart, observing every goal on the way.

With the exact view (everything tracked) the states are real, so every goal observed is reachable, by the path the
search took, and a complete search proves the rest unreachable. With a smaller view a condition that reads
something untracked may go either way, and the search follows both: it over-approximates play, so a complete
search still proves that what it never observed never happens, while what it observed is only possible until a
path to it replays for real (``paths.check_path``).

States are merged by their key (``keys.StateKey``), and a state waits as (node, scene, values, fact masks); the
values of untracked slots are None. Breadth first, one layer (all states at the same number of choices from the
start) at a time, so the first sighting of a goal is at its least depth. When the budget of states runs out the
search goes on expanding what it kept but keeps nothing new: every state nearer than the first one dropped was
kept, so goals first seen there still have their least depth, and goals not seen are at least that far.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ...engine import Effect, Game, State, Story
from ...engine.game import apply_effects
from .goals import ChoicePlan, Goals, route_chance
from .keys import Shapes, StateKey
from .logic import Test, View, and3, compile_test, not3, or3


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a path: in ``scene``, take ``choice`` and arrive in ``target`` (via route ``route``)."""

    scene: str
    choice: str
    route: int
    target: str

    def __str__(self) -> str:
        return f"{self.scene}.{self.choice}"


@dataclass(slots=True)
class SearchResult:
    """What one search found. ``seen[goal]`` is the node where the goal was first observed and, for a goal read
    after a choice, the step that reads it; ``depth`` of a node is its number of choices from the start."""

    view: View
    complete: bool = True
    states: int = 0
    drop_depth: int = -1  # the depth of the first state left out (-1: none)
    seen: dict[int, tuple[int, Step | None]] = field(default_factory=dict)
    parent: list[int] = field(default_factory=list)
    via: list[Step | None] = field(default_factory=list)
    depth: list[int] = field(default_factory=list)
    succ: list[tuple[int, ...]] = field(default_factory=list)  # kept only when asked (traps, guidance)
    endings: list[int] = field(default_factory=list)  # nodes in an ending scene
    index: dict[tuple[Any, ...], int] = field(default_factory=dict)  # key -> node, kept only when asked
    hits: dict[int, list[int]] = field(default_factory=dict)  # watched goal -> every node where it is observed

    def path(self, node: int) -> list[Step]:
        return trace(self.parent, self.via, node)

    def witness(self, goal: int) -> list[Step] | None:
        """The search's path to a goal it observed (None if it did not)."""
        hit = self.seen.get(goal)
        if hit is None:
            return None
        node, step = hit
        return self.path(node) + ([step] if step is not None else [])

    def length(self, goal: int) -> int:
        node, step = self.seen[goal]
        return self.depth[node] + (step is not None)

    def lower_bound(self, goal: int, after: bool) -> int:
        """No playthrough reaches the goal in fewer choices than this (the search is an over-approximation)."""
        if goal in self.seen:
            found = self.length(goal)
            return found if self.drop_depth < 0 else min(found, self.drop_depth + after)
        return 10**9 if self.drop_depth < 0 else self.drop_depth + after


def trace(parent: list[int], via: list[Step | None], node: int) -> list[Step]:
    """The steps from the start (node 0) to ``node`` of a search tree kept as each node's parent and the step that
    reached it."""
    steps: list[Step] = []
    while node > 0:
        step = via[node]
        assert step is not None
        steps.append(step)
        node = parent[node]
    steps.reverse()
    return steps


def reading_route(k: int, holds: bool, outs: list[int]) -> int:
    """The route taken by a path that reads route ``k``'s condition as ``holds`` (``outs``: the routes the choice
    can take): route ``k`` itself if it applies, else the next one that can."""
    return k if (holds and k in outs) else next((j for j in outs if j > k), outs[-1])


class Context:
    """What every search of one story shares: its goals, the shapes of its conditions, and compiled tests."""

    def __init__(self, story: Story, goals: Goals, shapes: Shapes) -> None:
        self.story = story
        self.goals = goals
        self.shapes = shapes
        self.keys: dict[View, StateKey] = {}
        self.results: dict[View, SearchResult] = {}  # kept by the solver (``Solver.searched``)

    def key(self, view: View) -> StateKey:
        found = self.keys.get(view)
        if found is None:
            found = self.keys[view] = StateKey(self.shapes, view)
            if len(self.keys) > 64:  # views are searched in rounds; keep the cache small
                self.keys.pop(next(iter(self.keys)))
        return found


@dataclass(slots=True)
class Compiled:
    """A choice's conditions compiled for one view."""

    plan: ChoicePlan
    visible: Test | None
    enabled: Test | None
    labels: list[tuple[Test, int]]
    results: list[tuple[Test, int]]
    routes: list[Test | None]
    effects: tuple[Effect, ...]
    reads_itself: bool  # its route or result conditions ask chose() about this very choice


class Expander:
    """Everything that happens in one state, in the engine's order, within a view: which goals are observed and
    which choices and routes can follow. Shared by the searches and by random play."""

    def __init__(self, ctx: Context, view: View) -> None:
        self.ctx = ctx
        self.view = view
        story = ctx.story
        slot_of = ctx.goals.slot_of
        tracked = view.slots

        def test(cond: Any) -> Test | None:
            return None if cond is None else compile_test(cond, view, slot_of)

        def kept(effects: tuple[Effect, ...]) -> tuple[Effect, ...]:
            return effects if tracked is None else tuple(e for e in effects if e.slot in tracked)

        self.story = story
        self.on_enter = {sid: kept(s.on_enter) for sid, s in story.scenes.items()}
        goals = ctx.goals
        cg = goals.condition_goal
        self.entry: dict[str, list[tuple[Test, int, int]]] = {}
        self.compiled: dict[str, list[Compiled]] = {}
        for sid, plan in goals.plans.items():
            self.entry[sid] = [(compile_test(c, view, slot_of), cg(i, True), cg(i, False)) for c, i in plan.entry]
            out = []
            for cp in plan.choices:
                ch = cp.choice
                after = [r.when for r in ch.routes if r.when is not None] + [c for c, _ in cp.results]
                itself = any(ch.key in ctx.shapes.reads[id(c.node)][1] for c in after)
                out.append(Compiled(
                    cp, test(ch.visible_if), test(ch.enabled_if),
                    [(compile_test(c, view, slot_of), i) for c, i in cp.labels],
                    [(compile_test(c, view, slot_of), i) for c, i in cp.results],
                    [test(r.when) for r in ch.routes], kept(ch.effects), itself,
                ))
            self.compiled[sid] = out
        self.by_choice = {cc.plan.choice.key: cc for out in self.compiled.values() for cc in out}

    def entry_goals(self, scene_id: str, v: Any, s: Any, c: Any, see: Callable[[int], None]) -> None:
        """Observe the conditions read as the scene is entered (passages, text)."""
        for t, gt, gf in self.entry[scene_id]:
            r = t(v, s, c)
            if r is None or r:
                see(gt)
            if r is None or not r:
                see(gf)

    def choices(self, scene_id: str, simple: bool, v: Any, s: Any, c: Any, see: Callable[[int], None]) -> list[tuple[Compiled, bool | None]]:
        """Every choice with whether it can be taken (True, False, or None: maybe), observing the conditions read
        on the way (a choice's ``requires`` is read when the choice is shown)."""
        cg = self.ctx.goals.condition_goal
        knows = self.view.knows_fact
        opened: list[tuple[Compiled, bool | None, bool | None]] = []  # (choice, shown, open)
        for cc in self.compiled[scene_id]:
            cp = cc.plan
            shown: bool | None = True
            if cc.visible is not None:
                shown = _tri(cc.visible(v, s, c))
                _see(see, cg, cp.visible_site, shown)
            if cp.once:
                key = cp.choice.key
                shown = and3(shown, not3((key in c) if knows(key) else None))
            for t, site in cc.labels:
                _see(see, cg, site, _tri(t(v, s, c)))
            is_open = shown
            if cc.enabled is not None and shown is not False and not cp.choice.fallback:
                enabled = _tri(cc.enabled(v, s, c))
                _see(see, cg, cp.enabled_site, enabled)
                is_open = and3(shown, enabled)
            opened.append((cc, shown, is_open))
        if simple:
            return [(cc, o) for cc, _, o in opened]
        any_open: bool | None = False
        for cc, _, o in opened:
            if not cc.plan.choice.fallback:
                any_open = or3(any_open, o)
        out: list[tuple[Compiled, bool | None]] = []
        for cc, shown, o in opened:
            if cc.plan.choice.fallback:
                # A fallback is shown only when no other choice can be taken.
                o = shown = and3(shown, not3(any_open))
                if cc.enabled is not None and shown is not False:
                    enabled = _tri(cc.enabled(v, s, c))
                    _see(see, cg, cc.plan.enabled_site, enabled)
                    o = and3(shown, enabled)
            out.append((cc, o))
        return out

    def after(self, cc: Compiled, v: Any) -> Any:
        """The values after the choice's effects (``v`` itself when it has none on what the view tracks)."""
        if not cc.effects:
            return v
        out = list(v)
        apply_effects(self.story, cc.effects, out)
        return out

    def routes(self, cc: Compiled, after: Any, s: Any, c: Any) -> tuple[list[int], list[tuple[int, int, bool | None]]]:
        """The routes the choice can take from the values after its effects, and the route conditions read on the
        way as (site, route, result). ``c`` must already hold the choice (it is taken before routes are tried)."""
        routes = cc.plan.choice.routes
        n = len(routes)
        if n == 1:
            return [0], []
        out: list[int] = []
        read: list[tuple[int, int, bool | None]] = []
        still: bool | None = True  # no earlier route has surely applied
        for k, r in enumerate(routes):
            hold: bool | None = True
            t = cc.routes[k]
            if t is not None:
                hold = _tri(t(after, s, c))
                site = cc.plan.route_sites[k]
                if site >= 0:
                    read.append((site, k, hold))
            if k == n - 1:
                out.append(k)  # reached: the engine's fallback when no route applies
                break
            hold = and3(hold, route_chance(r))
            if hold is not False:
                out.append(k)
            still = and3(still, not3(hold))
            if still is False:
                break
        return out, read

    def results(self, cc: Compiled, after: Any, s: Any, c: Any) -> list[tuple[int, bool | None]]:
        """The conditions of the choice's result text, read after its effects, as (site, result)."""
        return [(site, _tri(t(after, s, c))) for t, site in cc.results]


def _tri(x: Any) -> bool | None:
    return None if x is None else bool(x)


def _see(see: Callable[[int], None], cg: Callable[[int, bool], int], site: int, result: bool | None) -> None:
    if site < 0:
        return
    if result is not False:
        see(cg(site, True))
    if result is not True:
        see(cg(site, False))


def search(
    ctx: Context,
    view: View,
    max_states: int,
    keep_edges: bool = False,
    progress: Callable[[int], None] | None = None,
    watch: frozenset[int] = frozenset(),
    start: State | None = None,
) -> SearchResult:
    """Search the states ``view`` tells apart, breadth first, keeping at most ``max_states``; see the module
    docstring. ``keep_edges`` keeps every state's successors and the index of keys (for the trap analysis and
    for guiding play); ``watch``: goals whose every observation is listed in ``hits``; ``start``: search from
    this state instead of the story's start (then depths and paths count from it)."""
    # Hundreds of thousands of long-lived tuples make the cyclic garbage collector rescan them over and over (it
    # doubled the run time); nothing here forms reference cycles, so it is paused for the search.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _search(ctx, view, max_states, keep_edges, progress, watch, start)
    finally:
        if was_enabled:
            gc.enable()


def _search(
    ctx: Context, view: View, max_states: int, keep_edges: bool, progress: Callable[[int], None] | None,
    watch: frozenset[int], start: State | None,
) -> SearchResult:
    story = ctx.story
    goals = ctx.goals
    plans = goals.plans
    key = ctx.key(view)
    expander = Expander(ctx, view)
    res = SearchResult(view)
    seen = res.seen
    parent, via, depth = res.parent, res.via, res.depth
    key_of, facts = key.key_of, key.facts
    vis_bit, cho_bit = key.vis_bit, key.cho_bit
    on_enter = expander.on_enter
    tracked = view.slots
    steps: dict[tuple[str, int], Step] = {}

    if start is None:
        start = Game(story, 0).state
    values0: list[Any] = list(start.values)
    if tracked is not None:
        values0 = [x if i in tracked else None for i, x in enumerate(values0)]
    vis0, cho0 = key.masks(start.visited, start.chosen)
    index: dict[tuple[Any, ...], int] = {key_of(start.scene, values0, vis0, cho0): 0}
    parent.append(-1)
    via.append(None)
    depth.append(0)
    succ = res.succ
    Waiting = tuple[int, str, tuple[Any, ...], int, int]
    layer: list[Waiting] = [(0, start.scene, tuple(values0), vis0, cho0)]
    queue: list[Waiting] = []
    at = 0
    node = 0

    hits = res.hits
    for g in watch:
        hits[g] = []

    def see(goal: int) -> None:
        if goal not in seen:
            seen[goal] = (node, None)
        if goal in hits:
            h = hits[goal]
            if not h or h[-1] != node:
                h.append(node)

    while True:
        if at == len(layer):
            if not queue:
                break
            layer, queue, at = queue, [], 0
        node, scene_id, frozen, vis, cho = layer[at]
        layer[at] = None  # type: ignore[call-overload]  # let the state go once expanded
        at += 1
        plan = plans[scene_id]
        values = frozen
        s, c = facts(vis, cho)
        see(plan.goal)
        expander.entry_goals(scene_id, values, s, c, see)
        if keep_edges:
            while len(succ) <= node:
                succ.append(())
        if plan.scene.ending:
            res.endings.append(node)
            continue
        choices = expander.choices(scene_id, plan.simple, values, s, c, see)
        if plan.dead_end >= 0 and not any(o for _, o in choices):
            see(plan.dead_end)  # no choice can surely be taken: maybe none can
        out: list[int] = []
        for cc, surely in choices:
            cp = cc.plan
            if surely is not True:
                see(cp.blocked)
            if surely is False:
                continue
            see(cp.goal)
            ch = cp.choice
            after = expander.after(cc, values)
            c2 = c | {ch.key} if cc.reads_itself else c
            outs, read = expander.routes(cc, after, s, c2)
            if cc.results or read:
                for site, hold in expander.results(cc, after, s, c2):
                    _see_after(seen, goals, node, site, hold, _step(steps, scene_id, cp, outs[0]), hits)
                for site, k, hold in read:
                    for o in (True, False) if hold is None else (hold,):
                        _see_after(seen, goals, node, site, o, _step(steps, scene_id, cp, reading_route(k, o, outs)), hits)
            ncho = cho | cho_bit.get(ch.key, 0)
            for k in outs:
                target = ch.routes[k].target
                enter = on_enter[target]
                if enter:
                    nv = list(after)
                    apply_effects(story, enter, nv)
                else:
                    nv = after
                nvis = vis | vis_bit.get(target, 0)
                kk = key_of(target, nv, nvis, ncho)
                child = index.get(kk)
                if child is None:
                    if len(parent) >= max_states:
                        if res.complete:
                            res.complete = False
                            res.drop_depth = depth[node] + 1
                        continue
                    child = len(parent)
                    index[kk] = child
                    parent.append(node)
                    depth.append(depth[node] + 1)
                    via.append(_step(steps, scene_id, cp, k))
                    queue.append((child, target, tuple(nv), nvis, ncho))
                out.append(child)
        if keep_edges:
            succ[node] = tuple(out)
        if progress is not None and node % 4096 == 0:
            progress(len(parent))
    res.states = len(parent)
    if keep_edges:
        res.index = index
    return res


def _step(steps: dict[tuple[str, int], Step], scene_id: str, cp: ChoicePlan, k: int) -> Step:
    found = steps.get((cp.choice.key, k))
    if found is None:
        found = steps[(cp.choice.key, k)] = Step(scene_id, cp.choice.id, k, cp.choice.routes[k].target)
    return found


def _see_after(
    seen: dict[int, tuple[int, Step | None]], goals: Goals, node: int, site: int, result: bool | None, step: Step,
    hits: dict[int, list[int]],
) -> None:
    """Observe a condition read after a choice's effects: its path ends with that choice."""
    for o in (True, False) if result is None else (result,):
        g = goals.condition_goal(site, o)
        if g not in seen:
            seen[g] = (node, step)
        if g in hits:
            h = hits[g]
            if not h or h[-1] != node:
                h.append(node)
