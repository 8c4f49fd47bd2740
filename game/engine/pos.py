"""Where something was written: a file, a line and a column, kept on every element of a story."""

from __future__ import annotations

from collections import namedtuple

TYPE_CHECKING = False  # (not imported from typing: a warm start does not import typing at all)
if TYPE_CHECKING:
    from typing import NamedTuple

    class _Place(NamedTuple):
        file: str = ""
        line: int = 0
        column: int = 0
else:
    _Place = namedtuple("Pos", ("file", "line", "column"), defaults=("", 0, 0))


class Pos(_Place):
    """A place in a source file (1-based line and column).

    A named tuple rather than a record: a large story has a hundred thousand of them, and the story cache
    rebuilds them all at once through ``tuple.__new__``, in C."""

    __slots__ = ()

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}" if self.line else self.file


NOWHERE = Pos()
