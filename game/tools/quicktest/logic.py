"""Conditions over part of the state: what a search that tracks only some values and facts can say.

A ``View`` names what a search tracks: the slots (factions' trust and variables) whose values it knows, and the
``visited()``/``chose()`` facts it knows. Everything else is unknown, so a condition comes out true, false or
unknown (``None``). A search that treats unknown as "either" over-approximates play (a localisation abstraction in
model-checking terms): whatever it never reaches, no playthrough reaches. The exact view tracks everything and
evaluates with the engine's own compiled conditions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ...engine import Condition, Story
from ...engine.conditions import Binary, Bool, Call, Func, Name, Node, Num, Unary

Tri = bool | None
"""True, False, or None for unknown."""

Test = Callable[[Any, Any, Any], Any]
"""A compiled condition: (values, visited, chosen) -> a value (None when it depends on something unknown)."""


@dataclass(frozen=True, slots=True)
class View:
    """What a search tracks: ``slots`` whose values it knows and ``facts`` (scene ids for ``visited()``, choice
    keys for ``chose()``) it knows; None means all of them (the exact view)."""

    slots: frozenset[int] | None = None
    facts: frozenset[str] | None = None

    @property
    def exact(self) -> bool:
        return self.slots is None and self.facts is None

    def knows_slot(self, slot: int) -> bool:
        return self.slots is None or slot in self.slots

    def knows_fact(self, name: str) -> bool:
        return self.facts is None or name in self.facts

    def widened(self, slots: Iterable[int], facts: Iterable[str]) -> View:
        """This view, also tracking ``slots`` and ``facts``."""
        return View(
            None if self.slots is None else self.slots | frozenset(slots),
            None if self.facts is None else self.facts | frozenset(facts),
        )

    def size(self) -> int:
        """How much it tracks (for ordering work: smaller views are cheaper to search)."""
        return (len(self.slots) if self.slots is not None else 10**6) + (len(self.facts) if self.facts is not None else 10**6)

    def describe(self, story: Story) -> list[str]:
        """The names it tracks, for the report (['everything'] for the exact view)."""
        if self.exact:
            return ["everything"]
        names = sorted(story.slot_names[s] for s in self.slots or ())
        return names + sorted(f"visited({f})" if "." not in f else f"chose({f})" for f in self.facts or ())


EXACT = View()
NOTHING = View(frozenset(), frozenset())


def reads(node: Node, slot_of: Mapping[str, int]) -> tuple[set[int], set[str]]:
    """The slots and facts a condition reads."""
    slots: set[int] = set()
    facts: set[str] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, Name):
            slots.add(slot_of[n.name])
        elif isinstance(n, Call):
            facts.add(n.arg)
        elif isinstance(n, Func):
            stack.extend(n.args)
        elif isinstance(n, Unary):
            stack.append(n.operand)
        elif isinstance(n, Binary):
            stack.append(n.left)
            stack.append(n.right)
    return slots, facts


def compile_test(cond: Condition, view: View, slot_of: Mapping[str, int]) -> Test:
    """The condition as a function of a state this view knows: the engine's own closure for the exact view,
    otherwise one that gives None where the result depends on something unknown."""
    if view.exact:
        return cond.test
    return _compile(cond.node, view, slot_of)


def _unknown(v: Any, s: Any, c: Any) -> None:
    return None


def _compile(node: Node, view: View, slot_of: Mapping[str, int]) -> Test:
    if isinstance(node, (Num, Bool)):
        const = node.value
        return lambda v, s, c: const
    if isinstance(node, Name):
        i = slot_of[node.name]
        if not view.knows_slot(i):
            return _unknown
        return lambda v, s, c: v[i]
    if isinstance(node, Call):
        key = node.arg
        if not view.knows_fact(key):
            return _unknown
        if node.func == "visited":
            return lambda v, s, c: key in s
        return lambda v, s, c: key in c
    if isinstance(node, Func):
        af, bf = (_compile(arg, view, slot_of) for arg in node.args)
        pick = min if node.func == "min" else max

        def func(v: Any, s: Any, c: Any) -> Any:
            a, b = af(v, s, c), bf(v, s, c)
            return None if a is None or b is None else pick(a, b)

        return func
    if isinstance(node, Unary):
        f = _compile(node.operand, view, slot_of)
        if f is _unknown:
            return _unknown
        if node.op == "not":
            return lambda v, s, c: None if (x := f(v, s, c)) is None else not x
        return lambda v, s, c: None if (x := f(v, s, c)) is None else -x
    lf = _compile(node.left, view, slot_of)
    rf = _compile(node.right, view, slot_of)
    op = node.op
    if op == "and":
        return _and(lf, rf)
    if op == "or":
        return _or(lf, rf)
    if lf is _unknown or rf is _unknown:
        return _unknown
    fn = _OPS[op]

    def binary(v: Any, s: Any, c: Any) -> Any:
        a = lf(v, s, c)
        if a is None:
            return None
        b = rf(v, s, c)
        return None if b is None else fn(a, b)

    return binary


def _and(lf: Test, rf: Test) -> Test:
    def both(v: Any, s: Any, c: Any) -> Tri:
        a = lf(v, s, c)
        if a is not None and not a:
            return False
        b = rf(v, s, c)
        if b is not None and not b:
            return False
        return None if a is None or b is None else True

    return both


def _or(lf: Test, rf: Test) -> Test:
    def either(v: Any, s: Any, c: Any) -> Tri:
        a = lf(v, s, c)
        if a is not None and a:
            return True
        b = rf(v, s, c)
        if b is not None and b:
            return True
        return None if a is None or b is None else False

    return either


_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
}


# Three-valued connectives on True / False / None.


def tri(x: Any) -> Tri:
    """A condition's value as True, False or None."""
    return None if x is None else bool(x)


def and3(a: Tri, b: Tri) -> Tri:
    if a is False or b is False:
        return False
    return None if a is None or b is None else True


def or3(a: Tri, b: Tri) -> Tri:
    if a is True or b is True:
        return True
    return None if a is None or b is None else False


def not3(a: Tri) -> Tri:
    return None if a is None else not a
