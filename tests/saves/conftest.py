"""Fixtures for the saves tests: a writable copy of the tiny story, a save store in a temporary folder."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from saves_helpers import TINY

from game.engine import Story
from game.loader import load_story
from game.saves import SaveStore


@pytest.fixture
def store(tmp_path: Path) -> SaveStore:
    return SaveStore(tmp_path / "saves")


@pytest.fixture
def tiny_dir(tmp_path: Path) -> Path:
    """A copy of the tiny story that a test may edit (the 'story changed since the save' cases)."""
    target = tmp_path / "tiny"
    shutil.copytree(TINY, target)
    return target


@pytest.fixture
def edit_story(tiny_dir: Path) -> Callable[..., Story]:
    """Edit the copied story by text replacement (old -> new, per file) and load the result."""

    def edit(**files: list[tuple[str, str]]) -> Story:
        for name, replacements in files.items():
            path = tiny_dir / f"{name}.yaml"
            text = path.read_text(encoding="utf-8")
            for old, new in replacements:
                assert old in text, f"{old!r} not in {name}.yaml"
                text = text.replace(old, new)
            path.write_text(text, encoding="utf-8")
        return load_story(str(tiny_dir))

    return edit
