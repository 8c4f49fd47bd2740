"""The stories the server knows: one ``StoryState`` per story directory (the nearest folder above a file that holds
a ``story.yaml``), each with its workspace, its last check and lint's warnings on it."""

from __future__ import annotations

import gc
import os
from dataclasses import dataclass, field

from ..engine import Story
from ..loader import Problem
from ..loader.index import Index
from ..loader.workspace import Checked, Workspace
from ..tools.analysis import Analysis, analyse, structure
from ..tools.lint import deep_warnings

MANIFEST = "story.yaml"


@dataclass
class StoryState:
    """A story directory as the editor has it. ``refresh`` checks it again when something changed: the loader's
    problems, and lint's warnings when the story builds (what ``qasas lint`` reports, from the buffers)."""

    root: str
    workspace: Workspace = field(init=False)
    checked: Checked | None = None
    warnings: list[Problem] = field(default_factory=list)
    good: Story | None = None  # the last story that built: names and titles while the story has errors
    published: set[str] = field(default_factory=set)  # paths whose diagnostics were last sent non-empty
    _analysed: tuple[object, Analysis] | None = None

    def __post_init__(self) -> None:
        self.workspace = Workspace(self.root)

    def refresh(self, *, cached: bool = False) -> Checked:
        """The story checked as it stands (``cached``: may come from the story cache, without an index)."""
        # A check leaves hundreds of thousands of new, long-lived objects (YAML nodes, the story), made while the
        # cyclic collector was paused; the first collection after it would scan them all, and each older
        # generation's again later. They live until the next check and are freed by reference counting, so
        # they are moved out of the collector's sight (frozen) before it runs again.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            before = self.checked
            checked = self.workspace.check(cached=cached)
            if checked is not before:
                gc.freeze()
                self.checked = checked
                if checked.story is not None:
                    self.good = checked.story
                    self.warnings = deep_warnings(checked.story, self._analysis(checked.story))
                else:
                    self.warnings = []
        finally:
            if was_enabled:
                gc.enable()
        return checked

    def _analysis(self, story: Story) -> Analysis:
        """Lint's analysis of ``story``: the last one again when only prose changed (the same structure)."""
        key = structure(story)
        if self._analysed is None or self._analysed[0] != key:
            self._analysed = (key, analyse(story))
        return self._analysed[1]

    @property
    def index(self) -> Index:
        """The index of names, as the story stands now (checking it first if needed)."""
        checked = self.refresh()
        assert checked.index is not None  # a check that is not from the cache always has one
        return checked.index.with_terms(checked.declared.glossary)

    def path_of(self, shown: str) -> str | None:
        """The absolute path of a file named as problems and the index name it."""
        if self.checked is None:
            return None
        return self.checked.paths.get(shown)

    def shown_of(self, path: str) -> str | None:
        """The name problems and the index use for the file at ``path``."""
        if self.checked is None:
            return None
        path = os.path.normpath(path)
        for shown, full in self.checked.paths.items():
            if full == path:
                return shown
        return None


class Stories:
    """Every story the server has seen, found from the files the editor opens."""

    def __init__(self) -> None:
        self.states: dict[str, StoryState] = {}
        self._roots: dict[str, str | None] = {}

    def root_of(self, path: str) -> str | None:
        """The story directory a file belongs to: the nearest folder above it (or its own) with a story.yaml."""
        directory = os.path.dirname(os.path.normpath(os.path.abspath(path)))
        if directory in self._roots:
            return self._roots[directory]
        found = None
        here = directory
        for _ in range(64):
            if os.path.isfile(os.path.join(here, MANIFEST)):
                found = here
                break
            parent = os.path.dirname(here)
            if parent == here:
                break
            here = parent
        self._roots[directory] = found
        return found

    def for_path(self, path: str) -> StoryState | None:
        """The state of the story ``path`` belongs to, if it is one of that story's files."""
        root = self.root_of(path)
        if root is None:
            return None
        state = self.states.get(root)
        if state is None:
            state = self.states[root] = StoryState(root)
        return state if state.workspace.owns(path) else None

    def add_root(self, root: str) -> StoryState:
        root = os.path.normpath(os.path.abspath(root))
        state = self.states.get(root)
        if state is None:
            state = self.states[root] = StoryState(root)
        return state

    def discover(self, folder: str, depth: int = 2) -> None:
        """Register the stories in a workspace folder: itself, or folders up to ``depth`` below it that hold a
        story.yaml (hidden folders and virtual environments skipped)."""
        if os.path.isfile(os.path.join(folder, MANIFEST)):
            self.add_root(folder)
            return
        if depth <= 0:
            return
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            if entry.name.startswith((".", "_")) or entry.name in ("node_modules", "venv", "site-packages"):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    self.discover(entry.path, depth - 1)
            except OSError:
                continue


__all__ = ["Stories", "StoryState"]
