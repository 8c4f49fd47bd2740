"""Where every name in a story is written: definitions and references with exact ranges, for editors.

The language server asks "what is under the cursor?", "where is this defined?", "where is it used?". The
answers need the YAML: where a scalar starts (after its quote), how an offset inside a paragraph maps back to a
line and column of a folded or literal block. So the index is built here, in the loader, from the raw records a
reader keeps (they hold the nodes they were read from), one file at a time: a workspace re-indexes only the file
that changed.

Kinds of names: ``scene``, ``choice`` (named ``scene.choice``), ``name`` (a variable or a faction: they share one
namespace in conditions and text), ``chapter``, ``location``, ``ending``, ``routes`` (a named route list) and
``term`` (a glossary term, found in the text a player reads). A ``condition`` ref covers a whole condition, for
what tools say about it (its verdict). Ranges are 1-based lines and columns in characters, the end exclusive.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from yaml.nodes import MappingNode, Node, ScalarNode

from ..engine import conditions as cond
from ..engine.model import Effect, Pos
from ..engine.spans import Hole, IfSpan, TextError, parse, walk
from .build import _locate
from .nodes import _CondRef, _Src
from .reader import Reader
from .scenes import Para, RawRoute, RawScene
from .terms import TermFinder, term_pattern

KINDS = ("scene", "choice", "name", "chapter", "location", "ending", "routes", "term", "condition")


class Span(NamedTuple):
    """A range in a file: 1-based line and column of its first character, and of the character after its last.
    (Named tuples: a large story has tens of thousands of refs, built in C.)"""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int

    def contains(self, line: int, column: int) -> bool:
        """True when a cursor at (line, column) touches the range (its end included: a cursor just after a word
        is on the word)."""
        return (self.line, self.column) <= (line, column) <= (self.end_line, self.end_column)


class Ref(NamedTuple):
    """A name written somewhere: its ``role`` is ``definition``, ``former`` (a ``formerly:`` id) or
    ``reference``; ``scene`` and ``choice`` say where it sits (empty in the manifest); ``how`` says as what
    (``goto``, ``route``, ``start``, ``visited``, ``chose``, ``condition``, ``text``, ``trust``, ``set``...)."""

    kind: str
    name: str
    span: Span
    role: str = "reference"
    scene: str = ""
    choice: str = ""
    how: str = ""


@dataclass(frozen=True, slots=True)
class Symbol:
    """An entry of a file's outline: a scene and its choices, a route list, or a manifest definition."""

    kind: str
    name: str
    detail: str
    span: Span
    selection: Span
    children: tuple[Symbol, ...] = ()


@dataclass(frozen=True, slots=True)
class ChoiceInfo:
    id: str
    label: str
    formerly: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SceneInfo:
    """A scene as written (known even when the story does not build): what an editor shows about it."""

    id: str
    title: str
    place: str
    date: str
    chapter: str
    location: str
    ending: str
    first_line: str
    choices: tuple[ChoiceInfo, ...]
    formerly: tuple[str, ...]
    span: Span


@dataclass(slots=True)
class Slot:
    """Where a scene's or a choice's id and former ids are written (for edits that add a former id)."""

    src: _Src
    node: MappingNode
    id_key: ScalarNode | None
    id_node: ScalarNode | None
    formerly: Node | None


@dataclass(slots=True)
class FileIndex:
    """One file's names: its refs, outline and scenes, and the text a player reads (searched for glossary terms
    only when asked)."""

    file: str
    refs: list[Ref] = field(default_factory=list)
    symbols: list[Symbol] = field(default_factory=list)
    scenes: dict[str, SceneInfo] = field(default_factory=dict)
    slots: dict[str, Slot] = field(default_factory=dict)
    prose: list[tuple[_Src, ScalarNode, Para | None]] = field(default_factory=list)


# ------------------------------------------------------------------------------------------ positions


def _mark_span(src: _Src, node: Node) -> Span:
    s, e = node.start_mark, node.end_mark
    return Span(src.shown, s.line + 1, s.column + 1, e.line + 1, e.column + 1)


def _id_span(src: _Src, pos: Pos, name: str) -> Span:
    """The range of an id (or a glossary term) written at ``pos``: after its quote, if it has one."""
    column = pos.column
    if src.line(pos.line - 1)[column - 1 : column] in ("'", '"'):
        column += 1
    return Span(src.shown, pos.line, column, pos.line, column + len(name))


def _scalar_span(src: _Src, node: ScalarNode) -> Span:
    m = node.start_mark
    return _id_span(src, Pos(src.shown, m.line + 1, m.column + 1), node.value)


Locate = Callable[[int], tuple[int, int]]


def _in_value(src: _Src, node: ScalarNode) -> Locate:
    """Where an offset into a scalar's value is written."""
    return lambda offset: _locate(src, node, offset)


def _shifted(locate: Locate, base: int) -> Locate:
    return lambda offset: locate(base + offset)


def _token(src: _Src, locate: Locate, offset: int, length: int) -> Span:
    line, column = locate(offset)
    return Span(src.shown, line, column, line, column + length)


# ------------------------------------------------------------------------------------------ building


class _Builder:
    def __init__(self, src: _Src) -> None:
        self.src = src
        self.index = FileIndex(src.shown)

    def add(self, kind: str, name: str, span: Span, role: str = "reference", scene: str = "", choice: str = "",
            how: str = "") -> None:
        self.index.refs.append(Ref(kind, name, span, role, scene, choice, how))

    def at(self, kind: str, name: str, pos: Pos | None, role: str = "reference", scene: str = "",
           choice: str = "", how: str = "", written: str = "") -> Span | None:
        """A ref to ``name`` written at ``pos`` (as ``written``, when that differs: a choice id is written
        alone, but named ``scene.choice``)."""
        if pos is None or not name or pos.file != self.src.shown:
            return None
        span = _id_span(self.src, pos, written or name)
        self.add(kind, name, span, role, scene, choice, how)
        return span

    # ----------------------------------------------------------------------------- conditions, text

    def condition(self, ref: _CondRef | None, scene: str = "", choice: str = "", how: str = "condition") -> None:
        """A whole-value condition (``if:``, ``requires:``, a passage's or a route's ``if``)."""
        if ref is None or ref.offset >= 0:
            return
        m = ref.node.start_mark
        # Its range starts where the loader places the condition (at a quote, if quoted): what tools report at.
        start = (m.line + 1, m.column + 1)
        self._condition(ref.source, _in_value(ref.src, ref.node), start, scene, choice, how)

    def _condition(self, source: str, locate: Locate, start: tuple[int, int], scene: str, choice: str,
                   how: str) -> None:
        try:
            tree = cond.parse(source)
        except cond.ConditionError:
            return
        end_line, end_col = locate(max(len(source) - 1, 0))
        self.add("condition", source, Span(self.src.shown, *start, end_line, end_col + 1), scene=scene,
                 choice=choice, how=how)
        for kind, name, offset, length, func in _names(tree):
            self.add(kind, name, _token(self.src, locate, offset, length), scene=scene, choice=choice,
                     how=func or how)

    def text(self, source: str, locate: Locate, scene: str = "", choice: str = "") -> None:
        """Names in text: ``{name}`` holes and the conditions of ``{if ...}`` spans."""
        if "{" not in source:
            return
        try:
            seq = parse(source)
        except TextError:
            return
        for piece in walk(seq):
            if isinstance(piece, Hole):
                self.add("name", piece.name, _token(self.src, locate, piece.name_at, len(piece.name)),
                         scene=scene, choice=choice, how="text")
            elif isinstance(piece, IfSpan):
                self._condition(piece.condition, _shifted(locate, piece.condition_at),
                                locate(piece.condition_at), scene, choice, "text")

    def para(self, para: Para, scene: str = "", choice: str = "") -> None:
        src, node = para.src, para.node
        assert node is not None  # (an editor's reading keeps every paragraph's node)
        self.text(para.text, lambda k: _locate(src, node, para.at(k)), scene, choice)
        self.index.prose.append((src, node, para))

    def effects(self, effects: Iterable[Effect], scene: str, choice: str = "") -> None:
        for e in effects:
            self.at("name", e.target, e.pos, scene=scene, choice=choice, how=e.kind)

    def routes(self, routes: Iterable[RawRoute], scene: str = "", choice: str = "", how: str = "route") -> None:
        for target, pos, when, _chance in routes:
            self.at("scene", target, pos, scene=scene, choice=choice, how=how)
            self.condition(when, scene, choice)

    # ------------------------------------------------------------------------------------- scenes

    def scene(self, raw: RawScene) -> None:
        sid = raw.id
        node = raw.node if isinstance(raw.node, MappingNode) else None
        keys = _keys(node)
        id_node = keys.get("id", (None, None))[1]
        selection = _scalar_span(self.src, id_node) if isinstance(id_node, ScalarNode) else _id_span(
            self.src, raw.pos, sid)
        self.add("scene", sid, selection, "definition", sid)
        for old, pos in raw.formerly:
            self.at("scene", old, pos, "former", sid)
        self.at("chapter", raw.chapter, raw.chapter_pos, scene=sid, how="chapter")
        self.at("location", raw.location, raw.location_pos, scene=sid, how="location")
        self.at("ending", raw.ending, raw.ending_pos, scene=sid, how="ending")
        for when, paras, _pos in raw.text:
            self.condition(when, sid, how="passage")
            for para in paras:
                self.para(para, sid)
        self.effects(raw.on_enter, sid)
        children = []
        choices = []
        for rc in raw.choices:
            key = f"{sid}.{rc.id}"
            cnode = rc.node if isinstance(rc.node, MappingNode) else None
            ckeys = _keys(cnode)
            cid_node = ckeys.get("id", (None, None))[1]
            csel = _scalar_span(self.src, cid_node) if isinstance(cid_node, ScalarNode) else _id_span(
                self.src, rc.pos, rc.id)
            self.add("choice", key, csel, "definition", sid, rc.id)
            for old, pos in rc.formerly:
                self.at("choice", f"{sid}.{old}", pos, "former", sid, rc.id, written=old)
            self.condition(rc.visible, sid, rc.id, "if")
            self.condition(rc.requires, sid, rc.id, "requires")
            self.effects(rc.effects, sid, rc.id)
            self.routes(rc.routes, sid, rc.id, "goto")
            if rc.use is not None:
                self.at("routes", rc.use[0], rc.use[1], scene=sid, choice=rc.id, how="use")
            for para in rc.result:
                self.para(para, sid, rc.id)
            span = _mark_span(self.src, cnode) if cnode is not None else csel
            children.append(Symbol("choice", rc.id, rc.label, span, csel))
            choices.append(ChoiceInfo(rc.id, rc.label, tuple(f for f, _ in rc.formerly)))
            if cnode is not None:
                self.index.slots[key] = Slot(self.src, cnode, ckeys.get("id", (None, None))[0],
                                             _scalar(cid_node), ckeys.get("formerly", (None, None))[1])
        span = _mark_span(self.src, node) if node is not None else selection
        self.index.symbols.append(Symbol("scene", sid, raw.title, span, selection, tuple(children)))
        if node is not None:
            self.index.slots[sid] = Slot(self.src, node, keys.get("id", (None, None))[0], _scalar(id_node),
                                         keys.get("formerly", (None, None))[1])
        if sid not in self.index.scenes:
            self.index.scenes[sid] = SceneInfo(
                sid, raw.title, raw.place, raw.date, raw.chapter, raw.location, raw.ending, _first_line(raw),
                tuple(choices), tuple(f for f, _ in raw.formerly), selection,
            )

    def route_lists(self, reader: Reader) -> None:
        for rid, raw in reader.route_lists.items():
            span = self.at("routes", rid, raw.pos, "definition", how=raw.chapter)
            self.routes(raw.routes)
            if span is not None:
                self.index.symbols.append(Symbol("routes", rid, f"{len(raw.routes)} routes", span, span))

    def templates(self, reader: Reader) -> None:
        """Names in titles, labels, reasons and names that hold braces (the reader keeps them to compile)."""
        for ref in reader.texts:
            if ref.src is self.src or ref.src.shown == self.src.shown:
                self.text(ref.source, _in_value(ref.src, ref.node))

    def prose(self, reader: Reader) -> None:
        for src, node in reader.prose or ():
            self.index.prose.append((src, node, None))


def _scalar(node: Node | None) -> ScalarNode | None:
    return node if isinstance(node, ScalarNode) else None


def _keys(node: MappingNode | None) -> dict[str, tuple[ScalarNode, Node]]:
    """The ``id`` and ``formerly`` entries of a scene's or a choice's mapping (the first of each)."""
    out: dict[str, tuple[ScalarNode, Node]] = {}
    if node is not None:
        for k, v in node.value:
            key = k.value
            if (key == "id" or key == "formerly") and key not in out and isinstance(k, ScalarNode):
                out[key] = (k, v)
    return out


def _first_line(raw: RawScene) -> str:
    """The first paragraph a player reads in the scene (the first shown whatever happened, if there is one)."""
    for when, paras, _pos in sorted(raw.text, key=lambda t: t[0] is not None):
        if paras:
            return paras[0].text
    return ""


def _names(tree: cond.Node) -> Iterator[tuple[str, str, int, int, str]]:
    """(kind, name, 0-based offset, length, function) of every name in a parsed condition; ``function`` is
    ``visited`` or ``chose`` for the argument of one, else ''."""
    stack: list[cond.Node] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, cond.Name):
            yield "name", node.name, node.col - 1, len(node.name), ""
        elif isinstance(node, cond.Call):
            start = node.arg_col - 1
            if node.func == "chose":
                scene, _, choice = node.arg.partition(".")
                yield "scene", scene, start, len(scene), "chose"
                yield "choice", node.arg, start + len(scene) + 1, len(choice), "chose"
            else:
                yield "scene", node.arg, start, len(node.arg), "visited"
        elif isinstance(node, cond.Func):
            stack.extend(node.args)
        elif isinstance(node, cond.Unary):
            stack.append(node.operand)
        elif isinstance(node, cond.Binary):
            stack += [node.right, node.left]


def _place(ref: Ref) -> tuple[int, int]:
    return ref.span.line, ref.span.column


def _finish(index: FileIndex) -> FileIndex:
    """Refs in reading order, each once (a file's ``chapter:`` is every scene's chapter, but written once)."""
    unique: dict[tuple[str, str, Span], Ref] = {}
    for ref in index.refs:
        unique.setdefault((ref.kind, ref.name, ref.span), ref)
    index.refs = sorted(unique.values(), key=_place)
    index.symbols.sort(key=lambda s: (s.span.line, s.span.column))
    return index


def index_file(reader: Reader, src: _Src) -> FileIndex:
    """The index of one scene file, from the reader that read it (and only it)."""
    b = _Builder(src)
    for raw in reader.scenes:
        b.scene(raw)
    b.route_lists(reader)
    b.templates(reader)
    b.prose(reader)
    return _finish(b.index)


def index_manifest(reader: Reader, src: _Src) -> FileIndex:
    """The index of the manifest: its definitions, the start scene, its route lists and the names in its texts."""
    b = _Builder(src)
    for kind, table, how in (
        ("name", reader.factions, "faction"), ("name", reader.variables, "variable"),
        ("chapter", reader.chapters, ""), ("ending", reader.endings, ""), ("location", reader.locations, ""),
        ("term", reader.glossary, ""),
    ):
        for name, item in table.items():
            span = b.at(kind, name, item.pos, "definition", how=how)
            if span is not None:
                detail = getattr(item, "title", None) or getattr(item, "name", None) or getattr(item, "description", "")
                b.index.symbols.append(Symbol(how or kind, name, str(detail or ""), span, span))
    b.at("scene", reader.start, reader.start_pos, how="start")
    b.route_lists(reader)
    b.templates(reader)
    b.prose(reader)
    return _finish(b.index)


# ----------------------------------------------------------------------------------------- glossary


def term_refs(index: FileIndex, patterns: dict[str, re.Pattern[str]]) -> list[Ref]:
    """Every place in the file's player-read text where a glossary term appears."""
    out: list[Ref] = []
    for src, node, para in index.prose:
        text = para.text if para is not None else node.value
        for term, pattern in patterns.items():
            for m in pattern.finditer(text):
                at = para.at(m.start()) if para is not None else m.start()
                line, column = _locate(src, node, at)
                span = Span(src.shown, line, column, line, column + m.end() - m.start())
                out.append(Ref("term", term, span, how="text"))
    return out


# ---------------------------------------------------------------------------------------- the index


class Index:
    """A story's names across all its files (joined from each file's index)."""

    def __init__(self, files: dict[str, FileIndex]) -> None:
        self.files = files
        self._by_name: dict[tuple[str, str], list[Ref]] = {}
        self.scenes: dict[str, SceneInfo] = {}
        for fi in files.values():
            for ref in fi.refs:
                self._by_name.setdefault((ref.kind, ref.name), []).append(ref)
            for sid, info in fi.scenes.items():
                self.scenes.setdefault(sid, info)
        self._terms: list[Ref] | None = None
        self._glossary: tuple[str, ...] = ()

    def refs(self, kind: str, name: str) -> list[Ref]:
        """Every ref to ``name`` of ``kind`` (glossary terms included, once ``with_terms`` has run)."""
        if kind == "term":
            return [r for r in self._term_refs() if r.name == name] + self._by_name.get((kind, name), [])
        return list(self._by_name.get((kind, name), ()))

    def names(self, kind: str) -> set[str]:
        """Every name of ``kind`` written anywhere (defined or not)."""
        return {name for k, name in self._by_name if k == kind}

    def definitions(self, kind: str, name: str) -> list[Ref]:
        return [r for r in self._by_name.get((kind, name), ()) if r.role == "definition"]

    def at(self, file: str, line: int, column: int, *, terms: bool = True) -> Ref | None:
        """The ref under a cursor: the narrowest, a name before the condition it sits in; glossary terms last."""
        fi = self.files.get(file)
        if fi is None:
            return None
        hits = [r for r in fi.refs if r.span.contains(line, column)]
        if not hits and terms:
            hits = [r for r in self._term_refs() if r.span.file == file and r.span.contains(line, column)]
        if not hits:
            return None
        return min(hits, key=lambda r: (r.kind == "condition", r.span.end_line - r.span.line,
                                        r.span.end_column - r.span.column))

    def with_terms(self, terms: Iterable[str]) -> Index:
        """Search the glossary ``terms`` in the text a player reads when first asked (not on every keystroke)."""
        glossary = tuple(terms)
        if glossary != self._glossary:
            self._glossary, self._terms = glossary, None
        return self

    def _term_refs(self) -> list[Ref]:
        if self._terms is None:
            patterns = {t: term_pattern(t) for t in self._glossary if t}
            self._terms = [r for fi in self.files.values() for r in term_refs(fi, patterns)] if patterns else []
        return self._terms

    def slot(self, key: str) -> Slot | None:
        """Where the scene (``scene``) or choice (``scene.choice``) is written, in the first file that has it."""
        for fi in self.files.values():
            found = fi.slots.get(key)
            if found is not None:
                return found
        return None


__all__ = [
    "KINDS",
    "ChoiceInfo",
    "FileIndex",
    "Index",
    "Ref",
    "SceneInfo",
    "Slot",
    "Span",
    "Symbol",
    "TermFinder",
    "index_file",
    "index_manifest",
    "term_pattern",
    "term_refs",
]
