"""The journal's parts: a sparkline of each faction's trust over the game, and the list of choices taken."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

from ....session import Session
from ...text import changes_content, line, sparkline


class TrustHistory(Widget):
    """One line per faction: name, its value now, and its trust at the start and after every choice (a sparkline)."""

    def __init__(self, session: Session, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.session = session
        self.border_title = "Trust over time"

    def render(self) -> Content:
        story = self.session.story
        series = self.session.trust_series()
        names = {fid: line(f.name) for fid, f in story.factions.items()}
        if not names:
            return Content("This story has no factions.")
        width = self.content_size.width or 60
        name_w = min(max(len(n) for n in names.values()), max(8, width // 3))
        spark_w = max(4, width - name_w - 6)
        rows: list[Content] = []
        for fid, name in names.items():
            faction = story.factions[fid]
            values = series.get(fid, [])
            label = name if len(name) <= name_w else name[: name_w - 1] + "\u2026"
            now = values[-1] if values else faction.initial
            rows.append(
                Content.assemble(
                    label.ljust(name_w),
                    " ",
                    (str(now).rjust(3), "bold"),
                    "  ",
                    (sparkline(values, faction.low, faction.high, spark_w), "$text-accent"),
                )
            )
        return Content("\n").join(rows)

    def get_content_height(self, container, viewport, width):  # type: ignore[no-untyped-def]
        return max(1, len(self.session.story.factions))


def step_content(session: Session, step_index: int) -> Content:
    """One choice taken: the scene, the choice, and the trust it moved (on a second line)."""
    step = session.steps[step_index]
    row = Content.assemble((line(step.title), "bold"), " \u2192 ", line(step.choice_label))
    moved = changes_content(session.story, step.changes)
    return Content.assemble(row, "\n", moved) if moved else row


def now_content(session: Session) -> Content:
    here = "The end: " if session.game.ending is not None else "Now: "
    return Content.assemble((here, "italic"), (line(session.scene.title), "bold italic"))


class JournalEntry(Horizontal):
    """A numbered entry; wrapped lines stay indented under the text, clear of the number."""

    def __init__(self, number: str, body: Content) -> None:
        super().__init__(classes="journal-entry")
        self.number, self.body = number, body

    def compose(self) -> ComposeResult:
        yield Static(Content.styled(self.number, "bold"), classes="journal-number")
        yield Static(self.body, classes="journal-body", markup=False)


def journal_entries(session: Session) -> list[JournalEntry]:
    """Every scene visited and choice taken, numbered, then where the player is now."""
    entries = [JournalEntry(f"{i + 1}.", step_content(session, i)) for i in range(len(session.steps))]
    if not session.steps:
        entries.append(JournalEntry("", Content.styled("No choices taken yet.", "italic")))
    entries.append(JournalEntry("", now_content(session)))
    return entries


def journal_text(session: Session) -> str:
    """The journal as plain text (for tests and screen readers)."""
    rows = [f"{i + 1}. {step_content(session, i).plain}" for i in range(len(session.steps))]
    return "\n".join(rows + [now_content(session).plain])
