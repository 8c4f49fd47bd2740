"""Playing a story: the State and the Game, the one public API the TUI, saves, replays and tools use.

The UI asks "what text, what choices?" and says "choose this one". Everything is deterministic:
story + seed + choice log always give the same state (chance routes roll from the seed and the step number).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .conditions import Binary, Name, Num
from .model import Choice, Effect, Ending, Scene, Story

Value = int | bool
_MASK = (1 << 64) - 1


class ChoiceError(Exception):
    """A choice that cannot be taken here: unknown, hidden, disabled, or the story has ended."""


class ReplayError(Exception):
    """A choice log that no longer applies to the story; ``step`` is 1-based."""

    def __init__(self, step: int, scene: str, choice: str, message: str) -> None:
        super().__init__(f"step {step}: {message}")
        self.step = step
        self.scene = scene
        self.choice = choice
        self.message = message


@dataclass(slots=True)
class State:
    """Everything that changes during play. Compare two states with ``==``; copy with ``copy()``."""

    scene: str
    values: list[Value]
    visited: set[str]
    chosen: set[str]
    log: list[tuple[str, str]]
    seed: int = 0

    def copy(self) -> State:
        return State(self.scene, list(self.values), set(self.visited), set(self.chosen), list(self.log), self.seed)

    @property
    def turn(self) -> int:
        return len(self.log)

    def to_dict(self, story: Story) -> dict:
        """A plain, JSON/YAML-friendly snapshot (names, not slots)."""
        return {
            "scene": self.scene,
            "trust": {f.id: self.values[f.slot] for f in story.factions.values()},
            "variables": {v.id: self.values[v.slot] for v in story.variables.values()},
            "visited": sorted(self.visited),
            "chosen": sorted(self.chosen),
            "log": [f"{s}.{c}" for s, c in self.log],
            "seed": self.seed,
        }


@dataclass(frozen=True, slots=True)
class TrustChange:
    faction: str
    before: int
    after: int

    @property
    def delta(self) -> int:
        return self.after - self.before


@dataclass(frozen=True, slots=True)
class VariableChange:
    name: str
    before: Value
    after: Value


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one choice did: where it led and what it changed (on the choice and on entering the scene)."""

    scene_from: str
    choice: str
    scene_to: str
    trust: tuple[TrustChange, ...] = ()
    variables: tuple[VariableChange, ...] = ()
    ending: Ending | None = None
    state: State | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class ChoiceView:
    """A visible choice as the player sees it."""

    id: str
    label: str
    enabled: bool
    reason: str
    number: int  # 1-based position among visible choices


def roll(seed: int, step: int, k: int) -> int:
    """A deterministic number 0..99 from the seed, the step and the route index (splitmix64)."""
    z = (seed * 0x9E3779B97F4A7C15 + (step + 1) * 0xBF58476D1CE4E5B9 + (k + 1) * 0x94D049BB133111EB) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return (z ^ (z >> 31)) % 100


def apply_effects(story: Story, effects: Iterable[Effect], values: list[Value]) -> None:
    """Apply effects in place. Trust is clamped to each faction's range; variables are not clamped."""
    lows, highs = story.lows, story.highs
    for e in effects:
        s = e.slot
        kind = e.kind
        if kind == "trust":
            v = values[s] + e.amount  # type: ignore[operator]
            lo, hi = lows[s], highs[s]
            values[s] = lo if v < lo else min(v, hi)
        elif kind == "fair":
            v = values[s]
            amt = int(e.amount)
            # Rounded toward the starting value, so a meter approaches its ends but never pins there.
            if amt >= 0:
                values[s] = v + (highs[s] - v) * amt // 100  # type: ignore[operator]
            else:
                values[s] = v - (v - lows[s]) * -amt // 100  # type: ignore[operator]
        elif kind == "set":
            values[s] = e.amount
        else:  # add
            values[s] = values[s] + e.amount  # type: ignore[operator]


class Game:
    """One playthrough of a story. ``Game(story, seed)`` starts a new game in the start scene."""

    __slots__ = ("state", "story")

    def __init__(self, story: Story, seed: int = 0, *, state: State | None = None) -> None:
        self.story = story
        if state is not None:
            self.state = state
            return
        self.state = State(story.start, list(story.defaults), set(), set(), [], seed)
        self._enter(story.scenes[story.start])

    # ------------------------------------------------------------------------------- reading

    @property
    def scene(self) -> Scene:
        return self.story.scenes[self.state.scene]

    @property
    def ending(self) -> Ending | None:
        scene = self.scene
        return self.story.endings.get(scene.ending) if scene.ending else None

    @property
    def turn(self) -> int:
        return len(self.state.log)

    def value(self, name: str) -> Value:
        """The current value of a variable or of a faction's trust."""
        story = self.story
        item = story.factions.get(name) or story.variables.get(name)
        if item is None:
            raise KeyError(name)
        return self.state.values[item.slot]

    def trust(self) -> dict[str, int]:
        """Trust per faction, in the manifest's order."""
        v = self.state.values
        return {f.id: int(v[f.slot]) for f in self.story.factions.values()}

    def variables(self) -> dict[str, Value]:
        v = self.state.values
        return {var.id: v[var.slot] for var in self.story.variables.values()}

    def text(self) -> list[str]:
        """The current scene's paragraphs, with conditional passages resolved and values interpolated."""
        st = self.state
        out: list[str] = []
        for passage in self.scene.text:
            if passage.when is None or passage.when.test(st.values, st.visited, st.chosen):
                out.extend(t.render(st.values) for t in passage.paragraphs)
        return out

    def choices(self) -> list[ChoiceView]:
        """The visible choices, each enabled or disabled with the reason."""
        st = self.state
        views: list[ChoiceView] = []
        for choice in self.scene.choices:
            if choice.visible_if is not None and not choice.visible_if.test(st.values, st.visited, st.chosen):
                continue
            enabled = choice.enabled_if is None or bool(choice.enabled_if.test(st.values, st.visited, st.chosen))
            reason = "" if enabled else (choice.reason or describe_requirement(self.story, choice))
            views.append(ChoiceView(choice.id, choice.label, enabled, reason, len(views) + 1))
        return views

    def available(self) -> list[Choice]:
        """The choices that can be taken now (visible and enabled). Fast; used by playtest tools."""
        st = self.state
        v, s, c = st.values, st.visited, st.chosen
        return [
            ch
            for ch in self.scene.choices
            if (ch.visible_if is None or ch.visible_if.test(v, s, c))
            and (ch.enabled_if is None or ch.enabled_if.test(v, s, c))
        ]

    # ------------------------------------------------------------------------------- playing

    def choose(self, choice_id: str) -> Outcome:
        """Take a choice by its id. Returns what changed; raises ChoiceError if it cannot be taken."""
        scene = self.scene
        if scene.ending:
            raise ChoiceError(f"the story has ended (ending {scene.ending!r}); there is nothing to choose")
        choice = scene.choice(choice_id)
        if choice is None:
            raise ChoiceError(f"scene {scene.id!r} has no choice {choice_id!r}")
        st = self.state
        if choice.visible_if is not None and not choice.visible_if.test(st.values, st.visited, st.chosen):
            raise ChoiceError(f"choice {choice_id!r} is hidden here")
        if choice.enabled_if is not None and not choice.enabled_if.test(st.values, st.visited, st.chosen):
            raise ChoiceError(f"choice {choice_id!r} is disabled: {choice.reason or describe_requirement(self.story, choice)}")
        before = list(st.values)
        self.step(choice)
        after = st.values
        story = self.story
        trust = tuple(
            TrustChange(f.id, int(before[f.slot]), int(after[f.slot]))
            for f in story.factions.values()
            if before[f.slot] != after[f.slot]
        )
        variables = tuple(
            VariableChange(v.id, before[v.slot], after[v.slot])
            for v in story.variables.values()
            if before[v.slot] != after[v.slot]
        )
        return Outcome(scene.id, choice.id, st.scene, trust, variables, self.ending, st)

    def step(self, choice: Choice) -> None:
        """Take ``choice`` without checks or events (the caller knows it is available). The hot path."""
        st = self.state
        if choice.effects:
            apply_effects(self.story, choice.effects, st.values)
        st.chosen.add(choice.key)
        st.log.append((st.scene, choice.id))
        target = self._route(choice)
        self._enter(self.story.scenes[target])

    def _route(self, choice: Choice) -> str:
        routes = choice.routes
        if len(routes) == 1:
            return routes[0].target
        st = self.state
        step = len(st.log)
        for k, r in enumerate(routes):
            if r.when is not None and not r.when.test(st.values, st.visited, st.chosen):
                continue
            if r.chance is not None and roll(st.seed, step, k) >= r.chance:
                continue
            return r.target
        return routes[-1].target

    def _enter(self, scene: Scene) -> None:
        st = self.state
        st.scene = scene.id
        if scene.on_enter:
            apply_effects(self.story, scene.on_enter, st.values)
        st.visited.add(scene.id)

    # ----------------------------------------------------------------------- replays & copies

    @classmethod
    def replay(cls, story: Story, seed: int, log: Iterable[tuple[str, str]]) -> Game:
        """Rebuild a game by replaying a choice log from the start. Raises ReplayError naming the step."""
        game = cls(story, seed)
        for i, (scene_id, choice_id) in enumerate(log, 1):
            here = game.state.scene
            if scene_id not in story.scenes:
                raise ReplayError(i, scene_id, choice_id, f"scene {scene_id!r} no longer exists")
            if scene_id != here:
                raise ReplayError(
                    i, scene_id, choice_id, f"expected to be in scene {scene_id!r} but the story led to {here!r}"
                )
            try:
                game.choose(choice_id)
            except ChoiceError as exc:
                raise ReplayError(i, scene_id, choice_id, str(exc)) from None
        return game

    def snapshot(self) -> State:
        """A copy of the current state, safe to keep while play goes on."""
        return self.state.copy()

    def fork(self) -> Game:
        return Game(self.story, state=self.state.copy())


def describe_requirement(story: Story, choice: Choice) -> str:
    """A readable reason for a disabled choice when the author gave none."""
    cond = choice.enabled_if
    if cond is None:
        return ""
    node = cond.node
    if isinstance(node, Binary) and isinstance(node.left, Name) and isinstance(node.right, Num):
        faction = story.factions.get(node.left.name)
        if faction is not None:
            words = {">=": "at least", ">": "more than", "<=": "at most", "<": "less than", "==": "exactly"}
            if node.op in words:
                return f"Needs {faction.name} trust {words[node.op]} {node.right.value}."
    if isinstance(node, Name):
        var = story.variables.get(node.name)
        if var is not None and var.description:
            return f"Needs: {var.description}"
    return f"Needs: {cond.source}"
