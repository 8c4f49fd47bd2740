"""What the engine works out once per story to play it fast, kept with the story (in a slot of the ``Story`` that
is not one of its fields) and shared by every game of it: which slot holds what, and, scene by scene as each is
first shown, what of its screen never changes. Everything in it follows from the story alone, which never
changes; ``Game.header``, ``Game.text`` and ``Game.choices`` read it on every step of rendered play.
"""

from __future__ import annotations

from .model import Choice, Faction, Passage, Scene, Story
from .state import ChoiceView, Header
from .text import Template

TYPE_CHECKING = False  # (not imported from typing: a warm start does not import typing at all)
if TYPE_CHECKING:
    Form = str | tuple[str, int | tuple[int, ...]] | Template | Passage

TRUST, VARIABLE = "trust", "variable"
_new = tuple.__new__  # a named tuple made in C, without the Python-level __new__ of its class


class Plan:
    """A story's plan.

    ``slots``: slot by slot, ``(TRUST, faction id)``, ``(VARIABLE, variable id)`` or ``("", "")`` (a faction's
    name slot); None when the slots are not laid out as the loader lays them (factions' first, then variables',
    each in the story's order), and then a choice's changes are listed the long way.
    ``renamable``: the factions that have other names; ``names_fixed``: no name of theirs has holes or spans, so
    each changes only with its name slot. ``scenes``: the plans of the scenes shown so far, by id."""

    __slots__ = ("names_fixed", "renamable", "scenes", "slots", "span")

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
        self.scenes: dict[str, ScenePlan] = {}

    def scene(self, story: Story, scene: Scene) -> ScenePlan:
        """The plan of ``scene`` (a scene of ``story``), made the first time it is asked for."""
        try:
            return self.scenes[scene.id]
        except KeyError:
            plan = self.scenes[scene.id] = ScenePlan(story, scene)
            return plan


class ScenePlan:
    """How a scene is shown, as far as that never changes.

    ``heading``: its title, place, date and chapter title as written; ``header``: the ``Header`` of them when none
    varies (None when one does). ``text``: its text, each paragraph without spans and with at most one value as
    its form (``Template.plain_form``; left out when always empty), each other paragraph as its template, each
    passage with a condition as it is. ``views``: each choice with its views when enabled, numbered 1, 2, ... (none when its
    label varies): a view is made in C, but finding one costs less still."""

    __slots__ = ("header", "heading", "text", "views")

    def __init__(self, story: Story, scene: Scene) -> None:
        templates = story.templates
        chapter = story.chapters.get(scene.chapter)
        self.heading = (scene.title, scene.place, scene.date, chapter.title if chapter else "")
        self.header: Header | None = None
        if not any(text in templates for text in self.heading):
            self.header = _new(Header, self.heading)
        text: list[Form] = []
        for passage in scene.text:
            if passage.when is not None:
                text.append(passage)
                continue
            for t in passage.paragraphs:
                form = t if t.source else t.plain_form()
                if form.__class__ is tuple and form[1].__class__ is not int:  # type: ignore[index]
                    text.append(t)  # several values: Template.render fills them in
                elif form != "":
                    text.append(form)
        self.text: tuple[Form, ...] = tuple(text)
        numbers = range(1, len(scene.choices) + 1)
        self.views: tuple[tuple[Choice, tuple[ChoiceView, ...]], ...] = tuple(
            (ch, () if ch.label in templates else tuple(_new(ChoiceView, (ch.id, ch.label, True, "", n)) for n in numbers))
            for ch in scene.choices
        )


def plan_of(story: Story) -> Plan:
    """The story's plan, made on first use."""
    try:
        return story._plan  # type: ignore[no-any-return]
    except AttributeError:
        plan = Plan(story)
        object.__setattr__(story, "_plan", plan)
        return plan
