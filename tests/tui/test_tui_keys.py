"""Every key is named: in the in-game help and in the README, and every key the game screen binds is in both."""

from __future__ import annotations

from pathlib import Path

from textual.binding import Binding

from game.tui.dialogs.confirm import ConfirmDialog
from game.tui.screens.ending import EndingScreen
from game.tui.screens.game import GameScreen
from game.tui.screens.glossary import GlossaryScreen
from game.tui.screens.help import KEYS
from game.tui.screens.journal import JournalScreen
from game.tui.screens.saves import LoadScreen, SaveScreen
from game.tui.screens.title import TitleScreen
from game.tui.screens.trust import TrustScreen
from game.tui.widgets.story.choices import ChoiceList

README = Path(__file__).resolve().parents[2] / "README.md"

# How a binding's key is written for people.
SHOWN = {
    "question_mark": "?", "f1": "F1", "f5": "F5", "escape": "Escape", "pageup": "PgUp", "pagedown": "PgDn",
    "ctrl+z": "ctrl+z", "ctrl+s": "ctrl+s", "ctrl+o": "ctrl+o", "ctrl+r": "ctrl+r", "ctrl+f": "ctrl+f",
    "home": "Home", "end": "End", "delete": "Delete", "enter": "Enter", "up": "\u2191", "down": "\u2193",
}

# Every screen (and widget) a player presses keys on, beyond the game screen.
ELSEWHERE = (TitleScreen, EndingScreen, GlossaryScreen, JournalScreen, TrustScreen, SaveScreen, LoadScreen,
             ConfirmDialog, ChoiceList)


def bound_keys() -> set[str]:
    keys: set[str] = set()
    for binding in GameScreen.BINDINGS:
        keys.update(k.strip() for k in binding.key.split(","))  # type: ignore[union-attr]
    return keys - {str(n) for n in range(1, 10)} - {"e"}  # 1-9 are one row; "e" is Enter's twin at an ending


def test_the_help_names_every_key_the_game_binds() -> None:
    help_keys = " ".join(k for k, _ in KEYS)
    for key in bound_keys():
        assert SHOWN.get(key, key) in help_keys.split(), key


def test_the_help_names_every_key_of_every_other_screen() -> None:
    help_keys = " ".join(k for k, _ in KEYS).split()
    for owner in ELSEWHERE:
        for binding in owner.BINDINGS:
            assert isinstance(binding, Binding)
            for key in binding.key.split(","):
                assert SHOWN.get(key.strip(), key.strip()) in help_keys, (owner.__name__, key)


def test_the_readme_names_every_key_in_the_help() -> None:
    readme = README.read_text(encoding="utf-8")
    table = readme[readme.index("### Keys in the full-screen game") :]
    table = table[: table.index("\n\n", table.index("| key |"))]
    for keys, _what in KEYS:
        for key in keys.replace("\u2013", " ").split():
            assert f"`{key}`" in table or key in ("1", "9"), key
    assert "`1`\u2013`9`" in table
    assert "F5 (or ctrl+r) reloads the scenes" in readme  # the author's loop names the key
