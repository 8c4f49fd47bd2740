"""The numbered choices: keys 1-9, arrows + Enter, or the mouse. Disabled choices are dimmed, with their reason.

A line-based ``ScrollView`` of its own rather than an ``OptionList``: every choice is wrapped with a hanging indent
(a long label, and the "unavailable:" reason under it, align under their own text), the wrapping is redone at every
width (so a resize never leaves a stale scrollbar or a hidden choice), and nothing is mounted when the choices
change: the lines are recomputed and redrawn.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.visual import Visual

from ....engine import ChoiceView
from ...text import MUTED, line, rendered
from ..hanging import Row, hanging_lines

SCROLLBAR = 1  # columns kept for the scrollbar (app.tcss: scrollbar-size-vertical: 1)


def choice_rows(view: ChoiceView) -> list[Row]:
    """A choice as hanging rows: its number and label, and when it is unavailable, the reason in words (so it reads
    the same without colour)."""
    number = f"{view.number}. " if view.number <= 9 else "   "
    rows = [Row(0, Content.styled(number, "bold"), rendered(view.label, one_line=True))]
    if not view.enabled:
        reason = rendered(view.reason, one_line=True) if view.reason else Content("not available now")
        rows.append(Row(len(number), Content.styled("unavailable: ", "italic"), reason.stylize_before("italic")))
    return rows


class ChoiceList(ScrollView, can_focus=True):
    """The current scene's choices (or, at an ending, one entry leading to the ending screen)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("home", "edge(0)", "First", show=False),
        Binding("end", "edge(-1)", "Last", show=False),
        Binding("enter", "select", "Take", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "choice-list--highlighted",
        "choice-list--hover",
        "choice-list--disabled",
    }
    DEFAULT_CSS = """
    ChoiceList { height: auto; border: tall $border-blurred; padding: 0 1; background: $surface; }
    ChoiceList:focus { border: tall $border; }
    ChoiceList > .choice-list--highlighted { background: $block-cursor-blurred-background; }
    ChoiceList:focus > .choice-list--highlighted {
        background: $block-cursor-background; color: $block-cursor-foreground; text-style: bold;
    }
    ChoiceList > .choice-list--hover { background: $block-hover-background; }
    ChoiceList > .choice-list--disabled { color: $foreground-muted; }
    """

    class Chosen(Message):
        """The player picked a choice (enabled or not: the screen says why a disabled one cannot be taken)."""

        def __init__(self, view: ChoiceView) -> None:
            super().__init__()
            self.view = view

    class EndingChosen(Message):
        """The player picked the entry that leads to the ending screen."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.views: list[ChoiceView] = []
        self.ending: str | None = None  # the ending's title when the story has ended
        self.highlighted: int | None = None
        self._hover: int | None = None
        self._entries: list[list[Row]] = []
        self._lines: list[tuple[int, Content]] = []  # (entry index, its text) per line
        self._starts: list[int] = []  # first line of each entry
        self._width = -1
        self._strips: dict[tuple[int, str], Strip] = {}

    # ------------------------------------------------------------------------------ content

    def set_choices(self, views: list[ChoiceView]) -> None:
        self.views = list(views)
        self.ending = None
        self._entries = [choice_rows(v) for v in self.views]
        self.border_title = "What do you do?"
        self.highlighted = next((i for i, v in enumerate(self.views) if v.enabled), None)
        self._changed()

    def set_ending(self, title: str) -> None:
        """At an ending there is nothing to choose: one entry leads to the ending screen."""
        self.views = []
        self.ending = title
        label = Content.assemble(("The end: ", "bold"), rendered(title, one_line=True), " \u2014 see the ending")
        self._entries = [[Row(0, Content(""), label)]]
        self.border_title = "The story has ended"
        self.highlighted = 0
        self._changed()

    def view_for_number(self, number: int) -> ChoiceView | None:
        return next((v for v in self.views if v.number == number), None)

    @property
    def texts(self) -> list[str]:
        """Each entry's text as shown at the current width (for tests and screen readers)."""
        out: list[list[str]] = [[] for _ in self._entries]
        for index, piece in self._lines:
            out[index].append(piece.plain)
        return ["\n".join(rows) for rows in out]

    def line_of(self, choice_id: str) -> int:
        """The first line of a choice (for clicking it in tests)."""
        index = next(i for i, v in enumerate(self.views) if v.id == choice_id)
        return self._starts[index]

    def _changed(self) -> None:
        self._hover = None
        self._width = -1
        self._relayout()
        self.scroll_to(y=0, animate=False, immediate=True)

    # ------------------------------------------------------------------------------ layout

    def _text_width(self, inner: int) -> int:
        """The wrapping width for ``inner`` columns inside the border and padding: one column is always left for
        the scrollbar, so the wrapping (and so the height) never depends on whether the scrollbar shows."""
        return max(1, inner - SCROLLBAR)

    def _relayout(self) -> None:
        inner = self.size.width  # inside the border and padding, scrollbar included
        if inner <= 0:
            return
        width = self._text_width(inner)
        self._width = width
        lines: list[tuple[int, Content]] = []
        starts: list[int] = []
        for index, rows in enumerate(self._entries):
            starts.append(len(lines))
            lines.extend((index, piece) for piece in hanging_lines(rows, width))
        self._lines, self._starts = lines, starts
        self._strips.clear()
        self.virtual_size = Size(width, len(lines))
        self.refresh(layout=True)

    def get_content_height(self, container, viewport, width):  # type: ignore[no-untyped-def]
        return sum(len(hanging_lines(rows, self._text_width(width))) for rows in self._entries)

    def on_resize(self, event: events.Resize) -> None:
        if self._text_width(self.size.width) != self._width:
            self._relayout()
        self._scroll_to_highlight()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()

    # ------------------------------------------------------------------------------ drawing

    def _entry_state(self, index: int) -> str:
        if self.views and not self.views[index].enabled:
            return "disabled"
        if index == self.highlighted:
            return "highlighted"
        if index == self._hover:
            return "hover"
        return ""

    def render_line(self, y: int) -> Strip:
        number = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        if not 0 <= number < len(self._lines) or width < self._width:
            return Strip.blank(width, self.rich_style)
        index, piece = self._lines[number]
        state = self._entry_state(index)
        key = (number, state)
        strip = self._strips.get(key)
        if strip is None:
            style = self.get_visual_style(f"choice-list--{state}") if state else self.visual_style
            if state == "disabled":
                piece = piece.stylize_before(MUTED)
            strips = Visual.to_strips(self, piece, width, 1, style, pad=True)
            strip = strips[0] if strips else Strip.blank(width, self.rich_style)
            strip = strip.extend_cell_length(width, style.rich_style).crop(0, width)
            self._strips[key] = strip
        return strip.apply_offsets(0, number)

    # ------------------------------------------------------------------------------ moving and picking

    def _selectable(self) -> list[int]:
        if not self.views:
            return list(range(len(self._entries)))
        return [i for i, v in enumerate(self.views) if v.enabled]

    def _highlight(self, index: int | None) -> None:
        if index != self.highlighted:
            self.highlighted = index
            self.refresh()
        self._scroll_to_highlight()

    def _scroll_to_highlight(self) -> None:
        index = self.highlighted
        if index is None or index >= len(self._starts):
            return
        top = self._starts[index]
        bottom = self._starts[index + 1] if index + 1 < len(self._starts) else len(self._lines)
        height = self.scrollable_content_region.height
        if top < self.scroll_y:
            self.scroll_to(y=top, animate=False, immediate=True)
        elif height and bottom > self.scroll_y + height:
            self.scroll_to(y=max(top, bottom - height), animate=False, immediate=True)

    def action_move(self, step: int) -> None:
        """The next (or previous) choice that can be taken, wrapping around; disabled ones are skipped."""
        options = self._selectable()
        if not options:
            return
        if self.highlighted not in options:
            self._highlight(options[0] if step > 0 else options[-1])
            return
        at = options.index(self.highlighted)
        self._highlight(options[(at + step) % len(options)])

    def action_edge(self, which: int) -> None:
        options = self._selectable()
        if options:
            self._highlight(options[which])

    def action_select(self) -> None:
        if self.highlighted is not None:
            self._pick(self.highlighted)

    def _pick(self, index: int) -> None:
        if self.ending is not None:
            self.post_message(self.EndingChosen())
        elif 0 <= index < len(self.views):
            self.post_message(self.Chosen(self.views[index]))

    def _entry_at(self, event: events.MouseEvent) -> int | None:
        offset = event.get_content_offset(self)
        if offset is None:
            return None
        number = offset.y + self.scroll_offset.y
        return self._lines[number][0] if 0 <= number < len(self._lines) else None

    def on_click(self, event: events.Click) -> None:
        index = self._entry_at(event)
        if index is None:
            return
        event.stop()
        if self.ending is None and not self.views[index].enabled:
            self._pick(index)  # the screen says why it cannot be taken
            return
        self._highlight(index)
        self._pick(index)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        index = self._entry_at(event)
        if index != self._hover:
            self._hover = index
            self.refresh()

    def on_leave(self, event: events.Leave) -> None:
        if self._hover is not None:
            self._hover = None
            self.refresh()

    def line_text(self, number: int) -> str:
        """The text of one line (tests)."""
        return line(self._lines[number][1].plain)
