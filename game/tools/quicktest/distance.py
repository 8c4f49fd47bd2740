"""How far a real state is from a goal: the branch distance of search-based testing, which orders aimed play.

A goal holds where a condition comes out one way, in a scene that is entered by one of the choices (and routes)
that lead there. Its distance in a state measures how far that state's values are from making all of it hold:
``fighters < 30`` with fighters at 44 is 15 away, ``a and b`` is as far as both together, ``a or b`` as the
nearer. Each comparison's gap counts ``g / (g + 1)``, so a far meter does not drown a flag that is wrong, and the
distance is 0 exactly where every condition holds now (Korel's and Tracey's branch distance, normalised).

A flag that is not yet what the goal wants, or a scene not yet visited, counts 1/2 plus half the distance to the
nearest way of making it so (the choices that set the flag, the ways into the scene), one level deep (the
"chaining approach"): without it, a goal that needs a flag set in a scene that is itself hard to reach (behind a
low meter) would look equally far from everywhere, and the search would wander.

The distance is a heuristic: effects still to come change values, so a state nearer by it may lead nowhere. Aimed
play orders its search by it and prunes with the guides (``play``), which are sound.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ...engine import Choice, Story
from ...engine.conditions import Binary, Call, Name, Node, Unary, compile_node
from ...engine.game import apply_effects
from .goals import Goals

Distance = Callable[[Any, Any, Any], float]
"""(values, visited, chosen) -> how far from holding (0: it holds now)."""

Part = tuple[Node, bool]
"""A condition and the way it must come out."""

NEGATE = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}
"""Each comparison's opposite: what ``a op b`` coming out false says."""


def gap(op: str, a: int, b: int) -> int:
    """How far ``a op b`` is from holding (0: it holds)."""
    if op == "<":
        return max(0, a - b + 1)
    if op == "<=":
        return max(0, a - b)
    if op == ">":
        return max(0, b - a + 1)
    if op == ">=":
        return max(0, b - a)
    if op == "==":
        return abs(a - b)
    return 0 if a != b else 1


def _zero(v: Any, s: Any, c: Any) -> float:
    return 0.0


def _sum(fs: Sequence[Distance]) -> Distance:
    if not fs:
        return _zero
    if len(fs) == 1:
        return fs[0]
    if len(fs) == 2:
        f, g = fs
        return lambda v, s, c: f(v, s, c) + g(v, s, c)
    return lambda v, s, c: sum(f(v, s, c) for f in fs)


def _least(fs: Sequence[Distance]) -> Distance:
    if len(fs) == 1:
        return fs[0]
    return lambda v, s, c: min(f(v, s, c) for f in fs)


class Distances:
    """The distance of each goal of one story; what it needs about the story (the ways into each scene, the
    choices that set each flag) is worked out once."""

    def __init__(self, story: Story, goals: Goals) -> None:
        self.story = story
        self.goals = goals
        # The ways into each scene: the conditions of a choice that leads there, and of its route (earlier routes
        # to elsewhere must not apply, unless left to chance). Choices that share a route list share its ways.
        into: dict[str, dict[tuple[tuple[int, bool], ...], list[Part]]] = {}
        # The ways to set each flag to each value: a scene to enter (on_enter), or a choice to take there.
        setters: dict[tuple[int, Any], dict[tuple[Any, ...], tuple[str, list[Part]]]] = {}
        for scene in story.scenes.values():
            for e in scene.on_enter:
                if e.kind == "set":
                    setters.setdefault((e.slot, e.amount), {})[(scene.id,)] = (scene.id, [])
            for ch in scene.choices:
                own = [(c.node, True) for c in (ch.visible_if, ch.enabled_if) if c is not None]
                for e in ch.effects:
                    if e.kind == "set":
                        setters.setdefault((e.slot, e.amount), {})[(scene.id, *(id(n) for n, _ in own))] = (scene.id, own)
                for k, route in enumerate(ch.routes):
                    parts = own + [(route.when.node, True)] if route.when is not None else list(own)
                    parts += [
                        (r.when.node, False) for r in ch.routes[:k]
                        if r.target != route.target and r.when is not None and r.chance is None
                    ]
                    into.setdefault(route.target, {})[tuple((id(n), w) for n, w in parts)] = parts
        self._into = {sid: list(ways.values()) for sid, ways in into.items()}
        self._setters = {k: list(ways.values()) for k, ways in setters.items()}

    def of(self, g: int) -> Distance:
        """The distance of goal ``g``: from entering its scene and its conditions coming out as it says (a
        condition read after a choice's effects, on the values those effects leave)."""
        goal = self.goals.goals[g]
        parts: list[Part] = []
        choice = next((ch for ch in self.story.scenes[goal.scene].choices if ch.key == goal.choice), None)
        if goal.kind == "condition":
            site = self.goals.sites[goal.site]
            if choice is not None and choice.visible_if is not None and site.role != "if":
                parts.append((choice.visible_if.node, True))  # read only where the choice is shown
            if goal.after and choice is not None and choice.effects:
                return _sum([self._reach(goal.scene, parts, chain=True), self._after(choice, site.condition.node, goal.outcome)])
            parts.append((site.condition.node, goal.outcome))
        elif goal.kind == "choice" and choice is not None:
            parts += [(c.node, True) for c in (choice.visible_if, choice.enabled_if) if c is not None]
        return self._reach(goal.scene, parts, chain=True)

    def _after(self, choice: Choice, node: Node, want: bool) -> Distance:
        """How far ``node`` is from coming out ``want`` once ``choice`` is taken (on the values after its effects)."""
        story, effects, key = self.story, choice.effects, choice.key
        own = self._part(node, want, chain=True)

        def after(v: Any, s: Any, c: Any) -> float:
            out = list(v)
            apply_effects(story, effects, out)
            return own(out, s, c | {key})

        return after

    def _reach(self, scene: str, parts: list[Part], chain: bool) -> Distance:
        """From entering ``scene`` with ``parts`` holding there."""
        return _sum([self._way(scene, chain), *(self._part(n, w, chain) for n, w in parts)])

    def _way(self, scene: str, chain: bool) -> Distance:
        ways = self._into.get(scene)
        if scene == self.story.start or not ways:
            return _zero
        return _least([_sum([self._part(n, w, chain) for n, w in parts]) for parts in ways])

    def _part(self, node: Node, want: bool, chain: bool) -> Distance:
        """How far ``node`` is from coming out ``want``."""
        if isinstance(node, Unary) and node.op == "not":
            return self._part(node.operand, not want, chain)
        if isinstance(node, Binary) and node.op in ("and", "or"):
            sides = [self._part(node.left, want, chain), self._part(node.right, want, chain)]
            return _sum(sides) if (node.op == "and") == want else _least(sides)
        slots = self.goals.slot_of
        if isinstance(node, Binary) and node.op in NEGATE:
            op = node.op if want else NEGATE[node.op]
            left, right = compile_node(node.left, slots), compile_node(node.right, slots)

            def compared(v: Any, s: Any, c: Any) -> float:
                d = gap(op, left(v, s, c), right(v, s, c))
                return d / (d + 1)

            return compared
        test = compile_node(node, slots)
        further = self._chained(node, want) if chain else None
        if further is None:
            return lambda v, s, c: 0.0 if bool(test(v, s, c)) == want else 1.0
        return lambda v, s, c: 0.0 if bool(test(v, s, c)) == want else 0.5 + 0.5 * _squash(further(v, s, c))

    def _chained(self, node: Node, want: bool) -> Distance | None:
        """How far from making a flag or a fact what is wanted (None: no way is known, or it cannot be undone)."""
        if isinstance(node, Name) and node.name in self.goals.slot_of:
            ways = self._setters.get((self.goals.slot_of[node.name], want))
            return _least([self._reach(sid, parts, chain=False) for sid, parts in ways]) if ways else None
        if isinstance(node, Call) and want:
            if node.func == "visited":
                return self._way(node.arg, chain=False) if node.arg in self.story.scenes else None
            sid = node.arg.split(".", 1)[0]
            ch = next((x for x in self.story.scenes[sid].choices if x.key == node.arg), None) if sid in self.story.scenes else None
            if ch is not None:
                return self._reach(sid, [(c.node, True) for c in (ch.visible_if, ch.enabled_if) if c is not None], chain=False)
        return None


def _squash(d: float) -> float:
    return d / (d + 1)
