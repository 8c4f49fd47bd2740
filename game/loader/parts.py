"""Reading a story file by file, and putting the parts together into a Story.

Each file is read on its own: the manifest into a ``ManifestPart`` (the story's names: factions, variables,
chapters...), each scene file into a ``FilePart`` (its scenes and route lists, read against those names). A
part depends only on its own text and, for a scene file, on the manifest part it was read against; ``assemble``
then cross-checks the parts and builds the Story. ``check_story`` reads every part once. An editor's
``Workspace`` keeps the parts whose text did not change and reads again only what did, so a keystroke in one
file costs the reading of that file and the cross-checks, never the whole story's YAML.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from yaml.nodes import Node

from ..engine.model import Story
from .build import CompiledConditions
from .errors import Problem, sort_problems
from .index import FileIndex, index_file, index_manifest
from .nodes import _Src
from .reader import Reader
from .scenes import declared_twice


@dataclass(slots=True)
class ManifestPart:
    """story.yaml, read: ``reader`` holds its tables (None when the file or its YAML could not be read at all)."""

    shown: str
    text: str | None
    node: Node | None
    reader: Reader | None
    problems: list[Problem]
    index: FileIndex | None = None


@dataclass(slots=True)
class FilePart:
    """One scene file, read against ``manifest`` (``text`` None: the file could not be read; ``reader`` None:
    its YAML could not be composed; ``node``: its YAML, kept only when read for an editor, ``index=True``)."""

    shown: str
    text: str | None
    node: Node | None
    reader: Reader | None
    manifest: ManifestPart | None
    problems: list[Problem] = field(default_factory=list)
    index: FileIndex | None = None

    @property
    def failed(self) -> bool:
        """True when the file could not be read as a scene file (its references cannot be checked)."""
        return self.reader is None or self.reader.files_failed


def compose(text: str, shown: str) -> tuple[Node | None, list[Problem]]:
    """The package's ``compose``, looked up when called (it imports YAML on first use; tests stand in for it)."""
    from . import compose as package_compose

    return package_compose(text, shown)


def read_manifest_part(
    shown: str, text: str | None, *, node: Node | None = None, index: bool = False
) -> ManifestPart:
    """Read the manifest's text (None: it could not be read; ``node``: its YAML already composed from this very
    text, to reuse)."""
    problems: list[Problem] = []
    if text is None:
        return ManifestPart(shown, None, None, None, problems)
    if node is None:
        node, problems = compose(text, shown)
    reader: Reader | None = None
    if node is not None:
        reader = Reader()
        reader._manifest_shown = shown
        if index:
            reader.prose = []
        reader.read_manifest(src := _Src(shown, text), node)
    part = ManifestPart(shown, text, node, reader, problems)
    if index and reader is not None:
        part.index = index_manifest(reader, src)
    return part


def read_file_part(
    manifest: ManifestPart | None, shown: str, text: str | None, *, node: Node | None = None, index: bool = False,
    keep_node: bool = False,
) -> FilePart:
    """Read one scene file's text against the manifest's names (``node``: its YAML composed from this text).
    The part keeps the tree when read for an editor (``index``) or when asked to (``keep_node``: a caller that lets
    trees go a few files at a time, see ``check_story``)."""
    if text is None:
        return FilePart(shown, None, None, None, manifest)
    problems: list[Problem] = []
    if node is None:
        node, problems = compose(text, shown)
    if node is None:
        return FilePart(shown, text, None, None, manifest, problems)
    if manifest is not None and manifest.reader is None:
        # A manifest that could not be read names nothing: every faction, variable and chapter the scenes use
        # would be "unknown". Its own problem is the one message; the scene file is checked as YAML only.
        return FilePart(shown, text, node, None, manifest, problems)
    reader = _reader_for(manifest)
    if index:
        reader.prose = []
    src = _Src(shown, text)
    reader.read_scene_file(src, node)
    # The tree is kept for an editor's next reading (see ``Workspace``); a one-off load lets it go soon, a few files
    # at a time, rather than hold every file's tree until the story is built (a cold load's memory halves).
    part = FilePart(shown, text, node if index or keep_node else None, reader, manifest, problems)
    if index:
        part.index = index_file(reader, src)
    return part


def _reader_for(manifest: ManifestPart | None) -> Reader:
    """A reader that knows the manifest's names (shared, never changed by reading a scene file) and collects
    what one scene file gives in lists of its own."""
    reader = Reader()
    if manifest is not None and manifest.reader is not None:
        reader.__dict__.update(manifest.reader.__dict__)
        reader.problems, reader.scenes, reader.texts = [], [], []
        reader.route_lists, reader.knock_ons, reader.files_failed = {}, {}, False
        reader.prose = None
    return reader


def assemble(
    root: str, fingerprint: str, manifest: ManifestPart | None, parts: list[FilePart], problems: list[Problem],
    compiled: CompiledConditions | None = None,
) -> tuple[Story | None, list[Problem]]:
    """Cross-check the parts and build the Story: (the story or None, every problem, sorted as the loader sorts
    them). ``problems`` are those found before reading (the walk, files that could not be read); ``compiled``:
    conditions a previous assembly compiled, to reuse (and to add this one's to)."""
    merged = Reader()
    if manifest is not None:
        merged._manifest_shown = manifest.shown
        if manifest.reader is not None:
            merged.__dict__.update(manifest.reader.__dict__)
    # Fresh containers: building appends to them, and the parts are kept for the next assembly.
    found = list(problems)
    scenes = []
    texts = list(merged.texts)
    route_lists = dict(merged.route_lists)
    knock_ons = dict(merged.knock_ons)
    # A folder or file the walk could not read may hold anything: claim nothing about what is missing.
    failed = merged.files_failed or bool(problems)
    if manifest is not None:
        found += manifest.problems
        if manifest.reader is not None:
            found += manifest.reader.problems
    for part in parts:
        found += part.problems
        if part.failed:
            failed = True
        reader = part.reader
        if reader is None:
            continue
        found += reader.problems
        scenes += reader.scenes
        texts += reader.texts
        for name, count in reader.knock_ons.items():
            knock_ons[name] = knock_ons.get(name, 0) + count
        for rid, raw in reader.route_lists.items():
            first = route_lists.get(rid)
            if first is not None:
                found.append(Problem(raw.pos.file, raw.pos.line, raw.pos.column, declared_twice(rid, first)))
            else:
                route_lists[rid] = raw
    merged.problems, merged.scenes, merged.texts = found, scenes, texts
    merged.route_lists, merged.knock_ons, merged.files_failed = route_lists, knock_ons, failed
    merged.compiled_before = compiled
    story = merged.build(root, fingerprint, tuple(part.shown for part in parts))
    return story, sort_problems(merged.problems, merged._manifest_shown)


__all__ = ["FilePart", "ManifestPart", "assemble", "read_file_part", "read_manifest_part"]
