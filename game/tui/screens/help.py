"""Help (every key) and About (the story's own notice and credits): small modal screens."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from ...engine import Story
from ..text import line, plain
from ..widgets.hanging import Hanging, Row

# Every key of the game (the README's table says the same; tests/tui checks both against the bindings).
KEYS: tuple[tuple[str, str], ...] = (
    ("1 \u2013 9", "take the numbered choice"),
    ("\u2191 \u2193  Enter", "move between the choices and take one (or click it)"),
    ("PgUp PgDn", "scroll the story; earlier scenes stay above, dimmed"),
    ("ctrl+z", "undo the last choice (again and again)"),
    ("j", "journal: every choice taken, what it did, and trust over time"),
    ("t", "trust: every faction, who they are, and every change to their trust (or click a meter)"),
    ("s", "stakes: show or hide the marks \u2502 on the meters where the story turns ahead"),
    ("g", "glossary: people, places, groups; real or invented"),
    ("ctrl+s  ctrl+o", "save (named slots) and load"),
    ("F5  ctrl+r", "author mode (qasas play --scenes DIR): reload the scenes from disk, keep your place"),
    ("ctrl+p", "command palette: commands, glossary entries, themes, a screenshot"),
    ("Escape", "back (to the title screen from the game)"),
    ("? F1", "this help"),
    ("ctrl+q", "quit (the game is autosaved after every choice)"),
)

HOW = (
    "Trust: the sidebar shows how far each faction trusts you, with what your last choice did to it (\u25b2 up, "
    "\u25bc down); the journal keeps every change. With stakes shown (s), a \u2502 on a meter marks the nearest levels "
    "where the story turns ahead, and the story says so when a choice moves a meter across one. On a narrow "
    "screen the meters fold into one line above the story; t shows them in full. Dimmed choices cannot be taken "
    "yet: the reason is written under them."
)


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,question_mark,f1,q", "close", "Close")]

    def compose(self) -> ComposeResult:
        width = max(len(k) for k, _ in KEYS) + 2
        rows = [Row(0, Content.styled(k.ljust(width), "bold $text-accent"), Content(v)) for k, v in KEYS]
        with VerticalScroll(id="help-box") as box:
            box.border_title = "Keys"
            yield Static(Hanging(rows), id="help-keys")
            yield Static(Content(HOW), id="help-how")

    def action_close(self) -> None:
        self.dismiss(None)


class AboutScreen(ModalScreen[None]):
    """The story's title, its notice and credits (from its manifest), and its size."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,enter,q,a", "close", "Close")]

    def __init__(self, story: Story, title: str, notice: str = "", credits: str = "") -> None:
        super().__init__()
        self.story = story
        self.title_text, self.notice, self.credits = title, notice, credits

    def compose(self) -> ComposeResult:
        stats = self.story.stats()
        with VerticalScroll(id="about-box") as box:
            box.border_title = "About"
            yield Static(Content.styled(line(self.title_text), "bold $text-accent"))
            if self.notice:
                yield Static(Content.assemble(("Content note. ", "bold"), plain(self.notice)), id="about-note")
            if self.credits:
                yield Static(Content.assemble(("Credits. ", "bold"), plain(self.credits)), id="about-credits")
            yield Static(
                Content(
                    f"This story: {stats['scenes']} scenes, {stats['endings']} endings, {stats['factions']} factions. "
                    "A terminal interactive fiction; press ? in the game for the keys."
                ),
                id="about-stats",
            )

    def action_close(self) -> None:
        self.dismiss(None)
