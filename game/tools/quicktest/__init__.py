"""Quicktest: for every scene, choice and ending of a story, a playable path to it or a proof that none exists.

Unlike ChoiceScript's quicktest, which follows every branch whatever the state, this follows the real state, so
every path it reports can be played, and it calls nothing unreachable without a proof. How it decides (an exact
search, random and aimed play, and searches over small views refined by counterexamples) is in ``solve``; the
results are the data model in ``model``, which the text report, ``--json`` and ``qasas report`` all read.

    result = quicktest(story)            # Settings() budgets; every one a count, so the report is repeatable
    result.ok, result.complete           # nothing wrong and every verdict in / every verdict in
    result.scenes, result.choices, result.endings   # Findings: verdict, path (steps, seed, shortest), how
"""

from __future__ import annotations

import time
from collections.abc import Callable

from ...engine import Story
from . import model
from .findings import Findings
from .model import *  # the results' data model is public: model.__all__ says what it is
from .model import Method, Path, Quicktest, Traps
from .paths import find_seed
from .search import Step
from .solve import Settings, Solver
from .traps import exact_traps, loops, trap_search, traps_verdict

__all__ = ["Settings", "Step", "find_seed", "quicktest"]
__all__ += model.__all__


def quicktest(story: Story, settings: Settings | None = None, progress: Callable[[str], None] | None = None) -> Quicktest:
    """Decide every scene, choice, ending, condition, dead end and trap of ``story`` within ``settings``'
    budgets. ``progress`` is told what is being done, a phrase at a time."""
    settings = settings or Settings()
    started = time.perf_counter()
    solver = Solver.of(story, settings, progress or (lambda _: None))
    goals = solver.goals
    cyclic = loops(story, goals)
    kinds = [g.kind for g in goals.goals]
    scenes = [g.scene for g in goals.goals]

    def needed(g: int) -> bool:
        # Whether a choice can be blocked matters only to the trap analysis, and only where play can loop.
        return kinds[g] != "blocked" or scenes[g] in cyclic

    solver.run(needed)
    book = solver.book
    findings = Findings(story, goals, book, settings.seed, settings.seed_tries)
    exact = solver.exact_result
    assert exact is not None
    if exact.complete:
        count, nearest = exact_traps(story, goals, exact)
        path = None
        if nearest >= 0:
            steps = tuple(exact.path(nearest))
            path = Path(steps, find_seed(story, steps, settings.seed, settings.seed_tries), True)
        traps = Traps("found" if count else "none", count, path, "exact search")
    else:
        traps, unsafe = traps_verdict(story, goals, book, cyclic, findings.path)
        if unsafe:
            traps = _traps_by_search(solver, unsafe, settings) or traps
    method = Method(
        exact_states=exact.states, exact_complete=exact.complete, runs=solver.runs, searches=solver.searches,
        states=solver.states, walks=solver.aimed, jobs=settings.jobs,
    )
    result = findings.build(traps, method)
    result.method.elapsed = time.perf_counter() - started
    return result


def _traps_by_search(solver: Solver, unsafe: list[str], settings: Settings) -> Traps | None:
    """Traps decided by searching: the gates view (play is exact in it) when complete, else from the states
    known paths lead to in the scenes not shown safe."""
    story = solver.story
    gates = solver.gates()
    if gates is not None and gates.complete:
        count, nearest = exact_traps(story, solver.goals, gates)
        if not count:
            return Traps("none", 0, None, "search of everything that decides where play goes")
        steps = tuple(gates.path(nearest))
        seed = find_seed(story, steps, settings.seed, settings.seed_tries)
        return Traps("found", count, Path(steps, seed, True), "search of everything that decides where play goes")
    found = trap_search(solver.ctx, solver.book, unsafe, settings.max_states)
    if found is None:
        return None
    seed = find_seed(story, found, settings.seed, settings.seed_tries)
    return Traps("found", None, Path(found, seed, False), "no ending can be reached from where this path leads (searched)")
