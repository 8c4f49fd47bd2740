"""Every test here gets its own story cache directory, so no test reads another's entries or the player's."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bench_helpers import TINY

from game.loader import cache


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: runs the real benchmark command (tens of seconds)")


@pytest.fixture(autouse=True)
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("QASAS_CACHE", str(directory))
    monkeypatch.delenv("QASAS_NO_CACHE", raising=False)
    monkeypatch.setattr(cache, "stats", {"hits": 0, "misses": 0, "stores": 0})
    return directory


@pytest.fixture
def tiny_copy(tmp_path: Path) -> Path:
    """A private copy of the tiny story (every engine feature), safe to edit."""
    target = tmp_path / "tiny"
    shutil.copytree(TINY, target)
    return target
