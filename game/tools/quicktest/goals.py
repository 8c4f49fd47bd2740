"""What quicktest decides, and where each thing is read.

A **goal** is a kind of state a playthrough may or may not reach: a scene entered, a choice that can be taken, a
condition read with a given result, a dead end, or (for the trap analysis) a choice that cannot be taken. Every
verdict quicktest gives is about goals: reachable (with a playable path), proven unreachable, or undecided.

Conditions are read at one of two points: as a scene is entered (passages, ``if``, ``requires``, text spans,
labels) or after a choice's effects (routes, and the spans of its result). The **plan** of a scene lists, in the
engine's order, every condition read there and the goal each result stands for, so that every search observes
the same things the same way. New kinds of condition only need a role in ``analysis.sites``: the sites come from
``condition_sites`` and ``text_sites``, and any role other than those that gate play (``if``, ``requires``,
``route``) is a read at the point its role names.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ...engine import Choice, Condition, Pos, Route, Scene, Story
from ..analysis import Site, condition_sites, on_cycles, text_sites
from .logic import reads

GATES = ("if", "requires", "route")  # the roles that decide where play can go
AFTER = ("route", "result")  # read after the choice's effects; every other role as the scene is entered


@dataclass(frozen=True, slots=True)
class SiteInfo:
    """One condition as written, with every place it is read (a shared route list or a repeated label is
    written once and read in several places, and has one verdict)."""

    index: int
    role: str
    condition: Condition
    scene: str  # the first scene it is read in
    choice: str  # the first choice it belongs to ('' for passages and scene text)


@dataclass(frozen=True, slots=True)
class Goal:
    """A kind of state: ``kind`` is 'scene', 'choice' (it can be taken), 'blocked' (it cannot), 'dead_end' or
    'condition' (site ``site`` read with result ``outcome``). ``after``: read after a choice's effects, so a path
    to it ends with that choice."""

    kind: str
    scene: str
    choice: str = ""
    site: int = -1
    outcome: bool = True
    after: bool = False

    def __str__(self) -> str:
        if self.kind == "condition":
            return f"condition #{self.site} {'true' if self.outcome else 'false'} ({self.scene})"
        return f"{self.kind} {self.choice or self.scene}"


@dataclass(slots=True)
class ChoicePlan:
    """A choice, and the goals its conditions stand for (-1: none)."""

    choice: Choice
    index: int
    goal: int  # it can be taken
    blocked: int  # it cannot be taken
    visible_site: int
    enabled_site: int
    once: bool  # a once-only choice in a scene that can be entered again (elsewhere 'once' changes nothing)
    labels: list[tuple[Condition, int]] = field(default_factory=list)
    results: list[tuple[Condition, int]] = field(default_factory=list)
    route_sites: list[int] = field(default_factory=list)  # per route


@dataclass(slots=True)
class ScenePlan:
    scene: Scene
    goal: int
    dead_end: int  # -1 for an ending
    entry: list[tuple[Condition, int]] = field(default_factory=list)  # passages and text spans, in order
    choices: list[ChoicePlan] = field(default_factory=list)
    simple: bool = True  # no fallback and no once-only choice that matters: each choice decides alone


class Goals:
    """Every goal of a story, the sites of its conditions, and each scene's plan."""

    def __init__(self, story: Story) -> None:
        self.story = story
        self.slot_of = {**{f.id: f.slot for f in story.factions.values()}, **{v.id: v.slot for v in story.variables.values()}}
        self.goals: list[Goal] = []
        self.sites: list[SiteInfo] = []
        self._site_index: dict[tuple[Pos, str, str], int] = {}
        self.true_goal_of: list[int] = []  # site -> the goal 'read as true'
        self.false_goal_of: list[int] = []
        self.scene_goal: dict[str, int] = {}
        self.choice_goal: dict[str, int] = {}
        self.blocked_goal: dict[str, int] = {}
        self.dead_goal: dict[str, int] = {}
        self.plans: dict[str, ScenePlan] = {}
        succ = {s.id: sorted({r.target for c in s.choices for r in c.routes}) for s in story.scenes.values()}
        self.cyclic = on_cycles(story.scenes, succ)
        self.successors = succ
        for scene in story.scenes.values():
            self.scene_goal[scene.id] = self._add(Goal("scene", scene.id))
        for scene in story.scenes.values():
            self.plans[scene.id] = self._plan(scene)
        # What decides each goal where it is read: the initial view of a search aimed at it.
        self.decides: list[tuple[frozenset[int], frozenset[str]]] = [self._decides(g) for g in self.goals]

    # -- building ----------------------------------------------------------------------------------------

    def _add(self, goal: Goal) -> int:
        self.goals.append(goal)
        return len(self.goals) - 1

    def _site(self, site: Site) -> int:
        """The site's index; its two condition goals (read as true, read as false) are made with it."""
        c = site.condition
        key = (c.pos, site.role, c.source)
        found = self._site_index.get(key)
        if found is not None:
            return found
        index = len(self.sites)
        self.sites.append(SiteInfo(index, site.role, c, site.scene.id, site.choice.key if site.choice else ""))
        self._site_index[key] = index
        after = site.role in AFTER
        choice = site.choice.key if site.choice else ""
        self.true_goal_of.append(self._add(Goal("condition", site.scene.id, choice, index, True, after)))
        self.false_goal_of.append(self._add(Goal("condition", site.scene.id, choice, index, False, after)))
        return index

    def _plan(self, scene: Scene) -> ScenePlan:
        dead = -1 if scene.ending else self._add(Goal("dead_end", scene.id))
        if dead >= 0:
            self.dead_goal[scene.id] = dead
        plan = ScenePlan(scene, self.scene_goal[scene.id], dead)
        by_choice: dict[str, ChoicePlan] = {}
        for i, choice in enumerate(scene.choices):
            once = choice.once and scene.id in self.cyclic
            cp = ChoicePlan(
                choice, i, self._add(Goal("choice", scene.id, choice.key)), self._add(Goal("blocked", scene.id, choice.key)),
                -1, -1, once, route_sites=[-1] * len(choice.routes),
            )
            self.choice_goal[choice.key] = cp.goal
            self.blocked_goal[choice.key] = cp.blocked
            by_choice[choice.key] = cp
            plan.choices.append(cp)
            if once or choice.fallback:
                plan.simple = False
        for site in _sites(self.story, scene):
            index = self._site(site)
            owner = by_choice.get(site.choice.key) if site.choice is not None else None
            if site.role == "if" and owner is not None:
                owner.visible_site = index
            elif site.role == "requires" and owner is not None:
                owner.enabled_site = index
            elif site.role == "route" and owner is not None:
                owner.route_sites[site.route] = index
            elif site.role == "result" and owner is not None:
                owner.results.append((site.condition, index))
            elif site.role == "label" and owner is not None:
                owner.labels.append((site.condition, index))
            else:
                plan.entry.append((site.condition, index))
        return plan

    def _decides(self, goal: Goal) -> tuple[frozenset[int], frozenset[str]]:
        slots: set[int] = set()
        facts: set[str] = set()
        for c in self.deciding(goal):
            s, f = reads(c.node, self.slot_of)
            slots.update(s)
            facts.update(f)
        plan = self.plans[goal.scene]
        for cp in plan.choices:
            if cp.once and (goal.kind == "dead_end" or (not plan.simple and goal.kind in ("choice", "blocked"))
                            or cp.choice.key == goal.choice):
                facts.add(cp.choice.key)
        return frozenset(slots), frozenset(facts)

    def deciding(self, goal: Goal) -> list[Condition]:
        """The conditions that decide a goal where it is read: a choice's own (and, where fallbacks or once-only
        choices make choices depend on each other, every choice's in the scene), and a condition with those of
        the choice it belongs to and the routes tried before it."""
        out: list[Condition] = []

        def add(conds: Iterable[Condition | None]) -> None:
            out.extend(c for c in conds if c is not None and c not in out)

        plan = self.plans[goal.scene]
        if goal.kind == "scene":
            return out
        if goal.kind == "condition":
            add([self.sites[goal.site].condition])
        if goal.kind == "dead_end" or (goal.kind in ("choice", "blocked") and not plan.simple):
            for cp in plan.choices:
                add((cp.choice.visible_if, cp.choice.enabled_if))
        if goal.choice:
            cp = next(c for c in plan.choices if c.choice.key == goal.choice)
            add((cp.choice.visible_if, cp.choice.enabled_if))
            if goal.kind == "condition" and self.sites[goal.site].role == "route":
                add(r.when for r in cp.choice.routes)
        return out

    def gate_conditions(self) -> list[Condition]:
        """Every condition that decides where play can go: choices' ``if`` and ``requires``, and routes."""
        out: dict[int, Condition] = {}
        for plan in self.plans.values():
            for cp in plan.choices:
                ch = cp.choice
                for c in (ch.visible_if, ch.enabled_if, *(r.when for r in ch.routes)):
                    if c is not None:
                        out.setdefault(id(c), c)
        return list(out.values())

    def gates(self, scene: str) -> list[Condition]:
        """The conditions on the ways into a scene: of the choices that lead there, and of their routes."""
        out: list[Condition] = []
        for s in self.story.scenes.values():
            for ch in s.choices:
                if any(r.target == scene for r in ch.routes):
                    for c in (ch.visible_if, ch.enabled_if, *(r.when for r in ch.routes)):
                        if c is not None and c not in out:
                            out.append(c)
        return out

    # -- reading -------------------------------------------------------------------------------------------

    def condition_goal(self, site: int, outcome: bool) -> int:
        return self.true_goal_of[site] if outcome else self.false_goal_of[site]

    def ending_scenes(self, ending: str) -> list[str]:
        return [s.id for s in self.story.scenes.values() if s.ending == ending]


def _sites(story: Story, scene: Scene) -> Iterable[Site]:
    """Every condition read in a scene: the ones that gate play (``condition_sites``) and those in its text."""
    yield from condition_sites(scene)
    yield from text_sites(story, scene)


def route_chance(route: Route) -> bool | None:
    """Whether a route's chance lets it apply: True (no chance, or 100 or more), False (0 or less), None (either)."""
    if route.chance is None or route.chance >= 100:
        return True
    return False if route.chance <= 0 else None
