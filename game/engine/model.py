"""The immutable story model: what the loader builds and the engine plays.

Every element keeps the ``Pos`` it was written at, so tools can point authors at file:line:col.
Factions' trust and variables live in one flat ``values`` list at play time; each has a slot index.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from .conditions import Evaluator, Node

Value = int | bool


class Pos(NamedTuple):
    """A place in a source file (1-based line and column).

    A named tuple rather than a dataclass: a large story has a hundred thousand of them, and the story cache
    rebuilds them all at once through ``tuple.__new__``, in C."""

    file: str = ""
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}" if self.line else self.file


NOWHERE = Pos()


@dataclass(frozen=True, slots=True)
class Condition:
    """A parsed, checked and compiled condition."""

    source: str
    node: Node
    test: Evaluator
    pos: Pos = NOWHERE

    def __call__(self, values: list, visited: set, chosen: set) -> bool:
        return bool(self.test(values, visited, chosen))


@dataclass(frozen=True, slots=True)
class Faction:
    id: str
    name: str
    description: str
    initial: int
    low: int
    high: int
    slot: int
    pos: Pos = NOWHERE


@dataclass(frozen=True, slots=True)
class Variable:
    id: str
    type: type  # int or bool
    default: Value
    slot: int
    description: str = ""
    low: int | None = None
    high: int | None = None
    pos: Pos = NOWHERE


@dataclass(frozen=True, slots=True)
class Chapter:
    id: str
    title: str
    order: int
    pos: Pos = NOWHERE


@dataclass(frozen=True, slots=True)
class Ending:
    id: str
    title: str
    pos: Pos = NOWHERE


@dataclass(frozen=True, slots=True)
class Location:
    id: str
    name: str
    pos: Pos = NOWHERE


@dataclass(frozen=True, slots=True)
class GlossaryEntry:
    term: str
    text: str
    kind: str  # 'historical', 'invented' or 'mixed'
    pos: Pos = NOWHERE


# Effect operations, applied in order. kind: 'trust' (flat, clamped), 'fair' (share of the remaining distance),
# 'set', 'add'.
@dataclass(frozen=True, slots=True)
class Effect:
    kind: str
    target: str
    slot: int
    amount: Value
    pos: Pos = NOWHERE


@dataclass(frozen=True, slots=True)
class Route:
    """One branch of a goto: taken when its condition holds and its chance (percent) rolls true."""

    target: str
    when: Condition | None = None
    chance: int | None = None
    pos: Pos = NOWHERE


@dataclass(frozen=True, slots=True)
class Template:
    """A paragraph of text with ``{name}`` holes; ``parts`` alternates literal strings and slot indices."""

    parts: tuple[str | int, ...]
    names: tuple[str, ...] = ()

    def render(self, values: list) -> str:
        if len(self.parts) == 1 and isinstance(self.parts[0], str):
            return self.parts[0]
        return "".join(p if isinstance(p, str) else _show(values[p]) for p in self.parts)


def _show(value: Value) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value)


@dataclass(frozen=True, slots=True)
class Passage:
    """Paragraphs shown when ``when`` holds (always, when it is None)."""

    paragraphs: tuple[Template, ...]
    when: Condition | None = None
    pos: Pos = NOWHERE


@dataclass(frozen=True, slots=True)
class Choice:
    id: str
    label: str
    routes: tuple[Route, ...]
    effects: tuple[Effect, ...] = ()
    visible_if: Condition | None = None
    enabled_if: Condition | None = None
    reason: str = ""
    key: str = ""  # 'scene.choice', the id saves and chose() use
    pos: Pos = NOWHERE

    @property
    def targets(self) -> tuple[str, ...]:
        return tuple(r.target for r in self.routes)


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class Story:
    """A loaded, validated story. Immutable; play it with ``game.engine.Game``."""

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

    def scene(self, scene_id: str) -> Scene:
        return self.scenes[scene_id]

    def chapter_of(self, scene: Scene) -> Chapter | None:
        return self.chapters.get(scene.chapter)

    def stats(self) -> dict[str, int]:
        """Counts an author wants: scenes, choices, endings, factions, variables, words of scene text."""
        words = 0
        for scene in self.scenes.values():
            for passage in scene.text:
                for para in passage.paragraphs:
                    for part in para.parts:
                        if isinstance(part, str):
                            words += len(part.split())
                        else:
                            words += 1
        return {
            "scenes": len(self.scenes),
            "choices": sum(len(s.choices) for s in self.scenes.values()),
            "endings": len(self.endings),
            "factions": len(self.factions),
            "variables": len(self.variables),
            "words": words,
        }

