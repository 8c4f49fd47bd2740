"""Quicktest's results as one data model: the text report, ``--json``, ``qasas report`` and the language server all
read this.

Every scene, choice and ending gets a ``Finding``: **reachable** (with a playable ``Path``), **unreachable**
(proven: no playthrough reaches it), or **undecided** (a limit was hit before either was shown). Conditions get
one verdict per result (can it be read as true? as false?), so "always true" means: read as true by some
playthrough, and proven never read as false. Dead ends and traps (states from which no ending can be reached)
are findings too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...engine import Pos
from .search import Step

__all__ = [  # the package's public API re-exports these (``quicktest/__init__``)
    "REACHABLE", "UNDECIDED", "UNREACHABLE", "ConditionFinding", "DeadEnd", "Finding", "Method", "Path", "Quicktest",
    "Traps",
]

REACHABLE = "reachable"
UNREACHABLE = "unreachable"
UNDECIDED = "undecided"


@dataclass(frozen=True, slots=True)
class Path:
    """A playable path: replaying ``steps``' choices with ``seed`` follows the same routes (``seed`` is None when
    no seed was found within the tries, which only a path through unlikely chance routes can need).
    ``shortest``: proven that no playthrough gets there in fewer choices."""

    steps: tuple[Step, ...]
    seed: int | None
    shortest: bool

    @property
    def length(self) -> int:
        """The number of choices."""
        return len(self.steps)

    def choices(self) -> list[str]:
        """The path as 'scene.choice' ids (a playthrough file's format)."""
        return [str(s) for s in self.steps]

    def to_data(self) -> dict[str, Any]:
        return {"path": self.choices(), "length": len(self.steps), "seed": self.seed, "shortest": self.shortest}


@dataclass(frozen=True, slots=True)
class Finding:
    """Quicktest's verdict on one scene, choice or ending. ``scene`` is the scene it is about (for an ending, the
    scene its path arrives in, or the first scene that ends with it); ``how`` says what decided it."""

    kind: str  # 'scene', 'choice' or 'ending'
    id: str  # a scene id, 'scene.choice', or an ending id
    scene: str
    pos: Pos
    verdict: str
    path: Path | None = None
    how: str = ""

    def to_data(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "verdict": self.verdict, "scene": self.scene, **_where(self.pos)}
        if self.path is not None:
            out.update(self.path.to_data())
        out["how"] = self.how
        return out


@dataclass(frozen=True, slots=True)
class ConditionFinding:
    """A condition as written, and whether some playthrough reads it as true, and as false, where it is read
    (``role``: passage, if, requires, route, text, label or result)."""

    role: str
    source: str
    pos: Pos
    scene: str
    choice: str
    true: str  # a verdict: can it be read as true?
    false: str
    paths: tuple[Path | None, Path | None] = (None, None)  # to a reading as true, as false

    @property
    def always(self) -> bool | None:
        """True: always true where read (proven); False: never true (proven); None: neither, or not known."""
        if self.true == REACHABLE and self.false == UNREACHABLE:
            return True
        if self.false == REACHABLE and self.true == UNREACHABLE:
            return False
        return None

    @property
    def decided(self) -> bool:
        return UNDECIDED not in (self.true, self.false)

    def to_data(self) -> dict[str, Any]:
        return {
            "condition": self.source, "role": self.role, "scene": self.scene, "choice": self.choice,
            **_where(self.pos), "true": self.true, "false": self.false, "always": self.always,
        }


@dataclass(frozen=True, slots=True)
class DeadEnd:
    """Whether a scene that is no ending can be reached with no choice to take."""

    scene: str
    pos: Pos
    verdict: str
    path: Path | None = None

    def to_data(self) -> dict[str, Any]:
        out: dict[str, Any] = {"scene": self.scene, "verdict": self.verdict, **_where(self.pos)}
        if self.path is not None:
            out.update(self.path.to_data())
        return out


@dataclass(frozen=True, slots=True)
class Traps:
    """States from which no ending can be reached: 'none' (proven), 'found' (with a path to the nearest one
    found, and how many there are when every state was searched) or 'undecided'."""

    verdict: str
    states: int | None = None
    path: Path | None = None
    how: str = ""

    def to_data(self) -> dict[str, Any]:
        out: dict[str, Any] = {"verdict": self.verdict, "states": self.states, "how": self.how}
        if self.path is not None:
            out.update(self.path.to_data())
        return out


@dataclass(slots=True)
class Method:
    """What quicktest did, for the report: the exact search, random play, the searches over smaller views."""

    exact_states: int = 0
    exact_complete: bool = False
    runs: int = 0  # random playthroughs
    searches: int = 0  # searches over smaller views
    states: int = 0  # states those searches kept, in all
    walks: int = 0  # aimed playthroughs
    views: list[list[str]] = field(default_factory=list)  # what the largest views tracked
    elapsed: float = 0.0
    jobs: int = 1

    def to_data(self) -> dict[str, Any]:
        return {
            "exact_states": self.exact_states, "exact_complete": self.exact_complete, "runs": self.runs,
            "searches": self.searches, "states": self.states, "walks": self.walks, "jobs": self.jobs,
        }


@dataclass(slots=True)
class Quicktest:
    """Everything quicktest found about one story."""

    story: str
    title: str
    scenes: list[Finding]
    choices: list[Finding]
    endings: list[Finding]
    conditions: list[ConditionFinding]
    dead_ends: list[DeadEnd]
    traps: Traps
    method: Method

    @property
    def complete(self) -> bool:
        """Every verdict is in: nothing undecided."""
        return (
            all(f.verdict != UNDECIDED for f in (*self.scenes, *self.choices, *self.endings))
            and all(c.decided for c in self.conditions)
            and all(d.verdict != UNDECIDED for d in self.dead_ends)
            and self.traps.verdict != UNDECIDED
        )

    def unreachable(self, kind: str) -> list[Finding]:
        """The scenes, choices or endings proven unreachable."""
        items = {"scene": self.scenes, "choice": self.choices, "ending": self.endings}[kind]
        return [f for f in items if f.verdict == UNREACHABLE]

    def undecided(self) -> list[Finding]:
        return [f for f in (*self.scenes, *self.choices, *self.endings) if f.verdict == UNDECIDED]

    def found_dead_ends(self) -> list[DeadEnd]:
        return [d for d in self.dead_ends if d.verdict == REACHABLE]

    def decided_conditions(self) -> list[ConditionFinding]:
        """Conditions proven to come out the same way wherever they are read."""
        return [c for c in self.conditions if c.always is not None]

    @property
    def problems(self) -> bool:
        """Something is wrong with the story: content no playthrough reaches, a dead end, or a trap."""
        return bool(
            self.unreachable("scene") or self.unreachable("choice") or self.unreachable("ending")
            or self.found_dead_ends() or self.traps.verdict == "found"
        )

    @property
    def ok(self) -> bool:
        """Every verdict is in and nothing is wrong."""
        return self.complete and not self.problems

    def to_data(self) -> dict[str, Any]:
        """The whole result as plain data (what ``--json`` prints)."""
        return {
            "story": self.story,
            "title": self.title,
            "complete": self.complete,
            "ok": self.ok,
            "elapsed_s": round(self.method.elapsed, 3),
            "method": self.method.to_data(),
            "scenes": [f.to_data() for f in self.scenes],
            "choices": [f.to_data() for f in self.choices],
            "endings": [f.to_data() for f in self.endings],
            "conditions": [c.to_data() for c in self.conditions],
            "dead_ends": [d.to_data() for d in self.dead_ends if d.verdict != UNREACHABLE],
            "traps": self.traps.to_data(),
        }


def _where(pos: Pos) -> dict[str, Any]:
    return {"file": pos.file, "line": pos.line, "column": pos.column}
