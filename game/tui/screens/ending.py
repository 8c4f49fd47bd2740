"""The ending: its title and text, the final trust table, and how many endings have been discovered."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from ...session import Session
from ..text import changes_content, line, signed
from ..widgets.story.scene import scene_body


def trust_table(session: Session) -> Content:
    """The final trust per faction, with its total change over the game, as aligned plain text."""
    story = session.story
    trust = session.game.trust()
    series = session.trust_series()
    names = {fid: line(f.name) for fid, f in story.factions.items()}
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
    """Dismisses with what the player wants next: 'undo', 'new', 'journal', 'title', 'story' or 'quit'."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "finish('new')", "New game"),
        Binding("ctrl+z", "finish('undo')", "Undo"),
        Binding("j", "app.journal", "Journal"),
        Binding("escape", "finish('story')", "Story"),
        Binding("t", "finish('title')", "Title"),
        Binding("q", "finish('quit')", "Quit"),
    ]

    def __init__(self, session: Session, discovered: int, total: int, new: bool) -> None:
        super().__init__()
        self.session = session
        self.discovered, self.total, self.new = discovered, total, new

    def compose(self) -> ComposeResult:
        session = self.session
        ending = session.game.ending
        title = line(ending.title) if ending else line(session.scene.title)
        yield Header()
        with VerticalScroll(id="ending-body"):
            yield Static(Content.styled(f"The end: {title}", "bold $text-accent"), id="ending-title")
            yield Static(scene_body(session.game.text()), id="ending-text", markup=False)
            last = session.steps[-1] if session.steps else None
            if last is not None and last.changes:
                yield Static(
                    Content.assemble(
                        ("Your last choice: ", "bold"), changes_content(session.story, last.changes)
                    ),
                    id="ending-last",
                )
            yield Static(trust_table(session), id="ending-trust", markup=False)
            note = f"Endings discovered: {self.discovered} of {self.total}"
            if self.new:
                note += " \u2014 a new one"
            yield Static(Content.styled(note, "bold"), id="ending-count")
            yield Static(
                Content(
                    f"You made {session.game.turn} choice{'' if session.game.turn == 1 else 's'}. "
                    "Press n for a new game, ctrl+z to undo the last choice."
                ),
                id="ending-help",
            )
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.title = line(self.session.story.title)
        self.sub_title = "The end"

    def action_finish(self, what: str) -> None:
        self.dismiss(what)
