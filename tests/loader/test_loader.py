"""Loader behaviour an author relies on: values read by field, YAML 1.1 surprises avoided, hostile input bounded."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from game.engine import Game
from game.loader import StoryError, check_story, load_story

MANIFEST = """\
story: {id: t, title: T, start: a}
chapters:
  one: {title: One, order: 1}
factions:
  ypg: {name: YPG, description: The YPG.}
variables:
  flag: {type: bool, default: false}
  men: {type: int, default: 10}
endings:
  done: {title: Done}
"""


def make_story(tmp_path: Path, scenes: str, manifest: str = MANIFEST) -> Path:
    (tmp_path / "story.yaml").write_text(manifest, encoding="utf-8")
    (tmp_path / "ch").mkdir(exist_ok=True)
    (tmp_path / "ch" / "scenes.yaml").write_text(textwrap.dedent(scenes), encoding="utf-8")
    return tmp_path


def test_yaml_11_surprises_keep_their_text(tmp_path: Path) -> None:
    story = load_story(str(make_story(tmp_path, """\
        chapter: one
        scenes:
          - id: a
            title: no
            place: on
            date: 1:30
            text: 2014-01-05
            choices: [{id: go, label: 010, goto: b}]
          - {id: b, title: yes, ending: done, text: "~"}
        """)))
    a = story.scenes["a"]
    assert (a.title, a.place, a.date) == ("no", "on", "1:30")
    assert Game(story).text() == ["2014-01-05"]
    assert a.choices[0].label == "010"
    assert story.scenes["b"].title == "yes"


def test_paragraphs_split_on_blank_lines_and_join_wrapped_lines(tmp_path: Path) -> None:
    story = load_story(str(make_story(tmp_path, """\
        chapter: one
        scenes:
          - id: a
            title: A
            text: |
              First line
              continues here.

              Second paragraph, {men} men.
            choices: [{id: go, label: Go, goto: b}]
          - {id: b, title: B, ending: done, text: End.}
        """)))
    assert Game(story).text() == ["First line continues here.", "Second paragraph, 10 men."]


def test_every_problem_is_reported_in_one_pass_sorted(tmp_path: Path) -> None:
    _, problems = check_story(str(make_story(tmp_path, """\
        chapter: one
        scenes:
          - id: a
            title: A
            text: Hi {nobody}.
            choices:
              - {id: go, label: Go, goto: nowhere, if: flagg}
          - {id: b, title: B, ending: dnoe, text: End.}
        """)))
    lines = [str(p) for p in problems]
    assert len(lines) == 4
    assert lines == sorted(lines, key=lambda s: (s.split(":")[0], int(s.split(":")[1]), int(s.split(":")[2])))
    assert any("unknown scene 'nowhere'" in line for line in lines)
    assert any("unknown name 'flagg' (did you mean 'flag'?)" in line for line in lines)
    assert any("unknown ending 'dnoe' (did you mean 'done'?)" in line for line in lines)


def test_condition_errors_point_inside_the_expression(tmp_path: Path) -> None:
    _, problems = check_story(str(make_story(tmp_path, """\
        chapter: one
        scenes:
          - id: a
            title: A
            text: Hi.
            choices:
              - id: go
                label: Go
                if: men > 3 and flag and ypgg > 1
                goto: b
          - {id: b, title: B, ending: done, text: End.}
        """)))
    (p,) = problems
    line = (tmp_path / "ch" / "scenes.yaml").read_text().splitlines()[p.line - 1]
    assert line[p.column - 1 :].startswith("ypgg")


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    make_story(tmp_path, "chapter: one\nscenes:\n  - {id: a, title: A, text: Hi., choices: [{id: go, label: Go, goto: b}]}\n"
               "  - {id: b, title: B, ending: done, text: End.}\n")
    path = tmp_path / "ch" / "scenes.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert load_story(str(tmp_path)).scenes["a"].title == "A"


def test_anchors_and_aliases_may_share_effects(tmp_path: Path) -> None:
    story = load_story(str(make_story(tmp_path, """\
        chapter: one
        scenes:
          - id: a
            title: A
            text: Hi.
            choices:
              - {id: x, label: X, effects: &costly {trust: {ypg: -5}}, goto: b}
              - {id: y, label: Y, effects: *costly, goto: b}
          - {id: b, title: B, ending: done, text: End.}
        """)))
    game = Game(story)
    game.choose("y")
    assert game.trust()["ypg"] == 45


@pytest.mark.parametrize(
    "payload",
    ["[" * 20000 + "]" * 20000, "- " * 20000 + "x", "{a: " * 20000 + "1" + "}" * 20000],
    ids=["flow-lists", "block-dashes", "flow-maps"],
)
def test_pathological_nesting_is_refused_without_crashing(tmp_path: Path, payload: str) -> None:
    # Run in a subprocess: if libyaml's composer ever saw this, it could take the whole process down.
    make_story(tmp_path, "chapter: one\nscenes: []\n")
    (tmp_path / "ch" / "deep.yaml").write_text("scenes: " + payload if payload.startswith(("[", "{")) else payload)
    proc = subprocess.run([sys.executable, "-m", "game", "lint", "--json", str(tmp_path)], capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 2, proc.stderr
    report = json.loads(proc.stdout)
    assert any("nested too deeply" in e["message"] for e in report["errors"])


def test_alias_bomb_is_bounded(tmp_path: Path) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
    )
    make_story(tmp_path, "chapter: one\nscenes: []\n")
    (tmp_path / "ch" / "bomb.yaml").write_text(bomb)
    story, problems = check_story(str(tmp_path))
    assert story is None
    assert any(p.file.endswith("bomb.yaml") for p in problems)


def test_load_story_raises_story_error_listing_everything(tmp_path: Path) -> None:
    make_story(tmp_path, "chapter: one\nscenes:\n  - {id: a, title: A, text: Hi.}\n")
    with pytest.raises(StoryError) as info:
        load_story(str(tmp_path))
    assert "has no choices" in info.value.report()
    assert info.value.report().endswith("error")


def test_lint_json_shape(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "game", "lint", "--json", "tests/fixtures/tiny"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0
    data = json.loads(proc.stdout)
    assert data["ok"] is True and data["errors"] == []
    assert set(data["stats"]) == {"scenes", "choices", "endings", "factions", "variables", "words", "result_words"}
    assert data["stats"]["scenes"] == 5


def test_a_load_leaves_nothing_for_the_cycle_collector(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A cold load composes every file's YAML and reads it into records; once the story is built, all of that must
    # go by reference counting. A reference cycle (a recursive closure did it once) kept the whole reader, every
    # node and every file's text alive until the next collection: double a cold load's memory, for nothing.
    import gc

    from yaml.nodes import Node

    monkeypatch.setenv("QASAS_NO_CACHE", "1")
    root = make_story(tmp_path, """\
        chapter: one
        scenes:
          - id: a
            title: "{if flag: Flagged|Plain} {men:words} men"
            text: |
              {seq: First|Then {if men > 5: many|few}} words, {em: kept}.

              A second paragraph.
            choices:
              - {id: go, label: "Go {men:man/men}", result: "{cycle: Gone|Away}", goto: b}
          - id: b
            title: B
            text: The end.
            ending: done
        """)
    gc.collect()
    was = gc.isenabled()
    gc.disable()
    try:
        story, problems = check_story(str(root))
        assert story is not None and not [p for p in problems if p.severity == "error"]
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        left = [type(o).__name__ for o in gc.garbage if isinstance(o, Node) or type(o).__name__ in ("Para", "_Src")]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if was:
            gc.enable()
    assert left == []
