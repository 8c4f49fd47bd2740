"""Records (``game.engine.records``): the engine's small classes made from annotated fields, as dataclasses would
make them. Each test defines the tiny record it needs, or uses one of the engine's own."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import pytest

from game.engine.game import Outcome, State
from game.engine.model import NOWHERE, Route, Scene
from game.engine.records import field, fields, is_record, record, replace


@record
class Gate:
    name: str
    men: int
    open: bool = False
    pos: tuple[int, int] = (0, 0)


@record
class Camp:
    name: str
    tents: list[str] = field(default_factory=list)
    notes: str = field(default="", compare=False)


@record
class Outpost:
    name: str
    notes: str = field(default="", compare=False)


@record(frozen=False)
class March:
    leader: str
    miles: int = 0
    stops: dict[str, int] = field(default_factory=dict)


@record(order=True)
class Mark:
    line: int
    column: int


def _reference(self: Any, name: str, men: int, open: bool = False, pos: tuple[int, int] = (0, 0)) -> None:
    """A plain function with Gate's parameters: what Python itself says to a call that does not fit it."""


# ------------------------------------------------------------------------------------------------ making one


def test_fields_are_taken_in_order_by_position_or_by_name() -> None:
    by_position = Gate("north", 40, True, (3, 4))
    by_name = Gate(pos=(3, 4), open=True, men=40, name="north")
    mixed = Gate("north", 40, pos=(3, 4), open=True)
    assert by_position == by_name == mixed
    assert (by_position.name, by_position.men, by_position.open, by_position.pos) == ("north", 40, True, (3, 4))


def test_fields_left_out_take_their_defaults() -> None:
    gate = Gate("south", 12)
    assert (gate.open, gate.pos) == (False, (0, 0))
    assert Gate("south", 12, True).pos == (0, 0)
    assert Gate("south", men=12, pos=(1, 1)).open is False


def test_a_default_factory_makes_a_fresh_value_for_each_record() -> None:
    one, two = Camp("river"), Camp("hills")
    assert one.tents == [] and two.tents == []
    assert one.tents is not two.tents
    given = ["a"]
    assert Camp("river", given).tents is given  # a value given is kept as it is
    assert Camp(name="river", tents=given).tents is given
    assert March("Ali").stops == {} and March("Ali").stops is not March("Ali").stops


@pytest.mark.parametrize("count", range(9))
def test_records_of_every_size_keep_every_field(count: int) -> None:
    # Records of up to five fields store them through code written out for their size; larger ones in a loop.
    names = [f"f{i}" for i in range(count)]
    ns = {"__annotations__": dict.fromkeys(names, "int")}
    cls = record(type(f"R{count}", (), ns))
    made = cls(*range(count))
    assert [getattr(made, n) for n in names] == list(range(count))
    assert cls(**{n: i for i, n in enumerate(names)}) == made
    assert fields(cls) == tuple(names)


@pytest.mark.parametrize(
    "call",
    [
        lambda g: g(),
        lambda g: g("north"),
        lambda g: g(men=4),
        lambda g: g("north", 4, True, (1, 1), "extra"),
        lambda g: g("north", 4, True, (1, 1), "extra", "more"),
        lambda g: g("north", 4, gate=1),
        lambda g: g("north", 4, name="south"),
        lambda g: g("north", 4, True, (1, 1), "extra", gate=1),
        lambda g: g("north", 4, True, (1, 1), "extra", men=1),
        lambda g: g(men=4, gate=1),
        lambda g: g(self=1, name="north", men=4),
    ],
    ids=[
        "nothing", "one missing", "the first missing", "one too many", "two too many", "an unknown name",
        "a field twice", "too many and an unknown name", "too many and a field twice", "missing and unknown",
        "self by name",
    ],
)
def test_a_call_that_does_not_fit_fails_as_python_fails_it(call: Callable[[Any], Any]) -> None:
    with pytest.raises(TypeError) as expected:
        call(_reference.__get__(object()))  # bound, as __init__ is: self is given
    with pytest.raises(TypeError) as got:
        call(Gate)
    assert str(got.value) == str(expected.value).replace("_reference()", "Gate.__init__()")


def test_the_errors_count_and_list_the_missing_fields_as_python_does() -> None:
    with pytest.raises(TypeError, match=r"^Scene.__init__\(\) missing 3 required positional arguments: "
                       r"'title', 'chapter', and 'text'$"):
        Scene("gate")
    with pytest.raises(TypeError, match=r"^Route.__init__\(\) takes from 2 to 5 positional arguments but 6 were"):
        Route("gate", None, None, NOWHERE, "extra")
    with pytest.raises(TypeError, match=r"^State.__init__\(\) missing 1 required positional argument: 'log'$"):
        State("gate", [], set(), set())  # type: ignore[call-arg]


def test_a_record_without_defaults_says_how_many_it_takes() -> None:
    with pytest.raises(TypeError, match=r"^Mark.__init__\(\) takes 3 positional arguments but 4 were given$"):
        Mark(1, 2, 3)  # type: ignore[call-arg]


def test_a_field_without_a_default_after_one_with_a_default_is_refused_when_the_class_is_made() -> None:
    with pytest.raises(TypeError, match="non-default argument 'men' follows default argument"):

        @record
        class Bad:
            name: str = ""
            men: int


def test_post_init_runs_last_and_may_tidy_a_field() -> None:
    seen: list[tuple[str, int]] = []

    @record
    class Tidy:
        name: str
        men: int = 0

        def __post_init__(self) -> None:
            seen.append((self.name, self.men))
            object.__setattr__(self, "name", self.name.strip())

    assert Tidy("  north ", 4).name == "north"
    assert Tidy(name=" south", men=2).name == "south"
    assert Tidy(" east").name == "east"
    assert seen == [("  north ", 4), (" south", 2), (" east", 0)]


# ------------------------------------------------------------------------------------------------ using one


def test_a_record_refuses_assignment_and_deletion() -> None:
    gate = Gate("north", 40)
    with pytest.raises(AttributeError, match="cannot assign to field 'men' of a Gate: it is immutable"):
        gate.men = 3  # type: ignore[misc]
    with pytest.raises(AttributeError, match="immutable"):
        del gate.men  # type: ignore[misc]
    with pytest.raises(AttributeError):
        gate.extra = 1  # type: ignore[attr-defined]
    assert gate.men == 40


def test_a_record_made_with_frozen_false_can_be_changed_and_has_no_hash() -> None:
    march = March("Ali", 3)
    march.miles = 5
    assert march == March("Ali", 5)
    with pytest.raises(TypeError, match="unhashable"):
        hash(march)


def test_records_are_equal_and_hash_alike_by_the_fields_they_compare() -> None:
    assert Gate("north", 40) == Gate("north", 40)
    assert Gate("north", 40) != Gate("north", 41)
    assert hash(Gate("north", 40)) == hash(Gate("north", 40))
    assert Camp("river", notes="muddy") == Camp("river", notes="dry")  # notes: compare=False
    assert hash(Outpost("river", "muddy")) == hash(Outpost("river", "dry"))
    assert Gate("north", 40) != ("north", 40, False, (0, 0))  # another class is never equal
    assert len({Gate("north", 40), Gate("north", 40), Gate("south", 40)}) == 2


def test_ordered_records_sort_by_their_fields_in_order() -> None:
    marks = [Mark(3, 1), Mark(1, 9), Mark(1, 2)]
    assert sorted(marks) == [Mark(1, 2), Mark(1, 9), Mark(3, 1)]
    assert Mark(1, 2) <= Mark(1, 2) < Mark(1, 3)
    with pytest.raises(TypeError):
        Mark(1, 2) < (1, 2)  # type: ignore[operator]  # noqa: B015


def test_repr_names_the_class_and_every_field() -> None:
    assert repr(Gate("north", 40)) == "Gate(name='north', men=40, open=False, pos=(0, 0))"
    assert repr(March("Ali")) == "March(leader='Ali', miles=0, stops={})"


def test_records_have_slots_match_args_and_fields() -> None:
    gate = Gate("north", 40)
    assert Gate.__slots__ == ("name", "men", "open", "pos")  # type: ignore[attr-defined]
    assert not hasattr(gate, "__dict__")
    assert Gate.__match_args__ == ("name", "men", "open", "pos")
    match gate:
        case Gate(name, men, open=False):
            assert (name, men) == ("north", 40)
        case _:
            pytest.fail("a record matches by position and by name")
    assert fields(Gate) == fields(gate) == ("name", "men", "open", "pos")
    assert is_record(gate) and not is_record(Gate) and not is_record(("north", 40))


@record
class Well:
    __slots__ = ("_depth",)  # a slot of its own: what the well works out about itself, not one of its fields

    village: str
    buckets: int = 0


def test_a_records_own_slots_are_not_fields() -> None:
    well = Well("Tal Abyad", 3)
    assert fields(Well) == ("village", "buckets") and Well.__match_args__ == ("village", "buckets")
    assert not hasattr(well, "_depth")
    object.__setattr__(well, "_depth", 40)  # set by the record itself, past the refusal a frozen record makes
    assert well._depth == 40  # type: ignore[attr-defined]
    assert well == Well("Tal Abyad", 3) and hash(well) == hash(Well("Tal Abyad", 3))
    assert repr(well) == "Well(village='Tal Abyad', buckets=3)"
    assert not hasattr(replace(well, buckets=4), "_depth")
    with pytest.raises(AttributeError):
        well._depth = 41  # type: ignore[attr-defined]


def test_replace_makes_a_copy_with_some_fields_changed() -> None:
    gate = Gate("north", 40, pos=(1, 2))
    assert replace(gate, men=3) == Gate("north", 3, pos=(1, 2))
    assert gate.men == 40
    with pytest.raises(TypeError, match="unexpected keyword argument 'gates'"):
        replace(gate, gates=3)


def test_a_record_class_shows_its_fields_as_its_signature() -> None:
    assert str(inspect.signature(Gate)) == "(name, men, open=False, pos=(0, 0))"
    assert str(inspect.signature(Camp)) == "(name, tents=<factory>, notes='')"

    @record
    class Callable_:
        n: int

        def __call__(self, x: int) -> int:
            return self.n + x

    assert str(inspect.signature(Callable_(1))) == "(x: 'int') -> 'int'"  # a record's own, not its class's


def test_outcome_keeps_its_own_init_in_step_with_its_fields() -> None:
    # Outcome writes its __init__ out for speed (one is made on every step of rendered play): it must still take
    # exactly the fields, in order, with the defaults they declare.
    params = inspect.signature(Outcome).parameters
    assert tuple(params) == fields(Outcome)
    assert [p.default for p in params.values()] == [
        inspect.Parameter.empty, inspect.Parameter.empty, inspect.Parameter.empty, (), (), None, None, (), (),
    ]
    outcome = Outcome("gate", "wait", "gate")
    assert outcome == Outcome("gate", "wait", "gate", (), (), None, None, (), ())
    assert outcome == Outcome("gate", "wait", "gate", state=State("gate", [], set(), set(), []))  # state not compared
