"""Finding things: the ref under the cursor, its definition and references, and the outlines (a file's scenes and
choices; every scene of the story by id or title)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lsprotocol import types
from pygls.uris import from_fs_path
from pygls.workspace.position_codec import PositionCodec

from ..loader.index import Ref, Span, Symbol
from .convert import Lines
from .stories import StoryState


@dataclass
class Here:
    """A cursor in a story file: the story, the file (its path and the name the index uses) and the 1-based
    line and column."""

    state: StoryState
    path: str
    shown: str
    lines: Lines
    line: int
    column: int

    @property
    def codec(self) -> PositionCodec:
        return self.lines.codec

    def ref(self) -> Ref | None:
        """The name (or condition, or glossary term) under the cursor."""
        return self.state.index.at(self.shown, self.line, self.column)

    def refs_here(self) -> list[Ref]:
        """Every ref that covers the cursor (a name and the condition around it)."""
        fi = self.state.index.files.get(self.shown)
        return [r for r in fi.refs if r.span.contains(self.line, self.column)] if fi else []


class Locator:
    """Protocol locations of index spans, reading each file's lines once."""

    def __init__(self, state: StoryState, codec: PositionCodec) -> None:
        self.state = state
        self.codec = codec
        self._lines: dict[str, Lines] = {}

    def lines(self, shown: str) -> Lines | None:
        found = self._lines.get(shown)
        if found is None:
            path = self.state.path_of(shown)
            text = self.state.workspace.text(path) if path else None
            if text is None:
                return None
            found = self._lines[shown] = Lines(text, self.codec)
        return found

    def uri(self, shown: str) -> str | None:
        path = self.state.path_of(shown)
        return from_fs_path(path) if path else None

    def location(self, span: Span) -> types.Location | None:
        lines, uri = self.lines(span.file), self.uri(span.file)
        if lines is None or uri is None:
            return None
        return types.Location(uri, lines.range(span))

    def locations(self, spans: Iterable[Span]) -> list[types.Location]:
        out = []
        for span in spans:
            loc = self.location(span)
            if loc is not None:
                out.append(loc)
        return out


def definitions_of(state: StoryState, ref: Ref) -> list[Ref]:
    """Where the thing ``ref`` names is defined. A former id leads to the scene or choice that now has it."""
    index = state.index
    if ref.kind == "condition":
        return []
    if ref.role == "former":
        return index.definitions(ref.kind, ref.scene if ref.kind == "scene" else f"{ref.scene}.{ref.choice}")
    found = index.definitions(ref.kind, ref.name)
    if not found and ref.kind in ("scene", "choice"):
        owner = _claimant(state, ref)
        found = index.definitions(ref.kind, owner) if owner else []
    return found


def _claimant(state: StoryState, ref: Ref) -> str:
    """The scene or choice that lists ``ref``'s name under ``formerly:`` ('' if none)."""
    for former in state.index.refs(ref.kind, ref.name):
        if former.role == "former":
            return former.scene if ref.kind == "scene" else f"{former.scene}.{former.choice}"
    return ""


def definition(here: Here) -> list[types.Location]:
    ref = here.ref()
    if ref is None:
        return []
    return Locator(here.state, here.codec).locations(d.span for d in definitions_of(here.state, ref))


def references(here: Here, include_declaration: bool) -> list[types.Location]:
    ref = here.ref()
    if ref is None or ref.kind == "condition":
        return []
    defs = definitions_of(here.state, ref)
    name = defs[0].name if defs else ref.name
    found = [
        r for r in here.state.index.refs(ref.kind, name)
        if include_declaration or r.role != "definition"
    ]
    return Locator(here.state, here.codec).locations(sorted({r.span for r in found}))


_SYMBOL_KINDS = {
    "scene": types.SymbolKind.Class,
    "choice": types.SymbolKind.Method,
    "routes": types.SymbolKind.Array,
    "faction": types.SymbolKind.Struct,
    "variable": types.SymbolKind.Variable,
    "chapter": types.SymbolKind.Module,
    "ending": types.SymbolKind.Event,
    "location": types.SymbolKind.Object,
    "term": types.SymbolKind.String,
}


def document_symbols(state: StoryState, shown: str, lines: Lines) -> list[types.DocumentSymbol]:
    """The file's outline: its scenes with their choices, its route lists (the manifest: what it declares)."""
    fi = state.index.files.get(shown)
    if fi is None:
        return []

    def symbol(s: Symbol) -> types.DocumentSymbol:
        span = s.span if s.span.line <= s.selection.line else s.selection
        return types.DocumentSymbol(
            name=s.name, kind=_SYMBOL_KINDS.get(s.kind, types.SymbolKind.Key), range=lines.range(span),
            selection_range=lines.range(s.selection), detail=" ".join(s.detail.split()) or None,
            children=[symbol(c) for c in s.children] or None,
        )

    return [symbol(s) for s in fi.symbols]


def workspace_symbols(states: Iterable[StoryState], query: str, codec: PositionCodec,
                      limit: int = 500) -> list[types.WorkspaceSymbol]:
    """Scenes whose id or title matches ``query`` (every word of it, any case, anywhere in either)."""
    words = query.casefold().split()
    out: list[types.WorkspaceSymbol] = []
    for state in states:
        locator = Locator(state, codec)
        for sid, info in state.index.scenes.items():
            hay = f"{sid} {info.title}".casefold()
            if all(w in hay for w in words):
                loc = locator.location(info.span)
                if loc is not None:
                    title = " ".join(info.title.split())
                    out.append(types.WorkspaceSymbol(
                        name=f"{sid}: {title}" if title else sid, kind=types.SymbolKind.Class, location=loc,
                        container_name=info.chapter or None,
                    ))
                    if len(out) >= limit:
                        return out
    return out


__all__ = ["Here", "Locator", "definition", "definitions_of", "document_symbols", "references",
           "workspace_symbols"]
