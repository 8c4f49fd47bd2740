"""The state key: what identifies a state up to everything its future can depend on, within a view.

Two states with the same key behave the same from then on, so a search keeps one of them:

* the scene;
* the tracked values that some condition ahead (in the scene or in any scene reachable from it) reads; a number
  that conditions only compare with constants counts only by its class between the thresholds that matter ahead;
* which of the tracked ``visited()``/``chose()`` facts read ahead have happened (and, for a once-only choice in a
  scene that can be entered again, whether it was taken).

Effects on a value only read that value and are monotone in it (a flat change clamped to a range, a ``fair``
share, ``add``), so each comparison ahead splits the current values at one point, found by pulling the
comparison's threshold back through the effects on the way to it: the merging is exact, not an approximation.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from itertools import compress
from operator import itemgetter
from typing import Any

from ...engine import Condition, Effect, Story
from ...engine.conditions import Binary, Func, Name, Node, Num, Unary
from ...engine.game import apply_effects
from ..analysis import INF, strongly_connected
from .goals import Goals
from .logic import View, reads

MAX_CUTS = 512  # beyond this many cut points a value is tracked exactly instead
_FLIP = {"<": ">", ">": "<", "<=": ">=", ">=": "<=", "==": "==", "!=": "!="}

KeyFunction = Callable[[Any], tuple[Any, ...]]


class Shapes:
    """How every condition of a story uses its values, worked out once and shared by every view's key."""

    def __init__(self, story: Story, goals: Goals, bounds: dict[int, tuple[float, float]]) -> None:
        self.story = story
        self.goals = goals
        self.bounds = bounds
        self.comparisons: dict[int, list[tuple[int, str, int]]] = {}  # id(node) -> (slot, op, constant)
        self.other_use: set[int] = set()  # slots read in any other way than compared with a constant
        self.reads: dict[int, tuple[set[int], set[str]]] = {}  # id(node) -> slots and facts read
        slot_of = goals.slot_of
        for site in goals.sites:
            node = site.condition.node
            if id(node) not in self.comparisons:
                found: list[tuple[str, str, int]] = []
                other: set[str] = set()
                _comparisons(node, found, other)
                self.comparisons[id(node)] = [(slot_of[n], op, c) for n, op, c in found]
                self.other_use |= {slot_of[n] for n in other}
                self.reads[id(node)] = reads(node, slot_of)
        ints = {f.slot for f in story.factions.values()} | {v.slot for v in story.variables.values() if v.type is int}
        self.classable = ints - self.other_use
        self.pulled: dict[tuple[int, int], int | None] = {}  # (id(effect), threshold) -> threshold before it
        self.images: dict[int, tuple[int, ...]] = {}  # id(effect) -> its result for each value of its range
        # Per scene, the conditions read on entry, and per choice those read after its effects.
        self.entry: dict[str, list[Condition]] = {}
        self.after: dict[str, list[Condition]] = {}
        for sid, plan in goals.plans.items():
            entry = [c for c, _ in plan.entry]
            for cp in plan.choices:
                ch = cp.choice
                entry += [c for c in (ch.visible_if, ch.enabled_if) if c is not None] + [c for c, _ in cp.labels]
                self.after[ch.key] = [r.when for r in ch.routes if r.when is not None] + [c for c, _ in cp.results]
            self.entry[sid] = entry
        succ = goals.successors
        self.order = [sid for comp in strongly_connected(sorted(story.scenes), succ) for sid in comp]
        self.components = strongly_connected(sorted(story.scenes), succ)

    def pull_faction(self, e: Effect, t: int) -> int | None:
        """The least value v with effect(v) >= t, from the engine's own arithmetic (None: no value, or all).
        A faction's effect is monotone over its range, so its results, worked out once, are searched."""
        cache_key = (id(e), t)
        found = self.pulled.get(cache_key, -1)
        if found != -1:
            return found
        story = self.story
        lo = int(story.lows[e.slot])
        image = self.images.get(id(e))
        if image is None:
            values = list(story.defaults)
            out = []
            for v in range(lo, int(story.highs[e.slot]) + 1):
                values[e.slot] = v
                apply_effects(story, (e,), values)
                out.append(int(values[e.slot]))
            image = self.images[id(e)] = tuple(out)
        k = bisect_left(image, t)
        result = None if k == len(image) or k == 0 else lo + k
        self.pulled[cache_key] = result
        return result


class StateKey:
    """Builds the key of a state within ``view``; see the module docstring."""

    def __init__(self, shapes: Shapes, view: View) -> None:
        self.shapes = shapes
        self.view = view
        story = shapes.story
        n = len(story.defaults)
        tracked = set(range(n)) if view.slots is None else set(view.slots)
        self.tracked = tracked
        self.classed = shapes.classable & tracked
        while True:
            try:
                self.cuts = self._fixed_point()
                break
            except _TooManyCuts as exc:
                self.classed.discard(exc.slot)  # track it exactly instead
        live = self._liveness()
        self.vis_names = tuple(sorted({f for _, v, _ in live.values() for f in v}))
        self.cho_names = tuple(sorted({f for _, _, c in live.values() for f in c}))
        self.vis_bit = {name: 1 << i for i, name in enumerate(self.vis_names)}
        self.cho_bit = {name: 1 << i for i, name in enumerate(self.cho_names)}
        is_bool = [isinstance(v, bool) for v in story.defaults]
        self._keys: dict[str, KeyFunction] = {}
        self._masks: dict[str, tuple[int, int]] = {}
        tables: dict[tuple[int, tuple[int, ...]], tuple[int, tuple[int, ...]] | None] = {}
        for sid in story.scenes:
            exact, vis, cho = live[sid]
            classed = tuple(sorted((slot, tuple(sorted(c))) for slot, c in self.cuts[sid].items() if c))
            self._keys[sid] = _key_function(
                tuple(i for i in exact if not is_bool[i]), tuple(i for i in exact if is_bool[i]),
                tuple((slot, cuts, self._table(slot, cuts, tables)) for slot, cuts in classed),
            )
            self._masks[sid] = (sum(self.vis_bit[f] for f in vis), sum(self.cho_bit[f] for f in cho))
        self._sets: dict[tuple[int, int], tuple[frozenset[str], frozenset[str]]] = {}

    def key_of(self, scene: str, values: Any, vis: int, cho: int) -> tuple[Any, ...]:
        """The key of a state (its facts as masks): equal keys mean the same future."""
        vm, cm = self._masks[scene]
        return (scene, self._keys[scene](values), vis & vm, cho & cm)

    def masks(self, visited: Iterable[str], chosen: Iterable[str]) -> tuple[int, int]:
        """The masks of sets of facts."""
        vb, cb = self.vis_bit, self.cho_bit
        return sum(vb.get(f, 0) for f in set(visited)), sum(cb.get(f, 0) for f in set(chosen))

    def facts(self, vis: int, cho: int) -> tuple[frozenset[str], frozenset[str]]:
        """The visited scenes and chosen choices (those tracked and read) that two masks stand for."""
        hit = self._sets.get((vis, cho))
        if hit is None:
            hit = (
                frozenset(n for i, n in enumerate(self.vis_names) if vis >> i & 1),
                frozenset(n for i, n in enumerate(self.cho_names) if cho >> i & 1),
            )
            if len(self._sets) < 100_000:
                self._sets[(vis, cho)] = hit
        return hit

    def _table(
        self, slot: int, cuts: tuple[int, ...], tables: dict[tuple[int, tuple[int, ...]], tuple[int, tuple[int, ...]] | None]
    ) -> tuple[int, tuple[int, ...]] | None:
        """For a slot whose values lie in a small known range: (lowest value, class of each value), so a class is
        looked up rather than searched for."""
        found = tables.get((slot, cuts), ())
        if found != ():
            return found  # type: ignore[return-value]
        lo, hi = self.shapes.bounds.get(slot, (-INF, INF))
        table = None
        if lo > -INF and hi < INF and hi - lo <= 4096:
            table = (int(lo), tuple(bisect_right(cuts, v) for v in range(int(lo), int(hi) + 1)))
        tables[(slot, cuts)] = table
        return table

    # -- what is read ahead ------------------------------------------------------------------------------

    def _liveness(self) -> dict[str, tuple[tuple[int, ...], frozenset[str], frozenset[str]]]:
        """Per scene: the exactly-tracked slots, visited() scenes and chose() keys read in it or ahead."""
        shapes, view = self.shapes, self.view
        story = shapes.story
        succ = shapes.goals.successors
        own: dict[str, tuple[set[int], set[str], set[str]]] = {}
        for sid in story.scenes:
            slots: set[int] = set()
            vis: set[str] = set()
            cho: set[str] = set()
            conds = list(shapes.entry[sid])
            plan = shapes.goals.plans[sid]
            for cp in plan.choices:
                conds += shapes.after[cp.choice.key]
                if cp.once and view.knows_fact(cp.choice.key):
                    cho.add(cp.choice.key)
            for cond in conds:
                read_slots, f = shapes.reads[id(cond.node)]
                slots |= read_slots
                for name in f:
                    if view.knows_fact(name):
                        (cho if "." in name else vis).add(name)
            own[sid] = (slots & self.tracked, vis, cho)
        live: dict[str, tuple[set[int], set[str], set[str]]] = {}
        # Tarjan emits components sinks first, so everything ahead of a component is known when it is reached.
        for comp in shapes.components:
            slots, vis, cho = set(), set(), set()
            members = set(comp)
            for sid in comp:
                s, v, c = own[sid]
                slots |= s
                vis |= v
                cho |= c
                for t in succ[sid]:
                    if t not in members:
                        s2, v2, c2 = live[t]
                        slots |= s2
                        vis |= v2
                        cho |= c2
            for sid in comp:
                live[sid] = (slots, vis, cho)
        return {
            sid: (tuple(sorted(s for s in slots if s not in self.classed)), frozenset(vis), frozenset(cho))
            for sid, (slots, vis, cho) in live.items()
        }

    # -- cut points ------------------------------------------------------------------------------------

    def _own(self, conditions: list[Condition]) -> dict[int, set[int]]:
        out: dict[int, set[int]] = {}
        for cond in conditions:
            for slot, op, c in self.shapes.comparisons[id(cond.node)]:
                if slot in self.classed:
                    out.setdefault(slot, set()).update(_cuts_of(op, c))
        return self._clip(out)

    def _clip(self, cuts: dict[int, set[int]]) -> dict[int, set[int]]:
        """Drop cut points outside the values a slot can ever hold: they separate nothing."""
        out = {}
        bounds = self.shapes.bounds
        for slot, ts in cuts.items():
            lo, hi = bounds.get(slot, (-INF, INF))
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
            if e.kind in ("set", "rename"):
                out[e.slot] = set()  # the value before a 'set' no longer matters
            elif e.kind == "add":
                out[e.slot] = {t - int(e.amount) for t in ts}
            else:
                out[e.slot] = {p for t in ts if (p := self.shapes.pull_faction(e, t)) is not None}
        return self._clip(out)

    def _fixed_point(self) -> dict[str, dict[int, set[int]]]:
        shapes = self.shapes
        scenes = shapes.story.scenes
        cuts: dict[str, dict[int, set[int]]] = {sid: {} for sid in scenes}
        if not self.classed:
            return cuts
        own = {sid: self._own(shapes.entry[sid]) for sid in scenes}
        after = {key: self._own(conds) for key, conds in shapes.after.items()}
        cuts = {sid: {k: set(v) for k, v in own[sid].items()} for sid in scenes}
        changed = True
        while changed:
            changed = False
            for sid in shapes.order:
                scene = scenes[sid]
                acc = {k: set(v) for k, v in own[sid].items()}
                for ch in scene.choices:
                    here = {k: set(v) for k, v in after[ch.key].items()}
                    for target in {r.target for r in ch.routes}:
                        for slot, ts in self._pull(scenes[target].on_enter, cuts[target]).items():
                            here.setdefault(slot, set()).update(ts)
                    for slot, ts in self._pull(ch.effects, here).items():
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


def _constant(node: Node) -> int | None:
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Unary) and node.op == "-" and isinstance(node.operand, Num):
        return -node.operand.value
    return None


def comparison(node: Node) -> tuple[str, str, int] | None:
    """``name op constant`` (normalised to the name on the left), or None for any other condition."""
    if isinstance(node, Binary) and node.op in _FLIP:
        if isinstance(node.left, Name) and (c := _constant(node.right)) is not None:
            return node.left.name, node.op, c
        if isinstance(node.right, Name) and (c := _constant(node.left)) is not None:
            return node.right.name, _FLIP[node.op], c
    return None


def _comparisons(node: Node, out: list[tuple[str, str, int]], other: set[str]) -> None:
    """Collect ``name op constant`` comparisons (normalised to the name on the left) into ``out``, and every name
    used in any other way into ``other``."""
    if isinstance(node, Name):
        other.add(node.name)
    elif isinstance(node, Unary):
        _comparisons(node.operand, out, other)
    elif isinstance(node, Func):
        for arg in node.args:
            _comparisons(arg, out, other)
    elif isinstance(node, Binary):
        if (found := comparison(node)) is not None:
            out.append(found)
            return
        _comparisons(node.left, out, other)
        _comparisons(node.right, out, other)


def _cuts_of(op: str, c: int) -> tuple[int, ...]:
    """The values t at which ``v op c`` can change as v grows, as 'v >= t' thresholds."""
    return {">=": (c,), ">": (c + 1,), "<": (c,), "<=": (c + 1,)}.get(op, (c, c + 1))


def _key_function(
    ints: tuple[int, ...], bools: tuple[int, ...],
    classed: tuple[tuple[int, tuple[int, ...], tuple[int, tuple[int, ...]] | None], ...],
) -> KeyFunction:
    """The part of a key made from values: exact numbers, exact booleans packed into one int, and classes (looked
    up in a table where the slot's range is small, else found by bisection)."""
    get_ints = itemgetter(*ints) if len(ints) > 1 else ((lambda v: (v[ints[0]],)) if ints else (lambda v: ()))
    get_bools = itemgetter(*bools) if len(bools) > 1 else ((lambda v: (v[bools[0]],)) if bools else (lambda v: ()))
    weights = tuple(1 << k for k in range(len(bools)))
    looked = tuple((i, lo, table) for i, _, t in classed if t is not None for lo, table in (t,))
    searched = tuple((i, c) for i, c, t in classed if t is None)
    if not bools and not searched:
        if not looked:
            return lambda v: (get_ints(v),)

        def by_table(v: Any) -> tuple[Any, ...]:
            return (get_ints(v), tuple([table[v[i] - lo] for i, lo, table in looked]))

        return by_table

    def key(v: Any) -> tuple[Any, ...]:
        return (
            get_ints(v),
            sum(compress(weights, get_bools(v))),
            tuple([table[v[i] - lo] for i, lo, table in looked]),
            tuple([bisect_right(c, v[i]) for i, c in searched]),
        )

    return key
