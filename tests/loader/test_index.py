"""The index of names: every definition and use of a name, at the exact characters it is written with."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from game.loader.index import Index, Ref
from game.loader.workspace import Workspace

ROOT = Path(__file__).parents[2]
RICH = ROOT / "tests" / "fixtures" / "rich"


@pytest.fixture(scope="module")
def index() -> Index:
    checked = Workspace(str(RICH)).check()
    assert checked.index is not None
    return checked.index.with_terms(checked.declared.glossary)


def written(ref: Ref) -> str:
    """The text under a ref's range, read from the file."""
    lines = (ROOT / os.path.relpath(ref.span.file)).read_text(encoding="utf-8").split("\n")
    s = ref.span
    assert s.line == s.end_line
    return lines[s.line - 1][s.column - 1 : s.end_column - 1]


def test_every_name_sits_exactly_on_its_characters(index: Index) -> None:
    refs = [r for fi in index.files.values() for r in fi.refs if r.kind != "condition"]
    assert len(refs) > 60
    for ref in refs:
        expected = ref.name.split(".", 1)[1] if ref.kind == "choice" else ref.name
        assert written(ref).casefold() == expected.casefold(), ref


def where(refs: list[Ref]) -> set[tuple[str, str, str]]:
    return {(Path(r.span.file).name, r.role, r.how) for r in refs}


def test_a_scene_is_found_where_it_is_defined_started_gone_to_and_tested(index: Index) -> None:
    assert where(index.refs("scene", "square")) >= {
        ("one.yaml", "definition", ""), ("story.yaml", "reference", "start"), ("one.yaml", "reference", "goto"),
        ("one.yaml", "reference", "route"),
    }
    assert where(index.refs("scene", "plaza")) == {("one.yaml", "former", "")}
    assert where(index.refs("choice", "square.loiter")) == {("one.yaml", "former", "")}


def test_a_variable_is_found_in_conditions_effects_placeholders_and_spans(index: Index) -> None:
    hows = {r.how for r in index.refs("name", "waited")}
    assert hows == {"variable", "condition", "if", "passage", "text", "add"}
    men = index.refs("name", "men")
    assert {Path(r.span.file).name for r in men} == {"story.yaml", "one.yaml", "two.yaml"}  # titles too


def test_a_faction_is_found_in_min_max_trust_fair_and_rename(index: Index) -> None:
    hows = {r.how for r in index.refs("name", "groups")}
    assert {"faction", "condition", "requires", "rename", "trust"} <= hows
    assert {r.how for r in index.refs("name", "town")} >= {"fair", "trust", "text", "requires"}


def test_chapters_locations_endings_and_route_lists(index: Index) -> None:
    assert where(index.refs("chapter", "two")) == {("story.yaml", "definition", ""), ("two.yaml", "reference", "chapter")}
    assert where(index.refs("location", "square")) == {("story.yaml", "definition", ""), ("one.yaml", "reference", "location")}
    assert where(index.refs("ending", "home")) == {("story.yaml", "definition", ""), ("two.yaml", "reference", "ending")}
    assert where(index.refs("routes", "by_trust")) == {("story.yaml", "definition", ""), ("two.yaml", "reference", "use")}


def test_a_glossary_term_is_found_in_the_text_a_player_reads(index: Index) -> None:
    refs = index.refs("term", "The Square")
    assert ("story.yaml", "definition", "") in where(refs)
    found = {written(r) for r in refs if r.role == "reference"}
    assert found == {"The Square", "The square", "the square"}  # any case, whole words
    assert {Path(r.span.file).name for r in refs} == {"story.yaml", "one.yaml"}


def test_the_ref_under_a_cursor_is_the_narrowest(index: Index) -> None:
    cond = next(r for r in index.refs("name", "groups") if r.how == "requires")
    at = index.at(cond.span.file, cond.span.line, cond.span.column + 1)
    assert at is not None and at.kind == "name" and at.name == "groups"
    whole = next(r for r in index.refs("condition", "max(town, groups) >= 60"))
    on_max = index.at(whole.span.file, whole.span.line, whole.span.column + 1)
    assert on_max == whole


def test_scenes_are_summarised_as_written(index: Index) -> None:
    square = index.scenes["square"]
    assert square.title == "{seq: The Square|The Square Again}"
    assert square.first_line.startswith("{seq: You come into the square.")
    assert [c.id for c in square.choices] == ["ask", "wait", "found", "leave"]
    assert square.formerly == ("plaza",)
    outline = next(iter(index.files[next(f for f in index.files if f.endswith("one.yaml"))].symbols))
    assert outline.kind == "routes" or outline.name == "square"
