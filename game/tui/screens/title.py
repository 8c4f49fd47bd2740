"""The title screen: the story's name, its own notice, and New game / Continue / Load / Glossary / About / Quit.

It is drawn before the story is loaded (so the first frame comes fast): the title reads "Loading the story…" and
the notice is hidden until ``story_ready`` brings the story's title and its ``notice`` (a story without one shows
none: there is no notice of our own here).
"""

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
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ..text import MUTED, line, plain, play_time
from ..widgets.bars import KeyBar, NoticeBar
from ..widgets.hanging import Hanging, Row, wrapped

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

    def __init__(self, title: str | None, continue_info: Callable[[], str | None], notice: str = "") -> None:
        """``title`` is None while the story is still loading; ``continue_info`` says what Continue would resume."""
        super().__init__()
        self.story_title = title
        self.notice = notice
        self.continue_info = continue_info

    def compose(self) -> ComposeResult:
        with Vertical(id="title-box"):
            yield Static(self._title_content(), id="title-name")
            yield Static(Content.styled("an interactive fiction", "italic"), id="title-tagline")
            note = Static(plain(self.notice), id="title-note")
            note.display = bool(self.notice)
            yield note
            with Center():
                yield OptionList(id="menu", markup=False)
        yield NoticeBar(id="notices")
        yield KeyBar(id="keys")

    def _title_content(self) -> Content:
        if self.story_title is None:
            return Content.styled("Loading the story\u2026", f"italic {MUTED}")
        return Content.styled(self.story_title, "bold $text-accent")

    def on_mount(self) -> None:
        self.refresh_menu()

    def story_ready(self, title: str, notice: str = "") -> None:
        """The story has loaded: show its title, its notice and what Continue would resume."""
        self.story_title = title
        self.notice = notice
        self.query_one("#title-name", Static).update(self._title_content())
        note = self.query_one("#title-note", Static)
        note.update(plain(notice))
        note.display = bool(notice)
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
            label_content = Content.assemble((label[0], "underline"), label[1:])
            prompt: Hanging = wrapped(label_content)
            if key == "continue" and resume:
                # What Continue resumes, on lines of its own under the label, never broken at the margin.
                resume_content = Content.styled(resume, f"italic {MUTED}")
                prompt = Hanging([Row(0, Content(""), label_content), Row(2, Content(""), resume_content)])
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
    """What Continue resumes, e.g. ``3m 05s played · The Gate — At the Gate`` (the time first, so a narrow menu
    never breaks it in two)."""
    return f"{play_time(seconds)} played \u00b7 {line(chapter)} \u2014 {line(scene_title)}"
