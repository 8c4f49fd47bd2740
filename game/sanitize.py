"""The one sanitiser for text shown on a terminal: scene text, glossary text, save names, error messages.

Removes ANSI escape sequences and C0/C1 control characters (keeping newlines and tabs where asked), and
neutralises bidirectional overrides, which could make text read differently from what it is. Markup is not a
concern here: the TUI never parses content as markup (it builds Text/Content objects); this only keeps the
terminal itself from being driven by content.
"""

from __future__ import annotations

import re

# CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), other two-character escapes, and 8-bit CSI/OSC.
_ANSI = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"
    r"|\x1b[@-Z\\-_]"
    r"|\x9b[0-?]*[ -/]*[@-~]"
    r"|\x9d[^\x07\x9c]*[\x07\x9c]?"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_NO_NL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Bidi embeddings, overrides and isolates (U+202A-202E, U+2066-2069): dropped. Marks (LRM/RLM) are harmless.
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")


def sanitize(text: str, *, keep_newlines: bool = True) -> str:
    """Text that is safe to show on a terminal: escapes and control characters removed, bidi overrides dropped."""
    if not text:
        return text
    if text.isprintable():
        return text
    text = _ANSI.sub("", text)
    text = (_CONTROL if keep_newlines else _CONTROL_NO_NL).sub("", text)
    return _BIDI.sub("", text)


def sanitize_line(text: str) -> str:
    """One line of text: as ``sanitize``, with newlines and tabs turned into spaces."""
    return sanitize(text.replace("\r\n", " ").replace("\n", " ").replace("\t", " "), keep_newlines=False)
