"""Rename a scene, a choice, a variable or a faction across every file of the story, as one WorkspaceEdit.

A renamed scene or choice keeps its old id under ``formerly:`` (saves and playthroughs name scenes and choices by
id; with the former id they still load and replay). A name that is already taken is refused, as is a rename
while a story file cannot be read (its uses would be missed).
"""

from __future__ import annotations

from dataclasses import dataclass

from lsprotocol import types

from ..engine.conditions import FUNCTIONS, KEYWORDS, NUMBER_FUNCTIONS
from ..loader.edits import Edit, rename_keeping_former
from ..loader.index import Ref
from ..loader.nodes import ID_RE
from .navigate import Here, Locator, definitions_of

RENAMABLE = ("scene", "choice", "name")


class RenameRefused(Exception):
    """A rename that cannot be made; the message says why, to the author."""


@dataclass
class Target:
    """What is being renamed: its kind, its full name (``scene.choice`` for a choice) and its id as written."""

    kind: str
    name: str
    written: str
    ref: Ref


def target(here: Here) -> Target:
    """What a rename at the cursor would rename (raises RenameRefused when nothing renamable is there)."""
    ref = here.ref()
    if ref is None or ref.kind not in RENAMABLE:
        raise RenameRefused("only a scene, a choice, a variable or a faction can be renamed")
    if ref.role == "former":
        raise RenameRefused("this is a former id (under 'formerly:'); rename the scene or choice itself")
    defs = definitions_of(here.state, ref)
    if not defs:
        raise RenameRefused(f"{ref.name!r} is not defined anywhere, so there is nothing to rename")
    name = defs[0].name
    if ref.kind == "name":
        declared = here.state.refresh().declared
        if name not in declared.variables and name not in declared.factions:
            raise RenameRefused(f"{name!r} is not a variable or a faction")
    written = name.split(".", 1)[1] if ref.kind == "choice" else name
    return Target(ref.kind, name, written, ref)


def prepare(here: Here) -> types.PrepareRenamePlaceholder:
    t = target(here)
    return types.PrepareRenamePlaceholder(range=here.lines.range(t.ref.span), placeholder=t.written)


def rename(here: Here, new: str) -> types.WorkspaceEdit:
    t = target(here)
    state = here.state
    checked = state.refresh()
    if checked.unreadable:
        raise RenameRefused(
            f"{', '.join(checked.unreadable)} cannot be read as a story file; fix it first, or its uses of "
            f"{t.written!r} would not be renamed"
        )
    _check_new_name(here, t, new)
    index = state.index
    edits: list[Edit] = []
    refs = index.refs(t.kind, t.name)
    if t.kind in ("scene", "choice"):
        slot = index.slot(t.name)
        if slot is None:
            raise RenameRefused(f"cannot find where {t.name!r} is written")
        edits += rename_keeping_former(slot, new)
        refs = [r for r in refs if r.role == "reference"]
    for r in refs:
        if r.role != "former":
            edits.append(Edit(r.span, new))
    locator = Locator(state, here.codec)
    changes: dict[str, list[types.TextEdit]] = {}
    for edit in sorted(set(edits)):
        lines, uri = locator.lines(edit.span.file), locator.uri(edit.span.file)
        if lines is None or uri is None:
            continue
        changes.setdefault(uri, []).append(types.TextEdit(lines.range(edit.span), edit.text))
    return types.WorkspaceEdit(changes=changes)


def _check_new_name(here: Here, t: Target, new: str) -> None:
    if new == t.written:
        raise RenameRefused(f"the new name is the same as the old one ({new!r})")
    if not ID_RE.match(new):
        raise RenameRefused(f"{new!r} is not a valid id (lower-case letters, digits and _, starting with a letter)")
    if new in KEYWORDS or new in FUNCTIONS or new in NUMBER_FUNCTIONS:
        raise RenameRefused(f"{new!r} is a word of the condition language; choose another name")
    index = here.state.index
    declared = here.state.refresh().declared
    if t.kind == "scene":
        if new in index.scenes or index.definitions("scene", new):
            raise RenameRefused(f"a scene {new!r} exists already")
        if any(r.role == "former" and r.scene != t.name for r in index.refs("scene", new)):
            raise RenameRefused(f"{new!r} is a former id of another scene (saves that name it load there)")
    elif t.kind == "choice":
        scene = t.name.split(".", 1)[0]
        key = f"{scene}.{new}"
        info = index.scenes.get(scene)
        if index.definitions("choice", key) or (info and any(c.id == new for c in info.choices)):
            raise RenameRefused(f"scene {scene!r} has a choice {new!r} already")
        if any(r.role == "former" and r.choice != t.written for r in index.refs("choice", key)):
            raise RenameRefused(f"{new!r} is a former id of another choice in scene {scene!r}")
    else:
        if new in declared.variables:
            raise RenameRefused(f"a variable {new!r} exists already")
        if new in declared.factions:
            raise RenameRefused(f"a faction {new!r} exists already (factions and variables share names)")


__all__ = ["RENAMABLE", "RenameRefused", "Target", "prepare", "rename", "target"]
