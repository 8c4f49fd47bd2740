"""Text that varies with play: the forms an author writes inside a story's text, parsed, checked and rendered.

Inside text, braces hold the only things that are ever interpreted (nothing else is markup)::

    {name}                 a variable's value or a faction's trust: 40, yes/no
    {name:words}           the number in words ("forty"); {name:Words} capitalised ("Forty")
    {name:man/men}         the word that agrees with the number: "man" for 1, "men" otherwise
    {if cond: then|else}   a span shown when the condition holds (the else part is optional)
    {seq: a|b|c}           one alternative per visit: a, then b, then c, and c from then on
    {cycle: a|b}           a, b, a, b, ...
    {once: a|b}            a, then b, then nothing
    {shuffle: a|b|c}       one at random each visit, drawn from the playthrough's seed
    {em: words}            emphasis (italics where the screen can show it)
    {{ and }}              literal braces

Spans nest. "Visit" means the visit to the scene the text belongs to (for a choice's result: the time the choice
is taken), counted from the state, so rendering twice gives the same words and a replay gives the same text.

Parsing (``parse``) gives a tree with offsets, for the loader's error messages and for editors; ``compile_text``
resolves names to slots and conditions to compiled tests, giving a ``Template`` the engine renders fast: a
template with nothing but plain text and ``{name}`` holes renders with one ``join``. The parse tree and its
parser live in ``game.engine.spans``.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator

from .chance import mix
from .pos import NOWHERE, Pos
from .records import record
from .spans import (
    ALTERNATIVES,
    MAX_NESTING,
    NUMBER_FORMS,
    SPAN_KINDS,
    AltSpan,
    EmSpan,
    Hole,
    IfSpan,
    Piece,
    Seq,
    TextError,
    parse,
    walk,
)

TYPE_CHECKING = False  # (not imported from typing: a warm start does not import typing at all)
if TYPE_CHECKING:
    from typing import Any, ClassVar, Self

    from .conditions import Names
    from .model import Condition

Value = int | bool

__all__ = [
    "ALTERNATIVES", "MAX_NESTING", "NUMBER_FORMS", "SPAN_KINDS", "AltSpan", "Em", "EmSpan", "Hole", "IfSpan", "Piece",
    "Seq", "Show", "Styled", "Template", "TextError", "Vary", "When", "compile_text", "emphasis_of", "number_words",
    "parse", "pick", "show", "walk",
]


# ---------------------------------------------------------------------------------------- compiled form


@record
class Show:
    """A number in a form: ``words``, ``Words``, or the agreeing word (``one``/``many``) when ``form`` is ''."""

    slot: int
    form: str
    one: str = ""
    many: str = ""


@record
class When:
    cond: Condition
    then: Parts
    other: Parts


@record
class Vary:
    kind: str  # seq, cycle, once, shuffle
    alternatives: tuple[Parts, ...]
    key: int  # mixes a shuffle's draw, so two shuffles in one scene draw independently
    pos: Pos = NOWHERE


@record
class Em:
    parts: Parts


Node = Show | When | Vary | Em
Parts = tuple[str | int | Node, ...]


class Styled(str):
    """Rendered text with emphasis: a ``str`` (so anything that prints text prints it plainly) whose ``emphasis``
    lists the ``(start, end)`` character ranges to set in italics."""

    emphasis: tuple[tuple[int, int], ...]

    def __new__(cls, text: str, emphasis: tuple[tuple[int, int], ...]) -> Self:
        self = super().__new__(cls, text)
        self.emphasis = emphasis
        return self


def emphasis_of(text: str) -> tuple[tuple[int, int], ...]:
    """The emphasis ranges of rendered text (none for a plain ``str``)."""
    return text.emphasis if type(text) is Styled else ()


@record
class Template:
    """A paragraph (or a label, a title...) ready to render. ``parts`` are literal strings, slot numbers (a value
    shown as it is) and, in a template with spans, ``Show``/``When``/``Vary``/``Em`` nodes; ``names`` are the names
    it shows; ``source`` is the text as written, kept for templates with spans (the story cache compiles them again
    from it) and empty for the rest."""

    __slots__ = ("_plain",)  # not a field: the form of a template without spans, worked out when first rendered
    if TYPE_CHECKING:
        _plain: ClassVar[Any]  # what plain_form returns

    parts: Parts
    names: tuple[str, ...] = ()
    source: str = ""

    def render(self, values: list, visited: Any = (), chosen: Any = (), count: int = 1, seed: int = 0) -> str:
        """The text in this state. ``count`` is the visit (or the time a choice is taken) that picks alternatives."""
        if not self.source:
            # The hot path of rendered play: a constant, or a %-format with one value (or several) filled in.
            try:
                plain = self._plain
            except AttributeError:
                plain = self.plain_form()
            return plain if plain.__class__ is str else fill(plain, values)  # type: ignore[no-any-return]
        out: list[Any] = []
        _emit(self.parts, (values, visited, chosen, count if count > 0 else 1, seed), out)
        return _finish(out)

    def plain_form(self) -> str | tuple[str, int | tuple[int, ...]]:
        """How a template without spans renders: its text when it has no holes, else a %-format of its literal
        parts (a literal % doubled) and the slot, or slots, of its holes, in order."""
        parts = self.parts
        slots = tuple(p for p in parts if p.__class__ is int)
        plain: str | tuple[str, int | tuple[int, ...]]
        if not slots:
            plain = "".join(parts)  # type: ignore[arg-type]
        else:
            form = "".join(p.replace("%", "%%") if p.__class__ is str else "%s" for p in parts)  # type: ignore[union-attr]
            plain = (form, slots[0] if len(slots) == 1 else slots)
        object.__setattr__(self, "_plain", plain)
        return plain

    @property
    def plain(self) -> bool:
        """True when the template has no holes at all (it renders as its one literal)."""
        return len(self.parts) <= 1 and all(isinstance(p, str) for p in self.parts)

    def conditions(self) -> Iterator[Condition]:
        """Every condition inside the template's spans."""
        return (x for x in _positioned(self.parts) if not isinstance(x, Vary))

    def positioned(self) -> Iterator[Condition | Vary]:
        """The span conditions and alternatives, in the order ``compile_text`` met them (the story cache gives
        them back their positions in this order)."""
        return _positioned(self.parts)

    def alternatives(self) -> Iterator[Vary]:
        """Every seq/cycle/once/shuffle span in the template."""
        return _varies(self.parts)

    @property
    def varies(self) -> bool:
        """True when what it shows depends on the visit (it has alternatives)."""
        if not self.source:  # (only a template with spans keeps its source, and only spans vary)
            return False
        return next(self.alternatives(), None) is not None


def _children(parts: Parts) -> Iterator[Parts]:
    for p in parts:
        if isinstance(p, When):
            yield p.then
            yield p.other
        elif isinstance(p, Vary):
            yield from p.alternatives
        elif isinstance(p, Em):
            yield p.parts


def _positioned(parts: Parts) -> Iterator[Condition | Vary]:
    # In the order compile_text builds them: a span before what it holds.
    for p in parts:
        if isinstance(p, When):
            yield p.cond
            yield from _positioned(p.then)
            yield from _positioned(p.other)
        elif isinstance(p, Vary):
            yield p
            for alt in p.alternatives:
                yield from _positioned(alt)
        elif isinstance(p, Em):
            yield from _positioned(p.parts)


def _varies(parts: Parts) -> Iterator[Vary]:
    for p in parts:
        if isinstance(p, Vary):
            yield p
    for child in _children(parts):
        yield from _varies(child)


def fill(plain: tuple[str, int | tuple[int, ...]], values: list) -> str:
    """A template without spans that has holes, rendered from its form (``Template.plain_form``): a %-format and
    the slot, or slots, of its holes."""
    form, slot = plain
    if slot.__class__ is int:
        value = values[slot]  # type: ignore[index]
        return form % (value if value.__class__ is int else show(value),)
    return form % tuple([show(values[i]) for i in slot])  # type: ignore[union-attr]


def show(value: Value) -> str:
    """A value as ``{name}`` shows it: a number in digits, a true/false as yes/no."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value)


# --------------------------------------------------------------------------------------------- rendering

_EDGE, _EM_ON, _EM_OFF = object(), object(), object()
_NO_SPACE_BEFORE = frozenset(",.;:!?)")
if TYPE_CHECKING:
    Context = tuple[list, Any, Any, int, int]  # values, visited, chosen, count, seed


def _emit(parts: Parts, ctx: Context, out: list[Any]) -> None:
    # Dispatch on the exact class (parts are made by compile_text and the cache, never subclassed): cheaper than
    # isinstance. A branch or alternative that is one literal is appended without a call.
    values = ctx[0]
    append = out.append
    for p in parts:
        cls = p.__class__
        if cls is str:
            append(p)
        elif cls is int:
            value = values[p]  # type: ignore[index]
            append(str(value) if value.__class__ is int else show(value))
        elif cls is When:
            append(_EDGE)
            branch = p.then if p.cond.test(values, ctx[1], ctx[2]) else p.other  # type: ignore[union-attr]
            if len(branch) == 1 and branch[0].__class__ is str:
                append(branch[0])
            elif branch:
                _emit(branch, ctx, out)
            append(_EDGE)
        elif cls is Vary:
            append(_EDGE)
            picked = pick(p, ctx[3], ctx[4])  # type: ignore[arg-type]
            if picked:
                if len(picked) == 1 and picked[0].__class__ is str:
                    append(picked[0])
                else:
                    _emit(picked, ctx, out)
            append(_EDGE)
        elif cls is Show:
            value = values[p.slot]  # type: ignore[union-attr]
            if not p.form:  # type: ignore[union-attr]
                append(p.one if value == 1 or value == -1 else p.many)  # type: ignore[union-attr]
            else:
                words = number_words(int(value))
                append(words[:1].upper() + words[1:] if p.form == "Words" else words)  # type: ignore[union-attr]
        else:
            append(_EDGE)
            append(_EM_ON)
            _emit(p.parts, ctx, out)  # type: ignore[union-attr]
            append(_EM_OFF)
            append(_EDGE)


def pick(vary: Vary, count: int, seed: int) -> Parts | None:
    """The alternative a seq/cycle/once/shuffle shows on visit ``count`` (1-based); None for nothing."""
    alts = vary.alternatives
    k = len(alts)
    if vary.kind == "seq":
        return alts[min(count, k) - 1]
    if vary.kind == "cycle":
        return alts[(count - 1) % k]
    if vary.kind == "once":
        return alts[count - 1] if count <= k else None
    return alts[mix(seed, count, vary.key) % k]


def _opens(text: str) -> bool:
    """True when ``text`` ends with an opening bracket or quotation mark: a span after it starts flush against it
    (``"{if v: Rezan says|Your men say}`` reads "Rezan says, not " Rezan says). A straight quote opens when it
    starts the text or follows a space or a dash."""
    last = text[-1]
    if last in "(“‘[":
        return True
    return last in "\"'" and (len(text) == 1 or text[-2].isspace() or text[-2] in "(—–-")


def _finish(out: list[Any]) -> str:
    """Join rendered pieces. At a span's edges the spaces on either side become at most one, and none at the start
    or end of the text or before , . ; : ! ? ) (so a span that shows nothing leaves no gap behind)."""
    text = ""
    edge = False
    em_open: list[int] = []
    ranges: list[tuple[int, int]] = []
    pending_em = 0
    for piece in out:
        if piece.__class__ is not str:
            if piece is _EDGE:
                edge = True
            elif piece is _EM_ON:
                pending_em += 1
            elif pending_em:  # _EM_OFF, of emphasis around nothing
                pending_em -= 1
            elif em_open:
                ranges.append((em_open.pop(), len(text)))
            continue
        if not piece:
            continue
        if edge:
            edge = False
            spaced = text[-1:].isspace()
            if spaced:
                text = text.rstrip()
            if piece[0].isspace():
                spaced = True
                piece = piece.lstrip()
                if not piece:
                    if text:
                        text += " "  # kept for what follows; removed at the end or before punctuation
                    continue
            if spaced and text and piece[0] not in _NO_SPACE_BEFORE and not _opens(text):
                text += " "
        if pending_em:
            em_open.extend([len(text)] * pending_em)
            pending_em = 0
        text += piece
    while em_open:
        ranges.append((em_open.pop(), len(text)))
    stripped = text.rstrip() if edge or text[-1:] == " " else text
    if not ranges:
        return stripped
    trimmed = []
    for a, b in sorted(ranges):
        b = min(b, len(stripped))
        while a < b and stripped[a].isspace():
            a += 1
        while b > a and stripped[b - 1].isspace():
            b -= 1
        if a < b:
            trimmed.append((a, b))
    return Styled(stripped, tuple(trimmed)) if trimmed else stripped


_ONES = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
)
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_SCALES = ((10**9, "billion"), (10**6, "million"), (1000, "thousand"))


def number_words(n: int) -> str:
    """A whole number in words, British style ("one hundred and forty"); digits beyond a trillion."""
    if n < 0:
        return "minus " + number_words(-n)
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + ("-" + _ONES[ones] if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return _ONES[hundreds] + " hundred" + (" and " + number_words(rest) if rest else "")
    if n >= 10**12:
        return str(n)
    for size, word in _SCALES:
        if n >= size:
            big, rest = divmod(n, size)
            head = number_words(big) + " " + word
            if not rest:
                return head
            return head + (" and " if rest < 100 else " ") + number_words(rest)
    return str(n)  # pragma: no cover - every n >= 1000 has a scale


# --------------------------------------------------------------------------------------------- compiling


def compile_text(
    source: str,
    names_: Names,
    condition: Callable[[str, int], Condition | None],
    error: Callable[[str, int, str], None],
    locate: Callable[[int], Pos] | None = None,
) -> Template:
    """Parse and check ``source``; report each problem through ``error(message, offset, name)`` (``name`` is the
    unknown name when that is the problem, else '') and return the template
    (with the broken parts left out). ``condition(source, offset)`` compiles the condition of an ``{if}`` span
    (and reports its own problems), returning None when it does not compile; ``locate(offset)`` gives the position
    of a seq/cycle/once/shuffle span, for tools that point at it."""
    try:
        seq = parse(source)
    except TextError as exc:
        error(exc.message, exc.offset, "")
        return Template((source,))
    c = _Compiling(source, names_, condition, error, locate)
    parts = _build(c, seq)
    if c.rich:
        return Template(parts, tuple(c.names), source)
    return Template(parts or ("",), tuple(c.names))


class _Compiling:
    """What compiling one text carries through its spans (an object rather than a closure: a recursive closure
    is a reference cycle, and it would keep all the callbacks reach, a whole story's reader, alive until the next
    collection of cycles)."""

    __slots__ = ("condition", "error", "locate", "names", "names_", "rich", "slots", "source", "types")

    def __init__(
        self, source: str, names_: Names, condition: Callable[[str, int], Condition | None],
        error: Callable[[str, int, str], None], locate: Callable[[int], Pos] | None,
    ) -> None:
        self.source, self.names_, self.condition, self.error, self.locate = source, names_, condition, error, locate
        self.slots, self.types = names_.slots, names_.types
        self.names: list[str] = []
        self.rich = False


def _build(c: _Compiling, pieces: Seq) -> Parts:
    slots, types, names_, error = c.slots, c.types, c.names_, c.error
    parts: list[str | int | Node] = []
    for piece in pieces:
        if isinstance(piece, str):
            if parts and isinstance(parts[-1], str):
                parts[-1] += piece
            else:
                parts.append(piece)
        elif isinstance(piece, Hole):
            slot = slots.get(piece.name)
            if slot is None:
                best = names_.suggest(piece.name, list(slots)) if names_.suggest else None
                hint = f" (did you mean {best!r}?)" if best else ""
                error(f"unknown name {{{piece.name}}} in text{hint} (write {{{{ for a literal brace)", piece.start, piece.name)
                continue
            c.names.append(piece.name)
            if not piece.form:
                parts.append(slot)
                continue
            if types.get(piece.name) is not int:
                error(f"{{{piece.name}:{piece.form}}}: a number form needs a number, and {piece.name!r} is true/false", piece.name_at, "")
                continue
            c.rich = True
            if piece.form in NUMBER_FORMS:
                parts.append(Show(slot, piece.form))
            elif piece.form.count("/") == 1 and all(w.strip() for w in piece.form.split("/")):
                one, many = (w.strip() for w in piece.form.split("/"))
                parts.append(Show(slot, "", one, many))
            else:
                error(
                    f"unknown number form {piece.form!r} in {{{piece.name}:{piece.form}}} (the forms are words, Words "
                    "and singular/plural, like {men:man/men})", piece.name_at, "",
                )
        else:
            c.rich = True
            if isinstance(piece, IfSpan):
                cond = c.condition(piece.condition, piece.condition_at)
                then = _build(c, piece.branches[0])
                other = _build(c, piece.branches[1]) if len(piece.branches) > 1 else ()
                if cond is not None:
                    parts.append(When(cond, then, other))
            elif isinstance(piece, AltSpan):
                at = c.locate(piece.start) if c.locate is not None else NOWHERE
                alts = tuple(_build(c, a) for a in piece.alternatives)
                key = zlib.crc32(c.source[piece.start : piece.end].encode("utf-8", "surrogatepass"))
                parts.append(Vary(piece.kind, alts, key, at))
            else:
                parts.append(Em(_build(c, piece.body)))
    return tuple(parts)
