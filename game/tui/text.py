"""Turning story, save and player text into Content that is shown literally.

Everything the TUI displays from a scene, a save or a player goes through here: ``game.sanitize`` strips
terminal control sequences, and the result becomes a ``Content`` built from plain text (never parsed as markup),
so ``[bold]`` or ``[@click=app.quit]`` in a scene is just text on the screen.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from textual.content import Content

from ..sanitize import sanitize, sanitize_line

if TYPE_CHECKING:  # types only: the title screen uses this module before the engine is imported
    from ..engine import Story, TrustChange

MINUS = "\u2212"  # a real minus sign: "−5" reads better than "-5" beside "+8"
UP = "\u25b2"
DOWN = "\u25bc"
BLOCKS = "\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588"


def clean(text: str) -> str:
    """Sanitised multi-line text (newlines kept)."""
    return sanitize(text.replace("\r\n", "\n").replace("\t", "    "))


def line(text: str) -> str:
    """Sanitised single-line text."""
    return sanitize_line(text)


def plain(text: str, style: str = "") -> Content:
    """Literal Content from untrusted text, optionally styled as a whole."""
    return Content.styled(clean(text), style) if style else Content(clean(text))


def signed(delta: int) -> str:
    """``+8`` / ``−5`` with a real minus sign."""
    return f"+{delta}" if delta >= 0 else f"{MINUS}{-delta}"


def delta_content(delta: int) -> Content:
    """A trust change as ``▲ +8`` (green) or ``▼ −5`` (red); the arrow keeps it readable without colour."""
    if delta > 0:
        return Content.styled(f"{UP} {signed(delta)}", "$text-success")
    if delta < 0:
        return Content.styled(f"{DOWN} {signed(delta)}", "$text-error")
    return Content("")


def changes_content(story: Story, changes: tuple[TrustChange, ...]) -> Content:
    """``The guards ▲ +5, The villagers ▼ −3`` for a list of trust changes ("" when nothing moved)."""
    parts: list[Content] = []
    for change in changes:
        faction = story.factions.get(change.faction)
        name = line(faction.name) if faction else change.faction
        parts.append(Content.assemble(name, " ", delta_content(change.delta)))
    return Content(", ").join(parts) if parts else Content("")


def sparkline(values: list[int], low: int, high: int, width: int) -> str:
    """The last ``width`` values as block characters scaled to [low, high]."""
    if width <= 0 or not values:
        return ""
    span = max(1, high - low)
    top = len(BLOCKS) - 1
    shown = values[-width:]
    return "".join(BLOCKS[max(0, min(top, round((v - low) * top / span)))] for v in shown)


def play_time(seconds: float) -> str:
    """``1h 02m`` or ``12m 05s``: play time as a person says it."""
    total = int(max(0.0, seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m"
    return f"{minutes}m {secs:02d}s"


def when(moment: datetime) -> str:
    """A save time in the player's local time, to the minute."""
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%Y-%m-%d %H:%M")


def chapter_label(story: Story, chapter_id: str) -> str:
    chapter = story.chapters.get(chapter_id)
    if chapter is None:
        return line(chapter_id)
    return f"Chapter {chapter.order}: {line(chapter.title)}"
