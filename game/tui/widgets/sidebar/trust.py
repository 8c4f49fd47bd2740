"""Every faction's trust: a labelled meter with its value and the last choice's change (``▲ +8`` / ``▼ −5``), and
when stakes are shown, marks at the nearest levels where the story turns. Narrow screens get a one-line strip.

Names come from ``Game.faction_name`` (a faction can be renamed in play). A change marker stays only until the next
choice: the journal keeps the history.
"""

from __future__ import annotations

from collections.abc import Mapping

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from ....engine import Faction, TrustChange
from ....session import Session
from ...text import MUTED, delta_content, faction_namer, line, plain, signed

FULL = "\u2588"
EMPTY = "\u2591"
MARK = "\u2502"


def nearest(levels: tuple[int, ...], value: int) -> tuple[int, ...]:
    """The levels that matter next: the highest at or below ``value`` (falling under it turns the story) and the
    lowest above it (reaching it does)."""
    below = [lv for lv in levels if lv <= value]
    above = [lv for lv in levels if lv > value]
    return tuple(x for x in (below[-1] if below else None, above[0] if above else None) if x is not None)


def last_changes(session: Session) -> dict[str, TrustChange]:
    """The trust the last choice moved, by faction (nothing before the first choice)."""
    return {c.faction: c for c in session.steps[-1].changes} if session.steps else {}


class TrustMeter(Widget):
    """Two lines: the faction's name and value, then a bar and the last change. Click (or press t) for details."""

    class Picked(Message):
        """The player clicked a meter: show that faction's details."""

        def __init__(self, faction: str) -> None:
            super().__init__()
            self.faction = faction

    def __init__(self, faction: Faction) -> None:
        super().__init__(id=f"trust-{faction.id}", classes="trust-meter")
        self.faction = faction
        self.shown_name = line(faction.name)
        self.value = faction.initial
        self.change: TrustChange | None = None
        self.marks: tuple[int, ...] = ()
        self.tooltip = plain(faction.description)

    def set_value(self, value: int, change: TrustChange | None, name: str, marks: tuple[int, ...] = ()) -> None:
        if (value, change, line(name), marks) != (self.value, self.change, self.shown_name, self.marks):
            self.value, self.change, self.shown_name, self.marks = value, change, line(name), marks
            self.refresh()

    def flash(self, seconds: float) -> None:
        """Briefly highlight the meter (its value just changed)."""
        self.add_class("-changed")
        if seconds > 0:
            self.set_timer(seconds, lambda: self.remove_class("-changed"), name="trust-flash")

    @property
    def label(self) -> str:
        """The meter as plain words, e.g. ``The guards 55 ▲ +5`` (tests and screen readers)."""
        delta = delta_content(self.change.delta).plain if self.change else ""
        marks = f" (turns at {', '.join(map(str, self.marks))})" if self.marks else ""
        return f"{self.shown_name} {self.value} {delta}".strip() + marks

    def bar(self, width: int) -> Content:
        f = self.faction
        span = max(1, f.high - f.low)
        filled = max(0, min(width, round((self.value - f.low) * width / span)))
        ratio = (self.value - f.low) / span
        colour = "$text-error" if ratio < 0.3 else "$text-warning" if ratio < 0.6 else "$text-success"
        cells: list[tuple[str, str]] = [(FULL, colour)] * filled + [(EMPTY, MUTED)] * (width - filled)
        for level in self.marks:
            at = max(0, min(width - 1, round((level - f.low) * width / span)))
            cells[at] = (MARK, "bold $text-warning")
        return Content.assemble(*cells)

    def render(self) -> Content:
        width = max(4, self.content_size.width)
        value = str(self.value)
        room = max(1, width - len(value) - 1)
        name = self.shown_name if len(self.shown_name) <= room else self.shown_name[: max(1, room - 1)] + "\u2026"
        top = Content.assemble(name.ljust(room), " ", (value, "bold"))
        delta = delta_content(self.change.delta) if self.change else Content("")
        bar = self.bar(max(3, width - 7))
        return Content.assemble(top, "\n", bar, " ", delta)

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.post_message(self.Picked(self.faction.id))


class TrustPanel(Vertical):
    """The trust meters, one per faction, in the manifest's order."""

    def __init__(self, factions: list[Faction], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.factions = factions
        self.border_title = "Trust"

    def compose(self) -> ComposeResult:
        if not self.factions:
            yield Static("No factions in this story.", classes="empty")
        for faction in self.factions:
            yield TrustMeter(faction)

    def show(
        self,
        session: Session,
        flash: set[str] | frozenset[str] = frozenset(),
        seconds: float = 1.5,
        marks: Mapping[str, tuple[int, ...]] | None = None,
    ) -> None:
        """Show the session's trust, the last choice's changes and (``marks``) the levels ahead; flash ``flash``."""
        trust = session.game.trust()
        last = last_changes(session)
        name_of = faction_namer(session.story, session.game.faction_name)
        for meter in self.query(TrustMeter):
            fid = meter.faction.id
            value = trust.get(fid, meter.value)
            shown = nearest(marks.get(fid, ()), value) if marks is not None else ()
            meter.set_value(value, last.get(fid), name_of(fid), shown)
            if fid in flash:
                meter.flash(seconds)
            else:
                meter.remove_class("-changed")


def strip_content(session: Session, width: int) -> Content:
    """Every faction on one line ("fighters 60 ▲+6 · YPG 30 · ..."), names shortened until it fits ``width``."""
    trust = session.game.trust()
    last = last_changes(session)
    name_of = faction_namer(session.story, session.game.faction_name)
    items: list[tuple[str, Content]] = []
    for fid in session.story.factions:
        change = last.get(fid)
        tail = Content.assemble(" ", (str(trust[fid]), "bold"))
        if change is not None and change.delta:
            arrow = "\u25b2" if change.delta > 0 else "\u25bc"
            style = "$text-success" if change.delta > 0 else "$text-error"
            tail = Content.assemble(tail, (f"{arrow}{signed(change.delta)}", style))
        items.append((line(name_of(fid)), tail))
    sep = Content.styled(" \u00b7 ", MUTED)
    room = width - sum(t.cell_length for _, t in items) - sep.cell_length * max(0, len(items) - 1)
    names = [n for n, _ in items]
    for shorten in (_drop_article, _first_word):
        if sum(len(n) for n in names) <= room:
            break
        names = [shorten(n) for n in names]
    longest = max((len(n) for n in names), default=0)
    while names and sum(len(n) for n in names) > room and longest > 1:
        longest -= 1
        names = [n if len(n) <= longest else n[: max(1, longest - 1)] + "\u2026" for n in names]
    return sep.join(Content.assemble(name, tail) for name, (_, tail) in zip(names, items))


def _drop_article(name: str) -> str:
    for article in ("The ", "Your ", "the ", "your "):
        if name.startswith(article) and len(name) > len(article):
            return name[len(article) :]
    return name


def _first_word(name: str) -> str:
    return name.split(" ", 1)[0]


class TrustStrip(Widget):
    """The trust meters folded into one line, for screens too narrow for the sidebar (t shows them in full)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.session: Session | None = None

    def show(self, session: Session) -> None:
        self.session = session
        self.refresh()

    @property
    def text(self) -> str:
        return self.render().plain

    def render(self) -> Content:
        if self.session is None:
            return Content("")
        return strip_content(self.session, max(1, self.content_size.width or 80))

    def on_click(self, event: events.Click) -> None:
        event.stop()
        if self.session is not None and self.session.story.factions:
            self.post_message(TrustMeter.Picked(next(iter(self.session.story.factions))))
