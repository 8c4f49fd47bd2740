"""Value ranges: for each faction and variable, an interval (or a set of booleans) that contains every value
it can ever hold, and the evaluation of a condition over such ranges ({True}, {False} or both)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ...engine import Effect, Story
from ...engine.conditions import Bool, Call, Func, Name, Node, Num, Unary

INF = float("inf")

BOTH: frozenset[bool] = frozenset((True, False))
TRUE: frozenset[bool] = frozenset((True,))
FALSE: frozenset[bool] = frozenset((False,))


@dataclass(frozen=True, slots=True)
class Interval:
    """Whole numbers from ``lo`` to ``hi`` inclusive; either end may be infinite."""

    lo: float
    hi: float

    def __str__(self) -> str:
        lo = "-inf" if self.lo == -INF else str(int(self.lo))
        hi = "+inf" if self.hi == INF else str(int(self.hi))
        return lo if self.lo == self.hi else f"{lo}..{hi}"


Abstract = Interval | frozenset[bool]
"""What the analysis knows of a value: an Interval for numbers, a set of possible booleans for true/false."""

Env = tuple[Abstract, ...]
"""What the analysis knows of every slot at one point of the story."""



def value_ranges(
    story: Story,
    effects: Iterable[tuple[Effect, bool]],
    trust_declared: bool = True,
) -> dict[int, Abstract]:
    """For each slot, what its value can be, given the effects that can run (each flagged ``repeatable`` when it
    can run more than once in a playthrough, i.e. it sits on a cycle of the story graph).

    Sound because every value is its starting point (the default, or a ``set``) plus the ``add``/``trust`` changes
    applied since, each non-repeatable one at most once; clamping to a faction's range only pulls values inward,
    and ``fair`` moves toward one end of the range without passing it. With ``trust_declared`` an int variable's
    declared range narrows its interval (lint does; quicktest, which must be exact, does not).
    """
    pos: dict[int, float] = {}
    neg: dict[int, float] = {}
    fair_up: set[int] = set()
    fair_down: set[int] = set()
    sets: dict[int, set[int | bool]] = {}
    for e, repeatable in effects:
        s = e.slot
        if e.kind in ("trust", "add"):
            amount = int(e.amount)
            if amount > 0:
                pos[s] = pos.get(s, 0) + (INF if repeatable else amount)
            elif amount < 0:
                neg[s] = neg.get(s, 0) + (-INF if repeatable else amount)
        elif e.kind == "fair":
            if int(e.amount) > 0:
                fair_up.add(s)
            elif int(e.amount) < 0:
                fair_down.add(s)
        elif e.kind in ("set", "rename"):
            sets.setdefault(s, set()).add(e.amount)
    out: dict[int, Abstract] = {}
    for f in story.factions.values():
        s = f.slot
        lo = max(f.low, f.initial + neg.get(s, 0))
        hi = min(f.high, f.initial + pos.get(s, 0))
        if s in fair_down:
            lo = f.low
        if s in fair_up:
            hi = f.high
        out[s] = Interval(lo, hi)
        if f.name_slot >= 0:  # which of its names a faction has: 0 to start with, or a rename's number
            named = {0} | {int(x) for x in sets.get(f.name_slot, ())}
            out[f.name_slot] = Interval(min(named), max(named))
    for v in story.variables.values():
        s = v.slot
        starts = {v.default} | sets.get(s, set())
        if v.type is bool:
            out[s] = frozenset(bool(x) for x in starts)
            continue
        lo = min(int(x) for x in starts) + neg.get(s, 0)
        hi = max(int(x) for x in starts) + pos.get(s, 0)
        # A declared range is the author's word that the variable stays inside it (the engine does not clamp
        # variables), so lint narrows to it; this is documented in scenes/README.md.
        if trust_declared and v.low is not None and v.high is not None:
            lo, hi = max(lo, v.low), min(hi, v.high)
            if lo > hi:  # effects only ever leave the range: keep the analysis honest rather than empty
                lo, hi = v.low, v.high
        out[s] = Interval(lo, hi)
    return out


# ------------------------------------------------------------------------------- abstract evaluation


class Facts:
    """What the analysis knows of ``visited()`` and ``chose()``: which can ever be true, which always are."""

    def __init__(self, maybe_scenes: set[str], maybe_choices: set[str], always_scenes: set[str]) -> None:
        self.maybe_scenes = maybe_scenes
        self.maybe_choices = maybe_choices
        self.always_scenes = always_scenes

    def call(self, node: Call) -> frozenset[bool]:
        if node.func == "visited":
            if node.arg in self.always_scenes:
                return TRUE
            return BOTH if node.arg in self.maybe_scenes else FALSE
        return BOTH if node.arg in self.maybe_choices else FALSE


def abstract_eval(node: Node, story: Story, ranges: dict[int, Abstract] | Env, facts: Facts) -> Abstract:
    """What a condition (or part of one) can evaluate to, over every value allowed by ``ranges`` (by slot)."""
    if isinstance(node, Num):
        return Interval(node.value, node.value)
    if isinstance(node, Bool):
        return frozenset((node.value,))
    if isinstance(node, Name):
        item = story.factions.get(node.name) or story.variables.get(node.name)
        assert item is not None  # the loader checked every name
        return ranges[item.slot]
    if isinstance(node, Call):
        return facts.call(node)
    if isinstance(node, Func):
        x, y = (abstract_eval(arg, story, ranges, facts) for arg in node.args)
        assert isinstance(x, Interval) and isinstance(y, Interval)
        pick = min if node.func == "min" else max
        return Interval(pick(x.lo, y.lo), pick(x.hi, y.hi))
    if isinstance(node, Unary):
        x = abstract_eval(node.operand, story, ranges, facts)
        if node.op == "not":
            assert isinstance(x, frozenset)
            return frozenset(not b for b in x)
        assert isinstance(x, Interval)
        return Interval(-x.hi, -x.lo)
    a = abstract_eval(node.left, story, ranges, facts)
    b = abstract_eval(node.right, story, ranges, facts)
    op = node.op
    if op in ("and", "or"):
        assert isinstance(a, frozenset) and isinstance(b, frozenset)
        if op == "and":
            return frozenset(
                ([True] if True in a and True in b else []) + ([False] if False in a or False in b else [])
            )
        return frozenset(([True] if True in a or True in b else []) + ([False] if False in a and False in b else []))
    if isinstance(a, frozenset) and isinstance(b, frozenset):  # == and != on booleans
        results = {(x == y) if op == "==" else (x != y) for x in a for y in b}
        return frozenset(results)
    assert isinstance(a, Interval) and isinstance(b, Interval)
    if op == "+":
        return Interval(a.lo + b.lo, a.hi + b.hi)
    if op == "-":
        return Interval(a.lo - b.hi, a.hi - b.lo)
    return _compare(op, a, b)


def _compare(op: str, a: Interval, b: Interval) -> frozenset[bool]:
    if op == ">":
        op, a, b = "<", b, a
    elif op == ">=":
        op, a, b = "<=", b, a
    can_true: bool
    can_false: bool
    if op == "<":
        can_true, can_false = a.lo < b.hi, a.hi >= b.lo
    elif op == "<=":
        can_true, can_false = a.lo <= b.hi, a.hi > b.lo
    else:
        overlap = a.lo <= b.hi and b.lo <= a.hi
        single = a.lo == a.hi == b.lo == b.hi
        can_true, can_false = (overlap, not single) if op == "==" else (not single, overlap)
    return frozenset(([True] if can_true else []) + ([False] if can_false else []))
