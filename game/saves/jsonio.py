"""Exact, guarded JSON for save files.

Saves are JSON written with ``ensure_ascii=False`` and an indent, so they stay readable (Arabic names stay
Arabic) and diff line by line. Python's JSON round-trips every string exactly, with one catch this module
handles: some characters are legal in a JSON string but trip up other readers or make a diff lie about line
structure, so they are written as ``\\uXXXX`` escapes instead of raw:

* C0 and C1 controls (U+0085 NEXT LINE among them: PyYAML turns a raw one into a line break, which is the
  ``allow_unicode=True`` round-trip bug), DEL, U+2028/U+2029 (line and paragraph separators);
* lone surrogates (a Python ``str`` may hold them; UTF-8 cannot);
* bidirectional overrides and isolates, the byte-order mark and the non-characters U+FFFE/U+FFFF.

Escaping changes only the spelling, never the decoded value, so ``decode(encode(x)) == x`` for every value
built from dicts, lists, strings, ints, bools, None and finite floats. (The one exception is not text at all: a
Python string holding a lone high surrogate followed by a lone low one reads back as the single character the
pair stands for, as JSON specifies. Saves hold only valid Unicode: story text is UTF-8 and slot names have
surrogates replaced.) The escaped output is also valid YAML.

Reading is guarded: a size limit before parsing, a nesting limit checked without recursion, duplicate keys and
the non-standard constants ``NaN``/``Infinity`` rejected.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

MAX_SAVE_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 32

_RISKY = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff\ud800-\udfff]")
_STRINGS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")


class JsonError(ValueError):
    """Text that is not acceptable JSON; ``line`` and ``column`` are 1-based (0 when unknown)."""

    def __init__(self, message: str, line: int = 0, column: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.message}" if self.line else self.message


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def encode(value: Any) -> str:
    """JSON text for ``value``: readable, indented, one list item per line, risky characters escaped."""
    text = json.dumps(value, ensure_ascii=False, indent=2, allow_nan=False)
    # json.dumps already escaped quotes, backslashes and C0 controls inside strings; the remaining risky
    # characters are all non-ASCII, so they can only occur inside string literals (the structure, newlines of
    # the indent included, is ASCII), and a plain substitution over the whole text is safe.
    return _RISKY.sub(_escape, text) + "\n"


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise JsonError(f"the key {key!r} appears twice in one object")
        out[key] = value
    return out


def _no_constants(name: str) -> Any:
    raise JsonError(f"{name} is not a number JSON allows")


def _check_depth(text: str) -> None:
    """Refuse documents nested deeper than MAX_DEPTH, before the recursive parser sees them."""
    skeleton = _NOT_BRACKETS.sub("", _STRINGS.sub("", text))
    depth = 0
    for ch in skeleton:
        if ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise JsonError(f"nested too deeply (the limit is {MAX_DEPTH} levels)")
        else:
            depth -= 1


def decode(text: str) -> Any:
    """Parse JSON text strictly. Raises JsonError with a line and column where there is one."""
    if len(text) > MAX_SAVE_BYTES:
        raise JsonError(f"too large (the limit is {MAX_SAVE_BYTES // (1024 * 1024)} MiB)")
    _check_depth(text)
    try:
        value = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
    except JsonError:
        raise
    except json.JSONDecodeError as exc:
        raise JsonError(exc.msg, exc.lineno, exc.colno) from None
    except RecursionError:  # pragma: no cover - _check_depth stops this first
        raise JsonError(f"nested too deeply (the limit is {MAX_DEPTH} levels)") from None
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        raise JsonError(str(exc)) from None
    _check_floats(value)
    return value


def _check_floats(value: Any) -> None:
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, float) and not math.isfinite(v):
            raise JsonError("a number is too large to represent")
        elif isinstance(v, dict):
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
