"""Command palette providers: any glossary entry, opened by name (accents and case ignored: "kobani" finds
"Kobanî")."""

from __future__ import annotations

from functools import partial
from typing import Any

from textual.command import Hit, Hits, Provider
from textual.content import Content

from .text import fold, line


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
