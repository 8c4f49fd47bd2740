"""The title screen: the story's name, the content note, and New game / Continue / Load / Glossary / About / Quit."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from ..text import line, play_time

CONTENT_NOTE = (
    "A work of fiction set during a real war, the Syrian civil war. It mixes fact and fiction "
    "and is not a historical source."
)

# (id, label): the first letter of each label is its key.
MENU: tuple[tuple[str, str], ...] = (
    ("new", "New game"),
    ("continue", "Continue"),
    ("load", "Load"),
    ("glossary", "Glossary"),
    ("about", "About"),
    ("quit", "Quit"),
)


class TitleScreen(Screen[None]):
    """The first screen. Reports the player's pick to the app with ``TitleScreen.Picked``."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "pick('new')", "New game"),
        Binding("c", "pick('continue')", "Continue"),
        Binding("l", "pick('load')", "Load"),
        Binding("g", "pick('glossary')", "Glossary"),
        Binding("a", "pick('about')", "About"),
        Binding("q", "pick('quit')", "Quit"),
        Binding("question_mark,f1", "app.help", "Help", key_display="?", show=False),
    ]

    class Picked(Message):
        def __init__(self, action: str) -> None:
            super().__init__()
            self.action = action

    def __init__(self, title: str | None, continue_info: Callable[[], str | None]) -> None:
        """``title`` is None while the story is still loading; ``continue_info`` says what Continue would resume."""
        super().__init__()
        self.story_title = title
        self.continue_info = continue_info

    def compose(self) -> ComposeResult:
        with Vertical(id="title-box"):
            yield Static(self._title_content(), id="title-name")
            yield Static(Content.styled("an interactive fiction", "italic"), id="title-tagline")
            yield Static(Content(CONTENT_NOTE), id="title-note")
            with Center():
                yield OptionList(id="menu", markup=False)
        yield Footer(compact=True)

    def _title_content(self) -> Content:
        if self.story_title is None:
            return Content.styled("Loading the story\u2026", "italic $text-muted")
        return Content.styled(self.story_title, "bold $text-accent")

    def on_mount(self) -> None:
        self.refresh_menu()

    def story_ready(self, title: str) -> None:
        """The story has loaded: show its title and what Continue would resume."""
        self.story_title = title
        self.query_one("#title-name", Static).update(self._title_content())
        self.refresh_menu()

    def on_screen_resume(self) -> None:
        # Back from a game or the load screen: the newest save may have changed.
        self.refresh_menu()

    def refresh_menu(self) -> None:
        menu = self.query_one("#menu", OptionList)
        keep = menu.highlighted
        resume = self.continue_info()
        options: list[Option] = []
        for key, label in MENU:
            prompt = Content.assemble((label[0], "underline"), label[1:])
            if key == "continue" and resume:
                prompt = Content.assemble(prompt, ("  " + resume, "italic $text-muted"))
            options.append(Option(prompt, id=key, disabled=key == "continue" and not resume))
        menu.set_options(options)
        if keep is None or options[keep].disabled:
            keep = 1 if resume else 0
        menu.highlighted = keep
        menu.focus()

    @on(OptionList.OptionSelected, "#menu")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_id:
            self.post_message(self.Picked(event.option_id))

    def action_pick(self, action: str) -> None:
        if action == "continue" and not self.continue_info():
            self.notify("There is no saved game to continue yet.", markup=False)
            return
        self.post_message(self.Picked(action))


def describe_save(chapter: str, scene_title: str, seconds: float) -> str:
    """What Continue resumes, e.g. ``The Gate — At the Gate (3m 05s)``."""
    return f"{line(chapter)} \u2014 {line(scene_title)} ({play_time(seconds)})"
