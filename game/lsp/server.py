"""The language server: pygls for the protocol, the loader and lint for what it knows about the story.

Every open buffer stands in for its file in the story's workspace, so diagnostics, definitions and renames see
what the author is typing, saved or not. A change is checked after a short pause (changes that arrive together
are checked once) and diagnostics are published for every story file that has problems, and cleared for those
that had some. A story's first diagnostics come from the story cache when its files are as on disk.

Nothing a request does can stop the server: each handler's failures are logged to the client and answered with
an empty result; a broken buffer is a diagnostic, never a dead server. Logging goes to the client
(``window/logMessage``); stdout carries the protocol and nothing else.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import sys
from collections.abc import Callable
from typing import Any, BinaryIO, TypeVar

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from ..loader import Problem
from .complete import completion
from .convert import Lines, ref_starts
from .hover import hover
from .navigate import Here, definition, document_symbols, references, workspace_symbols
from .rename import RenameRefused, prepare, rename
from .stories import Stories, StoryState

log = logging.getLogger("game.lsp")

VERSION = "0.1.0"
DEBOUNCE_S = 0.015  # changes closer together than this are checked once
REQUEST_FAILED = -32803  # the protocol's RequestFailed: a request that is valid but cannot be done

F = TypeVar("F", bound=Callable[..., Any])


class StoryServer(LanguageServer):
    """A language server for story files: the stories it has seen and the documents open in them."""

    def __init__(self) -> None:
        super().__init__("qasas", VERSION, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.stories = Stories()
        self.open: dict[str, int | None] = {}  # path of each open story file -> its version
        self._pending: set[str] = set()  # roots of stories changed since their last diagnostics
        self._timer: asyncio.TimerHandle | None = None
        self._loose: dict[str, tuple[str, ...]] = {}  # problems no file can show, as last logged, by root

    # ---------------------------------------------------------------------------------- diagnostics

    def changed(self, state: StoryState) -> None:
        """Check ``state`` again soon, and publish its diagnostics."""
        self._pending.add(state.root)
        if self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(DEBOUNCE_S, self.flush)

    def flush(self) -> None:
        """Check every changed story now and publish its diagnostics."""
        self._timer = None
        pending, self._pending = self._pending, set()
        for root in sorted(pending):
            state = self.stories.states.get(root)
            if state is not None:
                try:
                    self.publish(state)
                except Exception:
                    log.exception("checking the story in %s failed", root)

    def publish(self, state: StoryState, *, cached: bool = False) -> None:
        """Publish ``state``'s problems: each file's, at exact ranges; empty lists where problems went away."""
        checked = state.refresh(cached=cached)
        problems = [*checked.problems, *state.warnings]
        by_path: dict[str, list[Problem]] = {}
        loose: list[Problem] = []
        for p in problems:
            path = checked.paths.get(p.file)
            if path is None:
                loose.append(p)
            else:
                by_path.setdefault(path, []).append(p)
        codec = self.workspace.position_codec
        open_here = {p for p in self.open if self.stories.root_of(p) == state.root}
        for path in sorted(set(by_path) | state.published | open_here):
            text = state.workspace.text(path) or ""
            lines = Lines(text, codec)
            shown = state.shown_of(path) or ""
            fi = checked.index.files.get(shown) if checked.index is not None else None
            starts = ref_starts(fi.refs, fi.symbols) if fi is not None and path in by_path else {}
            diagnostics = [
                types.Diagnostic(
                    range=lines.problem_range(p, starts), message=p.message, source="qasas",
                    severity=types.DiagnosticSeverity.Error if p.severity == "error" else types.DiagnosticSeverity.Warning,
                )
                for p in by_path.get(path, [])
            ]
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=from_fs_path(path) or path, diagnostics=diagnostics,
                                               version=self.open.get(path))
            )
        state.published = set(by_path)
        shown_loose = tuple(str(p) for p in loose)
        if shown_loose != self._loose.get(state.root, ()):
            self._loose[state.root] = shown_loose
            for line in shown_loose:
                log.warning("%s", line)

    # ------------------------------------------------------------------------------------ documents

    def here(self, uri: str, position: types.Position) -> Here | None:
        """The cursor at ``position`` of the document at ``uri``, if it is a story file."""
        path = _path(uri)
        if path is None:
            return None
        state = self.stories.for_path(path)
        if state is None:
            return None
        text = state.workspace.text(path)
        if text is None:
            return None
        state.refresh()
        shown = state.shown_of(path)
        if shown is None:
            return None
        lines = Lines(text, self.workspace.position_codec)
        line, column = lines.cursor(position)
        return Here(state, path, shown, lines, line, column)


def _path(uri: str) -> str | None:
    path = to_fs_path(uri)
    return os.path.normpath(os.path.abspath(path)) if path else None


def guarded(default: Any = None) -> Callable[[F], F]:
    """A handler that never brings the server down: a failure is logged to the client with its traceback and
    answered with ``default``. A rename that is refused is answered with the reason, for the editor to show."""

    def wrap(fn: F) -> F:
        @functools.wraps(fn)
        def inner(ls: StoryServer, params: Any) -> Any:
            try:
                return fn(ls, params)
            except RenameRefused as exc:
                raise JsonRpcException(str(exc), code=REQUEST_FAILED) from None
            except Exception:
                log.exception("%s failed", fn.__name__)
                return default

        return inner  # type: ignore[return-value]

    return wrap


def build_server() -> StoryServer:
    """The server with every feature registered."""
    server = StoryServer()

    @server.feature(types.INITIALIZED)
    @guarded()
    def initialized(ls: StoryServer, params: types.InitializedParams) -> None:
        for folder in list(ls.workspace.folders.values()):
            path = _path(folder.uri)
            if path:
                ls.stories.discover(path)
        root = ls.workspace.root_path
        if root and not ls.workspace.folders:
            ls.stories.discover(root)
        caps = ls.client_capabilities.workspace
        watched = caps.did_change_watched_files if caps else None
        if watched is not None and watched.dynamic_registration:
            ls.client_register_capability(types.RegistrationParams([types.Registration(
                id="qasas-story-files", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=types.DidChangeWatchedFilesRegistrationOptions(
                    [types.FileSystemWatcher(glob_pattern="**/*.{yaml,yml}")]
                ),
            )]))
        log.info("qasas language server %s ready; stories: %s", VERSION,
                 ", ".join(sorted(ls.stories.states)) or "none yet (open a story file)")

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    @guarded()
    def did_open(ls: StoryServer, params: types.DidOpenTextDocumentParams) -> None:
        path = _path(params.text_document.uri)
        state = ls.stories.for_path(path) if path else None
        if path is None or state is None:
            return
        ls.open[path] = params.text_document.version
        first = state.checked is None
        state.workspace.set_text(path, params.text_document.text)
        if first:
            ls.publish(state, cached=True)  # the story's first diagnostics: from the cache when it can
            checked = state.checked
            if checked is not None:
                how = "from the story cache" if checked.index is None else "read from its files"
                count = f"{len(checked.story.scenes)} scenes" if checked.story is not None else "with errors"
                log.info("story %s: %s, %s", state.root, count, how)
        else:
            ls.changed(state)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    @guarded()
    def did_change(ls: StoryServer, params: types.DidChangeTextDocumentParams) -> None:
        path = _path(params.text_document.uri)
        state = ls.stories.for_path(path) if path else None
        if path is None or state is None:
            return
        doc = ls.workspace.get_text_document(params.text_document.uri)
        ls.open[path] = params.text_document.version
        state.workspace.set_text(path, doc.source)
        ls.changed(state)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    @guarded()
    def did_save(ls: StoryServer, params: types.DidSaveTextDocumentParams) -> None:
        path = _path(params.text_document.uri)
        state = ls.stories.for_path(path) if path else None
        if path is not None and state is not None:
            state.workspace.reload([path])
            ls.changed(state)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    @guarded()
    def did_close(ls: StoryServer, params: types.DidCloseTextDocumentParams) -> None:
        path = _path(params.text_document.uri)
        state = ls.stories.for_path(path) if path else None
        if path is None or state is None:
            return
        ls.open.pop(path, None)
        state.workspace.forget_text(path)
        ls.changed(state)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    @guarded()
    def watched(ls: StoryServer, params: types.DidChangeWatchedFilesParams) -> None:
        for change in params.changes:
            path = _path(change.uri)
            root = ls.stories.root_of(path) if path else None
            state = ls.stories.states.get(root) if root else None
            if state is not None and path is not None:
                state.workspace.reload(None if change.type != types.FileChangeType.Changed else [path])
                ls.changed(state)

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    @guarded([])
    def goto_definition(ls: StoryServer, params: types.DefinitionParams) -> list[types.Location]:
        here = ls.here(params.text_document.uri, params.position)
        return definition(here) if here else []

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    @guarded([])
    def find_references(ls: StoryServer, params: types.ReferenceParams) -> list[types.Location]:
        here = ls.here(params.text_document.uri, params.position)
        return references(here, params.context.include_declaration) if here else []

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    @guarded()
    def on_hover(ls: StoryServer, params: types.HoverParams) -> types.Hover | None:
        here = ls.here(params.text_document.uri, params.position)
        return hover(here) if here else None

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=[" ", ":", "{", "(", ".", ","]),
    )
    @guarded()
    def complete(ls: StoryServer, params: types.CompletionParams) -> types.CompletionList | None:
        here = ls.here(params.text_document.uri, params.position)
        return completion(here) if here else None

    @server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
    @guarded()
    def prepare_rename(ls: StoryServer, params: types.PrepareRenameParams) -> types.PrepareRenamePlaceholder | None:
        here = ls.here(params.text_document.uri, params.position)
        return prepare(here) if here else None

    @server.feature(types.TEXT_DOCUMENT_RENAME, types.RenameOptions(prepare_provider=True))
    @guarded()
    def do_rename(ls: StoryServer, params: types.RenameParams) -> types.WorkspaceEdit | None:
        here = ls.here(params.text_document.uri, params.position)
        return rename(here, params.new_name) if here else None

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    @guarded([])
    def outline(ls: StoryServer, params: types.DocumentSymbolParams) -> list[types.DocumentSymbol]:
        here = ls.here(params.text_document.uri, types.Position(0, 0))
        return document_symbols(here.state, here.shown, here.lines) if here else []

    @server.feature(types.WORKSPACE_SYMBOL)
    @guarded([])
    def symbols(ls: StoryServer, params: types.WorkspaceSymbolParams) -> list[types.WorkspaceSymbol]:
        states = list(ls.stories.states.values())
        return workspace_symbols(states, params.query, ls.workspace.position_codec)

    return server


class ClientLog(logging.Handler):
    """Log records sent to the client as ``window/logMessage`` (never printed on stdout)."""

    def __init__(self, server: LanguageServer) -> None:
        super().__init__()
        self.server = server

    def emit(self, record: logging.LogRecord) -> None:
        try:
            level = (
                types.MessageType.Error if record.levelno >= logging.ERROR
                else types.MessageType.Warning if record.levelno >= logging.WARNING
                else types.MessageType.Info if record.levelno >= logging.INFO
                else types.MessageType.Log
            )
            self.server.window_log_message(types.LogMessageParams(type=level, message=self.format(record)))
        except Exception:  # noqa: BLE001, S110 - a client that cannot be told is not worth dying for
            pass


def serve(stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> int:
    """Run the server over stdio until the client says exit."""
    protocol_out = stdout or sys.stdout.buffer
    sys.stdout = sys.stderr  # anything printed by mistake goes to stderr, never into the protocol stream
    server = build_server()
    handler = ClientLog(server)
    handler.setFormatter(logging.Formatter("%(message)s"))
    for name, level in (("game.lsp", logging.INFO), ("pygls", logging.WARNING)):
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        logger.setLevel(level)
        logger.propagate = False
    server.start_io(stdin or sys.stdin.buffer, protocol_out)
    return 0


__all__ = ["StoryServer", "build_server", "serve"]
