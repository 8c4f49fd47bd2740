"""A story as an editor has it: the files on disk, with the unsaved buffers of open files in their place, checked
again after every change at the cost of what changed.

    ws = Workspace("scenes")
    ws.set_text("scenes/03_kobani/01_arrival.yaml", buffer_text)   # an open buffer, as typed
    checked = ws.check()       # story (or None), problems as check_story gives them, and the index of names

Each file's reading is kept, keyed by its text (see ``assemble``): a change to one scene file re-reads that file
and runs the cross-checks, never reading the other files from disk again nor composing their YAML; a change to
the manifest re-reads every scene file against the new names (from YAML already composed). For the same texts,
``check()`` gives exactly what ``check_story`` gives.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..engine.model import Chapter, Ending, Faction, GlossaryEntry, Location, Story, Variable
from . import cache, with_collector_paused
from .build import CompiledConditions
from .digests import sha256
from .errors import Problem
from .index import FileIndex, Index
from .parts import FilePart, ManifestPart, assemble, read_file_part, read_manifest_part
from .walk import walk_story_files
from .yamlsafe import read_text


def _shown(path: str) -> str:
    from . import _shown as shown  # (the loader's one rule for how a path is shown)

    return shown(path)


@dataclass(frozen=True, slots=True)
class Declared:
    """What the manifest declares, known even when the story does not build."""

    factions: dict[str, Faction] = field(default_factory=dict)
    variables: dict[str, Variable] = field(default_factory=dict)
    chapters: dict[str, Chapter] = field(default_factory=dict)
    endings: dict[str, Ending] = field(default_factory=dict)
    locations: dict[str, Location] = field(default_factory=dict)
    glossary: dict[str, GlossaryEntry] = field(default_factory=dict)
    start: str = ""


@dataclass(slots=True)
class Checked:
    """One check of the workspace: the story (None when it has errors), every load problem (sorted, as
    ``check_story`` gives them), the index of names (None when the story came from the story cache: ask
    ``check()`` for it), what the manifest declares, each file's path by the name problems use for it, and the
    files that could not be read as story files at all (their names are unknown: not in the index)."""

    story: Story | None
    problems: list[Problem]
    index: Index | None
    declared: Declared
    paths: dict[str, str]
    unreadable: tuple[str, ...] = ()


class Workspace:
    """A story directory, its files read once and kept; open buffers override the files' text on disk."""

    def __init__(self, root: str) -> None:
        self.root = os.path.abspath(root)
        self._buffers: dict[str, str] = {}
        self._disk: dict[str, tuple[str | None, list[Problem]]] = {}
        self._walked: tuple[str | None, list[str], list[Problem]] | None = None
        self._manifest: ManifestPart | None = None
        self._parts: dict[str, FilePart] = {}
        self._last: Checked | None = None
        self._indexed: dict[str, FileIndex] = {}
        self._conditions = CompiledConditions()  # compiled once, while the story's names stay the same
        self._store = True  # whether the next valid check as on disk should be written to the story cache
        self.reads = 0  # files read from disk, for tests and benchmarks that check nothing is read again

    # --------------------------------------------------------------------------------- the files

    def files(self) -> list[str]:
        """The story's files, the manifest first (absolute paths, in the loader's order)."""
        manifest, files, _ = self._walk()
        return ([manifest] if manifest else []) + files

    def owns(self, path: str) -> bool:
        """True when ``path`` is (or, once saved, would be) one of the story's files."""
        path = _norm(path)
        return path in self.files() or self._belongs(path)

    def text(self, path: str) -> str | None:
        """The text the workspace reads for ``path``: its open buffer, else the file on disk."""
        path = _norm(path)
        if path in self._buffers:
            return self._buffers[path]
        return self._read(path)[0]

    def set_text(self, path: str, text: str) -> None:
        """An open buffer's text (it stands in for the file on disk until ``forget_text``)."""
        path = _norm(path)
        if self._buffers.get(path) != text:
            self._buffers[path] = text
            if path not in self.files() and self._belongs(path):
                self._walked = None  # a new file, not saved yet: it joins the story
            self._last = None

    def forget_text(self, path: str) -> None:
        """The buffer was closed: the file on disk counts again."""
        path = _norm(path)
        if self._buffers.pop(path, None) is not None:
            self._disk.pop(path, None)
            self._walked = None
            self._last = None

    def reload(self, paths: Iterable[str] | None = None) -> None:
        """Files changed on disk (``None``: anything may have; the directory is walked again)."""
        if paths is None:
            self._disk.clear()
        else:
            for path in paths:
                self._disk.pop(_norm(path), None)
        self._walked = None
        self._last = None
        self._store = True

    # --------------------------------------------------------------------------------- checking

    def check(self, *, cached: bool = False) -> Checked:
        """Check the story as it stands. ``cached``: a story whose files are all as on disk may come from the
        story cache, without YAML (then ``index`` is None until a check without ``cached``)."""
        last = self._last
        if last is not None and (last.index is not None or cached):
            return last
        manifest, files, walk_problems = self._walk()
        if cached and manifest is not None and not walk_problems and cache.enabled() and not self._unsaved():
            paths = [manifest, *files]
            hit = cache.lookup(self.root, paths, [_shown(p) for p in paths])
            if hit is not None:
                story, problems = hit
                declared = Declared(story.factions, story.variables, story.chapters, story.endings,
                                    story.locations, story.glossary, story.start)
                self._last = Checked(story, problems, None, declared, {_shown(p): p for p in paths})
                return self._last
        self._last = with_collector_paused(lambda: self._check(manifest, files, walk_problems))
        return self._last

    def _check(self, manifest: str | None, files: list[str], walk_problems: list[Problem]) -> Checked:
        found = list(walk_problems)
        digest = sha256()
        paths: dict[str, str] = {}
        mpart = None
        if manifest is not None:
            shown = _shown(manifest)
            paths[shown] = manifest
            text, probs = self._text(manifest)
            found += probs
            if text is not None:
                digest.update(b"story.yaml\0" + text.encode() + b"\0")
            old = self._manifest
            if old is not None and old.text == text and old.shown == shown:
                mpart = old
            else:
                node = old.node if old is not None and old.text == text else None
                mpart = read_manifest_part(shown, text, node=node, index=True)
        self._manifest = mpart
        parts: dict[str, FilePart] = {}
        for path in files:
            shown = _shown(path)
            paths[shown] = path
            text, probs = self._text(path)
            found += probs
            if text is not None:
                digest.update(os.path.relpath(path, self.root).encode() + b"\0" + text.encode() + b"\0")
            old_part = self._parts.get(path)
            if old_part is not None and old_part.text == text and old_part.manifest is mpart and old_part.shown == shown:
                parts[path] = old_part
            else:
                node = old_part.node if old_part is not None and old_part.text == text else None
                parts[path] = read_file_part(mpart, shown, text, node=node, index=True)
        self._parts = parts
        story, problems = assemble(
            self.root, digest.hexdigest()[:16], mpart, list(parts.values()), found, self._conditions
        )
        indexes: dict[str, FileIndex] = {}
        for part in ([mpart] if mpart is not None else []) + list(parts.values()):
            if part.index is not None:
                indexes[part.shown] = self._indexed[part.shown] = part.index
            elif part.shown in self._indexed:
                # A file whose YAML is broken mid-edit keeps the names it had when it last read: close enough to
                # jump from, and it is listed in ``unreadable``, so nothing rewrites it from stale positions.
                indexes[part.shown] = self._indexed[part.shown]
        declared = Declared()
        if mpart is not None and mpart.reader is not None:
            r = mpart.reader
            declared = Declared(r.factions, r.variables, r.chapters, r.endings, r.locations, r.glossary, r.start)
        if (self._store and story is not None and manifest is not None and not walk_problems and cache.enabled()
                and not self._unsaved()):
            # As check_story does, a valid story read from disk is cached, so the next start is warm; once, not
            # after every edit (an edit undone would write the same entry again).
            self._store = False
            cache.store(self.root, digest.hexdigest(), story, problems, list(paths))
        unreadable = tuple(p.shown for p in parts.values() if p.reader is None)
        if mpart is not None and mpart.reader is None:
            unreadable = (mpart.shown, *unreadable)
        return Checked(story, problems, Index(indexes), declared, paths, unreadable)

    # -------------------------------------------------------------------------------- internals

    def _walk(self) -> tuple[str | None, list[str], list[Problem]]:
        if self._walked is None:
            manifest, files, problems = walk_story_files(self.root)
            extra = [p for p in self._buffers if p not in files and p != manifest and self._belongs(p)]
            if extra:
                files = sorted([*files, *extra], key=lambda p: os.path.relpath(p, self.root).split(os.sep))
            if manifest is None and os.path.join(self.root, "story.yaml") in self._buffers:
                manifest = os.path.join(self.root, "story.yaml")
                problems = [p for p in problems if not p.message.startswith("no story.yaml here")]
            self._walked = (manifest, files, problems)
        return self._walked

    def _belongs(self, path: str) -> bool:
        """A path the walk would take as a scene file if it existed: under the root, .yaml, nothing hidden."""
        try:
            rel = os.path.relpath(path, self.root)
        except ValueError:  # another drive (Windows)
            return False
        parts = rel.split(os.sep)
        return (
            not rel.startswith("..")
            and path.endswith((".yaml", ".yml"))
            and not any(p.startswith((".", "_")) for p in parts)
            and len(parts) <= 17
        )

    def _text(self, path: str) -> tuple[str | None, list[Problem]]:
        if path in self._buffers:
            return self._buffers[path], []
        return self._read(path)

    def _read(self, path: str) -> tuple[str | None, list[Problem]]:
        found = self._disk.get(path)
        if found is None:
            self.reads += 1
            found = self._disk[path] = read_text(path, _shown(path))
        return found

    def _unsaved(self) -> bool:
        """True when an open buffer differs from its file on disk."""
        return any(self._read(path)[0] != text for path, text in self._buffers.items())


def _norm(path: str) -> str:
    return os.path.normpath(os.path.abspath(path))


__all__ = ["Checked", "Declared", "Workspace"]
