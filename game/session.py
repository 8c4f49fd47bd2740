"""One playthrough as a front end sees it: the game, its history, its play time, undo and reload.

Pure Python (no Textual), built only on the engine's public API and shared by the full-screen game and plain
play, so screens stay thin and this logic is easy to test. The history (every scene read, the choice taken there
and the trust it moved) is recorded as play goes on, and rebuilt by replaying the choice log when a game is loaded,
undone or reloaded.

A game restored from a save's snapshot (the story changed under the save, so its log no longer replays) has no
history to rebuild: the session remembers the snapshot as its starting point (``restored``), so its trust history
starts from the snapshot's values, its earlier choices are listed from the log as they were recorded, and undo goes
back as far as the snapshot.

The play clock counts time in the story only: a front end stops it while the player is elsewhere (the title, a
menu, the ending) and touches it (``touch``) on every input, so that with an ``idle_limit`` a long silence counts
for no more than that limit.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .engine import (
    ChoiceError,
    Game,
    Header,
    NameChange,
    Outcome,
    ReplayError,
    Scene,
    State,
    Story,
    TrustChange,
)


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
    header: Header | None = None  # the scene's heading as it read then (title, place, date, chapter)


def _step(game: Game, choice_id: str) -> tuple[Step, Outcome]:
    """Take ``choice_id`` in ``game`` and describe what happened (raises the engine's ChoiceError when it cannot
    be taken)."""
    scene = game.scene
    header = game.header()
    title = header.title
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
        header,
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
        idle_limit: float | None = None,
    ) -> None:
        self.story = story
        self.game = game
        self.steps: list[Step] = steps if steps is not None else []
        self._clock = clock
        self._base_seconds = play_seconds
        self._started = clock()  # since the last touch (or start) of the running clock
        self._running = True
        self.idle_limit = idle_limit
        # Set when the game was restored from a save's snapshot: the state history starts from, and the log as it
        # was then (its choices no longer replay on this story).
        self.restored: State | None = None

    # ----------------------------------------------------------------------------- creating

    @classmethod
    def new(
        cls,
        story: Story,
        seed: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        idle_limit: float | None = None,
    ) -> Session:
        return cls(story, Game(story, seed), [], clock=clock, idle_limit=idle_limit)

    @classmethod
    def resume(
        cls,
        story: Story,
        game: Game,
        play_seconds: float = 0.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        idle_limit: float | None = None,
    ) -> Session:
        """A session for a loaded game: its history is rebuilt by replaying its log (which the loader checked)."""
        try:
            _replayed, steps = record(story, game.state.seed, game.state.log)
        except ReplayError:
            # The save loaded from its snapshot: its log does not replay. The snapshot is where history starts.
            session = cls(story, game, [], play_seconds=play_seconds, clock=clock, idle_limit=idle_limit)
            session.restored = game.snapshot()
            return session
        # The loaded state is the truth; the replayed history describes how it was reached.
        return cls(story, game, steps, play_seconds=play_seconds, clock=clock, idle_limit=idle_limit)

    # ----------------------------------------------------------------------------- reading

    @property
    def seed(self) -> int:
        return self.game.state.seed

    @property
    def scene(self) -> Scene:
        return self.game.scene

    @property
    def play_seconds(self) -> float:
        if not self._running:
            return self._base_seconds
        return self._base_seconds + self._since_touch()

    def _since_touch(self) -> float:
        elapsed = max(0.0, self._clock() - self._started)
        return elapsed if self.idle_limit is None else min(elapsed, self.idle_limit)

    @property
    def clock_running(self) -> bool:
        return self._running

    def touch(self) -> None:
        """The player did something: the time since the last touch counts (at most ``idle_limit`` of it)."""
        if self._running:
            self._base_seconds += self._since_touch()
        self._started = self._clock()

    def stop_clock(self) -> None:
        """The player left the story (a menu, the title, the ending): stop counting play time."""
        if self._running:
            self.touch()
            self._running = False

    def start_clock(self) -> None:
        """The player is back in the story: count play time again from now."""
        if not self._running:
            self._running = True
            self._started = self._clock()

    @property
    def can_undo(self) -> bool:
        floor = len(self.restored.log) if self.restored is not None else 0
        return len(self.game.state.log) > floor

    @property
    def restored_log(self) -> list[tuple[str, str]]:
        """The choices recorded before a restore from a snapshot (none for a game with its whole history)."""
        return list(self.restored.log) if self.restored is not None else []

    def last_changes(self) -> dict[str, TrustChange]:
        """Per faction, the most recent change to its trust (factions never changed are absent)."""
        last: dict[str, TrustChange] = {}
        for step in self.steps:
            for change in step.changes:
                last[change.faction] = change
        return last

    def trust_series(self) -> dict[str, list[int]]:
        """Per faction, its trust at the start and after every choice."""
        first = (
            Game(self.story, state=self.restored.copy()).trust()
            if self.restored is not None
            else Game(self.story, self.seed).trust()
        )
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
        """Undo the last choice by replaying the log without it (from the snapshot, for a restored game). False
        when there is nothing to undo."""
        if not self.can_undo:
            return False
        log = self.game.state.log
        try:
            if self.restored is None:
                self.game = Game.replay(self.story, self.seed, log[:-1])
            else:
                game = Game(self.story, state=self.restored.copy())
                for _scene, choice_id in log[len(self.restored.log) : -1]:
                    game.choose(choice_id)
                self.game = game
        except (ReplayError, ChoiceError):  # pragma: no cover - the same story replays its own log
            return False
        if self.steps:
            self.steps.pop()
        return True

    def reload(self, story: Story) -> None:
        """Switch to a reloaded story, replaying the log to keep the player's place.

        Raises ReplayError when the log no longer applies; the session is then unchanged.
        """
        game, steps = record(story, self.seed, self.game.state.log)
        self.story, self.game, self.steps = story, game, steps
        self.restored = None  # the whole log replays again: the history is complete

    def reload_until(self, story: Story, step: int) -> None:
        """Switch to ``story`` keeping only the choices before ``step`` (1-based), the ones that still apply."""
        game, steps = record(story, self.seed, self.game.state.log[: max(0, step - 1)])
        self.story, self.game, self.steps = story, game, steps
        self.restored = None
