"""What quicktest knows about each goal so far: the shortest playable path found, a proof that none exists, and a
lower bound on the length of any path.

Every source adds to it: the exact search (real paths, and proofs when complete), random and aimed play (real
paths), searches over smaller views (proofs and lower bounds, never paths) and paths checked for real. A path is
proven shortest when it is no longer than the lower bound. Offers are kept in a fixed order (shorter wins, the
first offered on ties), so the result never depends on how the work was shared between processes.
"""

from __future__ import annotations

from collections.abc import Sequence

from .goals import Goals
from .search import SearchResult, Step

INFINITE = 10**9


class Contradiction(AssertionError):
    """A goal both reached and proven unreachable: a bug in quicktest, never in the story."""


Entry = tuple[str, int, tuple[Step, ...] | None, int | None, str, int]
"""One change to a book, as (what, goal, path, seed, how, bound): what it learned, in order, to replay elsewhere."""


class Book:
    def __init__(self, goals: Goals, logged: bool = False) -> None:
        n = len(goals.goals)
        self.goals = goals
        self.log: list[Entry] | None = [] if logged else None
        self.path: list[tuple[Step, ...] | None] = [None] * n
        self.seed: list[int | None] = [None] * n  # a seed known to play the path exactly
        self.how: list[str] = [""] * n  # what found the path, or what proved there is none
        self.lower: list[int] = [0] * n
        self.proven: list[bool] = [False] * n

    def known(self, g: int) -> bool:
        """Decided: reached, or proven unreachable."""
        return self.proven[g] or self.path[g] is not None

    def shortest(self, g: int) -> bool:
        path = self.path[g]
        return path is not None and len(path) <= self.lower[g]

    def length(self, g: int) -> int:
        path = self.path[g]
        return INFINITE if path is None else len(path)

    def offer(self, g: int, steps: Sequence[Step], seed: int | None, how: str) -> bool:
        """A real path to ``g``; kept if shorter than the one known. True if kept."""
        if self.proven[g]:
            raise Contradiction(f"{self.goals.goals[g]} was proven unreachable ({self.how[g]}), yet {how} reached it")
        if len(steps) < self.lower[g]:
            raise Contradiction(f"{how} reached {self.goals.goals[g]} in {len(steps)} choices, below the proven least {self.lower[g]}")
        if len(steps) >= self.length(g):
            return False
        self.path[g] = tuple(steps)
        self.seed[g] = seed
        self.how[g] = how
        if self.log is not None:
            self.log.append(("offer", g, self.path[g], seed, how, 0))
        return True

    def prove(self, g: int, how: str) -> None:
        if self.proven[g]:
            return
        if self.path[g] is not None:
            raise Contradiction(f"{self.goals.goals[g]} was reached ({self.how[g]}), yet {how} proved it unreachable")
        self.proven[g] = True
        self.how[g] = how
        self.lower[g] = INFINITE
        if self.log is not None:
            self.log.append(("prove", g, None, None, how, 0))

    def bound(self, g: int, at_least: int) -> None:
        if at_least > self.lower[g]:
            if at_least > self.length(g):
                raise Contradiction(f"{self.goals.goals[g]}: a path of {self.length(g)} choices, yet at least {at_least} proven")
            self.lower[g] = at_least
            if self.log is not None:
                self.log.append(("bound", g, None, None, "", at_least))

    def replay(self, log: list[Entry]) -> bool:
        """Learn what another book learned (``log``, in its order). True if anything was new here."""
        new = False
        for what, g, path, seed, how, at_least in log:
            if what == "offer":
                assert path is not None
                new |= self.path[g] is None and not self.proven[g]
                self.offer(g, path, seed, how)
            elif what == "prove":
                new |= not self.proven[g]
                self.prove(g, how)
            else:
                self.bound(g, at_least)
        return new

    def take_search(self, res: SearchResult, how: str) -> None:
        """What a search shows: lower bounds everywhere, proofs when it was complete, and real paths when its view
        was exact."""
        goals = self.goals.goals
        seen = res.seen
        exact = res.view.exact
        for g, goal in enumerate(goals):
            self.bound(g, res.lower_bound(g, goal.after))
            if g in seen:
                if exact:
                    path = res.witness(g)
                    assert path is not None
                    self.offer(g, path, None, how)
            elif res.complete:
                self.prove(g, how)
