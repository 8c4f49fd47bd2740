"""One browser player's game: the process ``qasas serve`` starts for each connection (via textual-serve).

This is the only part of ``game.web`` that imports Textual, and it runs in the game process, never in the server.
It plays the story as ``qasas play`` does, with what a browser needs on top (``WebApp``):

- The game is autosaved when it ends for any reason (the player closed the tab, was idle too long, took the game
  to another tab, or the server stopped), so Continue resumes exactly where they were. The terminal game already
  autosaves after every choice; this also keeps a loaded save and the play time.
- No author mode: F5 and ctrl+r are the browser's, and players in a room do not reload scenes from disk.
- Help says what differs in a browser.
- If the server dies outright (``kill -9``), the game notices its parent is gone and ends (autosaved), rather
  than run on with nobody to play it.

Saves go to ``$QASAS_SAVES``, which the server sets to the player's own folder.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from textual.content import Content
from textual.widgets import Static

from ..tui.app import QasasApp
from ..tui.screens.help import HelpScreen

BROWSER_HELP = (
    "In a browser: your game is saved after every choice and whenever it ends (closing the tab, a long idle "
    "spell, or opening it in another tab); reload the page and choose Continue to carry on. Keys your browser "
    "keeps for itself (ctrl+w, ctrl+t, ctrl+n) never reach the game: every action is also in the command palette "
    "(ctrl+p), and the choices and menus can be clicked."
)


class WebHelpScreen(HelpScreen):
    """The keys, and what differs in a browser."""

    DEFAULT_CSS = "#help-web { margin-bottom: 1; }"

    def on_mount(self) -> None:
        # First in the box: what differs here is what a browser player needs, and the keys below scroll.
        self.query_one("#help-box").mount(Static(Content(BROWSER_HELP), id="help-web"), before="#help-keys")


class WebApp(QasasApp):
    """The game as a browser player gets it (see the module docstring)."""

    SERVER_CHECK_SECONDS = 2.0

    def on_mount(self) -> None:
        # Textual calls each class's on_mount in turn: this adds to QasasApp's, it does not replace it.
        server = os.getppid()
        self.set_interval(self.SERVER_CHECK_SECONDS, lambda: self._check_server(server), name="server-check")

    def _check_server(self, server: int) -> None:
        if os.getppid() != server:  # the server died and this process was handed to another parent
            # Save now: with nobody reading its output, the app's own shutdown may not get as far as on_unmount.
            self.autosave_quietly()
            self.exit(0)

    def action_help(self) -> None:
        self.push_screen(WebHelpScreen())

    def on_unmount(self) -> None:
        # The app is closing (the server asked it to, or the player quit): keep exactly where they were.
        self.autosave_quietly()

    def autosave_quietly(self) -> None:
        """Autosave the game in progress, if any; a failure is kept quiet (there is no screen left to tell)."""
        from ..tui import saving

        saving.autosave(self, quiet=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one player's game on the story in ``--story`` (default: the shipped story); returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m game.web.player", description=__doc__.splitlines()[0])
    parser.add_argument("--story", metavar="DIR", default=None, help="the story directory")
    args = parser.parse_args(argv)
    app = WebApp(None, story_dir=args.story, author_mode=False)
    result = app.run()
    if app.load_error is not None:
        from ..sanitize import sanitize

        print(sanitize(app.load_error), file=sys.stderr)
        return 2
    return int(app.return_code or result or 0)


if __name__ == "__main__":  # pragma: no cover - the server runs this module as a program
    raise SystemExit(main())
