"""Every faction's trust as a labelled meter with its value and its last change, e.g. ``▲ +8`` / ``▼ −5``."""

from __future__ import annotations

from textual.containers import Vertical
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

from ....engine import Faction, TrustChange
from ....session import Session
from ...text import delta_content, line, plain

FULL = "\u2588"
EMPTY = "\u2591"


class TrustMeter(Widget):
    """Two lines: the faction's name and value, then a bar and its last change. Hover for the description."""

    def __init__(self, faction: Faction) -> None:
        super().__init__(id=f"trust-{faction.id}", classes="trust-meter")
        self.faction = faction
        self.value = faction.initial
        self.change: TrustChange | None = None
        self.tooltip = plain(faction.description)

    def set_value(self, value: int, change: TrustChange | None) -> None:
        self.value = value
        self.change = change
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
        return f"{line(self.faction.name)} {self.value} {delta}".strip()

    def render(self) -> Content:
        width = max(8, self.content_size.width)
        value = str(self.value)
        name = line(self.faction.name)
        room = width - len(value) - 1
        if len(name) > room:
            name = name[: max(1, room - 1)] + "\u2026"
        top = Content.assemble(name.ljust(room), " ", (value, "bold"))
        delta = delta_content(self.change.delta) if self.change else Content("")
        bar_width = max(3, width - 7)
        f = self.faction
        span = max(1, f.high - f.low)
        filled = max(0, min(bar_width, round((self.value - f.low) * bar_width / span)))
        ratio = (self.value - f.low) / span
        colour = "$text-error" if ratio < 0.3 else "$text-warning" if ratio < 0.6 else "$text-success"
        bar = Content.assemble(
            (FULL * filled, colour), (EMPTY * (bar_width - filled), "$text-muted"), " ", delta
        )
        return Content.assemble(top, "\n", bar)


class TrustPanel(Vertical):
    """The trust meters, one per faction, in the manifest's order."""

    def __init__(self, factions: list[Faction], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.factions = factions
        self.border_title = "Trust"

    def compose(self):  # type: ignore[no-untyped-def]
        if not self.factions:
            yield Static("No factions in this story.", classes="empty")
        for faction in self.factions:
            yield TrustMeter(faction)

    def show(
        self, session: Session, flash: set[str] | frozenset[str] = frozenset(), seconds: float = 1.5
    ) -> None:
        """Show the session's trust and each faction's last change; flash those in ``flash``."""
        trust = session.game.trust()
        last = session.last_changes()
        for meter in self.query(TrustMeter):
            fid = meter.faction.id
            meter.set_value(trust.get(fid, meter.value), last.get(fid))
            if fid in flash:
                meter.flash(seconds)
            else:
                meter.remove_class("-changed")
