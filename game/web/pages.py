"""The HTML pages of ``qasas serve``: the landing page (the story's content note, advice for screen-reader
users), the game page (the terminal), and short message pages (the room is full, the access link is needed).

The content note is the story's own (``story.notice`` in its manifest), never one written here. Rendered with Jinja2
with autoescaping on, so story text (the title, the note, the credits) is always text, never markup; it also passes
through the game's sanitiser first, as it does on a terminal.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from ..sanitize import sanitize, sanitize_line

if TYPE_CHECKING:
    from ..engine import Story

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
ASSETS = HERE / "assets"

def paragraphs(text: str) -> list[str]:
    """Sanitised paragraphs of ``text`` (split at blank lines; lines inside a paragraph joined)."""
    blocks = sanitize(text).replace("\r\n", "\n").split("\n\n")
    return [" ".join(part.split()) for part in blocks if part.strip()]


@dataclass(frozen=True)
class Site:
    """What every page knows: the story's title, its content note and credits (from its manifest; either may be
    empty), and the room's limits."""

    title: str
    note: str
    max_games: int
    idle_minutes: float
    credits: str = ""

    @classmethod
    def of(cls, story: Story, max_games: int, idle_seconds: float) -> Site:
        return cls(
            sanitize_line(story.render(story.title)), story.render(story.notice), max_games, idle_seconds / 60,
            story.render(story.credits),
        )

    @property
    def full_words(self) -> str:
        """Why a player cannot start a game now: ``All 8 games this server runs at once are in use.``"""
        if self.max_games == 1:
            return "The one game this server runs at a time is in use."
        return f"All {self.max_games} games this server runs at once are in use."

    @property
    def idle_words(self) -> str:
        """The idle limit as a reader would say it: ``15 minutes``, ``1 minute``, ``30 seconds``."""
        if self.idle_minutes < 1:
            seconds = max(1, round(self.idle_minutes * 60))
            return f"{seconds} second{'s' if seconds != 1 else ''}"
        minutes = round(self.idle_minutes, 1)
        shown = f"{minutes:g}"
        return f"{shown} minute{'s' if shown != '1' else ''}"


class Pages:
    """Renders the pages from ``templates/``."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self._env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )

    def render(self, name: str, **context: Any) -> str:
        template = self._env.get_template(name)
        return template.render(
            site=self.site, note=paragraphs(self.site.note), credits=paragraphs(self.site.credits), **context
        )

    def landing(self) -> str:
        return self.render("landing.html")

    def play(self, font_size: int) -> str:
        return self.render("play.html", font_size=font_size)

    def message(self, heading: str, text: str, *, action: tuple[str, str] | None = None, refresh: int = 0) -> str:
        """A short page: a heading, a paragraph, and optionally a button (label, address) and a timed retry."""
        return self.render("message.html", heading=heading, text=text, action=action, refresh=refresh)
