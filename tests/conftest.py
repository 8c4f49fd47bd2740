"""Shared fixtures: the tiny story that exercises every engine feature."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from game.engine import Story
from game.loader import load_story

# The story cache is on for every load; keep the suite's entries (and those of the subprocesses it starts, which
# inherit the environment) out of the user's own cache directory.
if "QASAS_CACHE" not in os.environ:
    os.environ["QASAS_CACHE"] = tempfile.mkdtemp(prefix="qasas-test-cache-")
    atexit.register(shutil.rmtree, os.environ["QASAS_CACHE"], True)
# Plain play autosaves after every choice, like the full screen: no test may write the player's own saves (the
# checkout's saves/ or $QASAS_SAVES), so every game a test starts, in this process or a subprocess, saves here.
os.environ["QASAS_SAVES"] = tempfile.mkdtemp(prefix="qasas-test-saves-")
atexit.register(shutil.rmtree, os.environ["QASAS_SAVES"], True)

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "fixtures" / "tiny"


@pytest.fixture(scope="session")
def tiny_story() -> Story:
    return load_story(str(TINY))
