"""Renaming a scene or a choice keeps its old id under formerly:, written in the style the file already uses."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.loader import load_story
from game.loader.edits import Edit, rename_keeping_former
from game.loader.workspace import Workspace

MANIFEST = """story: {id: edits, title: Edits, start: gate}
chapters: {one: {title: One, order: 1}}
factions: {guards: {name: The guards, description: At the gate.}}
endings: {out: {title: Out}}
"""


def apply(text: str, edits: list[Edit]) -> str:
    """The text with the edits made (last first, so earlier ranges stay where they were)."""
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    for edit in sorted(edits, key=lambda e: (e.span.line, e.span.column), reverse=True):
        s = edit.span
        start = offsets[s.line - 1] + s.column - 1
        end = offsets[s.end_line - 1] + s.end_column - 1
        text = text[:start] + edit.text + text[end:]
    return text


def renamed(tmp_path: Path, scenes: str, key: str, new: str) -> str:
    (tmp_path / "story.yaml").write_text(MANIFEST)
    (tmp_path / "scenes.yaml").write_text(scenes)
    checked = Workspace(str(tmp_path)).check()
    assert checked.story is not None, checked.problems
    assert checked.index is not None
    slot = checked.index.slot(key)
    assert slot is not None
    edits = rename_keeping_former(slot, new)
    # The uses of the old id (the language server's part of a rename) are renamed too.
    kind = "choice" if "." in key else "scene"
    whole = f"{key.split('.')[0]}.{new}" if kind == "choice" else new
    edits += [Edit(r.span, whole.split(".")[-1]) for r in checked.index.refs(kind, key) if r.role == "reference"]
    text = apply(scenes, edits)
    (tmp_path / "scenes.yaml").write_text(text)
    return text


BLOCK = """chapter: one
scenes:
  - id: gate
    title: The Gate
    text: A gate.
    choices:
      - id: leave
        label: Leave
        goto: gate_out
  - id: gate_out
    title: Out
    ending: out
    text: You are out."""  # (no line break at the end of the file)


def test_a_block_scene_gets_a_formerly_line_under_its_id(tmp_path: Path) -> None:
    text = renamed(tmp_path, BLOCK, "gate_out", "outside")
    assert "  - id: outside\n    formerly: [gate_out]\n    title: Out" in text
    assert load_story(str(tmp_path)).renamed == {"gate_out": "outside"}


def test_the_last_scene_of_a_file_without_a_final_line_break(tmp_path: Path) -> None:
    scenes = BLOCK.replace("  - id: gate_out\n    title: Out\n    ending: out\n    text: You are out.",
                           "  - title: Out\n    ending: out\n    text: You are out.\n    id: gate_out")
    text = renamed(tmp_path, scenes, "gate_out", "outside")
    assert text.endswith("    id: outside\n    formerly: [gate_out]")
    assert "goto: outside" in text
    assert load_story(str(tmp_path)).renamed == {"gate_out": "outside"}


FLOW = """chapter: one
scenes:
  - {id: gate, title: The Gate, text: A gate., choices: [{id: leave, label: Leave, goto: "out_scene"}]}
  - {id: "out_scene", title: Out, ending: out, text: You are out.}
"""


def test_a_flow_mapping_gets_formerly_beside_the_id(tmp_path: Path) -> None:
    text = renamed(tmp_path, FLOW, "out_scene", "outside")
    assert '{id: outside, formerly: [out_scene], title: Out' in text
    assert load_story(str(tmp_path)).renamed == {"out_scene": "outside"}


@pytest.mark.parametrize(
    ("formerly", "expected"),
    [
        ("formerly: old_gate", "formerly: [old_gate, gate_out]"),
        ("formerly: [old_gate]", "formerly: [old_gate, gate_out]"),
        ("formerly:\n      - old_gate", "formerly:\n      - old_gate\n      - gate_out"),
    ],
)
def test_an_existing_formerly_gets_the_old_id_too(tmp_path: Path, formerly: str, expected: str) -> None:
    scenes = BLOCK.replace("    title: Out", f"    {formerly}\n    title: Out", 1)
    text = renamed(tmp_path, scenes, "gate_out", "outside")
    assert expected in text
    assert load_story(str(tmp_path)).renamed == {"old_gate": "outside", "gate_out": "outside"}


def test_a_choice_is_renamed_with_its_former_id(tmp_path: Path) -> None:
    text = renamed(tmp_path, BLOCK, "gate.leave", "walk_out")
    assert "      - id: walk_out\n        formerly: [leave]\n" in text
    assert load_story(str(tmp_path)).renamed == {"gate.leave": "gate.walk_out"}
