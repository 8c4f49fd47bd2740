"""Fixtures for the engine tests: tiny stories written inline, loaded with the real loader."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from game.engine import Story
from game.loader import Problem, check_story, shown_path

MANIFEST = """\
story: {id: t, title: Test Story, start: start}
chapters:
  one: {title: One, order: 1}
factions:
  guards: {name: The guards, description: The men at the gate.}
  town: {name: The town, description: The people of the town.}
variables:
  flag: {type: bool, default: false, description: The gate is open.}
  men: {type: int, default: 40, description: Men with you.}
  seen: {type: int, default: 0}
endings:
  won: {title: Through}
  lost: {title: Turned Back}
"""


@pytest.fixture
def story(tmp_path: Path) -> Callable[..., Story]:
    """``story(scenes_yaml, manifest=MANIFEST)`` -> the loaded Story (fails the test on any load error)."""
    counter = [0]

    def make(scenes: str, manifest: str = MANIFEST) -> Story:
        loaded, problems = load(tmp_path, counter, scenes, manifest)
        errors = [str(p) for p in problems if p.severity == "error"]
        assert loaded is not None and not errors, "\n".join(errors)
        return loaded

    return make


@pytest.fixture
def problems(tmp_path: Path) -> Callable[..., list[str]]:
    """``problems(scenes_yaml, manifest=MANIFEST)`` -> every problem as the author reads it (file:line:col: ...)."""
    counter = [0]

    def make(scenes: str, manifest: str = MANIFEST) -> list[str]:
        _, found = load(tmp_path, counter, scenes, manifest)
        root = tmp_path / f"story{counter[0]}"
        # Messages name other places as the loader shows paths: relative to the working directory when shorter
        # (so where the suite runs from decides which spelling appears); both are cut to the file's name.
        here = [f"{shown_path(str(root))}{os.sep}", f"{root}{os.sep}"]

        def plain(message: str) -> str:
            for prefix in here:
                message = message.replace(prefix, "")
            return message

        return [f"{Path(p.file).name}:{p.line}:{p.column}: {p.severity}: {plain(p.message)}" for p in found]

    return make


def load(tmp_path: Path, counter: list[int], scenes: str, manifest: str) -> tuple[Story | None, list[Problem]]:
    counter[0] += 1
    root = tmp_path / f"story{counter[0]}"
    root.mkdir()
    (root / "story.yaml").write_text(textwrap.dedent(manifest), encoding="utf-8")
    (root / "scenes.yaml").write_text(textwrap.dedent(scenes), encoding="utf-8")
    return check_story(str(root))
