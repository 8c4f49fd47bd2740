"""Plain, line-based play: the accessible way to play, and the way through pipes and slow links.

Everything the full-screen game does, as lines of words a screen reader or braille display reads well: the scene
with numbered choices, chosen by number or by the first words of a label; saves, Continue, undo, the journal,
trust with who each faction is, the glossary and help, as commands typed in words. By default nothing is wrapped
(each paragraph is one line, and the terminal or the reader wraps it); ``width`` wraps at a column instead.

The package is split along its seams: ``commands`` (what a typed line means), ``render`` (what is printed, and
the writer that lays it out), ``glossary`` (lookups), ``words`` (numbers, times and text in words) and ``loop``
(the player). It uses the engine, the shared ``Session`` and the saves through their public APIs, and imports no
Textual or Rich.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from ..engine import Story
from .loop import PlainPlayer

MAX_WIDTH = 100  # with --wrap, a readable measure even on a very wide terminal
MIN_WIDTH = 20


def terminal_width() -> int:
    """The width ``--wrap`` wraps at: the terminal's (or $COLUMNS), less one column, at most MAX_WIDTH."""
    columns = shutil.get_terminal_size((80, 24)).columns
    return max(MIN_WIDTH, min(columns - 1, MAX_WIDTH))


def play_plain(
    story: Story,
    seed: int = 0,
    *,
    width: int = 0,
    author_dir: str | None = None,
    saves_dir: Path | str | None = None,
) -> int:
    """Play ``story`` line by line on the standard streams until the player quits or the input ends.

    ``width`` wraps the output at that many columns (0, the default: no wrapping). ``author_dir`` enables
    ``reload``. Returns the exit status: 0, or 130 after Ctrl-C (the game is autosaved after every choice).
    """
    from ..saves import SaveStore

    stdin = sys.stdin
    if stdin is not None and getattr(stdin, "errors", "") == "strict" and hasattr(stdin, "reconfigure"):
        stdin.reconfigure(errors="replace")  # a byte the locale cannot decode is a U+FFFD, never an exception
    player = PlainPlayer(story, seed, store=SaveStore(saves_dir), width=width, author_dir=author_dir)
    try:
        return player.run()
    except KeyboardInterrupt:
        player.writer.write("\nGoodbye.\n")
        return 130


__all__ = ["PlainPlayer", "play_plain", "terminal_width"]
