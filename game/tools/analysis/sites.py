"""Where conditions are: every condition a scene exposes, with the role it plays (``passage``, ``if``,
``requires``, ``route``, and inside text ``text``, ``label``, ``result``), and the effects a scene can run.

Tools that judge conditions iterate over these, so a new kind of condition needs adding here only."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ...engine import Choice, Condition, Effect, Scene, Story
from ...engine.conditions import Binary, Call, Node, Unary


@dataclass(frozen=True, slots=True)
class Site:
    """Where a condition sits: in which scene, and as what (``passage``, ``if``, ``requires`` or ``route``; and,
    inside text, ``text``, ``label`` or ``result``)."""

    scene: Scene
    role: str
    condition: Condition
    choice: Choice | None = None
    route: int = -1


def condition_sites(scene: Scene) -> Iterator[Site]:
    """Every condition in a scene, in the order they appear."""
    for passage in scene.text:
        if passage.when is not None:
            yield Site(scene, "passage", passage.when)
    for choice in scene.choices:
        if choice.visible_if is not None:
            yield Site(scene, "if", choice.visible_if, choice)
        if choice.enabled_if is not None:
            yield Site(scene, "requires", choice.enabled_if, choice)
        for k, route in enumerate(choice.routes):
            if route.when is not None:
                yield Site(scene, "route", route.when, choice, k)


def text_sites(story: Story, scene: Scene) -> Iterator[Site]:
    """The conditions of ``{if ...}`` spans in the text a player reads in ``scene``: its title, place, date and
    body (``text``: read as the scene is entered), its choices' labels and reasons (``label``), and their results
    (``result``: read after the choice's effects). Text never decides where the story goes: the tools that judge
    conditions read these, and none branches on them."""
    templates = story.templates
    for source in (scene.title, scene.place, scene.date):
        template = templates.get(source)
        if template is not None and template.source:
            for c in template.conditions():
                yield Site(scene, "text", c)
    for passage in scene.text:
        for para in passage.paragraphs:
            if para.source:
                for c in para.conditions():
                    yield Site(scene, "text", c)
    for choice in scene.choices:
        for source in (choice.label, choice.reason):
            template = templates.get(source)
            if template is not None and template.source:
                for c in template.conditions():
                    yield Site(scene, "label", c, choice)
        for para in choice.result:
            if para.source:
                for c in para.conditions():
                    yield Site(scene, "result", c, choice)


def calls_in(node: Node) -> set[tuple[str, str]]:
    """Every ``visited(x)`` / ``chose(x.y)`` in a condition, as (function, argument)."""
    if isinstance(node, Call):
        return {(node.func, node.arg)}
    if isinstance(node, Unary):
        return calls_in(node.operand)
    if isinstance(node, Binary):
        return calls_in(node.left) | calls_in(node.right)
    return set()


def story_effects(scene: Scene) -> Iterator[tuple[Effect, Choice | None]]:
    """A scene's effects: its ``on_enter`` (choice None) and each choice's."""
    for e in scene.on_enter:
        yield e, None
    for choice in scene.choices:
        for e in choice.effects:
            yield e, choice
