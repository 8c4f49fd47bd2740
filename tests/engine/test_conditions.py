"""The condition language: parsing, errors with columns, limits, and a differential test of the compiler."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game.engine import conditions as c

NAMES = c.Names(
    slots={"ypg": 0, "men": 1, "flag": 2},
    types={"ypg": int, "men": int, "flag": bool},
    scenes=frozenset({"gate", "road"}),
    choices=frozenset({"gate.bribe"}),
    suggest=lambda w, pool: "ypg" if w == "ypgg" else None,
)


def run(src: str, values=(50, 10, True), visited=(), chosen=()):
    node = c.parse(src)
    c.check(node, NAMES)
    return c.compile_node(node, NAMES.slots)(list(values), set(visited), set(chosen))


@pytest.mark.parametrize(
    "src, expected",
    [
        ("ypg >= 50", True),
        ("ypg > 50", False),
        ("not flag", False),
        ("not ypg == 50", False),  # not binds looser than comparison
        ("ypg - men - 10 == 30", True),  # left associative
        ("-men + 20 == 10", True),
        ("flag and ypg > 10 or false", True),
        ("false and true or true", True),  # and binds tighter than or
        ("(ypg + men) > 55 and visited(gate)", True),
        ("chose(gate.bribe)", False),
        ("true", True),
    ],
)
def test_evaluation(src: str, expected: bool) -> None:
    assert run(src, visited={"gate"}) is expected or run(src, visited={"gate"}) == expected


@pytest.mark.parametrize(
    "src, message, column",
    [
        ("ypg >= ", "expression ends too early", 8),
        ("ypg = 3", "use == to compare", 5),
        ("ypg && flag", "use 'and' / 'or'", 5),
        ("!flag", "use 'not'", 1),
        ("ypgg > 3", "unknown name 'ypgg' (did you mean 'ypg'?)", 1),
        ("flag + 1 > 0", "'+' needs numbers", 1),
        ("ypg and flag", "'and' needs true/false", 1),
        ("flag > 1", "compares numbers", 1),
        ("flag == 1", "cannot compare true/false with a number", 6),
        ("1 < ypg < 3", "cannot be chained", 9),
        ("visited(nowhere)", "unknown scene 'nowhere'", 9),
        ("chose(gate)", "chose() takes scene_id.choice_id", 7),
        ("visited(gate.bribe)", "use chose()", 9),
        ("lookup(gate)", "unknown function 'lookup'", 1),
        ("(ypg > 1", "expected ')'", 9),
        ("ypg > 1)", "unexpected ')'", 8),
        ("men > 10000000000", "too large", 7),
        ("and flag", "needs something on its left", 1),
        ("gate.bribe", "only used inside chose()", 1),
    ],
)
def test_errors_name_the_column(src: str, message: str, column: int) -> None:
    with pytest.raises(c.ConditionError) as info:
        c.check(c.parse(src), NAMES)
    assert message in info.value.message
    assert info.value.column == column


def test_limits() -> None:
    with pytest.raises(c.ConditionError, match="too long"):
        c.parse("flag or " * 100 + "flag")
    with pytest.raises(c.ConditionError, match="nested too deeply"):
        c.parse("(" * 40 + "flag" + ")" * 40)
    with pytest.raises(c.ConditionError, match="nested too deeply"):
        c.parse("not " * 40 + "flag")
    assert run("(" * 20 + "flag" + ")" * 20) is True


# ---------------------------------------------------------------- differential property test

ints = st.builds(c.Num, st.integers(0, 1000), st.just(0))
int_names = st.sampled_from(["ypg", "men"]).map(lambda n: c.Name(n, 0))
bools = st.builds(c.Bool, st.booleans(), st.just(0))
bool_atoms = st.one_of(bools, st.just(c.Name("flag", 0)), st.just(c.Call("visited", "gate", 0, 0)),
                       st.just(c.Call("chose", "gate.bribe", 0, 0)))


def int_exprs() -> st.SearchStrategy:
    return st.recursive(
        st.one_of(ints, int_names),
        lambda inner: st.one_of(
            st.builds(c.Binary, st.sampled_from(["+", "-"]), inner, inner, st.just(0)),
            st.builds(c.Unary, st.just("-"), inner, st.just(0)),
        ),
        max_leaves=6,
    )


def bool_exprs() -> st.SearchStrategy:
    comparisons = st.builds(c.Binary, st.sampled_from(c.COMPARISONS), int_exprs(), int_exprs(), st.just(0))
    return st.recursive(
        st.one_of(bool_atoms, comparisons),
        lambda inner: st.one_of(
            st.builds(c.Binary, st.sampled_from(["and", "or", "==", "!="]), inner, inner, st.just(0)),
            st.builds(c.Unary, st.just("not"), inner, st.just(0)),
        ),
        max_leaves=8,
    )


def strip(node):  # positions differ after a round trip; compare shapes
    if isinstance(node, c.Binary):
        return (node.op, strip(node.left), strip(node.right))
    if isinstance(node, c.Unary):
        return (node.op, strip(node.operand))
    if isinstance(node, c.Call):
        return (node.func, node.arg)
    return getattr(node, "value", getattr(node, "name", None))


@settings(max_examples=400, deadline=None)
@given(bool_exprs(), st.integers(-50, 150), st.integers(0, 300), st.booleans(), st.booleans(), st.booleans())
def test_compiled_matches_reference_interpreter(tree, ypg, men, flag, seen, took) -> None:
    source = c.to_source(tree)
    if len(source) > c.MAX_LENGTH:
        return
    parsed = c.parse(source)
    assert strip(parsed) == strip(tree)  # printing and parsing round-trip
    assert c.check(parsed, NAMES) is bool
    visited = {"gate"} if seen else set()
    chosen = {"gate.bribe"} if took else set()
    env = {"ypg": ypg, "men": men, "flag": flag}
    expected = c.evaluate(tree, env, visited, chosen)
    compiled = c.compile_node(parsed, NAMES.slots)([ypg, men, flag], visited, chosen)
    assert bool(compiled) == bool(expected)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_arbitrary_text_raises_only_condition_errors(text: str) -> None:
    try:
        node = c.parse(text)
        c.check(node, NAMES)
    except c.ConditionError as exc:
        assert 1 <= exc.column <= max(len(text), c.MAX_LENGTH) + 1
