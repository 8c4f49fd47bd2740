"""Start-up to the first rendered frame, and peak memory then: the game against a bare Textual app.

Each sample is a fresh interpreter (``python -c``) that imports and runs an app headless with a hook on Textual's
Ready event, which arrives once the first frame has been composed; the hook records the time and the peak
resident memory and exits. The time is measured from just before the process is spawned, on the system-wide
monotonic clock both processes share, so it includes the interpreter's own start, as a player's wait does.

The game goes the way ``qasas`` goes: ``game.cli.main(["play"])`` parses the command line, loads the shipped story
(or the one given to ``qasas bench DIR``) through the story cache, as every launch after the first, and
starts the app at its title screen. (Its streams are pipes, so the hook also turns off the switch to line-based play
that ``qasas play`` makes when they are not a terminal.)
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Mapping, Sequence
from typing import Any

from .measure import BenchError, run_json

SIZE = (100, 32)

_REPORT = """
def _report():
    import json, resource, time
    return json.dumps({"ready": time.monotonic(), "rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss})
"""

BARE_APP = _REPORT + f"""
from textual.app import App
from textual.widgets import Footer, Header, Static

class Bare(App):
    def compose(self):
        yield Header()
        yield Static("Jaysh al-Qasas")
        yield Footer()

    def on_ready(self):
        self.exit(_report())

print(Bare().run(headless=True, size={SIZE!r}))
"""

GAME_APP = _REPORT + f"""
import sys
import game.tui.app as tui

class FirstFrame(tui.QasasApp):
    def on_ready(self):
        print(_report())
        self.exit(0)

    def run(self, **kwargs):
        return super().run(headless=True, size={SIZE!r})

tui.QasasApp = FirstFrame
import game.commands.play as play
play.why_plain = lambda: None  # headless through pipes: the full screen all the same, not line-based play
from game.cli import main
sys.exit(main(["play", "--seed", "7", *sys.argv[1:]]))
"""


def sample(code: str, env: Mapping[str, str], args: Sequence[str] = ()) -> dict[str, Any]:
    """One start-up: first frame (ms from spawn), whole run (ms from spawn to exit) and peak memory (MiB)."""
    import sys

    started = time.monotonic()
    out = run_json([sys.executable, "-c", code, *args], env, timeout=120)
    ended = time.monotonic()
    try:
        return {
            "first_frame_ms": (float(out["ready"]) - started) * 1000,
            "exit_ms": (ended - started) * 1000,
            "peak_mib": int(out["rss_kb"]) / 1024,
        }
    except (KeyError, TypeError, ValueError):
        raise BenchError("the start-up probe reported nothing usable") from None


def measure(
    runs: int, env: Mapping[str, str], scenes: str | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``runs`` samples of the game (with the story in ``scenes``, or the shipped one) and of the bare app,
    alternating, so a busy moment hits both alike."""
    game: list[dict[str, Any]] = []
    bare: list[dict[str, Any]] = []
    args = [scenes] if scenes else []
    with tempfile.TemporaryDirectory(prefix="qasas-bench-saves-") as saves:
        child = {**env, "QASAS_SAVES": os.path.join(saves, "saves")}
        # Once unmeasured: fills the story cache and the OS's file cache, as any launch but the first finds them.
        sample(GAME_APP, child, args)
        sample(BARE_APP, child)
        for _ in range(runs):
            bare.append(sample(BARE_APP, child))
            game.append(sample(GAME_APP, child, args))
    return game, bare
