"""Helpers shared by the saves tests (imported by name: pytest puts this folder on sys.path)."""

from __future__ import annotations

from pathlib import Path

from game.engine import Game, Story

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "fixtures" / "tiny"


def play(story: Story, *choices: str, seed: int = 7) -> Game:
    """A game of ``story`` after taking ``choices`` (ids in the current scene, in order)."""
    game = Game(story, seed)
    for choice in choices:
        game.choose(choice)
    return game
