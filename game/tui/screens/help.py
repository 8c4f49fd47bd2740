"""Help (the keys) and About (the content note): small modal screens."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from ...engine import Story
from ..text import line

KEYS: tuple[tuple[str, str], ...] = (
    ("1 \u2013 9", "take the numbered choice"),
    ("\u2191 \u2193  Enter", "move between the choices and take one (or click it)"),
    ("PgUp PgDn", "scroll the story; earlier scenes stay above, dimmed"),
    ("ctrl+z", "undo the last choice (again and again)"),
    ("j", "journal: every choice taken and what it did to trust"),
    ("g", "glossary: people, places, groups; real or invented"),
    ("ctrl+s  ctrl+o", "save (named slots) and load"),
    ("F5  ctrl+r", "author mode: reload the scenes, keep your place"),
    ("ctrl+p", "command palette: commands, glossary entries, themes"),
    ("Escape", "back (to the title screen from the game)"),
    ("? F1", "this help"),
    ("ctrl+q", "quit (the game is autosaved after every choice)"),
)

HOW = (
    "Trust: the sidebar shows how far each faction trusts you, with the last change to it (\u25b2 up, \u25bc down). "
    "Hover over a faction for who they are. Greyed choices cannot be taken yet; the reason is written under them."
)


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,question_mark,f1,q", "close", "Close")]

    def compose(self) -> ComposeResult:
        width = max(len(k) for k, _ in KEYS)
        rows = [Content.assemble((k.ljust(width), "bold $text-accent"), "  ", v) for k, v in KEYS]
        with VerticalScroll(id="help-box") as box:
            box.border_title = "Keys"
            yield Static(Content("\n").join(rows), id="help-keys")
            yield Static(Content(HOW), id="help-how")

    def action_close(self) -> None:
        self.dismiss(None)


ABOUT = (
    "This is fiction set during a real war, the Syrian civil war. It mixes historical fact with invention: some "
    "people, units and events are real, others are made up, and the story changes what happened. It is not a "
    "historical source. The glossary marks each entry as historical, invented or mixed."
)


class AboutScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,enter,q,a", "close", "Close")]

    def __init__(self, story: Story) -> None:
        super().__init__()
        self.story = story

    def compose(self) -> ComposeResult:
        stats = self.story.stats()
        with VerticalScroll(id="about-box") as box:
            box.border_title = "About"
            yield Static(Content.styled(line(self.story.title), "bold $text-accent"))
            yield Static(Content.assemble(("Content note. ", "bold"), ABOUT), id="about-note")
            yield Static(
                Content(
                    f"This story: {stats['scenes']} scenes, {stats['endings']} endings, {stats['factions']} factions. "
                    "A terminal interactive fiction; press ? in the game for the keys."
                ),
                id="about-stats",
            )

    def action_close(self) -> None:
        self.dismiss(None)
