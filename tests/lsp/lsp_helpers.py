"""An editor for the language server's tests: it opens story files, types into them and asks the server questions,
finding positions by the text at them (``at("goto: squar", "squar")``), the way an author points."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lsprotocol import types
from pytest_lsp import LanguageClient

TIMEOUT = 60


@dataclass
class Doc:
    path: Path
    text: str
    version: int = 1

    @property
    def uri(self) -> str:
        return self.path.as_uri()

    @property
    def ident(self) -> types.TextDocumentIdentifier:
        return types.TextDocumentIdentifier(uri=self.uri)


def position(text: str, needle: str, within: str = "", nth: int = 0) -> types.Position:
    """The position of ``within`` inside the ``nth`` occurrence of ``needle`` (its start when ``within`` is empty),
    in UTF-16 units as the protocol counts them."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    if within:
        start += needle.index(within)
    line = text.count("\n", 0, start)
    column = start - (text.rfind("\n", 0, start) + 1)
    prefix = text.split("\n")[line][:column]
    return types.Position(line=line, character=len(prefix.encode("utf-16-le")) // 2)


def text_at(text: str, rng: types.Range) -> str:
    """The text a protocol range covers (UTF-16 columns)."""
    lines = text.split("\n")

    def offset(p: types.Position) -> int:
        line = lines[p.line]
        units = line.encode("utf-16-le")[: p.character * 2].decode("utf-16-le")
        return sum(len(x) + 1 for x in lines[: p.line]) + len(units)

    return "\n".join(lines)[offset(rng.start) : offset(rng.end)]


class Editor:
    """A story open in an editor connected to the real server."""

    def __init__(self, client: LanguageClient, root: Path) -> None:
        self.client = client
        self.root = root
        self.docs: dict[str, Doc] = {}

    def file_text(self, uri: str) -> str:
        """What the file at ``uri`` holds as the editor sees it: the open buffer, else the file."""
        for doc in self.docs.values():
            if doc.uri == uri:
                return doc.text
        return Path(uri.removeprefix("file://")).read_text(encoding="utf-8")

    async def open(self, name: str) -> Doc:
        path = self.root / name
        doc = Doc(path, path.read_text(encoding="utf-8"))
        self.docs[name] = doc
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=doc.uri, language_id="yaml", version=1, text=doc.text)))
        await self.diagnostics_of(doc)
        return doc

    async def type(self, doc: Doc, old: str, new: str) -> list[types.Diagnostic]:
        """Replace ``old`` with ``new`` (the first time it occurs), as typing would; the diagnostics that follow."""
        assert old in doc.text, old
        doc.text = doc.text.replace(old, new, 1)
        return await self.change(doc)

    async def change(self, doc: Doc) -> list[types.Diagnostic]:
        doc.version += 1
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=doc.uri, version=doc.version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=doc.text)]))
        return await self.diagnostics_of(doc)

    async def diagnostics_of(self, doc: Doc) -> list[types.Diagnostic]:
        """The diagnostics published for the document's current version (then every other file's, as of it)."""
        async def wait() -> list[types.Diagnostic]:
            while True:
                for params in reversed(self.client.published):  # type: ignore[attr-defined]
                    if params.uri == doc.uri and params.version == doc.version:
                        return list(params.diagnostics)
                await asyncio.sleep(0.005)

        found = await asyncio.wait_for(wait(), TIMEOUT)
        # A round trip: the server publishes every file's diagnostics at once, so after an answer to a request sent
        # now, the other files' are in too.
        await self.client.workspace_symbol_async(types.WorkspaceSymbolParams(query="\0"))
        return found

    def diagnostics(self, name: str) -> list[tuple[str, str]]:
        """(the text under it, its message) for each diagnostic last published for a file of the story."""
        uri = (self.root / name).as_uri()
        text = self.file_text(uri)
        return [(text_at(text, d.range), d.message) for d in self.client.diagnostics.get(uri, ())]

    # -------------------------------------------------------------------------------------- requests

    async def definition(self, doc: Doc, needle: str, within: str = "", nth: int = 0) -> list[tuple[str, str]]:
        found = await self.client.text_document_definition_async(types.DefinitionParams(
            text_document=doc.ident, position=position(doc.text, needle, within, nth)))
        return self.places(found or [])

    async def references(self, doc: Doc, needle: str, within: str = "", declaration: bool = True) -> list[tuple[str, str]]:
        found = await self.client.text_document_references_async(types.ReferenceParams(
            text_document=doc.ident, position=position(doc.text, needle, within),
            context=types.ReferenceContext(include_declaration=declaration)))
        return self.places(found or [])

    def places(self, locations: Any) -> list[tuple[str, str]]:
        """(file name relative to the story, the text at the location) for each location."""
        out = []
        for loc in locations:
            name = str(Path(loc.uri.removeprefix("file://")).relative_to(self.root))
            out.append((name, text_at(self.file_text(loc.uri), loc.range)))
        return out

    async def hover(self, doc: Doc, needle: str, within: str = "") -> str:
        found = await self.client.text_document_hover_async(types.HoverParams(
            text_document=doc.ident, position=position(doc.text, needle, within)))
        if found is None:
            return ""
        assert isinstance(found.contents, types.MarkupContent)
        return found.contents.value

    async def complete(self, doc: Doc, needle: str) -> dict[str, types.CompletionItem]:
        """The completion items with the cursor just after ``needle``."""
        pos = position(doc.text, needle)
        pos = types.Position(line=pos.line, character=pos.character + len(needle.encode("utf-16-le")) // 2)
        found = await self.client.text_document_completion_async(types.CompletionParams(
            text_document=doc.ident, position=pos))
        items = found.items if isinstance(found, types.CompletionList) else (found or [])
        return {item.label: item for item in items}

    async def outline(self, doc: Doc) -> list[tuple[str, str, list[str]]]:
        """(name, detail, children's names) of each document symbol."""
        found = await self.client.text_document_document_symbol_async(types.DocumentSymbolParams(
            text_document=doc.ident))
        out = []
        for s in found or []:
            assert isinstance(s, types.DocumentSymbol)
            out.append((s.name, s.detail or "", [c.name for c in s.children or []]))
        return out

    async def symbols(self, query: str) -> list[tuple[str, str]]:
        """(name, file) of each workspace symbol matching ``query``."""
        found = await self.client.workspace_symbol_async(types.WorkspaceSymbolParams(query=query))
        out = []
        for s in found or []:
            assert isinstance(s.location, types.Location)
            out.append((s.name, str(Path(s.location.uri.removeprefix("file://")).relative_to(self.root))))
        return out

    async def rename(self, doc: Doc, needle: str, within: str, new: str) -> types.WorkspaceEdit | None:
        return await self.client.text_document_rename_async(types.RenameParams(
            text_document=doc.ident, position=position(doc.text, needle, within), new_name=new))

    def apply(self, edit: types.WorkspaceEdit) -> None:
        """Make a WorkspaceEdit's changes in the files (and the open buffers), as an editor would on save: the
        server hears of files that are not open through the file watchers it registered."""
        watched = []
        for uri, edits in (edit.changes or {}).items():
            path = Path(uri.removeprefix("file://"))
            text = self.file_text(uri)
            lines = text.split("\n")

            def offset(p: types.Position, lines: list[str] = lines) -> int:
                line = lines[p.line] if p.line < len(lines) else ""
                units = line.encode("utf-16-le")[: p.character * 2].decode("utf-16-le")
                return sum(len(x) + 1 for x in lines[: p.line]) + len(units)

            for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
                text = text[: offset(e.range.start)] + e.new_text + text[offset(e.range.end) :]
            path.write_text(text, encoding="utf-8")
            opened = [doc for doc in self.docs.values() if doc.uri == uri]
            for doc in opened:
                doc.text = text
            if not opened:
                watched.append(types.FileEvent(uri=uri, type=types.FileChangeType.Changed))
        if watched:
            self.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=watched))
