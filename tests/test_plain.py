"""Plain mode played end to end through a real subprocess and a pipe, as a screen-reader user would."""

from __future__ import annotations

import subprocess
import sys

TINY = "tests/fixtures/tiny"


def play(stdin: str | None, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "game", "play", "--plain", "--scenes", TINY, "--seed", "3", *extra],
        input=stdin, capture_output=True, text=True, timeout=60, check=False,
        stdin=subprocess.DEVNULL if stdin is None else None,
    )


def test_play_to_an_ending() -> None:
    proc = play("3\n1\n")  # bribe (guards -50), then the pass is still missing: 1 is disabled
    assert proc.returncode == 0
    out = proc.stdout
    assert "mixes fact and invention and is not a historical source" in out
    assert "## At the Gate (A gate in a wall, a year the records leave blank)" in out
    assert "1. Show the pass (unavailable: You have no pass to show.)" in out
    assert "The guards: -50, now 0." in out
    assert "That choice is unavailable: You have no pass to show." in out
    assert "Input ended; leaving the game." in out


def test_full_playthrough_reaches_the_ending_and_shows_final_trust() -> None:
    proc = play("2\n1\n")  # ask for a pass, then show it
    assert proc.returncode == 0
    assert "*** Ending: Through the Gate ***" in proc.stdout
    assert "The guards: 55" in proc.stdout


def test_bad_input_is_answered_not_crashed() -> None:
    proc = play("banana\n99\nt\nh\nq\n")
    assert proc.returncode == 0
    assert proc.stdout.count("Please type a number from 1 to 6.") == 2
    assert "Trust: The guards 50; The villagers 90." in proc.stdout
    assert "Goodbye." in proc.stdout
    assert "Traceback" not in proc.stderr


def test_closed_stdin_exits_cleanly() -> None:
    proc = play(None)
    assert proc.returncode == 0
    assert "Input ended" in proc.stdout
    assert proc.stderr == ""


def test_broken_story_exits_2_with_the_errors(tmp_path) -> None:
    (tmp_path / "story.yaml").write_text("story: {id: x, title: X, start: a}\nfactions: {}\n")
    proc = subprocess.run([sys.executable, "-m", "game", "play", "--plain", "--scenes", str(tmp_path)],
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60, check=False)
    assert proc.returncode == 2
    assert "story.yaml:2:11: error: the story declares no factions" in proc.stderr
    assert "Traceback" not in proc.stderr
