"""The immutable story model: what the loader builds and the engine plays.

Every element keeps the ``Pos`` it was written at, so tools can point authors at file:line:col.
Factions' trust and variables live in one flat ``values`` list at play time; each has a slot index.
"""

from __future__ import annotations

from .conditions import Evaluator, Node
from .pos import NOWHERE, Pos
from .records import field, record
from .text import Template

TYPE_CHECKING = False  # (not imported from typing: a warm start does not import typing at all)
if TYPE_CHECKING:
    from typing import Any, ClassVar

Value = int | bool


@record
class Condition:
    """A parsed, checked and compiled condition."""

    source: str
    node: Node
    test: Evaluator
    pos: Pos = NOWHERE

    def __call__(self, values: list, visited: set, chosen: set) -> bool:
        return bool(self.test(values, visited, chosen))


@record
class Faction:
    """A faction whose trust is a meter. ``name`` is its display name at the start; ``names`` are the other names a
    ``rename`` effect can give it (id, name), and ``name_slot`` the slot that holds which one it has now (0 for
    ``name``, n for ``names[n - 1]``; -1 when it has no other names)."""

    id: str
    name: str
    description: str
    initial: int
    low: int
    high: int
    slot: int
    pos: Pos = NOWHERE
    names: tuple[tuple[str, str], ...] = ()
    name_slot: int = -1


@record
class Variable:
    id: str
    type: type  # int or bool
    default: Value
    slot: int
    description: str = ""
    low: int | None = None
    high: int | None = None
    pos: Pos = NOWHERE


@record
class Chapter:
    id: str
    title: str
    order: int
    pos: Pos = NOWHERE


@record
class Ending:
    id: str
    title: str
    pos: Pos = NOWHERE


@record
class Location:
    id: str
    name: str
    pos: Pos = NOWHERE


@record
class GlossaryEntry:
    term: str
    text: str
    kind: str  # 'historical', 'invented' or 'mixed'
    pos: Pos = NOWHERE


# Effect operations, applied in order. kind: 'trust' (flat, clamped), 'fair' (share of the remaining distance),
# 'set', 'add', and 'rename' (a faction's name slot set to the number of one of its names).
@record
class Effect:
    kind: str
    target: str
    slot: int
    amount: Value
    pos: Pos = NOWHERE


@record
class Route:
    """One branch of a goto: taken when its condition holds and its chance (percent) rolls true."""

    target: str
    when: Condition | None = None
    chance: int | None = None
    pos: Pos = NOWHERE


@record
class Passage:
    """Paragraphs shown when ``when`` holds (always, when it is None)."""

    paragraphs: tuple[Template, ...]
    when: Condition | None = None
    pos: Pos = NOWHERE


@record
class RouteList:
    """A named list of routes, declared once (story-wide, or for one chapter) and used by any choice's ``goto``."""

    id: str
    routes: tuple[Route, ...]
    chapter: str = ""  # '' when story-wide
    pos: Pos = NOWHERE


@record
class Choice:
    """A choice in a scene. Its ``label`` and ``reason`` are the text as written (render them with ``Game``);
    ``result`` is the aftermath shown once it is taken, paragraph by paragraph."""

    id: str
    label: str
    routes: tuple[Route, ...]
    effects: tuple[Effect, ...] = ()
    visible_if: Condition | None = None
    enabled_if: Condition | None = None
    reason: str = ""
    key: str = ""  # 'scene.choice', the id saves and chose() use
    pos: Pos = NOWHERE
    once: bool = False  # hidden once it has been taken
    fallback: bool = False  # shown only when no other choice can be taken
    result: tuple[Template, ...] = ()
    shared: str = ""  # the named route list its goto uses, if any (``routes`` holds it spliced in)
    formerly: tuple[str, ...] = ()  # ids it had before a rename; saves that name them still load
    counted: bool = False  # its result varies with how many times it was taken, so the state counts them

    @property
    def targets(self) -> tuple[str, ...]:
        return tuple(r.target for r in self.routes)


@record
class Scene:
    id: str
    title: str
    chapter: str
    text: tuple[Passage, ...]
    choices: tuple[Choice, ...] = ()
    on_enter: tuple[Effect, ...] = ()
    place: str = ""
    date: str = ""
    location: str = ""
    ending: str = ""
    pos: Pos = NOWHERE
    formerly: tuple[str, ...] = ()  # ids it had before a rename; saves that name them still load
    counted: bool = False  # its text varies by visit, so the state counts its visits
    simple: bool = True  # no once-only or fallback choices: availability is each choice's own conditions

    @property
    def is_ending(self) -> bool:
        return bool(self.ending)

    def choice(self, choice_id: str) -> Choice | None:
        """The choice with this id, or None. A scan: a scene has a handful of choices, and a dict per scene would
        cost more to build (ten thousand of them in a large story) than it ever saves."""
        for choice in self.choices:
            if choice.id == choice_id:
                return choice
        return None


@record
class Story:
    """A loaded, validated story. Immutable; play it with ``game.engine.Game``."""

    __slots__ = ("_plan",)  # not a field: how the engine plays it fast (``game.engine.plan``), made on first play
    if TYPE_CHECKING:
        _plan: ClassVar[Any]

    id: str
    title: str
    start: str
    chapters: dict[str, Chapter]
    factions: dict[str, Faction]
    variables: dict[str, Variable]
    endings: dict[str, Ending]
    locations: dict[str, Location]
    glossary: dict[str, GlossaryEntry]
    scenes: dict[str, Scene]
    fingerprint: str = ""
    root: str = ""
    source_files: tuple[str, ...] = ()
    # Per slot: the new-game value, and the clamp bounds (factions' ranges; unbounded for variables).
    defaults: tuple[Value, ...] = ()
    slot_names: tuple[str, ...] = ()
    lows: tuple[int, ...] = ()
    highs: tuple[int, ...] = ()
    notice: str = ""  # the story's own content note, shown before play
    credits: str = ""
    # Every text outside scene bodies that has holes or spans (titles, labels, reasons, names...), by its source:
    # the engine renders a string through its template when it has one, and shows it as it is otherwise.
    templates: dict[str, Template] = field(default_factory=dict)
    routes: dict[str, RouteList] = field(default_factory=dict)
    # Former ids (scenes, and choices as 'scene.choice') -> the id they have now.
    renamed: dict[str, str] = field(default_factory=dict)

    def scene(self, scene_id: str) -> Scene:
        return self.scenes[scene_id]

    def render(self, source: str) -> str:
        """A text of the story shown outside play (its title, notice, credits), rendered as at the start of a new
        game; text with no braces comes back as it is. In play, use ``Game.render``."""
        template = self.templates.get(source)
        return source if template is None else template.render(list(self.defaults))

    def current_scene(self, scene_id: str) -> str:
        """The id a scene has now: ``scene_id`` itself, or the scene that lists it under ``formerly``. Saves and
        playthroughs name scenes by id; read through this, an old id still finds its scene."""
        return self.renamed.get(scene_id, scene_id) if self.renamed else scene_id

    def current_choice(self, scene_id: str, choice_id: str) -> tuple[str, str]:
        """(scene id, choice id) now for a choice recorded as ``scene_id.choice_id``, following the former ids of
        the scene and then of the choice (a choice's former ids are kept under its scene's id now)."""
        if not self.renamed:
            return scene_id, choice_id
        scene_id = self.renamed.get(scene_id, scene_id)
        key = self.renamed.get(f"{scene_id}.{choice_id}")
        return (scene_id, key.split(".", 1)[1]) if key else (scene_id, choice_id)

    def chapter_of(self, scene: Scene) -> Chapter | None:
        return self.chapters.get(scene.chapter)

    def stats(self) -> dict[str, int]:
        """Counts an author wants: scenes, choices, endings, factions, variables, words of scene text (every
        branch of a span counted once) and words of choices' results."""
        words = results = 0
        for scene in self.scenes.values():
            for passage in scene.text:
                words += sum(map(_words, passage.paragraphs))
            for choice in scene.choices:
                results += sum(map(_words, choice.result))
        return {
            "scenes": len(self.scenes),
            "choices": sum(len(s.choices) for s in self.scenes.values()),
            "endings": len(self.endings),
            "factions": len(self.factions),
            "variables": len(self.variables),
            "words": words,
            "result_words": results,
        }


def _words(template: Template) -> int:
    if template.source:
        return len(template.source.split())
    return sum(len(p.split()) if isinstance(p, str) else 1 for p in template.parts)
