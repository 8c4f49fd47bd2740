"""Transcripts show what the player read: rendered headers and labels, each choice's result, and factions by the
name they had then."""

from __future__ import annotations

from pathlib import Path

from game.loader import load_story
from game.saves.playthrough import transcript

RICH = Path(__file__).resolve().parents[1] / "fixtures" / "rich"


def test_a_transcript_holds_results_and_renames() -> None:
    story = load_story(str(RICH))
    text = transcript(story, 3, ["square.ask", "square.wait", "square.wait"])
    assert "## The Square (Forty men in a square, a year the records leave blank)" in text
    assert "## The Square Again (Forty men in a square" in text
    assert "> 1. Ask the baker's name  [square.ask]\n\nShe tells you.\n\n  The town: +5, now 55." in text
    assert "> 1. Wait a while  [square.wait]\n\nYou wait." in text
    assert "> 1. Wait again  [square.wait]\n\nYou wait again." in text
    assert "The mukhtar counts forty men" in text  # emphasis shows as plain words
