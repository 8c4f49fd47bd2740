"""What play produces: the ``State`` a game changes, the ``Outcome`` of a choice with the changes it made, and the
``Header`` and ``ChoiceView`` a screen shows. Plain records, made by ``game.engine.game`` and read by everyone.
"""

from __future__ import annotations

from typing import NamedTuple

from .model import Ending, Faction, Story
from .records import field, record

Value = int | bool


@record(frozen=False)
class State:
    """Everything that changes during play. Compare two states with ``==``; copy with ``copy()``.

    ``counts`` holds how many times a scene was entered (by scene id) or a choice taken (by 'scene.choice'), kept
    only for the scenes and choices whose text varies with it."""

    scene: str
    values: list[Value]
    visited: set[str]
    chosen: set[str]
    log: list[tuple[str, str]]
    seed: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def copy(self) -> State:
        return State(
            self.scene, list(self.values), set(self.visited), set(self.chosen), list(self.log), self.seed,
            dict(self.counts),
        )

    @property
    def turn(self) -> int:
        return len(self.log)

    def to_dict(self, story: Story) -> dict:
        """A plain, JSON/YAML-friendly snapshot (names, not slots)."""
        out = {
            "scene": self.scene,
            "trust": {f.id: self.values[f.slot] for f in story.factions.values()},
            "variables": {v.id: self.values[v.slot] for v in story.variables.values()},
            "visited": sorted(self.visited),
            "chosen": sorted(self.chosen),
            "log": [f"{s}.{c}" for s, c in self.log],
            "seed": self.seed,
        }
        names = {f.id: _name_id(f, self.values) for f in story.factions.values() if f.name_slot >= 0}
        if any(names.values()):
            out["names"] = {k: v for k, v in names.items() if v}
        if self.counts:
            out["counts"] = dict(sorted(self.counts.items()))
        return out


def _name_id(faction: Faction, values: list[Value]) -> str:
    n = int(values[faction.name_slot])
    return faction.names[n - 1][0] if 0 < n <= len(faction.names) else ""


# The small records a choice produces are named tuples: made in C, which matters when a screen's worth of them is
# built for every step (rendered play runs at hundreds of thousands of choices a second).


class TrustChange(NamedTuple):
    faction: str
    before: int
    after: int

    @property
    def delta(self) -> int:
        return self.after - self.before


class VariableChange(NamedTuple):
    name: str
    before: Value
    after: Value


class NameChange(NamedTuple):
    """A faction renamed by the choice: its display names before and after."""

    faction: str
    before: str
    after: str


@record(frozen=False)  # made on every step of rendered play, and a frozen record's stores cost more
class Outcome:
    """What one choice did: where it led, what it changed (on the choice and on entering the scene), and its
    result: the aftermath paragraphs the story shows before the next scene. A record: read it, do not change it."""

    scene_from: str
    choice: str
    scene_to: str
    trust: tuple[TrustChange, ...] = ()
    variables: tuple[VariableChange, ...] = ()
    ending: Ending | None = None
    state: State | None = field(default=None, compare=False)
    result: tuple[str, ...] = ()
    names: tuple[NameChange, ...] = ()

    # Written out rather than made by @record: one is made on every step of rendered play and of a replay, and plain
    # assignments cost a fraction of a generic __init__'s stores. Keep it in step with the fields above (a test does).
    def __init__(
        self, scene_from: str, choice: str, scene_to: str, trust: tuple[TrustChange, ...] = (),
        variables: tuple[VariableChange, ...] = (), ending: Ending | None = None, state: State | None = None,
        result: tuple[str, ...] = (), names: tuple[NameChange, ...] = (),
    ) -> None:
        self.scene_from = scene_from
        self.choice = choice
        self.scene_to = scene_to
        self.trust = trust
        self.variables = variables
        self.ending = ending
        self.state = state
        self.result = result
        self.names = names


class ChoiceView(NamedTuple):
    """A visible choice as the player sees it (label and reason rendered)."""

    id: str
    label: str
    enabled: bool
    reason: str
    number: int  # 1-based position among visible choices


class Header(NamedTuple):
    """A scene's heading as the player sees it, rendered: title, place, date and the chapter's title."""

    title: str
    place: str
    date: str
    chapter: str
