"""What fits at the cursor, read from a half-typed line (the file need not be valid YAML)."""

from __future__ import annotations

import pytest

from game.loader.context import Expected, expected_at


def at_end(line: str, above: str = "") -> Expected | None:
    """What is expected with the cursor at the end of ``line`` (the last line of ``above + line``)."""
    text = above + line
    return expected_at(text, text.count("\n") + 1, len(line) + 1)


@pytest.mark.parametrize(
    ("line", "kind", "prefix"),
    [
        ("    goto: kob", "scene", "kob"),
        ("      - {to: ro", "scene", "ro"),
        ("  start: sq", "scene", "sq"),
        ("chapter: o", "chapter", "o"),
        ("    location: ", "location", ""),
        ("    ending: ho", "ending", "ho"),
        ("        goto: {use: ag", "routes", "ag"),
        ("        requires: visited(squ", "scene", "squ"),
        ("        if: chose(sq", "scene", "sq"),
        ("        if: waited > 1 and wa", "name", "wa"),
        ("        if: ", "name", ""),
        ("      - {id: c0, label: x, if: north > 20, effects: {trust: {no", "faction", "no"),
        ("        effects: {set: {asked: true}, add: {wa", "number", "wa"),
        ('        label: "Leave {me', "name", "me"),
        ('        label: "Leave {men:Wo', "form", "Wo"),
        ("    text: You have {", "name", ""),
    ],
)
def test_what_fits_after_a_key(line: str, kind: str, prefix: str) -> None:
    found = at_end(line)
    assert found is not None and (found.kind, found.prefix) == (kind, prefix)
    assert line[found.column - 1 :] == prefix


def test_a_choice_after_chose_scene_dot() -> None:
    found = at_end("        if: chose(square.as")
    assert found is not None and (found.kind, found.owner, found.prefix) == ("choice", "square", "as")


def test_a_condition_inside_an_if_span_in_text() -> None:
    found = at_end('        label: "Wait {if wai')
    assert found is not None and (found.kind, found.condition) == ("name", True)


def test_a_faction_name_after_rename() -> None:
    found = at_end("        effects: {rename: {groups: ro")
    assert found is not None and (found.kind, found.owner, found.prefix) == ("faction_name", "groups", "ro")


BLOCK = """scenes:
  - id: gate
    text:
      - |
        The dog barks at {
    choices:
      - id: a
        effects:
          trust:
            gu
          add:
            br
"""


@pytest.mark.parametrize(("row", "kind", "prefix"), [(5, "name", ""), (10, "faction", "gu"), (12, "number", "br")])
def test_what_fits_in_a_block(row: int, kind: str, prefix: str) -> None:
    lines = BLOCK.split("\n")
    found = expected_at(BLOCK, row, len(lines[row - 1]) + 1)
    assert found is not None and (found.kind, found.prefix) == (kind, prefix)


@pytest.mark.parametrize(
    "line",
    [
        "        if: waited > 1",  # an operator comes next, not a name
        "    title: The Gate",
        "  - {id: x, title: y",  # a flow mapping's key, not text
        "# goto: gate",
    ],
)
def test_nothing_the_story_names_fits(line: str) -> None:
    assert at_end(line) is None
