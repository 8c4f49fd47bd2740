"""Every playthrough file in this folder is its own test case, named after the file.

A file runs against the shipped story (``scenes/``) unless it says ``scenes: <dir relative to the file>``. A
failure shows the step, the scene, what was expected and what happened; a golden transcript mismatch shows a
diff. Rewrite golden transcripts with ``QASAS_UPDATE_GOLDEN=1 pytest tests/playthroughs``. The format is in
README.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from game.loader import StoryError, default_scenes_dir, load_story
from game.saves import Playthrough, PlaythroughError, ReplayReport, replay_playthrough

SUFFIXES = (".yaml", ".yml", ".json")
HERE = Path(__file__).resolve().parent

# One load per story directory for the whole session: the shipped story is large.
_STORIES: dict[str, Any] = {}


def _story(directory: str) -> Any:
    if directory not in _STORIES:
        try:
            _STORIES[directory] = load_story(directory)
        except StoryError as exc:
            _STORIES[directory] = exc
    return _STORIES[directory]


class PlaythroughFailed(Exception):
    """A replay that did not pass; carries the readable report."""


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.suffix in SUFFIXES and not file_path.name.startswith("."):
        try:
            file_path.resolve().relative_to(HERE)
        except ValueError:
            return None
        return PlaythroughFile.from_parent(parent, path=file_path)
    return None


class PlaythroughFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        yield PlaythroughItem.from_parent(self, name=self.path.stem)


class PlaythroughItem(pytest.Item):
    # pytest-lsp's plugin (for the language server's tests) wraps every test call and, for an item without
    # fixtures, returns before its wrapper yields, which pluggy reports as an error: say there are none.
    funcargs: dict[str, Any] = {}  # noqa: RUF012 - read only, never filled

    def runtest(self) -> None:
        try:
            pt = Playthrough.from_file(self.path, shown=self.nodeid.split("::")[0])
        except PlaythroughError as exc:
            raise PlaythroughFailed(f"cannot read the playthrough: {exc}") from None
        scenes = pt.scenes_dir()
        directory = str(scenes) if scenes is not None else default_scenes_dir()
        story = _story(directory)
        if isinstance(story, StoryError):
            raise PlaythroughFailed(f"the story in {directory} does not load:\n{story.report()}")
        report: ReplayReport = replay_playthrough(pt, story)
        if not report.ok:
            assert report.failure is not None
            raise PlaythroughFailed(report.failure.render())

    def repr_failure(  # type: ignore[override]
        self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None
    ) -> str:
        if isinstance(excinfo.value, PlaythroughFailed):
            return f"{self.path.name}: {excinfo.value}"
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"playthrough {self.path.name}"
