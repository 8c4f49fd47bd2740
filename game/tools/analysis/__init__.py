"""Static analysis of a loaded story, shared by lint, graph and quicktest.

Everything here is an over-approximation of what play can do, so a tool may only conclude "never" from it:

* the **story graph**: scene -> scene edges, one per (choice, route);
* **value ranges**: for each faction and variable, an interval (or a set of booleans) that contains every value it
  can ever hold, from its starting value and the effects that can run;
* **condition verdicts**: for each condition, the set of results it can have ({True}, {False} or both), by interval
  arithmetic over the condition's AST;
* **per-scene ranges** (``flow``): the same, but at each point of the story, found by following every way into each
  scene (effects applied, the conditions passed on the way narrowing the ranges, joins where ways meet, loops widened
  to the story-wide ranges), so "pyd is never above 34 when this scene is reached" can be seen.

``analyse`` runs these to a fixed point: a choice whose condition can never hold is dropped, which may make scenes
unreachable, which removes their effects, which narrows the ranges, and so on. Each round only removes things that
cannot happen, so the result stays sound (tests/tools checks it against an exhaustive search of random stories).
It reads the story through its public model, plus the engine's ``apply_effects`` for the arithmetic of an effect.

The modules: ``graph`` (edges, reachability, components), ``sites`` (where conditions are), ``ranges`` (value
ranges and interval evaluation), ``flow`` (per-scene ranges); this one runs the fixed point. Import from here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ...engine import Condition, Effect, Story
from .flow import Flow, flow, refine
from .graph import Edge, edges_of, on_cycles, reachable, strongly_connected
from .ranges import BOTH, FALSE, INF, TRUE, Abstract, Env, Facts, Interval, abstract_eval, value_ranges
from .sites import Site, calls_in, condition_sites, story_effects, text_sites

__all__ = [
    "BOTH", "FALSE", "INF", "TRUE", "Abstract", "Analysis", "Edge", "Env", "Facts", "Flow", "Interval", "Site",
    "abstract_eval", "analyse", "calls_in", "condition_sites", "edges_of", "flow", "on_cycles", "reachable",
    "refine", "story_effects", "strongly_connected", "structure", "text_sites", "value_ranges",
]



@dataclass(slots=True)
class Analysis:
    """The fixed point: what can happen in some playthrough, over-approximated."""

    story: Story
    static_reachable: set[str]
    reachable: set[str]
    can_end: set[str]
    takeable: set[str]  # choice keys that can ever be taken
    routes: dict[str, tuple[bool, ...]]  # choice key -> which of its routes can ever be taken
    ranges: dict[int, Abstract]  # story-wide
    facts: Facts
    successors: dict[str, list[str]] = field(default_factory=dict)
    cyclic: set[str] = field(default_factory=set)
    flow: Flow | None = None

    def verdict(self, condition: Condition) -> frozenset[bool]:
        """The results ``condition`` can have anywhere in the story: {True}, {False} or both."""
        result = abstract_eval(condition.node, self.story, self.ranges, self.facts)
        assert isinstance(result, frozenset)
        return result

    def env_at(self, site: Site) -> Env | None:
        """The ranges where a condition is read (None: it is never read)."""
        if self.flow is None:
            return tuple(self.ranges[i] for i in range(len(self.ranges)))
        if site.role in ("passage", "if", "text", "label"):
            return self.flow.at.get(site.scene.id)
        assert site.choice is not None
        if site.role == "requires":
            return self.flow.requires.get(site.choice.key)
        envs = self.flow.route_envs.get(site.choice.key)
        if site.role == "result":  # read after the choice's effects, before any route is tried
            return envs[0] if envs else None
        return envs[site.route] if envs else None

    def site_verdict(self, site: Site) -> frozenset[bool]:
        """The results a condition can have where it is read: {True}, {False}, both, or none if never read."""
        env = self.env_at(site)
        if env is None:
            return frozenset()
        result = abstract_eval(site.condition.node, self.story, env, self.facts)
        assert isinstance(result, frozenset)
        return result

    def range_of(self, name: str, env: Env | None = None) -> Abstract:
        item = self.story.factions.get(name) or self.story.variables.get(name)
        assert item is not None
        return env[item.slot] if env is not None else self.ranges[item.slot]


def _edges(story: Story, keep: dict[str, tuple[bool, ...]] | None, takeable: set[str] | None) -> dict[str, list[str]]:
    succ: dict[str, list[str]] = {}
    for scene in story.scenes.values():
        out: list[str] = []
        for choice in scene.choices:
            if takeable is not None and choice.key not in takeable:
                continue
            for k, route in enumerate(choice.routes):
                if keep is not None and not keep[choice.key][k]:
                    continue
                if route.target not in out:
                    out.append(route.target)
        succ[scene.id] = out
    return succ


def _holds(story: Story, ranges: dict[int, Abstract], facts: Facts) -> Callable[[Condition | None], frozenset[bool]]:
    """A condition's possible results under ``ranges`` and ``facts`` (no condition: always true)."""

    def holds(c: Condition | None) -> frozenset[bool]:
        if c is None:
            return TRUE
        r = abstract_eval(c.node, story, ranges, facts)
        assert isinstance(r, frozenset)
        return r

    return holds


def structure(story: Story) -> tuple[object, ...]:
    """Everything ``analyse`` reads of a story, as one value: stories with equal structures have the same analysis
    (text, titles and labels are not part of it), so an editor can keep the analysis across edits to prose."""

    def cond(c: Condition | None) -> str | None:
        return c.source if c is not None else None

    def effects(es: Iterable[Effect]) -> tuple[tuple[str, str, int, object], ...]:
        return tuple((e.kind, e.target, e.slot, e.amount) for e in es)

    scenes = tuple(
        (s.id, s.ending, effects(s.on_enter), tuple(
            (c.key, cond(c.visible_if), cond(c.enabled_if), c.once, c.fallback, effects(c.effects),
             tuple((r.target, cond(r.when), r.chance) for r in c.routes))
            for c in s.choices
        ))
        for s in story.scenes.values()
    )
    factions = tuple((f.id, f.slot, f.low, f.high, f.initial, f.name_slot, len(f.names)) for f in story.factions.values())
    variables = tuple(
        (v.id, v.slot, v.type.__name__, v.default, v.low, v.high) for v in story.variables.values()
    )
    return (story.start, scenes, story.defaults, story.lows, story.highs, story.slot_names, factions, variables)


def analyse(story: Story, max_rounds: int = 64, trust_declared: bool = True, with_flow: bool = True) -> Analysis:
    """Run the analysis to its fixed point (see the module docstring). ``trust_declared``: see ``value_ranges``;
    ``with_flow``: also compute ranges per scene (lint does; quicktest needs only the story-wide ranges)."""
    static_succ = _edges(story, None, None)
    static_reach = reachable(story.start, static_succ)
    reach = set(static_reach)
    takeable = {c.key for s in story.scenes.values() for c in s.choices}
    routes = {c.key: tuple(True for _ in c.routes) for s in story.scenes.values() for c in s.choices}
    succ = static_succ
    ranges: dict[int, Abstract] = {}
    facts = Facts(set(story.scenes), set(takeable), {story.start})
    cyclic: set[str] = set()
    for _ in range(max_rounds):
        cyclic = on_cycles(sorted(reach), {k: v for k, v in succ.items() if k in reach})
        effects = []
        for sid in reach:
            scene = story.scenes[sid]
            for e, choice in story_effects(scene):
                if choice is None or choice.key in takeable:
                    effects.append((e, sid in cyclic))
        ranges = value_ranges(story, effects, trust_declared)
        facts = Facts(set(reach), {k for k in takeable if k.split(".", 1)[0] in reach}, {story.start})

        holds = _holds(story, ranges, facts)
        new_takeable: set[str] = set()
        new_routes: dict[str, tuple[bool, ...]] = {}
        for sid in reach:
            for choice in story.scenes[sid].choices:
                if True in holds(choice.visible_if) and True in holds(choice.enabled_if):
                    new_takeable.add(choice.key)
        for scene in story.scenes.values():
            for choice in scene.choices:
                flags = []
                blocked = False  # an earlier route always applies
                for route in choice.routes:
                    v = holds(route.when)
                    flags.append(not blocked and True in v)
                    if v == TRUE and route.chance is None:
                        blocked = True
                new_routes[choice.key] = tuple(flags)
        new_succ = _edges(story, new_routes, new_takeable)
        new_reach = reachable(story.start, new_succ)
        if new_takeable == takeable and new_routes == routes and new_reach == reach:
            break
        takeable, routes, succ, reach = new_takeable, new_routes, new_succ, new_reach
    # Then per scene: ranges at each point of the story, which see what the story-wide ranges cannot ("pyd is never
    # above 34 by the time this scene is reached"). Fewer scenes and choices make the facts sharper: repeat.
    fl: Flow | None = None
    if with_flow:
        for _ in range(max_rounds):
            fl = flow(story, ranges, facts)
            new_reach = set(fl.at)
            new_facts = Facts(new_reach, {k for k in fl.takeable if k.split(".", 1)[0] in new_reach}, {story.start})
            done = new_reach == reach and fl.takeable == takeable
            reach, takeable, routes, succ = new_reach, set(fl.takeable), dict(fl.routes), fl.successors
            for scene in story.scenes.values():
                for choice in scene.choices:
                    routes.setdefault(choice.key, tuple(False for _ in choice.routes))
            facts = new_facts
            if done:
                break
    # Scenes from which an ending scene can be reached, following the surviving edges backwards.
    preds: dict[str, list[str]] = {}
    for src, targets in succ.items():
        if src in reach:
            for t in targets:
                preds.setdefault(t, []).append(src)
    can_end: set[str] = set()
    stack = [sid for sid in reach if story.scenes[sid].ending]
    can_end.update(stack)
    while stack:
        for p in preds.get(stack.pop(), ()):
            if p not in can_end:
                can_end.add(p)
                stack.append(p)
    return Analysis(story, static_reach, reach, can_end, takeable, routes, ranges, facts, succ, cyclic, fl)
