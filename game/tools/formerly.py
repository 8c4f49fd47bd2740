"""Former ids nothing names any more: when an author asks (``qasas lint --formerly-in PATH...``), each ``formerly:``
id that none of the given playthroughs and saves names is reported, so it can be removed.

A former id exists so that old saves and playthroughs still load; whether any are left is known only from the
files the author points at (their saves folder, the playthroughs in the repository), never from the story. So
this check runs only when asked. A file that cannot be read makes every verdict uncertain: then that file is
reported and no former id is.

Only this story's files count. A folder of saves or playthroughs often holds other stories' too: a file recorded
against another story (its ``story:`` id, or a save's, is another story's; or, naming no id, its ``scenes:`` is
another folder) is skipped, and said so in the summary, neither checked nor a problem. A file that names neither
is taken as this story's.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..engine import Story
from ..loader import Problem, shown_path
from ..saves import Expect, Playthrough, PlaythroughError, Step, find_playthroughs


@dataclass(frozen=True)
class FormerIdCheck:
    """What ``check_former_ids`` found: its warnings, how many of this story's files it read, and the files it
    skipped as (file, the story it was recorded against: ``story 'x'`` or ``the story in DIR``)."""

    warnings: list[Problem] = field(default_factory=list)
    checked: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        """``{"checked": n, "skipped": [{"file": ..., "recorded_against": ...}]}`` (the warnings go with lint's)."""
        return {
            "checked": self.checked,
            "skipped": [{"file": name, "recorded_against": other} for name, other in self.skipped],
        }


def files_of_this_story(n: int) -> str:
    """``1 playthrough or save of this story``, ``3 playthroughs and saves of this story``."""
    return f"{n} playthrough or save of this story" if n == 1 else f"{n} playthroughs and saves of this story"


def recorded_against(pt: Playthrough, story: Story) -> str | None:
    """The other story ``pt`` was recorded against (``story 'x'`` or ``the story in DIR``), or None when it is
    ``story``'s: its story id decides; without one, the folder its ``scenes:`` names; without either, it is."""
    if pt.story_id is not None:
        return None if pt.story_id == story.id else f"story {pt.story_id!r}"
    scenes = pt.scenes_dir()
    if scenes is None or not story.root or os.path.realpath(scenes) == os.path.realpath(story.root):
        return None
    return f"the story in {shown_path(str(scenes))}"


def check_former_ids(story: Story, paths: Sequence[str]) -> FormerIdCheck:
    """Check the former ids of ``story`` against its playthroughs and saves under ``paths`` (files or folders):
    a warning for each one none of them names; files of other stories are skipped (see the module docstring)."""
    scenes: set[str] = set()
    choices: set[tuple[str, str]] = set()
    unreadable: list[Problem] = []
    skipped: list[tuple[str, str]] = []
    checked = 0
    for path in find_playthroughs(paths):
        try:
            pt = Playthrough.from_file(path)
        except PlaythroughError as exc:
            unreadable.append(Problem(str(path), 0, 0, f"cannot read this playthrough or save, so former ids are "
                                      f"not checked: {exc}", "warning"))
            continue
        other = recorded_against(pt, story)
        if other is not None:
            skipped.append((str(path), other))
            continue
        checked += 1
        for item in pt.items:
            if isinstance(item, Step):
                scenes.add(item.scene)
                # A choice's former id is kept under its scene's id now: read the scene as it is now.
                choices.add((story.current_scene(item.scene), item.choice))
            elif isinstance(item, Expect) and item.scene is not None:
                scenes.add(item.scene)
    if unreadable:
        return FormerIdCheck(unreadable, checked, skipped)
    where = ", ".join(str(Path(p)) for p in paths) or "nothing"
    named_by = f"{files_of_this_story(checked)} in {where}"
    out: list[Problem] = []
    for scene in story.scenes.values():
        for old in scene.formerly:
            if old not in scenes:
                out.append(Problem(scene.pos.file, scene.pos.line, scene.pos.column,
                                   f"former id {old!r} of scene {scene.id!r} is named by none of the {named_by}: "
                                   "it can be removed from 'formerly'", "warning"))
        for choice in scene.choices:
            for old in choice.formerly:
                if (scene.id, old) not in choices:
                    out.append(Problem(choice.pos.file, choice.pos.line, choice.pos.column,
                                       f"former id {old!r} of choice {choice.key!r} is named by none of the {named_by}: "
                                       "it can be removed from 'formerly'", "warning"))
    return FormerIdCheck(out, checked, skipped)


__all__ = ["FormerIdCheck", "check_former_ids", "files_of_this_story", "recorded_against"]
