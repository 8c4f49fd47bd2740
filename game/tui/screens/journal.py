"""The journal: every scene visited and choice taken, with its result and the trust it moved, and each faction's
trust history. One screen for the whole session, refreshed each time it opens (nothing is mounted per entry)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from ...session import Session
from ..text import line
from ..widgets.bars import KeyBar, NoticeBar, TitleBar
from ..widgets.journal.history import TrustHistory, journal_text, journal_visual


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
        yield TitleBar(id="title-bar")
        yield TrustHistory(self.session, id="journal-trust")
        with VerticalScroll(id="journal-steps") as steps:
            steps.border_title = "Choices"
            yield Static(journal_visual(self.session), id="journal-list")
        yield NoticeBar(id="notices")
        yield KeyBar(id="keys")

    def show(self, session: Session) -> None:
        """Show ``session``'s journal (called each time the journal opens)."""
        self.session = session
        self.query_one(TitleBar).show(line(session.story.title), "Journal")
        self.query_one(TrustHistory).show(session)
        self.query_one("#journal-list", Static).update(journal_visual(session))
        scroller = self.query_one("#journal-steps", VerticalScroll)
        scroller.focus()
        # The latest choices matter most: start at the bottom.
        self.call_after_refresh(scroller.scroll_end, animate=False)

    @property
    def text(self) -> str:
        """The list of choices as plain text."""
        return journal_text(self.session)

    def on_mount(self) -> None:
        self.show(self.session)

    def action_scroll_steps(self, where: str) -> None:
        scroller = self.query_one("#journal-steps", VerticalScroll)
        if where == "home":
            scroller.scroll_home(animate=False)
        else:
            scroller.scroll_end(animate=False)

    def action_close(self) -> None:
        self.dismiss(None)
