"""Per-scene value ranges (``flow``): the ranges each scene can be entered with, found by following every way
into it (effects applied, the conditions passed on the way narrowing the ranges, joins where ways meet, loops
widened to the story-wide ranges)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ...engine import Effect, Story
from ...engine.conditions import Binary, Bool, Name, Node, Num, Unary
from ...engine.game import apply_effects
from .ranges import Abstract, Env, Facts, Interval, abstract_eval

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
