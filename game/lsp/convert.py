"""Positions between the loader and the protocol.

The loader counts lines and characters from 1, in code points; the protocol counts from 0, in the units the
client and server agreed on (UTF-16 unless the client offers another). Each conversion needs the line's text,
which the workspace has for every story file, open or not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec

from ..loader import Problem
from ..loader.index import Ref, Span, Symbol

_WORD = re.compile(r"[\w.]+")


class Lines:
    """A file's lines, for converting positions in it."""

    def __init__(self, text: str, codec: PositionCodec) -> None:
        self.lines: Sequence[str] = text.split("\n")
        self.codec = codec

    def line(self, n: int) -> str:
        """The 0-based line ``n`` ('' past the end)."""
        return self.lines[n].rstrip("\r") if 0 <= n < len(self.lines) else ""

    def position(self, line: int, column: int) -> types.Position:
        """The protocol's position of a 1-based (line, column)."""
        row = max(line - 1, 0)
        text = self.line(row)
        return types.Position(row, self.codec.client_num_units(text[: max(column - 1, 0)]))

    def range(self, span: Span) -> types.Range:
        return types.Range(self.position(span.line, span.column), self.position(span.end_line, span.end_column))

    def cursor(self, position: types.Position) -> tuple[int, int]:
        """The loader's 1-based (line, column) of a protocol position."""
        text = self.line(position.line)
        units = 0
        column = 0
        for ch in text:
            if units >= position.character:
                break
            units += self.codec.client_num_units(ch)
            column += 1
        return position.line + 1, column + 1

    def problem_range(self, problem: Problem, starts: Mapping[tuple[int, int], list[Ref]] | None = None) -> types.Range:
        """Where a problem is, as exactly as can be told: the name or condition that starts at its position (see
        ``ref_starts``; lint's verdicts are about a whole condition, other problems about the name), else the
        word, quoted text or braces there."""
        if problem.line <= 0:
            return types.Range(types.Position(0, 0), types.Position(0, self.codec.client_num_units(self.line(0))))
        refs = starts.get((problem.line, problem.column), []) if starts else []
        if refs:
            whole = problem.message.startswith("condition ")
            ref = min(refs, key=lambda r: (r.kind == "condition") != whole)
            return self.range(ref.span)
        text = self.line(problem.line - 1)
        start = max(problem.column - 1, 0)
        end = _extent(text, start)
        return types.Range(self.position(problem.line, start + 1), self.position(problem.line, end + 1))


def ref_starts(refs: Iterable[Ref], symbols: Iterable[Symbol] = ()) -> dict[tuple[int, int], list[Ref]]:
    """The refs of a file by where they start. A scene or a choice is placed where its mapping starts (where
    problems about it point, often at its ``id`` key): there, its id stands for it."""
    out: dict[tuple[int, int], list[Ref]] = {}
    for ref in refs:
        out.setdefault((ref.span.line, ref.span.column), []).append(ref)
    stack = list(symbols)
    while stack:
        symbol = stack.pop()
        stack.extend(symbol.children)
        if symbol.kind in ("scene", "choice"):
            out.setdefault((symbol.span.line, symbol.span.column), [Ref(symbol.kind, symbol.name, symbol.selection)])
    return out


def _extent(text: str, start: int) -> int:
    """The end (exclusive, 0-based) of the token starting at ``start`` on a line."""
    if start >= len(text):
        return start
    ch = text[start]
    if ch in "'\"":
        close = text.find(ch, start + 1)
        return close + 1 if close > 0 else len(text.rstrip())
    if ch in "{[":
        pair = "}" if ch == "{" else "]"
        depth = 0
        for i in range(start, len(text)):
            if text[i] == ch:
                depth += 1
            elif text[i] == pair:
                depth -= 1
                if depth == 0:
                    return i + 1
        return len(text.rstrip())
    m = _WORD.match(text, start)
    if m:
        return m.end()
    return start + 1


__all__ = ["Lines", "ref_starts"]
