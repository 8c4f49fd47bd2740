"""Text with a hanging indent: a prefix ("1. ", "unavailable: ") and a body whose wrapped lines align under the
body's first character, not at the margin.

``hanging_lines`` does the wrapping (any widget can draw its lines); ``Hanging`` is the same as a Textual
``Visual``, so an option of an ``OptionList`` or a ``Static`` can show it and is re-wrapped at every width.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from textual.content import Content
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual

# Below this many columns for the body, the indent shrinks so the words still have room.
MIN_BODY = 8


class Row(NamedTuple):
    """One hanging paragraph: ``margin`` columns of space, then ``prefix``, then ``body`` wrapped under itself."""

    margin: int
    prefix: Content
    body: Content


def hanging_lines(rows: Sequence[Row], width: int) -> list[Content]:
    """Every row wrapped to ``width`` (at least 1) with its continuation lines under its body."""
    width = max(1, width)
    out: list[Content] = []
    for margin, prefix, body in rows:
        lead = margin + prefix.cell_length
        if width - lead >= MIN_BODY:
            wrapped = body.wrap(width - lead) or [Content("")]
            out.append(Content.assemble(" " * margin, prefix, wrapped[0]))
            out.extend(Content.assemble(" " * lead, piece) for piece in wrapped[1:])
            continue
        # Too narrow to hang: the prefix runs on into its body, every line at the (shrunk) margin.
        margin = min(margin, max(0, width - MIN_BODY))
        for piece in Content.assemble(prefix, body).wrap(max(1, width - margin)) or [Content("")]:
            out.append(Content.assemble(" " * margin, piece))
    return out


def wrapped(content: Content) -> Hanging:
    """``content`` as a Visual that wraps at any width, even none: an ``OptionList`` prompt made with it cannot
    fail when a tiny terminal leaves the list no room (Content itself refuses a width of 0)."""
    return Hanging([Row(0, Content(""), content)])


class Hanging(Visual):
    """A Visual of hanging-indent rows (see ``hanging_lines``)."""

    def __init__(self, rows: Sequence[Row]) -> None:
        self.rows = tuple(rows)
        self._height: tuple[int, int] | None = None  # (width, height) of the last height asked for

    def render_strips(self, width: int, height: int | None, style: Style, options: RenderOptions) -> list[Strip]:
        if width <= 0:
            return []
        lines = hanging_lines(self.rows, width)
        if height is not None:
            lines = lines[:height]
        strips: list[Strip] = []
        for piece in lines:
            # Each line already fits: rendered with no wrapping, so leading spaces (the indent) stay.
            strips.extend(piece.render_strips(max(1, width), 1, style, options))
        return strips

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return max(
            (margin + prefix.cell_length + body.get_optimal_width(rules, container_width) for margin, prefix, body in self.rows),
            default=0,
        )

    def get_height(self, rules: RulesMap, width: int) -> int:
        if self._height is None or self._height[0] != width:
            self._height = (width, len(hanging_lines(self.rows, width)))
        return self._height[1]
