"""``qasas play`` without ``--plain`` plays line by line, with a one-line note, when the full screen cannot work:
input from a pipe, a file or /dev/null, output to a file, or ``TERM=dumb``. It must never wait for ever. Terminals
are real pseudo-terminals; every run has a time bound."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from plain_helpers import ROOT, TINY, env, qasas

pytestmark = pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs pseudo-terminals")
PLAY = ("play", "--scenes", str(TINY), "--seed", "3")


def test_input_from_dev_null_plays_line_by_line_and_ends(tmp_path: Path) -> None:
    proc = qasas(*PLAY, stdin=None, saves=tmp_path, timeout=30)
    assert proc.returncode == 0
    assert proc.stderr == "qasas play: standard input is not a terminal, so playing line by line (as with --plain).\n"
    assert "Chapter 1: The Gate. At the Gate." in proc.stdout
    assert proc.stdout.endswith("Input ended; leaving the game.\nGoodbye.\n")


def test_input_from_a_pipe_plays_it(tmp_path: Path) -> None:
    proc = qasas(*PLAY, stdin="2\nquit\n", saves=tmp_path, timeout=30)
    assert proc.returncode == 0
    assert "You chose: Ask the clerk for a pass." in proc.stdout


def run_on_terminal(
    tmp_path: Path, *, term: str, stdout: int | None = None, typed: bytes = b"quit\n", seconds: float = 30
) -> tuple[int, str, str]:
    """Run ``qasas play`` with its input (and, unless ``stdout`` is given, its output) on a pseudo-terminal; type
    ``typed`` once the prompt is there (at once when the output goes elsewhere). Returns (status, what the
    terminal showed, standard error)."""
    master, slave = os.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "game", *PLAY], stdin=slave, stdout=slave if stdout is None else stdout,
        stderr=subprocess.PIPE, cwd=ROOT, env=env(tmp_path / "saves", TERM=term, COLUMNS="80", LINES="24"),
        start_new_session=True,
    )
    os.close(slave)
    shown = b""
    deadline = time.monotonic() + seconds
    sent = False
    try:
        if stdout is not None:
            os.write(master, typed)
            sent = True
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # the child closed the terminal: it has ended
                    break
                if not chunk:
                    break
                shown += chunk
            if not sent and b"Your choice: " in shown:
                os.write(master, typed)
                sent = True
            if proc.poll() is not None and not ready:
                break
        status = proc.wait(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    assert proc.stderr is not None
    return status, shown.decode("utf-8", "replace"), proc.stderr.read().decode("utf-8", "replace")


def test_term_dumb_plays_line_by_line_on_a_real_terminal(tmp_path: Path) -> None:
    status, shown, err = run_on_terminal(tmp_path, term="dumb")
    assert status == 0
    assert err == "qasas play: TERM is dumb, so playing line by line (as with --plain).\n"
    assert "Chapter 1: The Gate. At the Gate." in shown
    assert "Goodbye." in shown
    assert "\x1b[" not in shown  # nothing drawn: no escape sequences at all


def test_output_to_a_file_plays_line_by_line(tmp_path: Path) -> None:
    target = tmp_path / "transcript.txt"
    with open(target, "wb") as out:
        status, _shown, err = run_on_terminal(tmp_path, term="xterm-256color", stdout=out.fileno())
    assert status == 0
    assert err == "qasas play: standard output is not a terminal, so playing line by line (as with --plain).\n"
    text = target.read_text(encoding="utf-8")
    assert "Chapter 1: The Gate. At the Gate." in text and text.endswith("Goodbye.\n")
    assert "Your choice: quit" not in text  # a terminal echoes what is typed; the game does not repeat it there
