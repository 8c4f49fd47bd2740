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
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from ..engine import Choice, Condition, Effect, Scene, Story
from ..engine.conditions import Binary, Bool, Call, Func, Name, Node, Num, Unary
from ..engine.game import apply_effects

INF = float("inf")

BOTH: frozenset[bool] = frozenset((True, False))
TRUE: frozenset[bool] = frozenset((True,))
FALSE: frozenset[bool] = frozenset((False,))


@dataclass(frozen=True, slots=True)
class Interval:
    """Whole numbers from ``lo`` to ``hi`` inclusive; either end may be infinite."""

    lo: float
    hi: float

    def __str__(self) -> str:
        lo = "-inf" if self.lo == -INF else str(int(self.lo))
        hi = "+inf" if self.hi == INF else str(int(self.hi))
        return lo if self.lo == self.hi else f"{lo}..{hi}"


Abstract = Interval | frozenset[bool]
"""What the analysis knows of a value: an Interval for numbers, a set of possible booleans for true/false."""

Env = tuple[Abstract, ...]
"""What the analysis knows of every slot at one point of the story."""


# ------------------------------------------------------------------------------------------- the graph


@dataclass(frozen=True, slots=True)
class Edge:
    """One way from a scene to another: a choice, and the index of the route it takes."""

    source: str
    choice: Choice
    route: int
    target: str


def edges_of(scene: Scene) -> Iterator[Edge]:
    """Every edge out of ``scene``, ignoring conditions (the story as written)."""
    for choice in scene.choices:
        for k, route in enumerate(choice.routes):
            yield Edge(scene.id, choice, k, route.target)


def reachable(start: str, successors: dict[str, list[str]]) -> set[str]:
    """Every node reachable from ``start`` (including it) following ``successors``."""
    seen = {start}
    stack = [start]
    while stack:
        for nxt in successors.get(stack.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def strongly_connected(nodes: Iterable[str], successors: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components, iteratively (stories can be long chains)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(successors.get(root, ())))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, it = work[-1]
            advanced = False
            for nxt in it:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(successors.get(nxt, ()))))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == node:
                        break
                out.append(comp)
    return out


def on_cycles(nodes: Iterable[str], successors: dict[str, list[str]]) -> set[str]:
    """The nodes that lie on some cycle (a component of two or more, or a node with an edge to itself)."""
    nodes = list(nodes)
    cyclic: set[str] = set()
    for comp in strongly_connected(nodes, successors):
        if len(comp) > 1:
            cyclic.update(comp)
        elif comp[0] in successors.get(comp[0], ()):
            cyclic.add(comp[0])
    return cyclic


# --------------------------------------------------------------------------------- where conditions are


@dataclass(frozen=True, slots=True)
class Site:
    """Where a condition sits: in which scene, and as what (``passage``, ``if``, ``requires`` or ``route``; and,
    inside text, ``text``, ``label`` or ``result``)."""

    scene: Scene
    role: str
    condition: Condition
    choice: Choice | None = None
    route: int = -1


def condition_sites(scene: Scene) -> Iterator[Site]:
    """Every condition in a scene, in the order they appear."""
    for passage in scene.text:
        if passage.when is not None:
            yield Site(scene, "passage", passage.when)
    for choice in scene.choices:
        if choice.visible_if is not None:
            yield Site(scene, "if", choice.visible_if, choice)
        if choice.enabled_if is not None:
            yield Site(scene, "requires", choice.enabled_if, choice)
        for k, route in enumerate(choice.routes):
            if route.when is not None:
                yield Site(scene, "route", route.when, choice, k)


def text_sites(story: Story, scene: Scene) -> Iterator[Site]:
    """The conditions of ``{if ...}`` spans in the text a player reads in ``scene``: its title, place, date and
    body (``text``: read as the scene is entered), its choices' labels and reasons (``label``), and their results
    (``result``: read after the choice's effects). Text never decides where the story goes, so only the tools that
    judge conditions look at these; quicktest's search leaves them out."""
    templates = story.templates
    for source in (scene.title, scene.place, scene.date):
        template = templates.get(source)
        if template is not None and template.source:
            for c in template.conditions():
                yield Site(scene, "text", c)
    for passage in scene.text:
        for para in passage.paragraphs:
            if para.source:
                for c in para.conditions():
                    yield Site(scene, "text", c)
    for choice in scene.choices:
        for source in (choice.label, choice.reason):
            template = templates.get(source)
            if template is not None and template.source:
                for c in template.conditions():
                    yield Site(scene, "label", c, choice)
        for para in choice.result:
            if para.source:
                for c in para.conditions():
                    yield Site(scene, "result", c, choice)


def calls_in(node: Node) -> set[tuple[str, str]]:
    """Every ``visited(x)`` / ``chose(x.y)`` in a condition, as (function, argument)."""
    if isinstance(node, Call):
        return {(node.func, node.arg)}
    if isinstance(node, Unary):
        return calls_in(node.operand)
    if isinstance(node, Binary):
        return calls_in(node.left) | calls_in(node.right)
    return set()


def story_effects(scene: Scene) -> Iterator[tuple[Effect, Choice | None]]:
    """A scene's effects: its ``on_enter`` (choice None) and each choice's."""
    for e in scene.on_enter:
        yield e, None
    for choice in scene.choices:
        for e in choice.effects:
            yield e, choice


# ------------------------------------------------------------------------------------- value ranges


def value_ranges(
    story: Story,
    effects: Iterable[tuple[Effect, bool]],
    trust_declared: bool = True,
) -> dict[int, Abstract]:
    """For each slot, what its value can be, given the effects that can run (each flagged ``repeatable`` when it
    can run more than once in a playthrough, i.e. it sits on a cycle of the story graph).

    Sound because every value is its starting point (the default, or a ``set``) plus the ``add``/``trust`` changes
    applied since, each non-repeatable one at most once; clamping to a faction's range only pulls values inward,
    and ``fair`` moves toward one end of the range without passing it. With ``trust_declared`` an int variable's
    declared range narrows its interval (lint does; quicktest, which must be exact, does not).
    """
    pos: dict[int, float] = {}
    neg: dict[int, float] = {}
    fair_up: set[int] = set()
    fair_down: set[int] = set()
    sets: dict[int, set[int | bool]] = {}
    for e, repeatable in effects:
        s = e.slot
        if e.kind in ("trust", "add"):
            amount = int(e.amount)
            if amount > 0:
                pos[s] = pos.get(s, 0) + (INF if repeatable else amount)
            elif amount < 0:
                neg[s] = neg.get(s, 0) + (-INF if repeatable else amount)
        elif e.kind == "fair":
            if int(e.amount) > 0:
                fair_up.add(s)
            elif int(e.amount) < 0:
                fair_down.add(s)
        elif e.kind in ("set", "rename"):
            sets.setdefault(s, set()).add(e.amount)
    out: dict[int, Abstract] = {}
    for f in story.factions.values():
        s = f.slot
        lo = max(f.low, f.initial + neg.get(s, 0))
        hi = min(f.high, f.initial + pos.get(s, 0))
        if s in fair_down:
            lo = f.low
        if s in fair_up:
            hi = f.high
        out[s] = Interval(lo, hi)
        if f.name_slot >= 0:  # which of its names a faction has: 0 to start with, or a rename's number
            named = {0} | {int(x) for x in sets.get(f.name_slot, ())}
            out[f.name_slot] = Interval(min(named), max(named))
    for v in story.variables.values():
        s = v.slot
        starts = {v.default} | sets.get(s, set())
        if v.type is bool:
            out[s] = frozenset(bool(x) for x in starts)
            continue
        lo = min(int(x) for x in starts) + neg.get(s, 0)
        hi = max(int(x) for x in starts) + pos.get(s, 0)
        # A declared range is the author's word that the variable stays inside it (the engine does not clamp
        # variables), so lint narrows to it; this is documented in scenes/README.md.
        if trust_declared and v.low is not None and v.high is not None:
            lo, hi = max(lo, v.low), min(hi, v.high)
            if lo > hi:  # effects only ever leave the range: keep the analysis honest rather than empty
                lo, hi = v.low, v.high
        out[s] = Interval(lo, hi)
    return out


# ------------------------------------------------------------------------------- abstract evaluation


class Facts:
    """What the analysis knows of ``visited()`` and ``chose()``: which can ever be true, which always are."""

    def __init__(self, maybe_scenes: set[str], maybe_choices: set[str], always_scenes: set[str]) -> None:
        self.maybe_scenes = maybe_scenes
        self.maybe_choices = maybe_choices
        self.always_scenes = always_scenes

    def call(self, node: Call) -> frozenset[bool]:
        if node.func == "visited":
            if node.arg in self.always_scenes:
                return TRUE
            return BOTH if node.arg in self.maybe_scenes else FALSE
        return BOTH if node.arg in self.maybe_choices else FALSE


def abstract_eval(node: Node, story: Story, ranges: dict[int, Abstract] | Env, facts: Facts) -> Abstract:
    """What a condition (or part of one) can evaluate to, over every value allowed by ``ranges`` (by slot)."""
    if isinstance(node, Num):
        return Interval(node.value, node.value)
    if isinstance(node, Bool):
        return frozenset((node.value,))
    if isinstance(node, Name):
        item = story.factions.get(node.name) or story.variables.get(node.name)
        assert item is not None  # the loader checked every name
        return ranges[item.slot]
    if isinstance(node, Call):
        return facts.call(node)
    if isinstance(node, Func):
        x, y = (abstract_eval(arg, story, ranges, facts) for arg in node.args)
        assert isinstance(x, Interval) and isinstance(y, Interval)
        pick = min if node.func == "min" else max
        return Interval(pick(x.lo, y.lo), pick(x.hi, y.hi))
    if isinstance(node, Unary):
        x = abstract_eval(node.operand, story, ranges, facts)
        if node.op == "not":
            assert isinstance(x, frozenset)
            return frozenset(not b for b in x)
        assert isinstance(x, Interval)
        return Interval(-x.hi, -x.lo)
    a = abstract_eval(node.left, story, ranges, facts)
    b = abstract_eval(node.right, story, ranges, facts)
    op = node.op
    if op in ("and", "or"):
        assert isinstance(a, frozenset) and isinstance(b, frozenset)
        if op == "and":
            return frozenset(
                ([True] if True in a and True in b else []) + ([False] if False in a or False in b else [])
            )
        return frozenset(([True] if True in a or True in b else []) + ([False] if False in a and False in b else []))
    if isinstance(a, frozenset) and isinstance(b, frozenset):  # == and != on booleans
        results = {(x == y) if op == "==" else (x != y) for x in a for y in b}
        return frozenset(results)
    assert isinstance(a, Interval) and isinstance(b, Interval)
    if op == "+":
        return Interval(a.lo + b.lo, a.hi + b.hi)
    if op == "-":
        return Interval(a.lo - b.hi, a.hi - b.lo)
    return _compare(op, a, b)


def _compare(op: str, a: Interval, b: Interval) -> frozenset[bool]:
    if op == ">":
        op, a, b = "<", b, a
    elif op == ">=":
        op, a, b = "<=", b, a
    can_true: bool
    can_false: bool
    if op == "<":
        can_true, can_false = a.lo < b.hi, a.hi >= b.lo
    elif op == "<=":
        can_true, can_false = a.lo <= b.hi, a.hi > b.lo
    else:
        overlap = a.lo <= b.hi and b.lo <= a.hi
        single = a.lo == a.hi == b.lo == b.hi
        can_true, can_false = (overlap, not single) if op == "==" else (not single, overlap)
    return frozenset(([True] if can_true else []) + ([False] if can_false else []))


# --------------------------------------------------------------------------------------- the analysis


# ------------------------------------------------------------------------------ per-scene value ranges

WIDEN_AFTER = 8  # updates of a scene's ranges before a growing bound jumps to the story-wide range


def _join(a: Env, b: Env) -> Env:
    out: list[Abstract] = []
    for x, y in zip(a, b):
        if isinstance(x, Interval) and isinstance(y, Interval):
            out.append(x if (x.lo <= y.lo and y.hi <= x.hi) else Interval(min(x.lo, y.lo), max(x.hi, y.hi)))
        else:
            assert isinstance(x, frozenset) and isinstance(y, frozenset)
            out.append(x | y)
    return tuple(out)


def _meet_global(env: Env, ranges: dict[int, Abstract]) -> Env:
    """Narrow to the story-wide ranges (which hold everywhere); an empty meet keeps the story-wide range."""
    out: list[Abstract] = []
    for slot, x in enumerate(env):
        g = ranges[slot]
        if isinstance(x, Interval) and isinstance(g, Interval):
            lo, hi = max(x.lo, g.lo), min(x.hi, g.hi)
            out.append(Interval(lo, hi) if lo <= hi else g)
        else:
            assert isinstance(x, frozenset) and isinstance(g, frozenset)
            out.append((x & g) or g)
    return tuple(out)


def _engine_value(story: Story, e: Effect, v: float) -> float:
    """What a trust/fair effect does to one value, by the engine's own arithmetic."""
    scratch: list[int | bool] = list(story.defaults)
    scratch[e.slot] = int(v)
    apply_effects(story, (e,), scratch)
    return scratch[e.slot]


def _apply(story: Story, effects: Iterable[Effect], env: Env) -> Env:
    """The ranges after ``effects``. Every effect is monotone in the value it changes (a clamped flat change, a
    ``fair`` share, an ``add``), so the image of an interval is the interval between the images of its ends."""
    out = list(env)
    for e in effects:
        cur = out[e.slot]
        if e.kind in ("set", "rename"):
            out[e.slot] = frozenset((bool(e.amount),)) if isinstance(cur, frozenset) else Interval(e.amount, e.amount)
        elif isinstance(cur, Interval):
            if e.kind == "add":
                out[e.slot] = Interval(cur.lo + int(e.amount), cur.hi + int(e.amount))
            else:
                out[e.slot] = Interval(_engine_value(story, e, cur.lo), _engine_value(story, e, cur.hi))
    return tuple(out)


_NEGATE = {"<": ">=", ">=": "<", ">": "<=", "<=": ">", "==": "!=", "!=": "=="}
_MIRROR = {"<": ">", ">": "<", "<=": ">=", ">=": "<=", "==": "==", "!=": "!="}


def refine(story: Story, node: Node, env: Env, want: bool) -> Env | None:
    """``env`` narrowed to the states where ``node`` evaluates to ``want`` (None: there are none). Only simple
    shapes narrow (a name compared with a number, a true/false name, and/or/not of those); anything else is kept
    as it is, which is always sound."""
    if isinstance(node, Unary) and node.op == "not":
        return refine(story, node.operand, env, not want)
    if isinstance(node, Bool):
        return env if node.value == want else None
    if isinstance(node, Name):
        item = story.variables.get(node.name)
        if item is None or item.type is not bool:
            return env
        cur = env[item.slot]
        assert isinstance(cur, frozenset)
        narrowed = cur & frozenset((want,))
        return None if not narrowed else env[: item.slot] + (narrowed,) + env[item.slot + 1 :]
    if not isinstance(node, Binary):
        return env
    if node.op in ("and", "or"):
        if (node.op == "and") == want:  # both sides must come out as wanted
            left = refine(story, node.left, env, want)
            return None if left is None else refine(story, node.right, left, want)
        return env
    op, name, const = node.op, node.left, _constant_of(node.right)
    if not isinstance(name, Name) or const is None:
        op, name, const = _MIRROR.get(node.op, node.op), node.right, _constant_of(node.left)
    if not isinstance(name, Name) or const is None or op not in _NEGATE:
        return env
    slot = _slot_of(story, name.name)
    if slot is None:
        return env
    cur = env[slot]
    if not isinstance(cur, Interval):
        return env
    if not want:
        op = _NEGATE[op]
    lo, hi = cur.lo, cur.hi
    if op == ">=":
        lo = max(lo, const)
    elif op == ">":
        lo = max(lo, const + 1)
    elif op == "<=":
        hi = min(hi, const)
    elif op == "<":
        hi = min(hi, const - 1)
    elif op == "==":
        lo, hi = max(lo, const), min(hi, const)
    else:  # != only trims an end
        if lo == const:
            lo += 1
        if hi == const:
            hi -= 1
    if lo > hi:
        return None
    return env[:slot] + (Interval(lo, hi),) + env[slot + 1 :]


def _slot_of(story: Story, name: str) -> int | None:
    faction = story.factions.get(name)
    if faction is not None:
        return faction.slot
    variable = story.variables.get(name)
    return variable.slot if variable is not None else None


def _constant_of(node: Node) -> int | None:
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Unary) and node.op == "-" and isinstance(node.operand, Num):
        return -node.operand.value
    return None


@dataclass(slots=True)
class Flow:
    """Per-scene ranges: at each scene (after its ``on_enter``), where each choice's ``requires`` is read, and where
    each route's condition is read (after the choice's effects, and knowing that the routes before it did not
    apply)."""

    at: dict[str, Env] = field(default_factory=dict)
    requires: dict[str, Env | None] = field(default_factory=dict)  # choice key -> env when visible (None: never)
    route_envs: dict[str, list[Env | None]] = field(default_factory=dict)  # choice key -> env per route (None: never)
    takeable: set[str] = field(default_factory=set)
    routes: dict[str, tuple[bool, ...]] = field(default_factory=dict)
    successors: dict[str, list[str]] = field(default_factory=dict)


def flow(story: Story, ranges: dict[int, Abstract], facts: Facts) -> Flow:
    """Forward abstract interpretation over the story graph: the ranges each scene can be entered with, joined over
    every way in; loops widen to the story-wide ranges (``ranges``), so it always ends."""
    res = Flow()
    start_env = tuple(
        frozenset((bool(v),)) if isinstance(ranges[i], frozenset) else Interval(v, v) for i, v in enumerate(story.defaults)
    )
    start = story.scenes[story.start]
    entry = _meet_global(_apply(story, start.on_enter, start_env), ranges)
    at: dict[str, Env] = {start.id: entry}
    updates: dict[str, int] = {}
    order = {sid: i for i, sid in enumerate(story.scenes)}
    work = {start.id}

    def holds(node: Node, env: Env) -> frozenset[bool]:
        r = abstract_eval(node, story, env, facts)
        assert isinstance(r, frozenset)
        return r

    while work:
        sid = min(work, key=order.__getitem__)  # in story order: fewer rounds on a mostly forward story
        work.discard(sid)
        scene = story.scenes[sid]
        env = at[sid]
        for choice in scene.choices:
            shown = env if choice.visible_if is None else (
                refine(story, choice.visible_if.node, env, True) if True in holds(choice.visible_if.node, env) else None
            )
            res.requires[choice.key] = shown
            enabled = shown
            if shown is not None and choice.enabled_if is not None:
                enabled = (
                    refine(story, choice.enabled_if.node, shown, True)
                    if True in holds(choice.enabled_if.node, shown)
                    else None
                )
            envs: list[Env | None] = []
            flags: list[bool] = []
            if enabled is None:
                res.route_envs[choice.key] = [None] * len(choice.routes)
                res.routes.setdefault(choice.key, tuple(False for _ in choice.routes))
                continue
            res.takeable.add(choice.key)
            here: Env | None = _apply(story, choice.effects, enabled)
            for route in choice.routes:
                envs.append(here)
                if here is None:
                    flags.append(False)
                    continue
                taken: Env | None = here
                if route.when is not None:
                    verdict = holds(route.when.node, here)
                    taken = refine(story, route.when.node, here, True) if True in verdict else None
                flags.append(taken is not None)
                if taken is not None:
                    target = story.scenes[route.target]
                    arrive = _meet_global(_apply(story, target.on_enter, taken), ranges)
                    old = at.get(target.id)
                    new = arrive if old is None else _join(old, arrive)
                    if new != old:
                        n = updates[target.id] = updates.get(target.id, 0) + 1
                        if old is not None and n > WIDEN_AFTER:
                            new = _widen(old, new, ranges)
                        if new != old:
                            at[target.id] = new
                            work.add(target.id)
                # Falling through to the next route: this one's condition was false (unless chance decided).
                if route.chance is None:
                    here = None if route.when is None else (
                        refine(story, route.when.node, here, False) if False in holds(route.when.node, here) else None
                    )
            res.route_envs[choice.key] = envs
            old_flags = res.routes.get(choice.key)
            res.routes[choice.key] = tuple(flags) if old_flags is None else tuple(a or b for a, b in zip(old_flags, flags))
    res.at = at
    succ: dict[str, list[str]] = {}
    for sid in at:
        out: list[str] = []
        for choice in story.scenes[sid].choices:
            if choice.key in res.takeable:
                for k, route in enumerate(choice.routes):
                    if res.routes[choice.key][k] and route.target not in out:
                        out.append(route.target)
        succ[sid] = out
    res.successors = succ
    return res


def _widen(old: Env, new: Env, ranges: dict[int, Abstract]) -> Env:
    """A bound still growing after many rounds jumps to the story-wide bound, which holds everywhere."""
    out: list[Abstract] = []
    for slot, (o, n) in enumerate(zip(old, new)):
        g = ranges[slot]
        if isinstance(o, Interval) and isinstance(n, Interval) and isinstance(g, Interval):
            lo = o.lo if n.lo >= o.lo else min(o.lo, g.lo)
            hi = o.hi if n.hi <= o.hi else max(o.hi, g.hi)
            out.append(Interval(lo, hi))
        else:
            out.append(n)
    return tuple(out)


# --------------------------------------------------------------------------------------- the analysis


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
