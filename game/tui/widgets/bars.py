"""The lines every screen shares: a title bar at the top, the keys at the bottom, and a line of notices above them.

These replace Textual's ``Header`` and ``Footer``, which keep dead widgets alive over a long session: every
``Header`` watches the app's ``title`` and every ``FooterKey`` (rebuilt each time the bindings change) is bound to its
``Footer``'s ``compact``, and Textual forgets such watchers only when the watched value changes, which here it never
does. Each bar below is one widget that redraws its text; nothing is mounted after it starts.

Notices (what Textual shows as toasts) appear in the ``NoticeBar``: a line in the layout that pushes the story up
rather than covering the choices.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import NamedTuple

from textual import events
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget

from ..text import MUTED, line

# How long a notice stays, by default (seconds), and how many show at once.
NOTICE_SECONDS = 5.0
MAX_NOTICES = 3


class TitleBar(Widget):
    """One line: the story's title and where the player is ("Jaysh al-Qasas — Chapter 1: Deir ez-Zor")."""

    DEFAULT_CSS = """
    TitleBar { dock: top; height: 1; background: $panel; color: $foreground; text-align: center; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._title = ""
        self._where = ""

    def show(self, title: str, where: str = "") -> None:
        """Show ``title`` and ``where`` (both plain text, shown literally)."""
        if (title, where) != (self._title, self._where):
            self._title, self._where = title, where
            self.refresh()

    @property
    def text(self) -> str:
        return f"{self._title} \u2014 {self._where}" if self._where else self._title

    def render(self) -> Content:
        title = Content.styled(line(self._title), "bold")
        if not self._where:
            return title
        return Content.assemble(title, (" \u2014 ", MUTED), (line(self._where), MUTED))


class KeyItem(NamedTuple):
    key: str  # the key to simulate when the item is clicked
    display: str
    description: str
    enabled: bool


class KeyBar(Widget):
    """The screen's keys on one line ("1-9 Choose  ^z Undo  j Journal ..."); click one to press it."""

    DEFAULT_CSS = """
    KeyBar { dock: bottom; height: 1; background: $panel; color: $foreground; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._spans: list[tuple[int, int, str]] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def _bindings_changed(self, screen: Screen) -> None:
        self.refresh()

    def items(self) -> list[KeyItem]:
        """The keys shown: the screen's bindings marked ``show``, one per action, then the command palette."""
        out: list[KeyItem] = []
        seen: set[str] = set()
        app = self.app
        palette: KeyItem | None = None
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if binding.key == app.COMMAND_PALETTE_BINDING and app.ENABLE_COMMAND_PALETTE:
                palette = KeyItem(binding.key, app.get_key_display(binding), "Commands", enabled)
                continue
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            out.append(KeyItem(binding.key, app.get_key_display(binding), binding.description, enabled))
        if palette is not None:
            out.append(palette)
        return out

    @property
    def text(self) -> str:
        return "  ".join(f"{i.display} {i.description}" for i in self.items())

    def fitted(self, width: int) -> list[KeyItem]:
        """The items that fit in ``width`` columns: the command palette goes first, then keys from the end."""
        items = self.items()

        def length(chosen: list[KeyItem]) -> int:
            return 1 + sum(len(i.display) + 1 + len(i.description) for i in chosen) + 2 * max(0, len(chosen) - 1)

        while len(items) > 1 and length(items) > width:
            palette = next((i for i in items if i.description == "Commands"), None)
            items.remove(palette if palette is not None else items[-1])
        return items

    def render(self) -> Content:
        parts: list[Content] = []
        spans: list[tuple[int, int, str]] = []
        at = 1
        for item in self.fitted(self.size.width or 80):
            key_style = "bold $text-accent" if item.enabled else f"bold {MUTED}"
            part = Content.assemble((line(item.display), key_style), " ", (line(item.description), "" if item.enabled else MUTED))
            spans.append((at, at + part.cell_length, item.key))
            at += part.cell_length + 2
            parts.append(part)
        self._spans = spans
        return Content.assemble(" ", Content("  ").join(parts))

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                event.stop()
                self.app.simulate_key(key)
                return


class Notice(NamedTuple):
    text: str
    severity: str
    until: float


class NoticeBar(Widget):
    """The latest notices, one line each, for a few seconds; hidden when there are none."""

    DEFAULT_CSS = """
    NoticeBar { height: auto; max-height: 3; padding: 0 1; display: none; background: $boost; }
    NoticeBar.-shown { display: block; }
    """

    def __init__(self, *, id: str | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(id=id)
        self.notices: list[Notice] = []
        self._clock = clock

    def say(self, text: str, severity: str = "information", seconds: float = NOTICE_SECONDS) -> None:
        """Show ``text`` (plain, one line) for ``seconds``; the oldest notice goes when there are too many."""
        text = line(text)
        self.notices = [n for n in self.notices if n.text != text][-(MAX_NOTICES - 1) :]
        self.notices.append(Notice(text, severity, self._clock() + max(0.5, seconds)))
        self._update()
        self.set_timer(max(0.5, seconds) + 0.05, self._expire, name="notice-expiry")

    def clear(self) -> None:
        if self.notices:
            self.notices = []
            self._update()

    def _expire(self) -> None:
        now = self._clock()
        kept = [n for n in self.notices if n.until > now]
        if kept != self.notices:
            self.notices = kept
            self._update()

    def _update(self) -> None:
        self.set_class(bool(self.notices), "-shown")
        self.refresh(layout=True)

    @property
    def text(self) -> str:
        return "\n".join(n.text for n in self.notices)

    def render(self) -> Content:
        marks = {"warning": ("! ", "bold $text-warning"), "error": ("\u2716 ", "bold $text-error")}
        rows: list[Content] = []
        for notice in self.notices:
            mark, style = marks.get(notice.severity, ("\u2022 ", "bold $text-primary"))
            rows.append(Content.assemble((mark, style), notice.text))
        return Content("\n").join(rows)

    def get_content_height(self, container, viewport, width):  # type: ignore[no-untyped-def]
        return len(self.render().wrap(max(1, width))) if self.notices else 0

