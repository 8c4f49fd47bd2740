"""What the engine works out once per story to play it fast, kept with the story (in a slot of the ``Story`` that
is not one of its fields) and shared by every game of it: which slot holds what, and, scene by scene as each is
first shown, what of its screen never changes. Everything in it follows from the story alone, which never
changes; the ``Game`` fills the per-scene parts (see ``Game.header``, ``Game.text`` and ``Game.choices``).
"""

from __future__ import annotations

from .model import Faction, Story

TYPE_CHECKING = False  # (not imported from typing: a warm start does not import typing at all)
if TYPE_CHECKING:
    from typing import Any

TRUST, VARIABLE = "trust", "variable"


class Plan:
    """A story's plan.

    ``slots``: slot by slot, ``(TRUST, faction id)``, ``(VARIABLE, variable id)`` or ``("", "")`` (a faction's
    name slot); None when the slots are not laid out as the loader lays them (factions' first, then variables',
    each in the story's order), and then a choice's changes are listed the long way.
    ``renamable``: the factions that have other names; ``names_fixed``: no name of theirs has holes or spans, so
    each changes only with its name slot.
    Per scene id: ``headers``, its heading (``()`` when it varies with play); ``texts``, its paragraphs' forms when
    it has no spans and no conditional passages (None otherwise); ``views``, each choice's view when enabled, by
    its number (``()`` for a choice whose label varies)."""

    __slots__ = ("headers", "names_fixed", "renamable", "slots", "span", "texts", "views")

    def __init__(self, story: Story) -> None:
        factions, variables = story.factions.values(), story.variables.values()
        self.renamable: tuple[Faction, ...] = tuple(f for f in factions if f.name_slot >= 0)
        templates = story.templates
        self.names_fixed = not any(
            name in templates for f in self.renamable for name in (f.name, *(shown for _, shown in f.names))
        )
        slots = [("", "")] * len(story.defaults)
        order = [f.slot for f in factions] + [v.slot for v in variables]
        self.slots: tuple[tuple[str, str], ...] | None = None
        if order == list(range(len(order))) and len(order) <= len(slots):
            for f in factions:
                slots[f.slot] = (TRUST, f.id)
            for v in variables:
                slots[v.slot] = (VARIABLE, v.id)
            self.slots = tuple(slots)
        self.span = range(len(slots))
        self.headers: dict[str, Any] = {}
        self.texts: dict[str, Any] = {}
        self.views: dict[str, Any] = {}


def plan_of(story: Story) -> Plan:
    """The story's plan, made on first use."""
    try:
        return story._plan  # type: ignore[no-any-return]
    except AttributeError:
        plan = Plan(story)
        object.__setattr__(story, "_plan", plan)
        return plan
