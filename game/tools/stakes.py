"""Stakes: the trust levels where the story turns ahead of a scene, for a player who wants to see them.

A level is a threshold of a condition that decides where the story goes: a choice's ``if`` or ``requires`` and a
route's condition, in every scene that can still be reached from here (this scene included), which is also every
way to an ending still open. ``guards >= 50`` turns at 50, ``guards > 50`` at 51, ``guards < 20`` at 20 (the
level a meter must reach, going up, for the condition to change); ``min(a, b) >= 45`` turns at 45 for both.
Conditions that only vary the text are left out: they change words, not where the story goes.

Reachability and the values a faction can ever hold come from ``game.tools.analysis`` (its story-wide fixed point,
without the per-scene flow, which is slower): a level outside what the faction can ever hold, or in a choice that
can never be taken, is not a stake. Pure data: no printing, no Textual.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from ..engine import Story
from ..engine.conditions import Binary, Func, Name, Node, Num, Unary
from .analysis import Interval, analyse, condition_sites, reachable

_MIRROR = {"<": ">", ">": "<", "<=": ">=", ">=": "<=", "==": "==", "!=": "!="}


class Crossing(NamedTuple):
    """A meter moved across a level: ``rose`` to it or above, or fell below it."""

    faction: str
    level: int
    rose: bool


def _constant(node: Node) -> int | None:
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Unary) and node.op == "-" and isinstance(node.operand, Num):
        return -node.operand.value
    return None


def _level(op: str, c: int) -> int:
    """The value at which ``v op c`` changes as v grows (``v >= level`` on one side of it)."""
    return c + 1 if op in (">", "<=") else c


def comparisons(node: Node) -> Iterator[tuple[str, int]]:
    """Every (name, level) in a condition where a name (or ``min``/``max`` of names) is compared with a number."""
    if isinstance(node, Unary):
        yield from comparisons(node.operand)
        return
    if not isinstance(node, Binary):
        return
    if node.op in ("and", "or"):
        yield from comparisons(node.left)
        yield from comparisons(node.right)
        return
    if node.op not in _MIRROR:
        return
    side, c, op = node.left, _constant(node.right), node.op
    if c is None:
        side, c, op = node.right, _constant(node.left), _MIRROR[node.op]
    if c is None:
        return
    names = [side] if isinstance(side, Name) else list(side.args) if isinstance(side, Func) else []
    for name in names:
        if isinstance(name, Name):
            yield name.name, _level(op, c)


@dataclass
class Stakes:
    """The levels where the story turns, per scene (computed once per story, then per scene on demand)."""

    story: Story
    own: dict[str, dict[str, set[int]]]  # scene id -> faction id -> levels of the conditions in that scene
    successors: dict[str, list[str]]
    _ahead: dict[str, dict[str, tuple[int, ...]]]

    def ahead(self, scene_id: str) -> dict[str, tuple[int, ...]]:
        """Faction id -> the levels (ascending) where the story turns in this scene or any scene reachable from it."""
        found = self._ahead.get(scene_id)
        if found is None:
            levels: dict[str, set[int]] = {}
            for sid in reachable(scene_id, self.successors) if scene_id in self.story.scenes else ():
                for fid, values in self.own.get(sid, {}).items():
                    levels.setdefault(fid, set()).update(values)
            found = {fid: tuple(sorted(values)) for fid, values in levels.items()}
            self._ahead[scene_id] = found
        return found

    def crossed(self, scene_id: str, before: dict[str, int], after: dict[str, int]) -> list[Crossing]:
        """The levels ahead of ``scene_id`` (where a choice was taken) that a change of trust moved across."""
        out: list[Crossing] = []
        for fid, levels in self.ahead(scene_id).items():
            a, b = before.get(fid), after.get(fid)
            if a is None or b is None or a == b:
                continue
            for level in levels:
                if a < level <= b:
                    out.append(Crossing(fid, level, True))
                elif b < level <= a:
                    out.append(Crossing(fid, level, False))
        return out


def stakes(story: Story) -> Stakes:
    """Analyse ``story`` for its stakes (a few milliseconds for the shipped story; done once)."""
    analysis = analyse(story, with_flow=False)
    own: dict[str, dict[str, set[int]]] = {}
    for scene in story.scenes.values():
        for site in condition_sites(scene):
            if site.role == "passage" or (site.choice is not None and site.choice.key not in analysis.takeable):
                continue
            for name, level in comparisons(site.condition.node):
                faction = story.factions.get(name)
                if faction is None:
                    continue
                span = analysis.ranges.get(faction.slot)
                lo, hi = (span.lo, span.hi) if isinstance(span, Interval) else (faction.low, faction.high)
                if lo < level <= hi:  # a level the meter can be on both sides of
                    own.setdefault(scene.id, {}).setdefault(name, set()).add(level)
    return Stakes(story, own, analysis.successors, {})
