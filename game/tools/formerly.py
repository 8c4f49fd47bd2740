"""Former ids nothing names any more: when an author asks (``qasas lint --formerly-in PATH...``), each ``formerly:``
id that none of the given playthroughs and saves names is reported, so it can be removed.

A former id exists so that old saves and playthroughs still load; whether any are left is known only from the
files the author points at (their saves folder, the playthroughs in the repository), never from the story. So
this check runs only when asked. A file that cannot be read makes every verdict uncertain: then that file is
reported and no former id is.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..engine import Story
from ..loader import Problem
from ..saves import Expect, Playthrough, PlaythroughError, Step, find_playthroughs


def unused_former_ids(story: Story, paths: Sequence[str]) -> list[Problem]:
    """Warnings for the former ids of ``story`` that no playthrough or save under ``paths`` names."""
    scenes: set[str] = set()
    choices: set[tuple[str, str]] = set()
    unreadable: list[Problem] = []
    files = find_playthroughs(paths)
    for path in files:
        try:
            pt = Playthrough.from_file(path)
        except PlaythroughError as exc:
            unreadable.append(Problem(str(path), 0, 0, f"cannot read this playthrough or save, so former ids are "
                                      f"not checked: {exc}", "warning"))
            continue
        for item in pt.items:
            if isinstance(item, Step):
                scenes.add(item.scene)
                # A choice's former id is kept under its scene's id now: read the scene as it is now.
                choices.add((story.current_scene(item.scene), item.choice))
            elif isinstance(item, Expect) and item.scene is not None:
                scenes.add(item.scene)
    if unreadable:
        return unreadable
    where = ", ".join(str(Path(p)) for p in paths) or "nothing"
    checked = f"{len(files)} playthrough{'s' if len(files) != 1 else ''} and saves in {where}"
    out: list[Problem] = []
    for scene in story.scenes.values():
        for old in scene.formerly:
            if old not in scenes:
                out.append(Problem(scene.pos.file, scene.pos.line, scene.pos.column,
                                   f"former id {old!r} of scene {scene.id!r} is named by none of the {checked}: "
                                   "it can be removed from 'formerly'", "warning"))
        for choice in scene.choices:
            for old in choice.formerly:
                if (scene.id, old) not in choices:
                    out.append(Problem(choice.pos.file, choice.pos.line, choice.pos.column,
                                       f"former id {old!r} of choice {choice.key!r} is named by none of the {checked}: "
                                       "it can be removed from 'formerly'", "warning"))
    return out


__all__ = ["unused_former_ids"]
