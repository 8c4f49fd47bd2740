"""Where something was written: a file, a line and a column, kept on every element of a story."""

from __future__ import annotations

from typing import NamedTuple


class Pos(NamedTuple):
    """A place in a source file (1-based line and column).

    A named tuple rather than a dataclass: a large story has a hundred thousand of them, and the story cache
    rebuilds them all at once through ``tuple.__new__``, in C."""

    file: str = ""
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}" if self.line else self.file


NOWHERE = Pos()
