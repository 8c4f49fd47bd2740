"""The one sanitiser for text shown on a terminal: scene text, glossary text, save names, error messages.

Removes ANSI escape sequences and C0/C1 control characters (keeping newlines and tabs where asked), and
neutralises bidirectional overrides, which could make text read differently from what it is. Unicode's own line
breaks (U+0085 NEXT LINE, U+2028, U+2029) and a lone carriage return become a newline (or a space in a line), so
text neither runs words together nor breaks where the reader cannot see why. Lone surrogates (undecodable bytes
from a file name) become U+FFFD, since no UTF-8 terminal can be sent them.

Markup is not a concern here: the TUI never parses content as markup (it builds Text/Content objects); this only
keeps the terminal itself from being driven by content. Everything else (letters of any script, emoji, the
direction marks U+200E, U+200F and U+061C that Arabic text needs) passes through unchanged.
"""

from __future__ import annotations

import re

# CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), other two-character escapes, and 8-bit CSI/OSC. A string
# sequence left unterminated ends at the line's end, so a stray "ESC ]" cannot swallow the paragraphs after it.
_ANSI = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b\n]*(?:\x07|\x1b\\)?"
    r"|\x1b[PX^_][^\x1b\n]*(?:\x1b\\)?"
    r"|\x1b[@-Z\\-_]"
    r"|\x9b[0-?]*[ -/]*[@-~]"
    r"|\x9d[^\x07\x9c\n]*[\x07\x9c]?"
)
# Line breaks other than "\n": CR LF, a lone CR, NEXT LINE, LINE SEPARATOR, PARAGRAPH SEPARATOR.
_BREAKS = re.compile("\r\n?|[\x85\u2028\u2029]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_NO_NL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Bidi embeddings, overrides and isolates (U+202A-202E, U+2066-2069): dropped. Marks (LRM/RLM) are harmless.
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def sanitize(text: str, *, keep_newlines: bool = True) -> str:
    """Text that is safe to show on a terminal: escapes and control characters removed, bidi overrides dropped.

    With ``keep_newlines`` (the default) newlines and tabs stay and every other kind of line break becomes a
    newline; without it, line breaks and tabs of every kind are removed like any other control character.
    """
    if not text:
        return text
    # Every character changed below is unprintable, so printable text (nearly all of it) costs one scan.
    if text.isprintable():
        return text
    text = _ANSI.sub("", text)
    text = _BREAKS.sub("\n" if keep_newlines else "", text)
    text = (_CONTROL if keep_newlines else _CONTROL_NO_NL).sub("", text)
    text = _SURROGATE.sub("\ufffd", text)
    return _BIDI.sub("", text)


def sanitize_line(text: str) -> str:
    """One line of text: as ``sanitize``, with every line break and tab turned into a space."""
    if not text or text.isprintable():
        return text
    # Escapes go first (in ``sanitize``), so an unterminated one still ends at the line break it would have.
    return sanitize(text).replace("\n", " ").replace("\t", " ")
