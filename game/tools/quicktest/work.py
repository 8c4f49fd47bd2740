"""Sharing quicktest's work between processes (``--jobs``), so that the report never depends on how it was shared.

Random play and the deciding of open goals are cut into tasks that do not depend on each other: each starts from
the same knowledge, runs in a solver of its own (with a fresh book that logs what it learns), and its log is
replayed into the main book in the tasks' order. One job runs the same tasks, one after another, the same way.
Workers load the story themselves from its directory (the story is never sent between processes), and a worker
that finds a different story there (edited since the run began) says so instead of answering (``StoryChanged``;
a worker that dies raises ``WorkerLost``; ``game.tools.workers`` starts and stops them as randomtest's).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from .book import Entry

if TYPE_CHECKING:
    from .solve import Settings, Solver

# A task: ("play", first seed, runs, goals wanted) or ("decide", goals, every goal being decided). Its answer:
# (log, counts).
Task = tuple[Any, ...]
Answer = tuple[list[Entry], dict[str, Any]]


def perform(solver: Solver, task: Task) -> Answer:
    """Run one task in a solver of its own (sharing ``solver``'s story and searches' keys); see the module
    docstring."""
    sub = solver.spawn()
    if task[0] == "play":
        _, first, runs, wanted = task
        sub.play_batch(first, runs, frozenset(wanted))
    else:
        _, goals, watching = task
        sub.watch_for(watching)
        sub.decide(list(goals))
    assert sub.book.log is not None
    return sub.book.log, {"runs": sub.runs, "viewed": sub.viewed, "aimed": sub.aimed}


class Workers:
    """Runs tasks here (``jobs`` 1, or a story not loaded from a directory) or in a pool of processes, started
    and stopped by ``game.tools.workers`` (Ctrl-C reaches only this process, which stops the workers)."""

    def __init__(self, solver: Solver, jobs: int) -> None:
        self.solver = solver
        self.jobs = jobs if solver.story.root else 1
        self.pool: Any = None

    def map(self, tasks: Sequence[Task]) -> Iterator[Answer]:
        """The answers, in the tasks' order. Raises StoryChanged when a worker finds another story on disk,
        WorkerLost when one dies."""
        if self.jobs <= 1 or len(tasks) <= 1:
            for task in tasks:
                yield perform(self.solver, task)
            return
        from concurrent.futures.process import BrokenProcessPool

        from ..workers import StoryChanged, WorkerLost, sigint_ignored

        if self.pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            story = self.solver.story
            # 'spawn': a worker starts clean and loads the story itself, whatever the parent process holds.
            self.pool = ProcessPoolExecutor(
                self.jobs, mp_context=multiprocessing.get_context("spawn"), initializer=_start,
                initargs=(story.root, story.fingerprint, self.solver.settings),
            )
        try:
            with sigint_ignored():  # the first tasks start the workers: they must start ignoring Ctrl-C
                answers = self.pool.map(_work, tasks)
            for answer in answers:
                if isinstance(answer, str):
                    raise StoryChanged(answer)
                yield answer
        except BrokenProcessPool:
            raise WorkerLost("a worker process died before finishing its work (killed, or out of memory)") from None

    def close(self, clean: bool = True) -> None:
        """Stop the workers: at once unless the work finished."""
        if self.pool is not None:
            from ..workers import stop_pool

            stop_pool(self.pool, set(), clean)
            self.pool = None


_SOLVER: Solver | None = None
_ERROR = ""


def _start(path: str, fingerprint: str, settings: Settings) -> None:
    global _SOLVER, _ERROR
    from ...loader import StoryError, load_story
    from ..workers import start_worker
    from .solve import Solver

    start_worker()
    try:
        story = load_story(path)
    except StoryError as exc:
        _ERROR = f"a worker could not load the story: {exc}"
        return
    if story.fingerprint != fingerprint:
        _ERROR = "the story changed on disk while quicktest was running; run it again"
        return
    _SOLVER = Solver.of(story, settings, lambda _: None)


def _work(task: Task) -> Answer | str:
    if _SOLVER is None:
        return _ERROR or "a worker did not start"
    return perform(_SOLVER, task)
