"""The command palette: the game's own commands, and any glossary entry opened by name (accents and case ignored:
"kobani" finds "Kobanî")."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.app import SystemCommand
from textual.command import Hit, Hits, Provider
from textual.content import Content

from .text import fold, line

if TYPE_CHECKING:
    from .app import QasasApp


def game_commands(app: QasasApp) -> Iterator[SystemCommand]:
    """The game's commands, those that make sense now."""
    yield SystemCommand("New game", "Start the story from the beginning", app.action_new_game)
    yield SystemCommand("Load game", "Load a saved game", app.action_load)
    yield SystemCommand("Glossary", "People, places and groups: historical or invented", app.action_glossary)
    yield SystemCommand("Help", "The keys", app.action_help)
    yield SystemCommand("About", "About this story: its notice and credits", app.action_about)
    yield SystemCommand("Title screen", "Back to the title screen", app.action_title)
    session = app.session
    if session is not None:
        yield SystemCommand("Save game", "Save in a named slot", app.action_save)
        yield SystemCommand("Journal", "Every choice taken, and trust over time", app.action_journal)
        yield SystemCommand(
            "Stakes", "Show or hide the levels where the story turns, on the meters", app.action_toggle_stakes
        )
        if session.can_undo:
            yield SystemCommand("Undo", "Undo the last choice", app.action_undo)
        if app.author_mode:
            yield SystemCommand("Reload story", "Reload the scenes from disk, keeping your place", app.reload_story)


class GlossaryCommands(Provider):
    """``Glossary: <term>`` for every entry of the story's glossary."""

    def _entries(self) -> list[tuple[str, str]]:
        story: Any = getattr(self.app, "story", None)
        if story is None:
            return []
        return [(term, entry.kind) for term, entry in story.glossary.items()]

    def _open(self, term: str) -> None:
        opener = getattr(self.app, "open_glossary", None)
        if opener is not None:
            opener(term)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(fold(query))
        for term, kind in self._entries():
            text = f"Glossary: {line(term)}"
            score = matcher.match(fold(text))
            if score > 0:
                # Content built from plain text: Matcher.highlight would parse the term as markup.
                yield Hit(
                    score,
                    Content(text),
                    partial(self._open, term),
                    text=text,
                    help=f"{kind} \u2014 open in the glossary",
                )
