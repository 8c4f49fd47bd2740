"""The story reader: YAML nodes -> the engine's model, reporting every problem with file:line:col.

The work is split by what is read: ``nodes`` (the primitives and shared state), ``manifest`` (story.yaml),
``scenes`` (scene files) and ``build`` (the cross-checks and the Story); ``walk`` finds the files.
"""

from __future__ import annotations

from .build import StoryBuilder
from .manifest import ManifestReader
from .nodes import _Src
from .scenes import SceneReader
from .walk import walk_story_files

__all__ = ["Reader", "_Src", "walk_story_files"]


class Reader(ManifestReader, SceneReader, StoryBuilder):
    """Reads a manifest and scene files; collects problems rather than stopping at the first."""
