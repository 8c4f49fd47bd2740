"""The condition language under hostile input: token soup parses or fails with a ConditionError at a column
inside the text; whatever parses prints back to source that parses to the same tree (a fixed point after one
round); what type-checks compiles to the same answer as the reference interpreter; and the limits (length,
depth, integer size) hold exactly at their boundaries, with no RecursionError however the input is shaped.
"""

from __future__ import annotations

import pytest
from hostile_helpers import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from game.engine import conditions as c

NAMES = c.Names(
    slots={"ypg": 0, "men": 1, "flag": 2},
    types={"ypg": int, "men": int, "flag": bool},
    scenes=frozenset({"gate", "road"}),
    choices=frozenset({"gate.bribe"}),
    suggest=lambda w, pool: None,
)

TOKENS = [
    "ypg",
    "men",
    "flag",
    "ypgg",
    "nobody",
    "true",
    "false",
    "and",
    "or",
    "not",
    "visited",
    "chose",
    "(",
    ")",
    "visited(gate)",
    "chose(gate.bribe)",
    "visited(nowhere)",
    "gate.bribe",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "+",
    "-",
    "0",
    "1",
    "7",
    "1000000000",
    "1000000001",
    "99999999999999999999",
    "007",
    "=",
    "!",
    "&&",
    "||",
    "*",
    "/",
    "%",
    ".",
    ",",
    "[",
    "]",
    "{",
    "}",
    "'",
    '"',
    "\\",
    "\n",
    "\t",
    "\x00",
    "\x1b",
    "\u202e",
    "\u2028",
    "\x85",
    "é",
    "١٢",
    "🙂",
    "_x",
    "X",
    "__import__",
    "eval",
    "lambda",
]
SPACES = st.sampled_from([" ", "", "  ", "\t"])
soup = st.lists(st.tuples(st.sampled_from(TOKENS), SPACES), max_size=40).map(
    lambda ts: "".join(t + s for t, s in ts)
)


def shape(node: c.Node) -> object:
    if isinstance(node, c.Binary):
        return (node.op, shape(node.left), shape(node.right))
    if isinstance(node, c.Unary):
        return (node.op, shape(node.operand))
    if isinstance(node, c.Call):
        return (node.func, node.arg)
    return getattr(node, "value", getattr(node, "name", None))


@settings(max_examples=examples(600), deadline=None, database=None)
@given(
    source=soup,
    ypg=st.integers(-(10**9), 10**9),
    men=st.integers(-(10**9), 10**9),
    flag=st.booleans(),
    seen=st.booleans(),
    took=st.booleans(),
)
def test_token_soup_round_trips_or_fails_cleanly(
    source: str, ypg: int, men: int, flag: bool, seen: bool, took: bool
) -> None:
    try:
        node = c.parse(source)
    except c.ConditionError as exc:
        assert 1 <= exc.column <= len(source) + 1, (source, exc.column)
        assert exc.message and "\n" not in exc.message
        return
    printed = c.to_source(node)
    again = c.parse(printed)
    assert shape(again) == shape(node)
    assert c.to_source(again) == printed  # printing is a fixed point after one round
    try:
        kind = c.check(node, NAMES)
    except c.ConditionError as exc:
        assert 1 <= exc.column <= len(source) + 1
        return
    assert kind in (int, bool)
    assert c.check(again, NAMES) is kind
    visited = {"gate"} if seen else set()
    chosen = {"gate.bribe"} if took else set()
    compiled = c.compile_node(node, NAMES.slots)([ypg, men, flag], visited, chosen)
    expected = c.evaluate(node, {"ypg": ypg, "men": men, "flag": flag}, visited, chosen)
    assert compiled == expected if kind is int else bool(compiled) == bool(expected)


@settings(max_examples=examples(300), deadline=None, database=None)
@given(text=st.text(alphabet=st.characters(codec="utf-8"), max_size=c.MAX_LENGTH + 20))
def test_arbitrary_unicode_only_raises_condition_errors(text: str) -> None:
    try:
        c.check(c.parse(text), NAMES)
    except c.ConditionError as exc:
        assert 1 <= exc.column <= len(text) + 1


def test_length_limit_is_exact() -> None:
    ok = "flag" + " " * (c.MAX_LENGTH - 4)
    assert len(ok) == c.MAX_LENGTH
    assert c.check(c.parse(ok), NAMES) is bool
    with pytest.raises(c.ConditionError, match="too long") as info:
        c.parse(ok + " ")
    assert info.value.column == c.MAX_LENGTH + 1


def _max_ok(make) -> int:  # type: ignore[no-untyped-def]
    depth = 1
    while True:
        try:
            c.parse(make(depth + 1))
        except c.ConditionError as exc:
            assert "nested too deeply" in exc.message
            return depth
        depth += 1


@pytest.mark.parametrize(
    "make",
    [
        lambda d: "(" * d + "flag" + ")" * d,
        lambda d: "not " * d + "flag",
        lambda d: "-" * d + "men > 0",
        lambda d: "(" * d + "men" + ")" * d + " > 0",
        lambda d: "".join("(not " for _ in range(d)) + "flag" + ")" * d,
    ],
    ids=["parentheses", "nots", "negations", "parenthesised-int", "not-in-parentheses"],
)
def test_depth_limit_holds_at_its_boundary_for_every_shape(make) -> None:  # type: ignore[no-untyped-def]
    limit = _max_ok(make)
    assert 1 <= limit <= c.MAX_DEPTH
    c.parse(make(limit))
    with pytest.raises(c.ConditionError, match="nested too deeply"):
        c.parse(make(limit + 1))
    # Far beyond the limit (and the length limit): a clean error, never RecursionError.
    with pytest.raises(c.ConditionError):
        c.parse(make(10_000))


def test_long_flat_chains_are_not_depth_limited() -> None:
    # A flat 'a or a or a ...' is long, not deep: it is bounded by the length limit only.
    chain = " or ".join(["flag"] * 60)
    assert len(chain) <= c.MAX_LENGTH
    assert c.check(c.parse(chain), NAMES) is bool
    total = " + ".join(["men"] * 80) + " > 0"
    assert c.check(c.parse(total), NAMES) is bool


@pytest.mark.parametrize(
    ("source", "ok"),
    [
        ("men > 1000000000", True),
        ("men > 1000000001", False),
        ("men > " + "9" * 400, False),
        ("-1000000000 < men", True),
    ],
)
def test_integer_limit(source: str, ok: bool) -> None:
    if ok:
        assert c.check(c.parse(source), NAMES) is bool
    else:
        with pytest.raises(c.ConditionError, match="too large"):
            c.parse(source)


@pytest.mark.parametrize(
    "source", ["__import__('os')", "eval(men)", "men.__class__", "lambda: 1", "flag; 1", "f'{men}'"]
)
def test_nothing_python_like_is_accepted(source: str) -> None:
    # The language has no attribute access, calls other than visited()/chose(), strings or statements.
    with pytest.raises(c.ConditionError):
        c.check(c.parse(source), NAMES)
