"""The text forms an author writes, parsed: literal text, ``{name}`` holes and spans, each with its offset.

This is the parse tree: what ``game.engine.text`` compiles and renders, and what tools that point into text (the
loader's messages, the language server) read. See ``game.engine.text`` for the forms.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .records import record

SPAN_KINDS = ("if", "seq", "cycle", "once", "shuffle", "em")
ALTERNATIVES = ("seq", "cycle", "once", "shuffle")
NUMBER_FORMS = ("words", "Words")
MAX_NESTING = 16


class TextError(Exception):
    """A problem in text; ``offset`` is 0-based into the text that was parsed."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


# ---------------------------------------------------------------------------------------- the parse tree


@record
class Hole:
    """``{name}`` or ``{name:form}``."""

    name: str
    form: str
    start: int  # the '{'
    name_at: int
    end: int  # just after the '}'


@record
class IfSpan:
    """``{if condition: then|else}``."""

    condition: str
    condition_at: int
    branches: tuple[Seq, ...]  # then, and else when written
    start: int
    end: int


@record
class AltSpan:
    """``{seq: ...}``, ``{cycle: ...}``, ``{once: ...}`` or ``{shuffle: ...}``."""

    kind: str
    alternatives: tuple[Seq, ...]
    start: int
    end: int


@record
class EmSpan:
    """``{em: words}``."""

    body: Seq
    start: int
    end: int


Piece = str | Hole | IfSpan | AltSpan | EmSpan
Seq = tuple[Piece, ...]

_BRACES = re.compile(r"[{}]")
_BARS = re.compile(r"[{}|]")
_WORD = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)")
_NAME_HOLE = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?::\s*([^{}|:]*?)\s*)?\Z")


def parse(source: str) -> Seq:
    """Parse text into its pieces, raising TextError at the first problem (with its offset)."""
    if "{" not in source and "}" not in source:
        return (source,) if source else ()
    seq, _ = _Parser(source).seq(0, 0, top=True)
    return seq


class _Parser:
    def __init__(self, source: str) -> None:
        self.s = source

    def seq(self, i: int, depth: int, *, top: bool = False, bars: bool = False) -> tuple[Seq, int]:
        """Pieces from ``i`` up to (not including) a closing '}' (or '|' when ``bars``) or the end."""
        s = self.s
        n = len(s)
        out: list[Piece] = []
        buf: list[str] = []
        special = _BARS if bars else _BRACES
        while i < n:
            m = special.search(s, i)  # literal text up to the next brace (or bar) in one step
            if m is None:
                buf.append(s[i:])
                i = n
                break
            if m.start() > i:
                buf.append(s[i : m.start()])
                i = m.start()
            ch = s[i]
            if ch == "{":
                if top and s.startswith("{{", i):
                    buf.append("{")
                    i += 2
                    continue
                if buf:
                    out.append("".join(buf))
                    buf = []
                piece, i = self.hole(i, depth + 1)
                out.append(piece)
                continue
            if ch == "}":
                if top:
                    if s.startswith("}}", i):
                        buf.append("}")
                        i += 2
                        continue
                    raise TextError("unmatched '}' in text (write }} for a literal brace)", i)
                break
            break  # a '|' (only searched for when ``bars``)
        if buf:
            out.append("".join(buf))
        return tuple(out), i

    def close(self, start: int, i: int) -> int:
        if i >= len(self.s):
            raise TextError("unmatched '{' in text (write {{ for a literal brace)", start)
        return i + 1

    def alternatives(self, i: int, depth: int) -> tuple[tuple[Seq, ...], int]:
        alts: list[Seq] = []
        while True:
            seq, i = self.seq(i, depth, bars=True)
            alts.append(seq)
            if i < len(self.s) and self.s[i] == "|":
                i += 1
                continue
            return tuple(alts), i

    def hole(self, start: int, depth: int) -> tuple[Piece, int]:
        s = self.s
        if depth > MAX_NESTING:
            raise TextError(f"spans are nested too deeply (limit {MAX_NESTING})", start)
        m = _WORD.match(s, start + 1)
        word = m.group(1) if m else ""
        after = m.end() if m else start + 1
        if word == "if" and after < len(s) and s[after] in " \t\n":
            colon = after
            while colon < len(s) and s[colon] not in ":{}|":
                colon += 1
            if colon >= len(s) or s[colon] != ":":
                raise TextError("an {if ...} span needs ':' after its condition: {if condition: text}", start)
            raw = s[after:colon]
            condition = raw.strip()
            if not condition:
                raise TextError("an {if ...} span needs a condition before ':'", start)
            branches, i = self.alternatives(colon + 1, depth)
            end = self.close(start, i)
            if len(branches) > 2:
                raise TextError("an {if ...} span has at most one '|': {if condition: then|else}", start)
            at = after + len(raw) - len(raw.lstrip())
            return IfSpan(condition, at, branches, start, end), end
        j = after
        while j < len(s) and s[j] in " \t":
            j += 1
        if word in SPAN_KINDS and word != "if" and j < len(s) and s[j] == ":":
            if word == "em":
                body, i = self.seq(j + 1, depth)
                end = self.close(start, i)
                return EmSpan(body, start, end), end
            alts, i = self.alternatives(j + 1, depth)
            end = self.close(start, i)
            return AltSpan(word, alts, start, end), end
        # A name, perhaps with a number form: no nesting inside.
        close = start + 1
        while close < len(s) and s[close] not in "{}":
            close += 1
        if close >= len(s) or s[close] != "}":
            raise TextError("unmatched '{' in text (write {{ for a literal brace)", start)
        inside = s[start + 1 : close]
        hm = _NAME_HOLE.match(inside)
        if hm is None:
            raise TextError(_not_a_hole(inside, word), start)
        return Hole(hm.group(1), hm.group(2) or "", start, start + 1 + hm.start(1), close + 1), close + 1


def _not_a_hole(body: str, word: str) -> str:
    shown = body if len(body) <= 30 else body[:27] + "..."
    if word and ":" in body:
        import difflib  # only for the message

        close = difflib.get_close_matches(word, SPAN_KINDS, n=1, cutoff=0.6)
        if close:
            return f"unknown span '{{{word}: ...}}' (did you mean '{close[0]}'?)"
        return (
            f"'{{{shown}}}' is neither a name nor a span; the spans are "
            "{if condition: ...}, {seq: ...}, {cycle: ...}, {once: ...}, {shuffle: ...} and {em: ...}"
        )
    return f"'{{{shown}}}' is not a name (names are lower case: letters, digits and _); write {{{{ for a literal brace"


def walk(seq: Seq) -> Iterator[Piece]:
    """Every piece of a parsed text, spans before what they hold (for tools that look for names or conditions)."""
    for piece in seq:
        yield piece
        if isinstance(piece, IfSpan):
            for branch in piece.branches:
                yield from walk(branch)
        elif isinstance(piece, AltSpan):
            for alt in piece.alternatives:
                yield from walk(alt)
        elif isinstance(piece, EmSpan):
            yield from walk(piece.body)

