"""Shared fixtures: the tiny story that exercises every engine feature."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.engine import Story
from game.loader import load_story

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "fixtures" / "tiny"


@pytest.fixture(scope="session")
def tiny_story() -> Story:
    return load_story(str(TINY))
