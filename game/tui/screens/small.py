"""Shown over everything while the terminal is too small to play; the app removes it when the terminal grows,
and the player is back where they were."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

# The smallest terminal the game is laid out for (columns, rows).
MIN_WIDTH = 40
MIN_HEIGHT = 12


def too_small(width: int, height: int) -> bool:
    return width < MIN_WIDTH or height < MIN_HEIGHT


class TooSmallScreen(Screen[None]):
    """"The window is too small": says how large it is and how large it must be, and waits."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+q", "app.quit", "Quit", priority=True)]
    DEFAULT_CSS = """
    TooSmallScreen { align: center middle; }
    TooSmallScreen Static { width: 100%; height: auto; text-align: center; color: $foreground; }
    """

    def compose(self) -> ComposeResult:
        yield Static("", id="too-small")

    def on_mount(self) -> None:
        self.show_size(self.app.size.width, self.app.size.height)

    def show_size(self, width: int, height: int) -> None:
        self.query_one("#too-small", Static).update(too_small_message(width, height))


def too_small_message(width: int, height: int) -> Content:
    return Content.assemble(
        ("Too small to play", "bold"),
        f"\nThis window is {width}\u00d7{height}. The game needs at least {MIN_WIDTH}\u00d7{MIN_HEIGHT}: "
        "make the window larger (or the font smaller) and play goes on where you were.\nctrl+q quits.",
    )


def cover_if_too_small(app: App[Any], width: int, height: int) -> None:
    """Put the message over everything when ``width`` x ``height`` is too small, and take it away when it is not."""
    small = too_small(width, height)
    top = app.screen_stack[-1] if app.screen_stack else None
    if small and not isinstance(top, TooSmallScreen):
        app.push_screen(TooSmallScreen())
    elif small and isinstance(top, TooSmallScreen) and top.is_mounted:
        top.show_size(width, height)
    elif not small and isinstance(top, TooSmallScreen):
        app.pop_screen()
