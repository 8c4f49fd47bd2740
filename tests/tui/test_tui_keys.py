"""Every key is named: in the in-game help and in the README, and every key the game screen binds is in both."""

from __future__ import annotations

from pathlib import Path

from game.tui.screens.game import GameScreen
from game.tui.screens.help import KEYS

README = Path(__file__).resolve().parents[2] / "README.md"

# How a binding's key is written for people.
SHOWN = {
    "question_mark": "?", "f1": "F1", "f5": "F5", "escape": "Escape", "pageup": "PgUp", "pagedown": "PgDn",
    "ctrl+z": "ctrl+z", "ctrl+s": "ctrl+s", "ctrl+o": "ctrl+o", "ctrl+r": "ctrl+r",
}


def bound_keys() -> set[str]:
    keys: set[str] = set()
    for binding in GameScreen.BINDINGS:
        keys.update(k.strip() for k in binding.key.split(","))  # type: ignore[union-attr]
    return keys - {str(n) for n in range(1, 10)} - {"e"}  # 1-9 are one row; "e" is Enter's twin at an ending


def test_the_help_names_every_key_the_game_binds() -> None:
    help_keys = " ".join(k for k, _ in KEYS)
    for key in bound_keys():
        assert SHOWN.get(key, key) in help_keys.split(), key


def test_the_readme_names_every_key_in_the_help() -> None:
    readme = README.read_text(encoding="utf-8")
    table = readme[readme.index("### Keys in the full-screen game") :]
    table = table[: table.index("\n\n", table.index("| key |"))]
    for keys, _what in KEYS:
        for key in keys.replace("\u2013", " ").split():
            assert f"`{key}`" in table or key in ("1", "9"), key
    assert "`1`\u2013`9`" in table
    assert "F5 (or ctrl+r) reloads the scenes" in readme  # the author's loop names the key
