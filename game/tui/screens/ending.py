"""The ending: its title and text, the final trust table, and how many endings have been discovered.

One screen for the whole session (the app installs it): each ending updates its text rather than mounting a new
screen, so a long session of many games leaves nothing behind.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from ...session import Session
from ..text import changes_content, faction_namer, line, rendered, signed, story_title
from ..widgets.bars import KeyBar, NoticeBar, TitleBar
from ..widgets.story.scene import scene_body


def trust_table(session: Session) -> Content:
    """The final trust per faction, with its total change over the game, as aligned plain text."""
    story = session.story
    trust = session.game.trust()
    series = session.trust_series()
    name_of = faction_namer(story, session.game.faction_name)
    names = {fid: line(name_of(fid)) for fid in story.factions}
    width = max((len(n) for n in names.values()), default=0)
    rows: list[Content] = [Content.styled(f"{'Faction'.ljust(width)}  Trust  Change", "bold")]
    for fid, name in names.items():
        start = series.get(fid, [trust[fid]])[0]
        total = trust[fid] - start
        change = Content(signed(total) if total else "\u00b10")
        rows.append(
            Content.assemble(name.ljust(width), "  ", (str(trust[fid]).rjust(5), "bold"), "  ", change)
        )
    return Content("\n").join(rows)


class EndingScreen(Screen[str]):
    """Dismisses with what the player wants next: 'undo', 'new', 'title', 'story' or 'quit'."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "finish('new')", "New game"),
        Binding("ctrl+z", "finish('undo')", "Undo"),
        Binding("j", "app.journal", "Journal"),
        Binding("escape", "finish('story')", "Story"),
        Binding("t", "finish('title')", "Title"),
        Binding("q", "finish('quit')", "Quit"),
    ]

    def __init__(self, session: Session, discovered: int, total: int, new: bool, *, stakes_now: bool = False) -> None:
        super().__init__()
        self.session = session
        self.discovered, self.total, self.new, self.stakes_now = discovered, total, new, stakes_now

    def compose(self) -> ComposeResult:
        yield TitleBar(id="title-bar")
        with VerticalScroll(id="ending-body"):
            yield Static("", id="ending-title")
            yield Static("", id="ending-text")
            yield Static("", id="ending-last")
            yield Static("", id="ending-trust")
            yield Static("", id="ending-count")
            yield Static("", id="ending-help")
        yield NoticeBar(id="notices")
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        self._fill()

    def show(self, session: Session, discovered: int, total: int, new: bool, *, stakes_now: bool = False) -> None:
        """Show another ending (the screen is reused)."""
        self.session = session
        self.discovered, self.total, self.new, self.stakes_now = discovered, total, new, stakes_now
        if self.is_mounted:
            self._fill()

    def _fill(self) -> None:
        session = self.session
        game = session.game
        title = game.ending_title() if game.ending is not None else game.header().title
        self.query_one(TitleBar).show(story_title(session.story), "The end")
        self.query_one("#ending-title", Static).update(
            Content.assemble(("The end: ", "bold $text-accent"), rendered(title, "bold $text-accent", one_line=True))
        )
        self.query_one("#ending-text", Static).update(scene_body(game.text()))
        last = session.steps[-1] if session.steps else None
        name_of = faction_namer(session.story, game.faction_name)
        last_static = self.query_one("#ending-last", Static)
        if last is not None and (last.result or last.changes):
            rows = [Content.assemble(("Your last choice: ", "bold"), rendered(last.choice_label, one_line=True))]
            rows.extend(rendered(p) for p in last.result)
            if last.changes:
                rows.append(changes_content(name_of, last.changes))
            last_static.update(Content("\n").join(rows))
            last_static.display = True
        else:
            last_static.display = False
        self.query_one("#ending-trust", Static).update(trust_table(session))
        note = f"Endings discovered: {self.discovered} of {self.total}"
        if self.new:
            note += " \u2014 a new one"
        self.query_one("#ending-count", Static).update(Content.styled(note, "bold"))
        turn = game.turn
        help_text = (
            f"You made {turn} choice{'' if turn == 1 else 's'}. "
            "Press n for a new game, ctrl+z to undo the last choice, Escape to look back at the story."
        )
        if self.stakes_now:
            help_text += (
                " From now on the trust meters mark the levels where the story turns ahead (press s in the game "
                "to hide them)."
            )
        self.query_one("#ending-help", Static).update(Content(help_text))
        self.query_one("#ending-body", VerticalScroll).scroll_home(animate=False)

    def action_finish(self, what: str) -> None:
        self.dismiss(what)
