"""Benchmark: the TUI's first frame, memory, and key-press-to-next-scene time, against a bare Textual app.

Not a test (timings belong in a benchmark): run it by hand, e.g.

    python tests/tui/bench_tui.py                 # the shipped story (falls back to the tiny fixture)
    python tests/tui/bench_tui.py --scenes DIR --runs 7

Each run starts a fresh interpreter in a pseudo-terminal (100x32) so the real driver draws to a terminal. The
child reports when Textual's Ready event arrives (the first frame has been displayed), measured from just before
the process was spawned, and its peak memory then. In the game run, it then takes choices by calling the game
screen's choose action and waits for the next refresh, timing each key-press-to-rendered-scene.
"""

from __future__ import annotations

import argparse
import json
import os
import pty
import select
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

BARE = """
import json, resource, sys, time
from textual.app import App
from textual.widgets import Footer, Header

class Bare(App):
    def compose(self):
        yield Header()
        yield Footer()
    def on_ready(self):
        out = {"ready": time.time(), "rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}
        open(sys.argv[1], "w").write(json.dumps(out))
        self.exit()

Bare().run()
"""

GAME = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from game.tui.app import run_app, QasasApp

report = {{}}
steps = int(sys.argv[3])
frames = []  # when each frame finished being written to the terminal

async def play(app):
    import asyncio
    from game.tui.screens.game import GameScreen
    await app.action_new_game()
    await asyncio.sleep(0.3)
    times = []
    for i in range(steps * 2):
        if len(times) >= steps:
            break
        screen = app.screen
        if not isinstance(screen, GameScreen):
            await app.action_new_game()
            await asyncio.sleep(0.3)
            continue
        views = [v for v in screen.session.game.choices() if v.enabled]
        number = views[(i * 7) % len(views)].number
        # Feed the digit through the real key path (driver -> app -> screen binding), as a keypress would.
        start = time.perf_counter()
        from textual import events
        app.post_message(events.Key(str(number), str(number)))
        await asyncio.sleep(0.4)  # long enough for every frame the key causes, short of the meter flash ending
        # Frames in the first 250 ms: the first one carries the new scene (the story pane is updated in the key's
        # handler); later ones are Textual's layout pass when the choice list changes height.
        done = [t for t in frames if start < t < start + 0.25]
        if done:
            times.append(((done[0] - start) * 1000, (done[-1] - start) * 1000))
    report["choice_ms"] = times
    report["rss_after_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    import gc, os
    gc.collect()
    report["rss_now_kb"] = int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
    open(sys.argv[1], "w").write(json.dumps(report))
    app.exit()

class Timed(QasasApp):
    def _display(self, screen, renderable):
        super()._display(screen, renderable)
        if renderable is not None:
            frames.append(time.perf_counter())

    def on_ready(self):
        report["ready"] = time.time()
        report["rss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        if steps:
            self.run_worker(play(self))  # a separate task: the message loop must keep running
        else:
            open(sys.argv[1], "w").write(json.dumps(report))
            self.exit()

import game.tui.app as appmod
appmod.QasasApp = Timed
sys.exit(run_app(scenes=sys.argv[2], seed=7, saves_dir=sys.argv[4]))
"""


def run_child(code: str, args: list[str]) -> dict:
    """Run ``code`` in a fresh interpreter inside a 100x32 pseudo-terminal; return its report plus spawn time."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "report.json")
        start = time.time()
        pid, fd = pty.fork()
        if pid == 0:  # the child: become the program
            os.environ["TERM"] = "xterm-256color"
            os.execv(sys.executable, [sys.executable, "-c", code, out, *args])
        import fcntl
        import struct
        import termios

        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 32, 100, 0, 0))
        deadline = time.time() + 120
        tail = b""
        while time.time() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.1)
            if ready:
                try:
                    tail = (tail + os.read(fd, 65536))[-4000:]  # drain the output so the child never blocks
                except OSError:
                    break
            done, _status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
        os.close(fd)
        if not Path(out).is_file():
            raise SystemExit("the benchmark child failed:\n" + tail.decode("utf-8", "replace"))
        report = json.loads(Path(out).read_text())
        report["first_frame_ms"] = (report["ready"] - start) * 1000
        return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scenes", default=None, help="story directory (default: the shipped story, else tiny)"
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--steps", type=int, default=40, help="choices to time in the last run")
    args = parser.parse_args()
    scenes = args.scenes
    if scenes is None:
        sys.path.insert(0, str(ROOT))
        from game.loader import check_story

        story, problems = check_story(str(ROOT / "scenes"))
        ok = story is not None and not [p for p in problems if p.severity == "error"]
        scenes = str(ROOT / "scenes") if ok else str(ROOT / "tests" / "fixtures" / "tiny")
    game_code = GAME.format(root=str(ROOT))
    bare, game = [], []
    with tempfile.TemporaryDirectory() as saves:
        for i in range(args.runs):
            bare.append(run_child(BARE, []))
            game.append(run_child(game_code, [scenes, "0", saves]))
        played = run_child(game_code, [scenes, str(args.steps), saves])

    def med(rows: list[dict], key: str) -> float:
        return statistics.median(r[key] for r in rows)

    b_ff, g_ff = med(bare, "first_frame_ms"), med(game, "first_frame_ms")
    b_mem, g_mem = med(bare, "rss_kb") / 1024, med(game, "rss_kb") / 1024
    firsts = sorted(t[0] for t in played.get("choice_ms", []))
    settled = sorted(t[1] for t in played.get("choice_ms", []))
    print(f"story: {scenes}")
    print(
        f"first frame (median of {args.runs}): bare {b_ff:.0f} ms, game {g_ff:.0f} ms, ratio {g_ff / b_ff:.2f}"
    )
    print(
        f"peak memory at first frame: bare {b_mem:.1f} MiB, game {g_mem:.1f} MiB, ratio {g_mem / b_mem:.2f}"
    )
    if "rss_after_kb" in played:
        print(
            f"memory after {len(firsts)} choices: peak {played['rss_after_kb'] / 1024:.1f} MiB "
            f"(the story's YAML parse included), now {played['rss_now_kb'] / 1024:.1f} MiB, "
            f"ratio to the bare app {played['rss_now_kb'] / 1024 / b_mem:.2f}"
        )
    for label, times in (
        ("key to first frame (new scene on screen)", firsts),
        ("key to last frame (layout settled)", settled),
    ):
        if times:
            p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
            print(
                f"{label}: median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, max {times[-1]:.1f} ms"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
