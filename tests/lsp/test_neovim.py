"""A real editor: Neovim, headless, with the documented setup (editors/neovim/qasas.lua) on a copy of the shipped
story, driven by tests/lsp/probe_neovim.lua. Skipped where Neovim is not installed (Debian: apt-get install
neovim)."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
NVIM = shutil.which("nvim")

pytestmark = pytest.mark.skipif(NVIM is None, reason="needs Neovim (apt-get install neovim)")


def test_neovim_with_the_documented_setup(tmp_path: Path) -> None:
    story = tmp_path / "story"
    shutil.copytree(ROOT / "scenes", story, ignore=shutil.ignore_patterns("*.md"))
    # The command the setup starts, as QASAS names it: this interpreter's game (installed or not).
    qasas = tmp_path / "qasas"
    qasas.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m game "$@"\n')
    qasas.chmod(qasas.stat().st_mode | stat.S_IXUSR)
    out = tmp_path / "trial.txt"
    env = {**os.environ, "QASAS": str(qasas), "TRIAL_OUT": str(out), "PYTHONPATH": str(ROOT),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data"),
           "XDG_STATE_HOME": str(tmp_path / "state")}
    assert NVIM is not None
    subprocess.run(
        [NVIM, "--headless", "-u", str(ROOT / "editors" / "neovim" / "qasas.lua"),
         str(story / "02_road_north" / "04_canton.yaml"),
         "-c", f"luafile {ROOT / 'tests' / 'lsp' / 'probe_neovim.lua'}", "-c", "qa!"],
        env=env, timeout=180, check=False, capture_output=True, stdin=subprocess.DEVNULL,
    )
    seen = out.read_text(encoding="utf-8")
    lines = seen.splitlines()
    assert "attached clients: 1 (qasas)" in lines, seen
    assert "diagnostics on open: 0" in lines
    # The probe misspells the first goto's scene (drops its last letter), fixes it, then asks about that scene.
    [target] = [line.split(": ", 1)[1] for line in lines if line.startswith("goto on line ")]
    assert any(line.startswith("diagnostic ") and line.endswith(
        f"ERROR: unknown scene '{target[:-1]}' (did you mean '{target}'?)") for line in lines), seen
    assert "diagnostics after the fix: 0" in lines
    assert any(line.startswith("after the jump: ") and line.endswith(f"- id: {target}") for line in lines), seen
    assert f"· scene `{target}`" in seen  # the hover
    assert any(line.startswith("references: ") for line in lines), seen
    assert any(line.startswith("outline: ") and f"{target}(" in line for line in lines), seen
    assert any(line.startswith("completion after 'goto: ") for line in lines), seen
    assert f"formerly: [{target}]" in seen  # the rename keeps the old id
