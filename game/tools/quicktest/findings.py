"""From what the solver knows about each goal to the findings the report shows (``model.Quicktest``)."""

from __future__ import annotations

from ...engine import Story
from ...limits import SEED_MAX
from .book import Book
from .goals import Goals
from .model import (
    REACHABLE,
    UNDECIDED,
    UNREACHABLE,
    ConditionFinding,
    DeadEnd,
    Finding,
    Method,
    Path,
    Quicktest,
    Traps,
)
from .paths import find_seed


class Findings:
    """Builds the findings, finding a seed for each path reported (once per path)."""

    def __init__(self, story: Story, goals: Goals, book: Book, seed: int, seed_tries: int) -> None:
        self.story = story
        self.goals = goals
        self.book = book
        self.first_seed = seed
        self.seed_tries = seed_tries
        self._paths: dict[int, Path | None] = {}

    def verdict(self, g: int) -> str:
        if self.book.path[g] is not None:
            return REACHABLE
        return UNREACHABLE if self.book.proven[g] else UNDECIDED

    def path(self, g: int, with_seed: bool = True) -> Path | None:
        """The path to a reached goal, with a seed that plays it (None if not reached)."""
        if g in self._paths:
            return self._paths[g]
        steps = self.book.path[g]
        if steps is None:
            return None
        seed = self.book.seed[g]
        if seed is not None and seed > SEED_MAX:
            seed = None  # random play from a --seed near the top: a seed written must be one replay reads back
        if seed is None and with_seed:
            seed = find_seed(self.story, steps, self.first_seed, self.seed_tries)
        out = Path(steps, seed, self.book.shortest(g))
        if with_seed:
            self._paths[g] = out
        return out

    def build(self, traps: Traps, method: Method) -> Quicktest:
        story, goals, book = self.story, self.goals, self.book
        scenes = [
            Finding("scene", sid, sid, s.pos, self.verdict(g), self.path(g), book.how[g])
            for sid, s in story.scenes.items()
            for g in (goals.scene_goal[sid],)
        ]
        choices = [
            Finding("choice", c.key, s.id, c.pos, self.verdict(g), self.path(g), book.how[g])
            for s in story.scenes.values()
            for c in s.choices
            for g in (goals.choice_goal[c.key],)
        ]
        endings = [self.ending(eid) for eid in story.endings]
        conditions = []
        for site in goals.sites:
            t, f = goals.condition_goal(site.index, True), goals.condition_goal(site.index, False)
            conditions.append(ConditionFinding(
                site.role, site.condition.source, site.condition.pos, site.scene, site.choice,
                self.verdict(t), self.verdict(f), (self.path(t, False), self.path(f, False)),
            ))
        dead_ends = [
            DeadEnd(sid, s.pos, self.verdict(g), self.path(g))
            for sid, s in story.scenes.items()
            if (g := goals.dead_goal.get(sid, -1)) >= 0
        ]
        return Quicktest(story.id, story.title, scenes, choices, endings, conditions, dead_ends, traps, method)

    def ending(self, eid: str) -> Finding:
        """An ending is reached when one of its scenes is; its path is the shortest to any of them, proven shortest
        when no scene of that ending can be reached in fewer choices."""
        goals, book = self.goals, self.book
        ending = self.story.endings[eid]
        scenes = goals.ending_scenes(eid)
        gs = [goals.scene_goal[s] for s in scenes]
        reached = [g for g in gs if book.path[g] is not None]
        if reached:
            g = min(reached, key=lambda g: (book.length(g), g))
            path = self.path(g)
            assert path is not None
            least = min(book.lower[h] for h in gs)
            path = Path(path.steps, path.seed, path.length <= least)
            return Finding("ending", eid, goals.goals[g].scene, ending.pos, REACHABLE, path, book.how[g])
        first = scenes[0] if scenes else ""
        if all(book.proven[g] for g in gs):
            how = "; ".join(dict.fromkeys(book.how[g] for g in gs)) if gs else "no scene ends with it"
            return Finding("ending", eid, first, ending.pos, UNREACHABLE, None, how)
        return Finding("ending", eid, first, ending.pos, UNDECIDED, None, "")
