"""qasas schema: the JSON Schemas editors use agree with the loader, and the shipped copies are current."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import jsonschema
import pytest
from tools_helpers import write_story

from game.loader import StoryError, check_story, default_scenes_dir, load_story
from game.loader.reader import walk_story_files
from game.tools.modelines import add_modelines, modeline_for, with_modeline
from game.tools.schema import (
    FILES,
    editor_view,
    manifest_schema,
    render,
    scenes_schema,
    schema_for,
)

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "fixtures" / "tiny"
SHIPPED = ROOT / "schemas"


def schema_errors(root: Path) -> list[str]:
    """What an editor would flag in every file of the story at ``root``."""
    manifest, files, _ = walk_story_files(str(root))
    out = []
    for path, schema in [(manifest, manifest_schema())] + [(f, scenes_schema()) for f in files]:
        assert path is not None
        data = editor_view(Path(path).read_text(encoding="utf-8"))
        validator = jsonschema.Draft202012Validator(schema)
        out += [f"{Path(path).name}: {'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)]
    return out


def loader_errors(root: Path) -> list[str]:
    _, problems = check_story(str(root))
    return [str(p) for p in problems if p.severity == "error"]


def test_the_schemas_are_valid_draft_2020_12() -> None:
    for kind in FILES:
        schema = schema_for(kind)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        jsonschema.Draft202012Validator.check_schema(schema)


def test_the_shipped_schema_files_are_up_to_date() -> None:
    for kind, name in FILES.items():
        assert (SHIPPED / name).read_text(encoding="utf-8") == render(schema_for(kind)), (
            f"schemas/{name} is stale: run 'qasas schema --output schemas'"
        )


def test_every_key_has_a_description() -> None:
    def walk(node: object, where: str) -> None:
        if isinstance(node, dict):
            for key, sub in node.get("properties", {}).items():
                assert "description" in sub, f"{where}.{key}"
            for k, v in node.items():
                if k not in ("if", "then", "else", "allOf"):  # constraints, not declarations
                    walk(v, f"{where}.{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{where}[{i}]")

    walk(manifest_schema(), "manifest")
    walk(scenes_schema(), "scenes")


def test_the_tiny_story_and_the_shipped_story_validate() -> None:
    assert schema_errors(TINY) == []
    try:
        load_story(default_scenes_dir())
    except StoryError:
        pytest.skip("the shipped story does not load right now")
    assert schema_errors(Path(default_scenes_dir())) == []


# ------------------------------------------------------------------------------------------- agreement

BASE_MANIFEST = """\
story: {id: agree, title: Agreement, start: gate}
chapters:
  one: {title: One, order: 1}
factions:
  guards: {name: Guards, description: The guards.}
variables:
  flag: {type: bool, default: false}
  n: {type: int, default: 0, range: [0, 10]}
endings:
  out: {title: Out}
locations:
  gate: {name: The Gate}
glossary:
  Gate: {kind: invented, text: A gate.}
"""

BASE_SCENES = """\
chapter: one
scenes:
  - id: gate
    title: At the Gate
    place: A gate
    date: a year the records leave blank
    location: gate
    text:
      - "The guard looks at you. Trust: {guards}."
      - {if: flag, text: He knows you.}
    on_enter: {fair: {guards: -10}}
    choices:
      - id: pay
        label: Pay
        requires: guards >= 20
        reason: He will not take it.
        effects: {trust: {guards: +5}, set: {flag: true}, add: {n: 1}}
        goto: gate
      - id: run
        label: Run
        if: not flag
        goto:
          - {if: guards > 50, to: out}
          - {chance: 30, to: out}
          - {to: gate}
      - {id: leave, label: Leave, goto: out}
  - {id: out, title: Out, ending: out, text: You are out.}
"""

# (name, what to change, valid?). A change is (old, new) in the manifest ('m') or the scene file ('s').
CASES: list[tuple[str, list[tuple[str, str, str]], bool]] = [
    ("the base story", [], True),
    ("a title that YAML 1.1 reads as false", [("s", "title: At the Gate", "title: no")], True),
    ("a date that is a number", [("s", "date: a year the records leave blank", "date: 2014")], True),
    ("a date as written", [("s", "date: a year the records leave blank", "date: 2014-01-05")], True),
    ("an empty place", [("s", "place: A gate", "place:")], True),
    ("an ending with an empty choices list", [("s", "ending: out, text: You are out.}", "ending: out, choices: [], text: x}")], True),
    ("a scene naming its own chapter", [("s", "chapter: one\n", ""), ("s", "  - id: gate\n", "  - id: gate\n    chapter: one\n"),
                                        ("s", "{id: out,", "{id: out, chapter: one,")], True),
    ("a literal condition", [("s", "if: not flag", "if: true")], True),
    ("an unknown scene key", [("s", "    place: A gate", "    plac: A gate")], False),
    ("a scene without a title", [("s", "    title: At the Gate\n", "")], False),
    ("a choice without goto", [("s", "{id: leave, label: Leave, goto: out}", "{id: leave, label: Leave}")], False),
    ("a reason without requires", [("s", "        requires: guards >= 20\n", "")], False),
    ("a chance of 100", [("s", "chance: 30", "chance: 100")], False),
    ("a fair change of 150", [("s", "fair: {guards: -10}", "fair: {guards: -150}")], False),
    ("an id with capitals", [("s", "{id: leave,", "{id: Leave,")], False),
    ("an empty text list", [("s", "{id: out, title: Out, ending: out, text: You are out.}", "{id: out, title: Out, ending: out, text: []}")], False),
    ("an ending with choices", [("s", "ending: out, text: You are out.}", "ending: out, text: x, choices: [{id: a, label: A, goto: gate}]}")], False),
    ("a scene with neither choices nor ending", [("s", "ending: out, text", "text")], False),
    ("scenes that are not a list", [("s", "scenes:\n", "scenes: {}\nx:\n")], False),
    ("an unknown effect", [("s", "effects: {trust:", "effects: {trus:")], False),
    ("yes for a boolean", [("s", "set: {flag: true}", "set: {flag: yes}")], False),
    ("a quoted number", [("s", "trust: {guards: +5}", "trust: {guards: \"5\"}")], False),
    ("a condition that is a number", [("s", "if: not flag", "if: 3")], False),
    ("a passage without a condition", [("s", "{if: flag, text: He knows you.}", "{text: He knows you.}")], False),
    ("no chapter at all", [("s", "chapter: one\n", "")], False),
    ("a variable of an unknown type", [("m", "flag: {type: bool", "flag: {type: float")], False),
    ("a bool variable with a range", [("m", "flag: {type: bool, default: false}", "flag: {type: bool, default: false, range: [0, 1]}")], False),
    ("an int variable with a true default", [("m", "n: {type: int, default: 0,", "n: {type: int, default: true,")], False),
    ("a faction without a description", [("m", "guards: {name: Guards, description: The guards.}", "guards: {name: Guards}")], False),
    ("no factions", [("m", "factions:\n  guards: {name: Guards, description: The guards.}\n", "")], False),
    ("an empty factions mapping", [("m", "factions:\n  guards: {name: Guards, description: The guards.}\n", "factions: {}\n")], False),
    ("an unknown glossary kind", [("m", "kind: invented", "kind: fictional")], False),
    ("a story id with capitals", [("m", "id: agree", "id: Agree")], False),
    ("a chapter without an order", [("m", "{title: One, order: 1}", "{title: One}")], False),
    ("a range of three numbers", [("m", "range: [0, 10]", "range: [0, 5, 10]")], False),
    ("a manifest key misspelt", [("m", "endings:", "ending:")], False),
]


@pytest.mark.parametrize("name,changes,valid", CASES, ids=[c[0] for c in CASES])
def test_schema_and_loader_agree(tmp_path: Path, name: str, changes: list[tuple[str, str, str]], valid: bool) -> None:
    manifest, scenes = BASE_MANIFEST, BASE_SCENES
    for where, old, new in changes:
        if where == "m":
            assert old in manifest, old
            manifest = manifest.replace(old, new, 1)
        else:
            assert old in scenes, old
            scenes = scenes.replace(old, new, 1)
    root = write_story(tmp_path / "story", manifest, scenes)
    by_loader, by_schema = loader_errors(root), schema_errors(root)
    assert (not by_loader) == valid, by_loader
    assert (not by_schema) == valid, by_schema


@pytest.mark.parametrize(
    "old,new",
    [
        ("{to: gate}", "{to: nowhere}"),  # a scene that does not exist
        ("if: not flag", "if: not flg"),  # a name that does not exist
        ("{to: gate}", "{to: gate, if: flag}"),  # the last route must be the fallback
    ],
)
def test_what_only_the_loader_can_check(tmp_path: Path, old: str, new: str) -> None:
    """Cross-references and the condition language are beyond a schema: lint remains the judge."""
    root = write_story(tmp_path / "story", BASE_MANIFEST, BASE_SCENES.replace(old, new, 1))
    assert loader_errors(root) and not schema_errors(root)


def test_the_editor_view_reads_yaml_1_2() -> None:
    assert editor_view("a: no\nb: 2014-01-05\nc: 0x10\nd: ~\ne: '5'\nf: 1.5\ng: True\n") == {
        "a": "no", "b": "2014-01-05", "c": 16, "d": None, "e": "5", "f": 1.5, "g": True,
    }


# ------------------------------------------------------------------------------------------- modelines


def test_modelines_point_at_the_schemas_relatively(tmp_path: Path) -> None:
    schemas = tmp_path / "schemas"
    story = tmp_path / "scenes"
    write_story(story, BASE_MANIFEST, BASE_SCENES)
    (story / "ch").mkdir()
    (story / "ch" / "more.yaml").write_text("chapter: one\nscenes: []\n", encoding="utf-8")
    result = add_modelines(str(story), str(schemas))
    assert result.problems == [] and len(result.changed) == 3
    assert (story / "story.yaml").read_text().splitlines()[0] == "# yaml-language-server: $schema=../schemas/story.schema.json"
    assert (story / "scenes.yaml").read_text().splitlines()[0] == "# yaml-language-server: $schema=../schemas/scenes.schema.json"
    assert (story / "ch" / "more.yaml").read_text() == (
        "# yaml-language-server: $schema=../../schemas/scenes.schema.json\nchapter: one\nscenes: []\n"
    )
    assert (story / "scenes.yaml").read_text().split("\n", 1)[1] == textwrap.dedent(BASE_SCENES)
    # Idempotent, and the story still loads.
    again = add_modelines(str(story), str(schemas))
    assert again.changed == [] and again.problems == []
    assert loader_errors(story) == []


def test_the_shipped_layout_gets_the_modeline_from_the_issue() -> None:
    scene_file = ROOT / "scenes" / "01_deir_ez_zor" / "01_merger.yaml"
    assert modeline_for(str(scene_file), str(SHIPPED / "scenes.schema.json")) == (
        "# yaml-language-server: $schema=../../schemas/scenes.schema.json"
    )


def test_a_stale_modeline_is_replaced_in_place_and_line_endings_are_kept() -> None:
    line = "# yaml-language-server: $schema=../schemas/scenes.schema.json"
    text = "# A comment\r\n# yaml-language-server: $schema=old.json\r\nchapter: one\r\n"
    assert with_modeline(text, line) == f"# A comment\r\n{line}\r\nchapter: one\r\n"
    assert with_modeline("chapter: one\r\n", line) == f"{line}\r\nchapter: one\r\n"
    assert with_modeline(with_modeline("x: 1\n", line), line) == f"{line}\nx: 1\n"


def test_a_byte_order_mark_stays_first(tmp_path: Path) -> None:
    story = write_story(tmp_path / "s", BASE_MANIFEST, BASE_SCENES)
    raw = (story / "scenes.yaml").read_bytes()
    (story / "scenes.yaml").write_bytes(b"\xef\xbb\xbf" + raw)
    add_modelines(str(story), str(tmp_path / "schemas"))
    data = (story / "scenes.yaml").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf# yaml-language-server: $schema=") and data.endswith(raw)


def test_the_command(tmp_path: Path) -> None:
    def qasas(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "game", "schema", *args], capture_output=True, text=True, check=False, cwd=ROOT)

    proc = qasas("scenes")
    assert proc.returncode == 0 and json.loads(proc.stdout) == scenes_schema()
    proc = qasas("--output", str(tmp_path / "out"))
    assert proc.returncode == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["scenes.schema.json", "story.schema.json"]
    story = write_story(tmp_path / "story", BASE_MANIFEST, BASE_SCENES)
    proc = qasas("--add-modelines", str(story), "--schemas", str(tmp_path / "out"))
    assert proc.returncode == 0 and "2 files changed" in proc.stderr
    assert "1 file changed" not in qasas("--add-modelines", str(story), "--schemas", str(tmp_path / "out")).stderr
    assert qasas().returncode == 2
