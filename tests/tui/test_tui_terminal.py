"""The real program in a real terminal (tmux, with its own server socket): the screen at 80x24, 120x36 and 200x50,
a terminal too small to play (30x10) and then large enough, and SIGTERM and SIGHUP leaving the terminal as it
was (alternate screen left, cursor shown, mouse reporting off) with the autosave written. Skipped without tmux."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "fixtures" / "tiny"

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


class Terminal:
    """One tmux window running ``qasas play`` on the tiny story; the shell stays after the game ends."""

    def __init__(self, work: Path, width: int, height: int) -> None:
        self.socket = f"qasas-test-{uuid.uuid4().hex[:8]}"
        self.work = work
        self.saves = work / "saves"
        self.saves.mkdir(exist_ok=True)
        self.status = work / "status"
        self.pidfile = work / "pid"
        env = {"PATH": "/usr/bin:/bin", "HOME": str(work), "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
        command = (
            f"cd '{ROOT}' && QASAS_SAVES='{self.saves}' TERM=xterm-256color "
            f"'{sys.executable}' -c 'import os, sys; open(sys.argv.pop(1), \"w\").write(str(os.getpid())); "
            f"from game.cli import main; sys.exit(main())' '{self.pidfile}' play --scenes '{TINY}' --seed 7; "
            f"echo $? > '{self.status}'; sleep 60"
        )
        for attempt in range(3):  # a tmux server now and then fails to start on a busy machine
            started = subprocess.run(
                ["tmux", "-L", self.socket, "-f", "/dev/null", "new-session", "-d", "-s", "t",
                 "-x", str(width), "-y", str(height), command],
                env=env, check=False, capture_output=True,
            )
            if started.returncode == 0:
                break
            time.sleep(0.5 * (attempt + 1))
        else:
            pytest.fail(f"tmux did not start: {started.stderr!r}")
        # A detached session takes the size of the window it was made with; keep it so.
        self.tmux("set-option", "-g", "window-size", "manual")

    def tmux(self, *args: str) -> str:
        return subprocess.run(
            ["tmux", "-L", self.socket, *args], check=False, capture_output=True, text=True
        ).stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "t")

    def wait_for(self, *texts: str, seconds: float = 20) -> str:
        """The first screen showing every one of ``texts`` (a scene's title can be drawn a frame before its
        choices: under load, CI caught the screen between the two)."""
        deadline = time.monotonic() + seconds
        shown = ""
        while time.monotonic() < deadline:
            shown = self.screen()
            if all(text in shown for text in texts):
                return shown
            time.sleep(0.1)
        pytest.fail(f"never saw {texts!r} together; the screen showed:\n{shown}")

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "t", *keys)

    def resize(self, width: int, height: int) -> None:
        self.tmux("resize-window", "-t", "t", "-x", str(width), "-y", str(height))

    def flag(self, name: str) -> str:
        return self.tmux("display-message", "-p", "-t", "t", f"#{{{name}}}").strip()

    def pid(self) -> int:
        return int(self.pidfile.read_text())

    def wait_for_exit(self, seconds: float = 20) -> int:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.status.is_file() and self.status.read_text().strip():
                return int(self.status.read_text())
            time.sleep(0.1)
        pytest.fail(f"the game did not end; the screen showed:\n{self.screen()}")

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], check=False, capture_output=True)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Callable[[int, int], Terminal]]:
    opened: list[Terminal] = []

    def open_terminal(width: int, height: int) -> Terminal:
        work = tmp_path / f"t{len(opened)}"
        work.mkdir()
        term = Terminal(work, width, height)
        opened.append(term)
        return term

    yield open_terminal
    for term in opened:
        term.close()


@pytest.mark.parametrize(("width", "height"), [(80, 24), (120, 36), (200, 50)])
def test_the_game_at_ordinary_sizes(terminal: Callable[[int, int], Terminal], width: int, height: int) -> None:
    term = terminal(width, height)
    term.wait_for("New game")
    term.keys("n")
    shown = term.wait_for("At the Gate", "What do you do?", "1. Show the pass")
    term.keys("3")
    shown = term.wait_for("You chose: Offer him money", "\u25bc \u221250")  # the guards' change, sidebar or strip
    if width < 100:
        assert "The guards 0\u25bc\u221250" in shown  # folded into one line
    else:
        assert "\u256d\u2500 Trust" in shown  # the sidebar
    lines = [line.rstrip() for line in shown.splitlines()]
    text = [line for line in lines if "The guard looks at your papers" in line]
    assert text and all(len(line) <= width for line in lines)
    term.keys("C-q")
    assert term.wait_for_exit() == 0


def test_a_terminal_too_small_waits_for_a_resize(terminal: Callable[[int, int], Terminal]) -> None:
    term = terminal(80, 24)
    term.wait_for("New game")
    term.keys("n")
    term.wait_for("At the Gate")
    term.resize(30, 10)
    shown = term.wait_for("Too small to play")
    assert "30\u00d710" in shown
    term.keys("3")  # no choice is taken meanwhile
    time.sleep(0.5)
    term.resize(80, 24)
    shown = term.wait_for("What do you do?")
    assert "You chose" not in shown
    term.keys("3")
    term.wait_for("You chose: Offer him money")
    term.keys("C-q")
    assert term.wait_for_exit() == 0


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_a_signal_restores_the_terminal_and_autosaves(
    terminal: Callable[[int, int], Terminal], signum: int, status: int
) -> None:
    term = terminal(100, 30)
    term.wait_for("New game")
    term.keys("n")
    term.wait_for("At the Gate")
    term.keys("3")
    term.wait_for("You chose: Offer him money")
    term.keys("2")  # ask for a pass: two choices in the log
    term.wait_for("You chose: Ask the clerk")
    time.sleep(0.5)  # the autosave after the frame
    assert term.flag("alternate_on") == "1" and term.flag("mouse_any_flag") == "1"
    os.kill(term.pid(), signum)
    assert term.wait_for_exit() == status
    assert term.flag("alternate_on") == "0"  # back on the shell's screen
    assert term.flag("cursor_flag") == "1"  # the cursor shown
    for mouse in ("mouse_any_flag", "mouse_button_flag", "mouse_standard_flag", "mouse_sgr_flag"):
        assert term.flag(mouse) == "0", mouse
    saved = json.loads((term.saves / "autosave.json").read_text())
    assert saved["choices"] == ["gate.bribe", "gate.ask_pass"]
