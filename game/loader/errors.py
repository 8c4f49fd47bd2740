"""Problems an author reads: ``path:line:col: error: message``."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..engine.records import record

# Control characters and bidi overrides, shown as Python-style escapes (\n, \x1b, \u202e) in a problem.
_VISIBLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


@record(order=True)
class Problem:
    """One error or warning in a story, sortable by place."""

    file: str
    line: int
    column: int
    message: str
    severity: str = "error"  # 'error' or 'warning'

    def __post_init__(self) -> None:
        # A problem is one line of plain text whatever a file's name holds: control characters in a name (a
        # newline could forge another problem line, an escape could drive the terminal) are shown as escapes,
        # and undecodable bytes (lone surrogates, which no UTF-8 output can carry) as U+FFFD.
        for name in ("file", "message"):
            value = getattr(self, name)
            if not value.isprintable():
                value = _VISIBLE.sub(lambda m: repr(m.group())[1:-1], value)
                value = value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
                object.__setattr__(self, name, value)

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}:{self.column}"
        return f"{where}: {self.severity}: {self.message}"

    def to_json(self) -> dict:
        return {"file": self.file, "line": self.line, "column": self.column, "message": self.message}


class StoryError(Exception):
    """A story that cannot be loaded; ``problems`` lists every error found, in the order given (the loader's:
    the manifest's first, then by place)."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        first = str(self.problems[0]) if self.problems else "story could not be loaded"
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(first + more)

    def report(self) -> str:
        lines = [str(p) for p in self.problems]
        n = sum(1 for p in self.problems if p.severity == "error")
        lines.append(f"{n} error{'s' if n != 1 else ''}")
        return "\n".join(lines)


FOLLOW = " follow from this"  # ends the line that counts the errors a broken definition causes


def sort_problems(problems: Iterable[Problem], manifest: str = "") -> list[Problem]:
    """Problems without repeats, in reading order, the manifest's first: a broken definition there is the cause of
    what follows, so it leads, and the line counting its knock-on errors comes right after it."""
    unique = dict.fromkeys(problems)
    return sorted(unique, key=lambda p: (p.file != manifest, p.file, p.line, p.column, FOLLOW in p.message, p))


def did_you_mean(word: str, pool: Iterable[str]) -> str | None:
    """The closest name in ``pool`` to a misspelled ``word``, if any is close enough."""
    import difflib  # only when there is a mistake to explain

    matches = difflib.get_close_matches(word, list(pool), n=1, cutoff=0.6)
    return matches[0] if matches else None


def hint(word: str, pool: Iterable[str]) -> str:
    best = did_you_mean(word, pool)
    return f" (did you mean {best!r}?)" if best else ""
