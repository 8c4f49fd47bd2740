"""Quicktest: explore every state a player can reach, breadth first, and report what can never happen.

Unlike ChoiceScript's quicktest, which follows every branch whatever the state, this follows the real state, so
every path it reports can be played. Two states are the same when nothing ahead can tell them apart (``StateKey``):

* the scene;
* the values that some condition ahead (in the scene or in any scene reachable from it) reads; a number that
  conditions only compare with constants counts only by its class between the thresholds that matter ahead;
* which of the scenes named in ``visited()`` and choices named in ``chose()`` ahead have happened.

Effects on a value only read that value and are monotone in it, so merged states behave identically from then on:
the merging is exact, not an approximation (tests/tools checks it against a search over complete states). Chance
routes branch both ways (taken and not taken).

The search stops at ``--max-states`` and then says so: only a complete search proves that something never
happens. When it stops, a second, sampling pass keeps at most ``max_states / scenes`` states per scene, so that the
whole story is visited; everything it finds is real, but its paths are not proven shortest.

Reported: scenes and choices never reached, every reachable ending with the shortest path to it (written as a
playthrough with ``--write-paths``), dead ends (a scene that is no ending and offers no choice), states from which
no ending can be reached, and conditions decided the same way in every reachable state.

A path through chance routes happens only for some seeds, so for each path written, seeds are tried in order from
``--seed`` until replaying the path's choices with that seed follows the same routes (``--seed-tries`` at most).
"""

from __future__ import annotations

import gc
import time
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import compress
from operator import itemgetter
from random import Random
from typing import Any, cast

from ..engine import Choice, Condition, Effect, Game, Pos, Route, Scene, State, Story
from ..engine.conditions import Binary, Name, Node, Num, Unary, names_in
from ..engine.game import apply_effects
from ..engine.records import replace
from ..limits import SEED_MAX
from .analysis import INF, Interval, calls_in, condition_sites, strongly_connected


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
class Exploration:
    """What the breadth-first search found."""

    states: int = 0
    complete: bool = True
    elapsed: float = 0.0
    scenes_reached: set[str] = field(default_factory=set)
    choices_taken: set[str] = field(default_factory=set)
    endings: dict[str, list[Step]] = field(default_factory=dict)  # ending id -> shortest path found
    shortest: dict[str, bool] = field(default_factory=dict)  # ending id -> proven to be a shortest path
    per_scene: int | None = None  # the per-scene cap of a sampling pass
    ending_scene: dict[str, str] = field(default_factory=dict)  # ending id -> the scene reached first
    dead_ends: dict[str, list[Step]] = field(default_factory=dict)  # scene id -> shortest path into it
    traps: int = 0  # states from which no ending can be reached (complete explorations only)
    trap_path: list[Step] = field(default_factory=list)
    verdicts: dict[tuple[str, int, int, str], tuple[Condition, str, set[bool]]] = field(default_factory=dict)


# ----------------------------------------------------------------------------------- the state key

MAX_CUTS = 512  # beyond this many cut points a value is tracked exactly instead
_FLIP = {"<": ">", ">": "<", "<=": ">=", ">=": "<=", "==": "==", "!=": "!="}


def _constant(node: Node) -> int | None:
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Unary) and node.op == "-" and isinstance(node.operand, Num):
        return -node.operand.value
    return None


def _comparisons(node: Node, out: list[tuple[str, str, int]], other: set[str]) -> None:
    """Collect ``name op constant`` comparisons (normalised to the name on the left) into ``out``, and every name
    used in any other way into ``other``."""
    if isinstance(node, Name):
        other.add(node.name)
    elif isinstance(node, Unary):
        _comparisons(node.operand, out, other)
    elif isinstance(node, Binary):
        if node.op in _FLIP:
            if isinstance(node.left, Name) and (c := _constant(node.right)) is not None:
                out.append((node.left.name, node.op, c))
                return
            if isinstance(node.right, Name) and (c := _constant(node.left)) is not None:
                out.append((node.right.name, _FLIP[node.op], c))
                return
        _comparisons(node.left, out, other)
        _comparisons(node.right, out, other)


def _cuts_of(op: str, c: int) -> tuple[int, ...]:
    """The values t at which ``v op c`` can change as v grows, as 'v >= t' thresholds."""
    return {">=": (c,), ">": (c + 1,), "<": (c,), "<=": (c + 1,)}.get(op, (c, c + 1))


class StateKey:
    """Builds the key that identifies a state up to what its future can depend on.

    A number (trust, or an int variable) that conditions only ever compare with constants needs only its *class*:
    effects are monotone in the value they change (a flat change clamped to a range, a ``fair`` share, ``add``),
    so each comparison ahead splits the current values at one point, found by pulling the comparison's threshold
    back through the effects on the way to it. Values between two such cut points behave identically from here on.
    Other numbers and booleans are kept exactly, but only while some condition ahead reads them.
    """

    def __init__(self, story: Story) -> None:
        from .analysis import analyse

        self.story = story
        ranges = analyse(story, trust_declared=False, with_flow=False).ranges
        self.bounds: dict[int, tuple[float, float]] = {}
        for slot, r in ranges.items():
            if isinstance(r, Interval):
                self.bounds[slot] = (r.lo, r.hi)
        self.slot_of = {**{f.id: f.slot for f in story.factions.values()}, **{v.id: v.slot for v in story.variables.values()}}
        ints = set(story.factions) | {v.id for v in story.variables.values() if v.type is int}
        comparisons: dict[int, list[tuple[str, str, int]]] = {}  # id(condition node) -> its comparisons
        other_use: set[str] = set()
        for scene in story.scenes.values():
            for site in condition_sites(scene):
                node = site.condition.node
                if id(node) not in comparisons:
                    found: list[tuple[str, str, int]] = []
                    _comparisons(node, found, other_use)
                    comparisons[id(node)] = found
        self.comparisons = comparisons
        self.classed_slots = {self.slot_of[n] for n in ints - other_use}
        self._pulled: dict[tuple[int, int], int | None] = {}
        while True:
            try:
                cuts = self._fixed_point()
                break
            except _TooManyCuts as exc:
                self.classed_slots.discard(exc.slot)  # track it exactly instead
        self.cuts = cuts
        self.live = _liveness(story, self.classed_slots, self.slot_of)
        # visited()/chose() facts as bits of an int: a step adds one scene and one choice, so masks are cheap to
        # carry from state to state, and a key holds two small ints instead of two sets.
        self.vis_names = tuple(sorted({n for _, v, _ in self.live.values() for n in v}))
        self.cho_names = tuple(sorted({n for _, _, c in self.live.values() for n in c}))
        self.vis_bit = {n: 1 << i for i, n in enumerate(self.vis_names)}
        self.cho_bit = {n: 1 << i for i, n in enumerate(self.cho_names)}
        is_bool = [isinstance(v, bool) for v in story.defaults]
        self._keys: dict[str, Callable[[list[Any] | tuple[Any, ...]], tuple[Any, ...]]] = {}
        self._masks: dict[str, tuple[int, int]] = {}
        for sid in story.scenes:
            exact, vis, cho = self.live[sid]
            classed = tuple(sorted((slot, tuple(sorted(c))) for slot, c in cuts[sid].items() if c))
            self._keys[sid] = _key_function(
                tuple(i for i in exact if not is_bool[i]), tuple(i for i in exact if is_bool[i]), classed
            )
            self._masks[sid] = (sum(self.vis_bit[n] for n in vis), sum(self.cho_bit[n] for n in cho))
        self._sets: dict[tuple[int, int], tuple[frozenset[str], frozenset[str]]] = {}

    def key_of(self, scene: str, values: list[Any] | tuple[Any, ...], vis: int, cho: int) -> tuple[Any, ...]:
        """The key of a state (its facts as masks): equal keys mean the same future."""
        vm, cm = self._masks[scene]
        return (scene, self._keys[scene](values), vis & vm, cho & cm)

    def key(self, st: State) -> tuple[Any, ...]:
        """The key of an engine State."""
        vis = sum(b for n, b in self.vis_bit.items() if n in st.visited)
        cho = sum(b for n, b in self.cho_bit.items() if n in st.chosen)
        return self.key_of(st.scene, st.values, vis, cho)

    def facts(self, vis: int, cho: int) -> tuple[frozenset[str], frozenset[str]]:
        """The visited scenes and chosen choices (those any condition reads) that two masks stand for."""
        hit = self._sets.get((vis, cho))
        if hit is None:
            hit = (
                frozenset(n for i, n in enumerate(self.vis_names) if vis >> i & 1),
                frozenset(n for i, n in enumerate(self.cho_names) if cho >> i & 1),
            )
            if len(self._sets) < 100_000:
                self._sets[(vis, cho)] = hit
        return hit

    # -- cut points ------------------------------------------------------------------------------------

    def _own(self, conditions: list[Condition]) -> dict[int, set[int]]:
        out: dict[int, set[int]] = {}
        for cond in conditions:
            for name, op, c in self.comparisons[id(cond.node)]:
                slot = self.slot_of[name]
                if slot in self.classed_slots:
                    out.setdefault(slot, set()).update(_cuts_of(op, c))
        return self._clip(out)

    def _clip(self, cuts: dict[int, set[int]]) -> dict[int, set[int]]:
        """Drop cut points outside the values a slot can ever hold: they separate nothing."""
        out = {}
        for slot, ts in cuts.items():
            lo, hi = self.bounds.get(slot, (-INF, INF))
            kept = {t for t in ts if lo < t <= hi}
            if len(kept) > MAX_CUTS:
                raise _TooManyCuts(slot)
            if kept:
                out[slot] = kept
        return out

    def _pull(self, effects: tuple[Effect, ...], cuts: dict[int, set[int]]) -> dict[int, set[int]]:
        """Cut points before ``effects`` that correspond to ``cuts`` after them."""
        out = {slot: set(ts) for slot, ts in cuts.items()}
        for e in reversed(effects):
            ts = out.get(e.slot)
            if not ts:
                continue
            if e.kind == "set":
                out[e.slot] = set()  # the value before a 'set' no longer matters
            elif e.kind == "add":
                out[e.slot] = {t - int(e.amount) for t in ts}
            else:
                out[e.slot] = {p for t in ts if (p := self._pull_faction(e, t)) is not None}
        return self._clip(out)

    def _pull_faction(self, e: Effect, t: int) -> int | None:
        """The least value v with effect(v) >= t, from the engine's own arithmetic (None: no value, or all)."""
        cache_key = (id(e), t)
        if cache_key in self._pulled:
            return self._pulled[cache_key]
        story = self.story
        lo, hi = story.lows[e.slot], story.highs[e.slot]
        values = list(story.defaults)
        found: int | None = None
        for v in range(int(lo), int(hi) + 1):
            values[e.slot] = v
            apply_effects(story, (e,), values)
            if values[e.slot] >= t:
                found = v
                break
        result = None if found is None or found <= lo else found
        self._pulled[cache_key] = result
        return result

    def _fixed_point(self) -> dict[str, dict[int, set[int]]]:
        story = self.story
        scenes = story.scenes
        own: dict[str, dict[int, set[int]]] = {}
        route_cuts: dict[str, dict[int, set[int]]] = {}
        for scene in scenes.values():
            own[scene.id] = self._own(
                [p.when for p in scene.text if p.when is not None]
                + [c for ch in scene.choices for c in (ch.visible_if, ch.enabled_if) if c is not None]
            )
            for ch in scene.choices:
                route_cuts[ch.key] = self._own([r.when for r in ch.routes if r.when is not None])
        cuts: dict[str, dict[int, set[int]]] = {sid: {k: set(v) for k, v in own[sid].items()} for sid in scenes}
        succ = {s.id: sorted({r.target for c in s.choices for r in c.routes}) for s in scenes.values()}
        order = [sid for comp in strongly_connected(sorted(scenes), succ) for sid in comp]
        changed = True
        while changed:
            changed = False
            for sid in order:
                scene = scenes[sid]
                acc = {k: set(v) for k, v in own[sid].items()}
                for ch in scene.choices:
                    after = {k: set(v) for k, v in route_cuts[ch.key].items()}
                    for target in {r.target for r in ch.routes}:
                        entry = self._pull(scenes[target].on_enter, cuts[target])
                        for slot, ts in entry.items():
                            after.setdefault(slot, set()).update(ts)
                    for slot, ts in self._pull(ch.effects, after).items():
                        acc.setdefault(slot, set()).update(ts)
                acc = self._clip(acc)
                if acc != cuts[sid]:
                    cuts[sid] = acc
                    changed = True
        return cuts


class _TooManyCuts(Exception):
    def __init__(self, slot: int) -> None:
        super().__init__(slot)
        self.slot = slot


def _key_function(
    ints: tuple[int, ...], bools: tuple[int, ...], classed: tuple[tuple[int, tuple[int, ...]], ...]
) -> Callable[[list[Any] | tuple[Any, ...]], tuple[Any, ...]]:
    """The part of a key made from values: exact numbers, exact booleans packed into one int, and classes."""
    get_ints = itemgetter(*ints) if len(ints) > 1 else ((lambda v: (v[ints[0]],)) if ints else (lambda v: ()))
    get_bools = itemgetter(*bools) if len(bools) > 1 else ((lambda v: (v[bools[0]],)) if bools else (lambda v: ()))
    weights = tuple(1 << k for k in range(len(bools)))

    def key(v: list[Any] | tuple[Any, ...]) -> tuple[Any, ...]:
        return (
            get_ints(v),
            sum(compress(weights, get_bools(v))),
            tuple([bisect_right(c, v[i]) for i, c in classed]),
        )

    return key


def _liveness(
    story: Story, classed: set[int], slot_of: dict[str, int]
) -> dict[str, tuple[tuple[int, ...], frozenset[str], frozenset[str]]]:
    """Per scene: the exactly-tracked slots, visited() scenes and chose() keys read by conditions in it or ahead."""
    succ = {s.id: sorted({r.target for c in s.choices for r in c.routes}) for s in story.scenes.values()}
    own: dict[str, tuple[set[str], set[str], set[str]]] = {}
    for scene in story.scenes.values():
        names: set[str] = set()
        vis: set[str] = set()
        cho: set[str] = set()
        for site in condition_sites(scene):
            names |= names_in(site.condition.node)
            for func, arg in calls_in(site.condition.node):
                (vis if func == "visited" else cho).add(arg)
        own[scene.id] = (names, vis, cho)
    live: dict[str, tuple[set[str], set[str], set[str]]] = {}
    # Tarjan emits components sinks first, so everything ahead of a component is known when it is reached.
    for comp in strongly_connected(sorted(story.scenes), succ):
        names, vis, cho = set(), set(), set()
        members = set(comp)
        for sid in comp:
            n, v, c = own[sid]
            names |= n
            vis |= v
            cho |= c
            for t in succ[sid]:
                if t not in members:
                    n2, v2, c2 = live[t]
                    names |= n2
                    vis |= v2
                    cho |= c2
        for sid in comp:
            live[sid] = (names, vis, cho)
    return {
        sid: (tuple(sorted(slot_of[n] for n in names if slot_of[n] not in classed)), frozenset(vis), frozenset(cho))
        for sid, (names, vis, cho) in live.items()
    }


# -------------------------------------------------------------------------------------- exploring


def _site_key(c: Condition, role: str) -> tuple[str, int, int, str]:
    return (c.pos.file, c.pos.line, c.pos.column, role)


def explore(
    story: Story,
    max_states: int = 250_000,
    progress: Callable[[int], None] | None = None,
    per_scene: int | None = None,
    state_key: StateKey | None = None,
) -> Exploration:
    """Breadth-first search over (scene, state that matters); see the module docstring.

    With ``per_scene``, at most that many states are kept per scene (the rest are dropped), which spreads a budget
    over the whole story instead of spending it on the first chapters: used for the second, sampling pass."""
    # Hundreds of thousands of long-lived tuples and sets make the cyclic garbage collector rescan them over and
    # over (it doubled the run time); nothing here forms reference cycles, so it is paused for the search.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _explore(story, max_states, progress, per_scene, state_key or StateKey(story))
    finally:
        if was_enabled:
            gc.enable()


def _explore(
    story: Story, max_states: int, progress: Callable[[int], None] | None, per_scene: int | None, state_key: StateKey
) -> Exploration:
    started = time.perf_counter()
    res = Exploration(per_scene=per_scene)
    scenes = story.scenes
    per_scene_count: dict[str, int] = {}
    cap = per_scene if per_scene is not None else max_states + 1
    depth: list[int] = [0]
    drop_depth = -1  # the depth of the first state left out; paths no longer than it are still shortest
    # One single-route copy of each choice per route: stepping it makes the engine take exactly that route.
    forced: dict[str, tuple[Choice, ...]] = {
        c.key: tuple(replace(c, routes=(Route(r.target, None, None, r.pos),)) for r in c.routes)
        for s in scenes.values()
        for c in s.choices
    }
    verdicts = res.verdicts

    def seen(c: Condition, role: str, outcome: bool) -> None:
        k = _site_key(c, role)
        entry = verdicts.get(k)
        if entry is None:
            verdicts[k] = (c, role, {outcome})
        else:
            entry[2].add(outcome)

    key_of, facts = state_key.key_of, state_key.facts
    vis_bit, cho_bit = state_key.vis_bit, state_key.cho_bit
    # One Step per edge of the story, shared by every state that takes it.
    steps: dict[tuple[str, int], Step] = {}
    first = Game(story, 0).state
    start_vis = sum(b for n, b in vis_bit.items() if n in first.visited)
    start_cho = sum(b for n, b in cho_bit.items() if n in first.chosen)
    index: dict[tuple[Any, ...], int] = {key_of(first.scene, first.values, start_vis, start_cho): 0}
    parent: list[int] = [-1]
    via: list[Step | None] = [None]
    keep_edges = per_scene is None  # only a complete search uses them (states from which no ending is reached)
    succ: list[tuple[int, ...]] = []
    ending_nodes: list[int] = []
    res.scenes_reached.add(first.scene)
    # Breadth first, one layer (all states at the same number of choices from the start) at a time. A sampling pass
    # shuffles each layer (seeded, so repeatable): the states kept at a scene whose cap fills up are then drawn from
    # all over the layer, not from the first few branches. A state waits as (node, scene, values, fact masks).
    shuffle = Random(2014).shuffle if per_scene is not None else None
    Waiting = tuple[int, str, tuple[Any, ...], int, int]
    layer: list[Waiting] = [(0, first.scene, tuple(first.values), start_vis, start_cho)]
    queue: list[Waiting] = []  # the next layer
    at = 0
    while True:
        if at == len(layer):
            if not queue:
                break
            layer, queue, at = queue, [], 0
            if shuffle is not None:
                shuffle(layer)
        node, scene_id, frozen_values, vis, cho = layer[at]
        layer[at] = None  # type: ignore[call-overload]  # let the state go once expanded
        at += 1
        scene: Scene = scenes[scene_id]
        values = list(frozen_values)
        # Frozen sets stand in for the engine's sets: conditions only ever test membership.
        visited, chosen = cast(tuple[set[str], set[str]], facts(vis, cho))
        st = State(scene_id, values, visited, chosen, [], 0)
        for passage in scene.text:
            if passage.when is not None:
                seen(passage.when, "passage", bool(passage.when.test(values, visited, chosen)))
        if keep_edges:
            while len(succ) <= node:
                succ.append(())
        if scene.ending:
            ending_nodes.append(node)
            continue
        out: list[int] = []
        any_choice = False
        for choice in scene.choices:
            if choice.visible_if is not None:
                ok = bool(choice.visible_if.test(values, visited, chosen))
                seen(choice.visible_if, "if", ok)
                if not ok:
                    continue
            if choice.enabled_if is not None:
                ok = bool(choice.enabled_if.test(values, visited, chosen))
                seen(choice.enabled_if, "requires", ok)
                if not ok:
                    continue
            any_choice = True
            res.choices_taken.add(choice.key)
            for k in _possible_routes(story, choice, st, seen):
                # The engine takes the step; the sets it adds to are not needed (the masks say the same).
                nxt = State(scene_id, list(values), set(), set(), [], 0)
                Game(story, state=nxt).step(forced[choice.key][k])
                target_id = nxt.scene
                res.scenes_reached.add(target_id)
                nvis = vis | vis_bit.get(target_id, 0)
                ncho = cho | cho_bit.get(choice.key, 0)
                kk = key_of(target_id, nxt.values, nvis, ncho)
                child = index.get(kk)
                if child is None:
                    step = steps.get((choice.key, k))
                    if step is None:
                        step = steps[(choice.key, k)] = Step(scene_id, choice.id, k, target_id)
                    target = scenes[target_id]
                    if target.ending and target.ending not in res.endings:
                        res.ending_scene[target.ending] = target.id
                        res.endings[target.ending] = _path(node, parent, via) + [step]
                        res.shortest[target.ending] = drop_depth < 0 or depth[node] + 1 <= drop_depth
                    n_here = per_scene_count.get(target_id, 0)
                    if len(parent) >= max_states or n_here >= cap:
                        if res.complete:
                            res.complete = False
                            drop_depth = depth[node] + 1
                        continue
                    per_scene_count[target_id] = n_here + 1
                    child = len(parent)
                    index[kk] = child
                    parent.append(node)
                    depth.append(depth[node] + 1)
                    via.append(step)
                    queue.append((child, target_id, tuple(nxt.values), nvis, ncho))
                out.append(child)
        if not any_choice and scene.id not in res.dead_ends:
            res.dead_ends[scene.id] = _path(node, parent, via)
        if keep_edges:
            succ[node] = tuple(out)
        if progress is not None and node % 4096 == 0:
            progress(len(parent))
    res.states = len(parent)
    if res.complete and keep_edges:
        _find_traps(res, succ, ending_nodes, parent, via)
    res.elapsed = time.perf_counter() - started
    return res


def _possible_routes(story: Story, choice: Choice, st: State, seen: Callable[[Condition, str, bool], None]) -> list[int]:
    """The routes this choice can take from this state: conditions are read after the choice's effects, as the
    engine does, and a chance route may be taken or not."""
    routes = choice.routes
    if len(routes) == 1:
        return [0]
    values = list(st.values)
    if choice.effects:
        apply_effects(story, choice.effects, values)
    chosen = st.chosen | {choice.key}
    out = []
    for k, r in enumerate(routes):
        if r.when is not None:
            ok = bool(r.when.test(values, st.visited, chosen))
            seen(r.when, "route", ok)
            if not ok:
                continue
        out.append(k)
        if r.chance is None:
            return out
    if not out or routes[-1].when is not None or routes[-1].chance is not None:
        out.append(len(routes) - 1)  # the engine's fallback when no route applies
    return out


def _path(node: int, parent: list[int], via: list[Step | None]) -> list[Step]:
    steps: list[Step] = []
    while node > 0:
        step = via[node]
        assert step is not None
        steps.append(step)
        node = parent[node]
    steps.reverse()
    return steps


def _find_traps(res: Exploration, succ: list[tuple[int, ...]], endings: list[int], parent: list[int], via: list[Step | None]) -> None:
    """Count the states from which no ending can be reached, and keep the shortest path to one of them."""
    n = len(parent)
    preds: list[list[int]] = [[] for _ in range(n)]
    for a, outs in enumerate(succ):
        for b in outs:
            preds[b].append(a)
    good = bytearray(n)
    stack = list(endings)
    for e in stack:
        good[e] = 1
    while stack:
        for p in preds[stack.pop()]:
            if not good[p]:
                good[p] = 1
                stack.append(p)
    bad = [i for i in range(n) if not good[i]]
    res.traps = len(bad)
    if bad:
        res.trap_path = _path(min(bad), parent, via)  # node ids are in BFS order: the smallest is the nearest


# ------------------------------------------------------------------------------------ seeds for paths


def _choice(story: Story, step: Step) -> Choice:
    choice = story.scenes[step.scene].choice(step.choice)
    if choice is None:  # a path is made of choices the search took in this story
        raise KeyError(f"{step.scene}.{step.choice}")
    return choice


def find_seed(story: Story, path: list[Step], first: int = 1, tries: int = 100_000) -> int | None:
    """A seed under which replaying ``path``'s choices follows the same routes, or None within ``tries`` seeds."""
    taken = [_choice(story, s) for s in path]
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


# -------------------------------------------------------------------------------------- reporting


def quicktest(
    story: Story, max_states: int = 250_000, progress: Callable[[int], None] | None = None
) -> tuple[Exploration, Exploration | None]:
    """The exhaustive search, and when it could not finish within ``max_states``, a second, sampling pass that
    keeps at most ``max_states / scenes`` states per scene, so that the whole story is visited. Everything the
    second pass finds is real (a path that can be played); only the first can prove that something never happens."""
    key = StateKey(story)
    full = explore(story, max_states, progress, state_key=key)
    if full.complete:
        return full, None
    sample = explore(story, max_states, progress, per_scene=max(1, max_states // max(len(story.scenes), 1)), state_key=key)
    return full, sample


def report_data(story: Story, full: Exploration, sample: Exploration | None, seeds: dict[str, int | None]) -> dict[str, Any]:
    """The report as plain data (what --json prints)."""

    def where(pos: Pos) -> dict[str, Any]:
        return {"file": pos.file, "line": pos.line, "column": pos.column}

    found = _merged_endings(full, sample)
    endings = {
        eid: {
            "title": story.endings[eid].title,
            "scene": scene,
            "length": len(path),
            "shortest": shortest,
            "path": [str(s) for s in path],
            "seed": seeds.get(eid),
        }
        for eid, (path, scene, shortest) in sorted(found.items(), key=lambda kv: (len(kv[1][0]), kv[0]))
    }
    conditions = []
    if full.complete:
        for (_f, _l, _c, role), (cond, _, outcomes) in sorted(full.verdicts.items()):
            if len(outcomes) == 1:
                conditions.append({"condition": cond.source, "role": role, "always": next(iter(outcomes)), **where(cond.pos)})
    reached = full.scenes_reached | (sample.scenes_reached if sample else set())
    taken = full.choices_taken | (sample.choices_taken if sample else set())
    dead = dict(sample.dead_ends) if sample else {}
    dead.update(full.dead_ends)
    unreached_scenes = [{"id": s.id, **where(s.pos)} for s in story.scenes.values() if s.id not in reached]
    unreached_choices = [
        {"id": c.key, **where(c.pos)} for s in story.scenes.values() for c in s.choices if c.key not in taken
    ]
    never = [eid for eid in story.endings if eid not in endings]
    data = {
        "story": story.id,
        "states": full.states,
        "complete": full.complete,
        "elapsed_s": round(full.elapsed + (sample.elapsed if sample else 0.0), 3),
        "sampling": None
        if sample is None
        else {"states": sample.states, "per_scene": sample.per_scene},
        "endings": endings,
        "endings_never_reached": never,
        "scenes_never_reached": unreached_scenes,
        "choices_never_available": unreached_choices,
        "dead_ends": [{"scene": sid, "path": [str(s) for s in p]} for sid, p in sorted(dead.items())],
        "trapped_states": full.traps,
        "trap_path": [str(s) for s in full.trap_path],
        "conditions_always_the_same": conditions,
    }
    data["ok"] = bool(
        full.complete and not never and not unreached_scenes and not unreached_choices and not dead and not full.traps
    )
    return data


def _merged_endings(full: Exploration, sample: Exploration | None) -> dict[str, tuple[list[Step], str, bool]]:
    """ending -> (path, scene, proven shortest): the exhaustive pass's paths first, then the shorter of the two."""
    out = {eid: (path, full.ending_scene[eid], full.shortest.get(eid, False)) for eid, path in full.endings.items()}
    if sample is not None:
        for eid, path in sample.endings.items():
            if eid not in out or (not out[eid][2] and len(path) < len(out[eid][0])):
                out[eid] = (path, sample.ending_scene[eid], False)
    return out
