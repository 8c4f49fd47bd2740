"""Helpers for the plain-play tests (imported by name: pytest puts this folder on sys.path).

Two ways to play: ``play_in_process`` drives a ``PlainPlayer`` with text streams (fast, for each command), and
``qasas`` runs the real command in a subprocess through pipes, as a player's script or screen reader would.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from game.engine import Story
from game.plain import PlainPlayer
from game.saves import SaveStore

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "fixtures" / "tiny"
RICH = ROOT / "tests" / "fixtures" / "rich"
SHIPPED = ROOT / "scenes"

# What a screen reader would read aloud as noise: rules, markdown, arrows, signs glued to numbers.
NOISE = ("===", "##", "***", "---", "\u25b2", "\u25bc", "\u2192", "->", ">>", "+5", "-50", "\u2212")


def play_in_process(
    story: Story, lines: list[str], saves: Path, *, width: int = 0, seed: int = 3, author_dir: str | None = None
) -> str:
    """Play ``story`` with ``lines`` as the player's input; return everything the player read (input echoed)."""
    out = io.StringIO()
    player = PlainPlayer(
        story, seed, out=out, inp=io.StringIO("".join(f"{x}\n" for x in lines)), store=SaveStore(saves),
        width=width, author_dir=author_dir, clock=lambda: 0.0, echo=True,
    )
    assert player.run() == 0
    return out.getvalue()


def after(output: str, typed: str, occurrence: int = 1) -> str:
    """What the game answered to the ``occurrence``-th line ``typed`` (until the next prompt)."""
    marker = f"Your choice: {typed}\n"
    start = -1
    for _ in range(occurrence):
        start = output.index(marker, start + 1)
    rest = output[start + len(marker) :]
    end = rest.find("Your choice: ")
    return rest if end < 0 else rest[:end]


def env(saves: Path, **extra: str) -> dict[str, str]:
    """The environment of a ``qasas`` subprocess: this checkout importable, saves in ``saves``."""
    return {**os.environ, "PYTHONPATH": str(ROOT), "QASAS_SAVES": str(saves), **extra}


def qasas(
    *args: str, stdin: str | bytes | None, saves: Path, extra_env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run ``qasas ARGS`` with ``stdin`` piped in (None: /dev/null); output decoded as UTF-8 with replacement."""
    data = stdin.encode() if isinstance(stdin, str) else stdin
    proc = subprocess.run(
        [sys.executable, "-m", "game", *args],
        input=data, stdin=subprocess.DEVNULL if data is None else None, capture_output=True,
        timeout=timeout, check=False, cwd=ROOT, env=env(saves, **(extra_env or {})),
    )
    return subprocess.CompletedProcess(
        proc.args, proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")
    )
