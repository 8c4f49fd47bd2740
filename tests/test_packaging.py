"""Packaging: every package is listed for setuptools, and an installed wheel carries the shipped story."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_under_game_is_listed() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    listed = set(config["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "game").rglob("__init__.py")}
    assert found | {"game.story_data"} == listed
    assert config["package-dir"] == {"game.story_data": "scenes"}


@pytest.mark.slow
def test_the_wheel_carries_the_story(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    (wheel,) = tmp_path.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "game/story_data/story.yaml" in names
    assert "game/story_data/04_tal_abyad/02_pennant.yaml" in names
    assert "game/tui/app.tcss" in names
    assert {"game/web/templates/play.html", "game/web/assets/page.js", "game/web/assets/page.css"} <= names
