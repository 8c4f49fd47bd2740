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

Reading is the shared strict reader's (``game.smallfile``): a size limit before parsing, a nesting limit checked
without recursion, duplicate keys, the non-standard constants ``NaN``/``Infinity`` and absurdly long integers
rejected.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..smallfile import MAX_JSON_DEPTH, JsonError, parse_json

__all__ = ["MAX_DEPTH", "MAX_SAVE_BYTES", "JsonError", "decode", "encode"]

MAX_SAVE_BYTES = 4 * 1024 * 1024
MAX_DEPTH = MAX_JSON_DEPTH

_RISKY = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def encode(value: Any) -> str:
    """JSON text for ``value``: readable, indented, one list item per line, risky characters escaped."""
    text = json.dumps(value, ensure_ascii=False, indent=2, allow_nan=False)
    # json.dumps already escaped quotes, backslashes and C0 controls inside strings; the remaining risky
    # characters are all non-ASCII, so they can only occur inside string literals (the structure, newlines of
    # the indent included, is ASCII), and a plain substitution over the whole text is safe.
    return _RISKY.sub(_escape, text) + "\n"


def decode(text: str) -> Any:
    """Parse a save's JSON text strictly (``game.smallfile.parse_json``). Raises JsonError with a line and column
    where there is one."""
    if len(text) > MAX_SAVE_BYTES:
        raise JsonError(f"too large (the limit is {MAX_SAVE_BYTES // (1024 * 1024)} MiB)")
    return parse_json(text, MAX_DEPTH)
