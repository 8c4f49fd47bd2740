"""The journal: every scene visited and choice taken with the trust it moved, and each faction's trust history."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header

from ...session import Session
from ..text import line
from ..widgets.journal.history import TrustHistory, journal_entries, journal_text


class JournalScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,j", "close", "Back"),
        Binding("home", "scroll_steps('home')", "Top", show=False),
        Binding("end", "scroll_steps('end')", "Bottom", show=False),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        yield Header()
        yield TrustHistory(self.session, id="journal-trust")
        with VerticalScroll(id="journal-steps") as steps:
            steps.border_title = "Choices"
            yield from journal_entries(self.session)
        yield Footer(compact=True)

    @property
    def text(self) -> str:
        """The list of choices as plain text."""
        return journal_text(self.session)

    def on_mount(self) -> None:
        self.title = line(self.session.story.title)
        self.sub_title = "Journal"
        scroller = self.query_one("#journal-steps", VerticalScroll)
        scroller.focus()
        # The latest choices matter most: start at the bottom.
        self.call_after_refresh(scroller.scroll_end, animate=False)

    def action_scroll_steps(self, where: str) -> None:
        scroller = self.query_one("#journal-steps", VerticalScroll)
        if where == "home":
            scroller.scroll_home(animate=False)
        else:
            scroller.scroll_end(animate=False)

    def action_close(self) -> None:
        self.dismiss(None)
