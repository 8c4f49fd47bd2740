"""One playthrough as a front end sees it: the game, its history, its play time, undo and reload.

Pure Python (no Textual), built only on the engine's public API and shared by the full-screen game and plain
play, so screens stay thin and this logic is easy to test. The history (every scene read, the choice taken there and the trust it moved) is recorded as play goes on,
and rebuilt by replaying the choice log when a game is loaded, undone or reloaded.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .engine import Game, NameChange, Outcome, ReplayError, Scene, Story, TrustChange


@dataclass(frozen=True, slots=True)
class Step:
    """One choice taken: the scene it was taken in (its title and the text read there, as the player read them),
    the choice's label, what it changed and its result (the aftermath the story told)."""

    scene_id: str
    title: str
    paragraphs: tuple[str, ...]
    choice_id: str
    choice_label: str
    changes: tuple[TrustChange, ...]
    trust_after: dict[str, int] = field(hash=False, compare=False)
    scene_to: str = ""
    result: tuple[str, ...] = ()
    names: tuple[NameChange, ...] = ()


def _step(game: Game, choice_id: str) -> tuple[Step, Outcome]:
    """Take ``choice_id`` in ``game`` and describe what happened (raises the engine's ChoiceError when it cannot
    be taken)."""
    scene = game.scene
    title = game.header().title
    paragraphs = tuple(game.text())
    label = next((v.label for v in game.choices() if v.id == choice_id), "")
    outcome = game.choose(choice_id)
    step = Step(
        scene.id,
        title,
        paragraphs,
        choice_id,
        label,
        outcome.trust,
        game.trust(),
        outcome.scene_to,
        outcome.result,
        outcome.names,
    )
    return step, outcome


def record(story: Story, seed: int, log: Iterable[tuple[str, str]]) -> tuple[Game, list[Step]]:
    """Replay ``log`` from the start, checking it with ``Game.replay`` and recording every step.

    Raises ReplayError (step, scene, choice, message) when the log no longer applies to ``story``.
    """
    log = list(log)
    Game.replay(story, seed, log)  # the engine's own check, so the error names the step exactly as it would
    game = Game(story, seed)
    steps = [_step(game, choice_id)[0] for _scene_id, choice_id in log]
    return game, steps


class Session:
    """A game in progress, with its recorded history and play clock."""

    def __init__(
        self,
        story: Story,
        game: Game,
        steps: list[Step] | None = None,
        *,
        play_seconds: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.story = story
        self.game = game
        self.steps: list[Step] = steps if steps is not None else []
        self._clock = clock
        self._base_seconds = play_seconds
        self._started = clock()

    # ----------------------------------------------------------------------------- creating

    @classmethod
    def new(cls, story: Story, seed: int, *, clock: Callable[[], float] = time.monotonic) -> Session:
        return cls(story, Game(story, seed), [], clock=clock)

    @classmethod
    def resume(
        cls,
        story: Story,
        game: Game,
        play_seconds: float = 0.0,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> Session:
        """A session for a loaded game: its history is rebuilt by replaying its log (which the loader checked)."""
        try:
            _replayed, steps = record(story, game.state.seed, game.state.log)
        except ReplayError:
            # The save loaded (perhaps inexactly) but its log does not replay: keep the loaded state, no history.
            return cls(story, game, [], play_seconds=play_seconds, clock=clock)
        # The loaded state is the truth; the replayed history describes how it was reached.
        return cls(story, game, steps, play_seconds=play_seconds, clock=clock)

    # ----------------------------------------------------------------------------- reading

    @property
    def seed(self) -> int:
        return self.game.state.seed

    @property
    def scene(self) -> Scene:
        return self.game.scene

    @property
    def play_seconds(self) -> float:
        return self._base_seconds + max(0.0, self._clock() - self._started)

    @property
    def can_undo(self) -> bool:
        return bool(self.game.state.log)

    def last_changes(self) -> dict[str, TrustChange]:
        """Per faction, the most recent change to its trust (factions never changed are absent)."""
        last: dict[str, TrustChange] = {}
        for step in self.steps:
            for change in step.changes:
                last[change.faction] = change
        return last

    def trust_series(self) -> dict[str, list[int]]:
        """Per faction, its trust at the start and after every choice."""
        first = Game(self.story, self.seed).trust()
        series = {fid: [value] for fid, value in first.items()}
        for step in self.steps:
            for fid, value in step.trust_after.items():
                series.setdefault(fid, []).append(value)
        return series

    # ----------------------------------------------------------------------------- playing

    def choose(self, choice_id: str) -> tuple[Step, Outcome]:
        """Take a choice (raises the engine's ChoiceError when it cannot be taken) and record it."""
        step, outcome = _step(self.game, choice_id)
        self.steps.append(step)
        return step, outcome

    def undo(self) -> bool:
        """Undo the last choice by replaying the log without it. False when there is nothing to undo."""
        log = self.game.state.log
        if not log:
            return False
        try:
            self.game = Game.replay(self.story, self.seed, log[:-1])
        except ReplayError:  # pragma: no cover - the same story replays its own log
            return False
        del self.steps[len(log) - 1 :]
        return True

    def reload(self, story: Story) -> None:
        """Switch to a reloaded story, replaying the log to keep the player's place.

        Raises ReplayError when the log no longer applies; the session is then unchanged.
        """
        game, steps = record(story, self.seed, self.game.state.log)
        self.story, self.game, self.steps = story, game, steps

    def reload_until(self, story: Story, step: int) -> None:
        """Switch to ``story`` keeping only the choices before ``step`` (1-based), the ones that still apply."""
        game, steps = record(story, self.seed, self.game.state.log[: max(0, step - 1)])
        self.story, self.game, self.steps = story, game, steps
