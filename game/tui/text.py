"""Turning story, save and player text into Content that is shown literally.

Everything the TUI displays from a scene, a save or a player goes through here: ``game.sanitize`` strips
terminal control sequences, and the result becomes a ``Content`` built from plain text (never parsed as markup),
so ``[bold]`` or ``[@click=app.quit]`` in a scene is just text on the screen. Rendered story text may carry
emphasis (the engine's ``Styled``): ``rendered`` sets those ranges in italics as spans of the Content.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from textual.content import Content, Span

from ..sanitize import sanitize, sanitize_line

if TYPE_CHECKING:  # types only: the title screen uses this module before the engine is imported
    from ..engine import Story, TrustChange

# Dimmed text. ``$text-muted`` is an "auto" colour whose transparency is lost when Content is drawn (it comes out
# brighter than plain text); ``$foreground-muted`` is blended with the background, in every theme.
MUTED = "$foreground-muted"

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


def rendered(text: str, style: str = "", *, one_line: bool = False) -> Content:
    """Rendered story text as literal Content, its emphasis (``Styled`` ranges) in italics.

    Each stretch between emphasis boundaries is sanitised on its own, so removing a control character never
    shifts an italic range onto the wrong words."""
    emphasis = getattr(text, "emphasis", ())
    tidy = line if one_line else clean
    if not emphasis:
        out = Content(tidy(str(text)))
    else:
        cuts = sorted({0, len(text), *(i for r in emphasis for i in r)})
        pieces: list[str] = []
        starts: dict[int, int] = {}  # offset in the rendered text -> offset in the sanitised text
        at = 0
        for a, b in itertools.pairwise(cuts):
            starts[a] = at
            piece = tidy(str(text)[a:b])
            pieces.append(piece)
            at += len(piece)
        starts[len(text)] = at
        spans = [Span(starts[a], starts[b], "italic") for a, b in emphasis if starts[b] > starts[a]]
        out = Content("".join(pieces), spans)
    return out.stylize_before(style) if style else out


def fold(text: str) -> str:
    """Text for searching: case folded, accents removed ("Kobanî" and "KOBANI" both give "kobani")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


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


def changes_content(name_of: Callable[[str], str], changes: tuple[TrustChange, ...]) -> Content:
    """``The guards ▲ +5, The villagers ▼ −3`` for a list of trust changes ("" when nothing moved); ``name_of``
    gives a faction's display name (``Game.faction_name``: factions can be renamed in play)."""
    parts: list[Content] = []
    for change in changes:
        parts.append(Content.assemble(line(name_of(change.faction)), " ", delta_content(change.delta)))
    return Content(", ").join(parts) if parts else Content("")


def faction_namer(story: Story, game_name: Callable[[str], str]) -> Callable[[str], str]:
    """``Game.faction_name`` that tolerates a faction the story no longer has (a changed story): its id."""

    def name_of(fid: str) -> str:
        return game_name(fid) if fid in story.factions else fid

    return name_of


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


def chapter_label(story: Story, chapter_id: str, title: str | None = None) -> str:
    """``Chapter 2: The Road North``; ``title`` is the chapter's rendered title (``Game.header().chapter``)."""
    chapter = story.chapters.get(chapter_id)
    if chapter is None:
        return line(chapter_id)
    return f"Chapter {chapter.order}: {line(chapter.title if title is None else title)}"


def rendered_story_text(story: Story, source: str) -> str:
    """A story-wide string (its title, notice, credits) as the story renders it."""
    return story.render(source) if source else ""


def story_title(story: Story) -> str:
    """The story's title on one line, as the story renders it (its spans and emphasis interpreted)."""
    return line(rendered_story_text(story, story.title))
