"""The authoring guide (scenes/README.md) can never drift from the loader and the tools.

Examples are fenced blocks whose first line names them:

* ```yaml with ``# example: manifest``: the manifest used by the examples that follow;
* ```yaml with ``# example: scenes``: a scene file, loaded with the last manifest; it must load without errors and
  validate against the JSON Schemas, each ``# lint: ...`` line in it must be a warning deep lint gives, and each
  ``# shows: ...`` line a paragraph, choice label or title that a new game (seed 1) shows;
* ```yaml with ``# example: playthrough``: replayed against the first scenes example (the guide's running
  example), and it must pass;
* ```mermaid with ``%% example: graph``: exactly what ``qasas graph`` draws for the first scenes example.

Every ``qasas`` command line in ```sh blocks must name a real command and only options it has.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest
from tools_helpers import write_story

from game.cli import COMMANDS, build_parser
from game.commands.graph import to_mermaid
from game.engine import Game
from game.loader import check_story
from game.saves import Playthrough, replay_playthrough
from game.tools.graph import story_map
from game.tools.lint import deep_warnings
from game.tools.schema import editor_view, manifest_schema, scenes_schema

GUIDE = Path(__file__).resolve().parents[2] / "scenes" / "README.md"


@dataclass
class Block:
    lang: str
    text: str
    line: int  # of the opening fence, 1-based

    @property
    def kind(self) -> str:
        first = self.text.split("\n", 1)[0]
        m = re.fullmatch(r"(?:#|%%) example: (\w+)", first.strip())
        return m.group(1) if m else ""


def blocks() -> list[Block]:
    """Fenced code blocks, read line by line (a fence opens and closes at the start of a line)."""
    out: list[Block] = []
    lang = None
    start = 0
    body: list[str] = []
    for n, line in enumerate(GUIDE.read_text(encoding="utf-8").splitlines(), 1):
        if lang is None:
            m = re.match(r"```(\w*)\s*$", line)
            if m:
                lang, start, body = m.group(1), n, []
        elif line.startswith("```"):
            out.append(Block(lang, "\n".join(body) + "\n", start))
            lang = None
        else:
            body.append(line)
    assert lang is None, f"README.md:{start}: a code block is never closed"
    return out


def test_the_guide_has_examples_of_every_kind() -> None:
    kinds = [b.kind for b in blocks() if b.kind]
    assert kinds.count("manifest") >= 1 and kinds.count("scenes") >= 4
    assert "playthrough" in kinds and "graph" in kinds


def test_every_example_loads_validates_and_shows_what_it_says(tmp_path: Path) -> None:
    manifest: str | None = None
    story = first_story = None
    checked = 0
    for i, b in enumerate(blocks()):
        where = f"scenes/README.md:{b.line}"
        if b.kind == "manifest":
            manifest = b.text
            assert not list(jsonschema.Draft202012Validator(manifest_schema()).iter_errors(editor_view(b.text))), where
        elif b.kind == "scenes":
            assert manifest is not None, f"{where}: a scenes example before any manifest example"
            root = write_story(tmp_path / f"example{i}", manifest, b.text)
            story, problems = check_story(str(root))
            errors = [str(p) for p in problems if p.severity == "error"]
            assert story is not None and not errors, f"{where}: the example does not load:\n" + "\n".join(errors)
            first_story = first_story or story
            schema_errors = list(jsonschema.Draft202012Validator(scenes_schema()).iter_errors(editor_view(b.text)))
            assert not schema_errors, f"{where}: {schema_errors[0].message}"
            warnings = [p.message for p in deep_warnings(story)]
            for expected in re.findall(r"^# lint: (.+)$", b.text, re.MULTILINE):
                assert any(expected.strip() in w for w in warnings), f"{where}: lint does not say {expected!r}: {warnings}"
            game = Game(story, 1)
            seen = [*game.text(), *(c.label for c in game.choices()), game.header().title]
            for expected in re.findall(r"^# shows: (.+)$", b.text, re.MULTILINE):
                assert expected.strip() in seen, f"{where}: a new game does not show {expected!r}: {seen}"
            checked += 1
        elif b.kind == "playthrough":
            assert first_story is not None, f"{where}: a playthrough before any scenes example"
            report = replay_playthrough(Playthrough.from_text(b.text, where), first_story)
            assert report.ok, f"{where}: {report.failure}"
            checked += 1
        elif b.kind == "graph":
            assert first_story is not None
            drawn = "\n".join(b.text.split("\n")[1:])
            assert drawn == to_mermaid(story_map(first_story)), f"{where}: run 'qasas graph' on the first example and paste it"
            checked += 1
    assert checked >= 6


def test_the_first_example_is_lint_clean(tmp_path: Path) -> None:
    examples = [b for b in blocks() if b.kind in ("manifest", "scenes")]
    root = write_story(tmp_path / "first", examples[0].text, examples[1].text)
    story, _ = check_story(str(root))
    assert story is not None and deep_warnings(story) == []


def _commands() -> list[tuple[int, list[str]]]:
    out = []
    for b in blocks():
        if b.lang != "sh":
            continue
        for k, line in enumerate(b.text.splitlines(), b.line + 1):
            line = line.split("#", 1)[0].split("|", 1)[0].split(">", 1)[0].strip()
            if line.startswith("qasas "):
                out.append((k, shlex.split(line)[1:]))
    return out


@pytest.mark.parametrize("line,words", _commands(), ids=[f"line{n}" for n, _ in _commands()])
def test_every_command_in_the_guide_exists(line: int, words: list[str]) -> None:
    command = words[0]
    assert command in COMMANDS, f"scenes/README.md:{line}: no command {command!r}"
    parser = build_parser()
    sub = next(a for a in parser._subparsers._group_actions if hasattr(a, "choices")).choices[command]  # type: ignore[union-attr]
    known = {opt for action in sub._actions for opt in action.option_strings}
    for word in words[1:]:
        if word.startswith("--"):
            assert word in known, f"scenes/README.md:{line}: 'qasas {command}' has no option {word}"
