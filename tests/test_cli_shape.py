"""One shape for every command: the story directory is the positional DIR wherever a command works on a story;
play, bench and serve also take --scenes DIR (the same thing) without complaint."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from game.cli import COMMANDS, build_parser

ROOT = Path(__file__).resolve().parents[1]
TINY = "tests/fixtures/tiny"
STORY_COMMANDS = ["play", "lint", "graph", "randomtest", "quicktest", "report", "bench", "serve"]


def subparser(name: str):  # type: ignore[no-untyped-def]
    parser = build_parser([name])
    action = next(a for a in parser._subparsers._group_actions if hasattr(a, "choices"))  # type: ignore[union-attr]
    return action.choices[name]


@pytest.mark.parametrize("name", STORY_COMMANDS)
def test_every_story_command_takes_the_directory_first(name: str) -> None:
    sub = subparser(name)
    positional = [a for a in sub._actions if not a.option_strings and a.dest != "help"]
    assert [a.dest for a in positional] == ["dir"] and positional[0].metavar == "DIR"
    assert "story directory" in (positional[0].help or "")
    assert "DIR" in sub.format_usage()


def test_replay_keeps_the_story_as_an_option_beside_its_files() -> None:
    sub = subparser("replay")
    assert "--scenes" in {o for a in sub._actions for o in a.option_strings}
    # (lsp takes no directory: the files an editor opens say which stories it serves.)
    assert set(STORY_COMMANDS) | {"replay", "schema", "lsp"} == set(COMMANDS)


def play(*args: str) -> subprocess.CompletedProcess[str]:
    # Each in an empty saves folder: plain play autosaves, and a save offers Continue before the first scene.
    env = {**os.environ, "QASAS_SAVES": tempfile.mkdtemp(prefix="qasas-shape-saves-")}
    return subprocess.run([sys.executable, "-m", "game", "play", "--plain", "--seed", "3", *args], input="6\n",
                          capture_output=True, text=True, timeout=60, check=False, cwd=ROOT, env=env)


def test_play_takes_the_directory_either_way() -> None:
    new, old = play(TINY), play("--scenes", TINY)
    assert new.returncode == old.returncode == 0
    assert "Chapter 1: The Gate. At the Gate." in new.stdout and new.stdout == old.stdout
    assert new.stderr == old.stderr == ""  # the older spelling draws no complaint
    same = play(TINY, "--scenes", TINY)
    assert same.returncode == 0
    clash = play(TINY, "--scenes", "scenes")
    assert clash.returncode == 2
    assert "qasas play: two story directories given (tests/fixtures/tiny and --scenes scenes); give one" in clash.stderr
