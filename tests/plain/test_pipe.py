"""Plain play through a real pipe, as a script, a braille display's reader or a screen reader drives it: a game
saved, quit, continued, undone and finished across three runs of ``qasas play --plain``, and hostile input."""

from __future__ import annotations

import json
from pathlib import Path

from plain_helpers import NOISE, TINY, after, qasas

PLAY = ("play", "--plain", "--scenes", str(TINY), "--seed", "3")


def test_save_quit_continue_undo_and_reach_an_ending_through_a_pipe(tmp_path: Path) -> None:
    saves = tmp_path / "saves"

    first = qasas(*PLAY, stdin="2\nsave at the gate\nquit\n", saves=saves)
    assert first.returncode == 0 and first.stderr == ""
    out = first.stdout
    assert out.startswith("A Tiny Story.\n")
    assert "Your choice: 2\n\nYou chose: Ask the clerk for a pass.\n\nTrust: The guards up 5 to 55.\n" in out
    assert "Your choice: save at the gate\nSaved as \u201cat the gate\u201d.\n" in out
    assert out.endswith("Your choice: quit\nGoodbye. Your game is saved; next time, choose Continue.\n")
    assert json.loads((saves / "autosave.json").read_text(encoding="utf-8"))["choices"] == ["gate.ask_pass"]

    second = qasas(*PLAY, stdin="continue\nundo\nask the clerk\nshow the pass\n", saves=saves)
    assert second.returncode == 0 and second.stderr == ""
    out = second.stdout
    assert "Your most recent game: Chapter 1: The Gate. At the Gate. 1 choice, under a minute played.\n" in out
    assert "Trust with the guards: 55." in after(out, "continue")
    assert after(out, "undo").startswith("You took back: Ask the clerk for a pass.\n\nAt the Gate.")
    assert "Trust with the guards: 50." in after(out, "undo")
    ending = after(out, "show the pass")
    assert ending.startswith("\nYou chose: Show the pass.\n\nThrough.\n\nThe gate closes behind you.\n\n")
    assert "The end: Through the Gate.\n\nFinal trust:\nThe guards: 55, up 5 from the start.\n" in ending
    assert "Endings discovered: 1 of 3; this one is new.\nYou made 2 choices.\n\nWhat next?\n1. New game\n" in ending
    assert out.endswith("Input ended; leaving the game.\nGoodbye. Your game is saved; next time, choose Continue.\n")

    third = qasas(*PLAY, stdin="1\nquit\n", saves=saves)
    assert "Your most recent game: Chapter 1: The Gate. Through. 2 choices" in third.stdout
    assert "The end: Through the Gate." in after(third.stdout, "1")
    assert "Endings discovered: 1 of 3.\n" in after(third.stdout, "1")  # found before: not new
    assert third.stdout.endswith("Your choice: quit\nGoodbye.\n")
    for noise in NOISE:
        assert noise not in first.stdout + second.stdout + third.stdout, noise


def test_hostile_input_gets_answers_never_a_traceback(tmp_path: Path) -> None:
    lines = [
        b"\xc2\xb2",  # superscript two
        b"9" * 5000,  # longer than a line is read
        b"9" * 4000,  # a number with more digits than Python converts by default
        b"\xff\xfe not utf-8",
        b"\x00\x07\x1b[2J\x1b]0;title\x07\x9b31m",  # NUL, bell, clear screen, a window title, 8-bit CSI
        "\u202egate\u202c".encode(),  # a right-to-left override
        b"x" * 200_000,
        "\U0001f642".encode(),
        b"2\r",  # CR LF line ending: still choice 2
        b"-1",
        b"1e3",
        b"quit",
    ]
    proc = qasas(*PLAY, stdin=b"\r\n".join(lines) + b"\r\n", saves=tmp_path / "saves")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    out = proc.stdout
    assert "\u201c\u00b2\u201d is not a number I can read. Type digits, like 1. The choices are 1 to 6." in out
    assert out.count("That line is too long (more than 4,096 characters), so it was ignored.") == 2
    assert "There is no choice with that number. The choices are 1 to 6." in out
    assert "\x1b" not in out and "\x00" not in out and "\x07" not in out and "\u202e" not in out
    assert "You chose: Ask the clerk for a pass." in out
    assert "I do not understand \u201c-1\u201d." in out and "I do not understand \u201c1e3\u201d." in out
    assert out.endswith("Goodbye. Your game is saved; next time, choose Continue.\n")


def test_input_that_ends_at_once_leaves_quietly(tmp_path: Path) -> None:
    proc = qasas(*PLAY, stdin=None, saves=tmp_path / "saves")
    assert proc.returncode == 0
    assert proc.stdout.endswith("Your choice: \nInput ended; leaving the game.\nGoodbye.\n")
    assert proc.stderr == ""


def test_a_broken_story_exits_2_with_the_errors(tmp_path: Path) -> None:
    story = tmp_path / "story"
    story.mkdir()
    (story / "story.yaml").write_text("story: {id: x, title: X, start: a}\nfactions: {}\n")
    proc = qasas("play", "--plain", "--scenes", str(story), stdin=None, saves=tmp_path / "saves")
    assert proc.returncode == 2
    assert "story.yaml:2:11: error: the story declares no factions" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_wrapping_options(tmp_path: Path) -> None:
    wide = qasas(*PLAY, "--wrap", stdin="", saves=tmp_path / "a", extra_env={"COLUMNS": "30"})
    assert "1. Show the pass.\n   Unavailable: You have no\n   pass to show.\n" in wide.stdout  # 29 columns
    narrow = qasas(*PLAY, "--width", "24", stdin="", saves=tmp_path / "b")
    assert all(len(row) <= 24 for row in narrow.stdout.splitlines() if not row.startswith("Your choice"))
    unwrapped = qasas(*PLAY, stdin="", saves=tmp_path / "c", extra_env={"COLUMNS": "30"})
    assert "1. Show the pass. Unavailable: You have no pass to show.\n" in unwrapped.stdout
    bad = qasas(*PLAY, "--width", "5", stdin="", saves=tmp_path / "d")
    assert bad.returncode == 2 and "'5' is not a width from 20 to 1000 columns" in bad.stderr


def test_the_story_directory_is_the_positional_dir_after_any_option(tmp_path: Path) -> None:
    for n, args in enumerate((("play", "--plain", str(TINY)), ("play", "--wrap", str(TINY)), ("play", str(TINY)))):
        proc = qasas(*args, "--seed", "3", stdin="reload\nquit\n", saves=tmp_path / str(n))
        assert proc.returncode == 0, (args, proc.stderr)
        assert "A Tiny Story." in proc.stdout and "Reloaded the story: 5 scenes" in proc.stdout, args
