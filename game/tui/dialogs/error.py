"""Error and choice dialogs: the message is shown literally, and the app stays up behind it."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from ..text import plain


class ErrorDialog(ModalScreen[None]):
    """A problem the player or author should read (a bad save, a story that no longer loads)."""

    DEFAULT_CSS = """
    ErrorDialog { align: center middle; }
    ErrorDialog > Vertical {
        width: 90; max-width: 95%; height: auto; max-height: 90%;
        border: thick $error; background: $surface; padding: 0 1;
    }
    ErrorDialog VerticalScroll { height: auto; max-height: 20; margin: 1 0; }
    ErrorDialog .intro { text-style: bold; }
    ErrorDialog Horizontal { height: auto; align-horizontal: right; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,enter", "close", "Close")]

    def __init__(self, title: str, message: str, *, intro: str = "") -> None:
        super().__init__()
        self.title_text, self.message, self.intro = title, message, intro

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            if self.intro:
                yield Static(plain(self.intro), classes="intro", markup=False)
            with VerticalScroll():
                yield Static(plain(self.message), id="error-message", markup=False)
            with Horizontal():
                yield Button(Content("OK"), id="ok", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#ok", Button).focus()

    @on(Button.Pressed)
    def _pressed(self) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)


class ChoiceDialog(ModalScreen[str]):
    """A message and a few answers as buttons; dismisses with the chosen answer's key (Escape: the first)."""

    DEFAULT_CSS = """
    ChoiceDialog { align: center middle; }
    ChoiceDialog > Vertical {
        width: 90; max-width: 95%; height: auto; max-height: 90%;
        border: thick $warning; background: $surface; padding: 0 1;
    }
    ChoiceDialog VerticalScroll { height: auto; max-height: 16; margin: 1 0; }
    ChoiceDialog Horizontal { height: auto; align-horizontal: right; }
    ChoiceDialog Button { margin-left: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, message: str, answers: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text, self.message, self.answers = title, message, answers

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            with VerticalScroll():
                yield Static(plain(self.message), id="choice-message", markup=False)
            with Horizontal():
                for i, (key, label) in enumerate(self.answers):
                    yield Button(
                        Content(label), id=f"answer-{key}", variant="primary" if i == 0 else "default"
                    )

    def on_mount(self) -> None:
        self.query(Button).first().focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss((event.button.id or "answer-").removeprefix("answer-"))

    def action_cancel(self) -> None:
        self.dismiss(self.answers[0][0])
