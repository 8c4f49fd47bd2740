"""The real program in a real terminal (tmux): skipped where tmux is not installed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).with_name("tmux_smoke.sh")


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_tmux_smoke() -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(Path.home()), "QASAS": f"'{sys.executable}' -m game"}
    proc = subprocess.run(
        ["bash", str(SCRIPT)], check=False, capture_output=True, text=True, timeout=120, env=env
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "tmux smoke: passed" in proc.stdout
