"""Fixtures for the plain-play tests: the tiny and rich stories, and a saves folder of the test's own."""

from __future__ import annotations

from pathlib import Path

import pytest
from plain_helpers import RICH, TINY

from game.engine import Story
from game.loader import load_story


@pytest.fixture(scope="session")
def tiny() -> Story:
    return load_story(str(TINY))


@pytest.fixture(scope="session")
def rich() -> Story:
    return load_story(str(RICH))


@pytest.fixture
def saves(tmp_path: Path) -> Path:
    return tmp_path / "saves"
