"""Fixtures for the TUI tests: a writable copy of the tiny story, a saves folder, and an app factory.

Every app gets a fixed seed, a pinned theme and a frozen play clock so screens are the same on every run.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tui_helpers import THEME, TINY

from game.loader import load_story
from game.tui.app import QasasApp


@pytest.fixture(autouse=True)
def _plain_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # The app reads NO_COLOR when it starts; a developer's shell must not change what the tests see.
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("QASAS_SAVES", raising=False)


@pytest.fixture
def story_dir(tmp_path: Path) -> Path:
    """A copy of the tiny story that a test may edit (reload tests)."""
    target = tmp_path / "story"
    shutil.copytree(TINY, target)
    return target


@pytest.fixture
def saves_dir(tmp_path: Path) -> Path:
    path = tmp_path / "saves"
    path.mkdir()
    return path


@pytest.fixture
def make_app(story_dir: Path, saves_dir: Path) -> Callable[..., QasasApp]:
    """Build an app on the tiny story copy (or another story folder), saving into ``saves_dir``."""

    def build(directory: Path | None = None, **options: Any) -> QasasApp:
        where = directory or story_dir
        options.setdefault("seed", 1)
        options.setdefault("theme", THEME)
        options.setdefault("clock", lambda: 0.0)
        options.setdefault("saves_dir", saves_dir)
        options.setdefault("author_mode", True)
        return QasasApp(load_story(str(where)), story_dir=str(where), **options)

    return build
