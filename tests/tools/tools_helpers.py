"""Story-writing helpers shared by the author-tool tests (a uniquely named module: a plain ``from conftest import``
would resolve to whichever area's conftest was imported first)."""

from __future__ import annotations

import textwrap
from pathlib import Path

MANIFEST = """\
story: {id: t, title: Test Story, start: start}
chapters:
  one: {title: One, order: 1}
  two: {title: Two, order: 2}
factions:
  guards: {name: Guards, description: The guards.}
variables:
  flag: {type: bool, default: false}
  n: {type: int, default: 0}
endings:
  won: {title: Won}
  lost: {title: Lost}
"""


def write_story(root: Path, manifest: str, scenes: str | dict[str, str]) -> Path:
    """Write a story (manifest + one or more scene files) under ``root`` and return its directory."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "story.yaml").write_text(textwrap.dedent(manifest), encoding="utf-8")
    files = {"scenes.yaml": scenes} if isinstance(scenes, str) else scenes
    for name, text in files.items():
        (root / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return root
