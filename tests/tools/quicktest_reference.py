"""The reference quicktest is checked against: small random stories, and a brute-force search over complete states.

``random_story_files(seed)`` writes a small story using every kind of condition, effect and route the format has:
flags, an int counter (which can grow without end around a loop), trust thresholds, ``visited()``/``chose()``,
``min``/``max``, chance routes, once-only and fallback choices, ``{if}`` spans in text, labels and results.

``BruteForce(story)`` knows nothing of quicktest: it enumerates complete states (every value, every scene visited,
every choice taken) breadth first, with the engine's own availability and effects, every chance roll going both
ways (a chance of 0 never applies, 100 always does), and records what every condition reads, where the engine
reads it. Slow and obvious on purpose.
"""

from __future__ import annotations

import random
from typing import Any

from game.engine import Game, State, Story
from game.engine.game import apply_effects
from game.engine.records import replace
from game.tools.analysis import condition_sites, text_sites


def random_story_files(seed: int) -> tuple[str, str]:
    """A small random story (manifest, scenes). It always loads."""
    rng = random.Random(seed)
    n = rng.randint(2, 6)
    ids = [f"s{i}" for i in range(n)]
    endings = ["won", "lost"]
    plan: list[tuple[str, list[str]]] = []
    keys: list[str] = []
    for sid in ids:
        cids = [f"c{k}" for k in range(rng.randint(1, 3))]
        plan.append((sid, cids))
        keys += [f"{sid}.{c}" for c in cids]
    targets = ids + [f"e_{e}" for e in endings]

    def condition() -> str:
        kind = rng.randrange(9)
        k = rng.choice((0, 1, 2, 40, 50, 55, 60))
        if kind == 0:
            return f"guards {rng.choice(('>=', '<', '==', '>'))} {k}"
        if kind == 1:
            return "flag" if rng.random() < 0.5 else "not flag"
        if kind == 2:
            return f"n {rng.choice(('>=', '<', '==', '!='))} {rng.randint(0, 3)}"
        if kind == 3:
            return f"visited({rng.choice(ids)})"
        if kind == 4:
            return f"chose({rng.choice(keys)})"
        if kind == 5:
            return f"guards + n > {k}"
        if kind == 6:
            return f"max(guards, town) >= {rng.choice((45, 50, 60))}"
        if kind == 7:
            return f"min(n, 2) {rng.choice(('<', '>='))} {rng.randint(1, 2)}"
        return f"(flag or n > 0) and town <= {k}"

    def effects() -> str:
        parts = []
        if rng.random() < 0.5:
            parts.append(f"trust: {{{rng.choice(('guards', 'town'))}: {rng.choice((-10, -5, 5, 10, 15))}}}")
        if rng.random() < 0.15:
            parts.append(f"fair: {{guards: {rng.choice((-30, 30))}}}")
        sets = []
        if rng.random() < 0.3:
            sets.append(f"flag: {rng.choice(('true', 'false'))}")
        if rng.random() < 0.1:
            sets.append("n: 0")
        if sets:
            parts.append("set: {" + ", ".join(sets) + "}")
        if rng.random() < 0.3:
            parts.append(f"add: {{n: {rng.choice((-1, 1))}}}")
        return "{" + ", ".join(parts) + "}" if parts else ""

    def span() -> str:
        return f"{{if {condition()}: yes|no}}" if rng.random() < 0.3 else ""

    out = ["chapter: one\nscenes:\n"]
    for sid, cids in plan:
        out.append(f"  - id: {sid}\n    title: Scene {sid}\n")
        passage = f"\n      - {{if: \"{condition()}\", text: A passage.}}" if rng.random() < 0.4 else ""
        out.append(f"    text:\n      - \"Text of {sid}. {span()}\"{passage}\n")
        if rng.random() < 0.2:
            out.append(f"    on_enter: {{trust: {{guards: -5}}{', add: {n: 1}' if rng.random() < 0.3 else ''}}}\n")
        out.append("    choices:\n")
        fallback_done = False
        for c in cids:
            line = f"      - id: {c}\n        label: \"Choice {c} {span()}\"\n"
            r = rng.random()
            if r < 0.25:
                line += f"        if: \"{condition()}\"\n"
            elif r < 0.45:
                line += f"        requires: \"{condition()}\"\n"
            if rng.random() < 0.2:
                line += "        once: true\n"
            elif not fallback_done and len(cids) > 1 and rng.random() < 0.2:
                line += "        fallback: true\n"
                fallback_done = True
            eff = effects()
            if eff:
                line += f"        effects: {eff}\n"
            if rng.random() < 0.2:
                line += f"        result: \"It is done. {{if {condition()}: Good.|Bad.}}\"\n"
            if rng.random() < 0.35:
                routes = []
                for _ in range(rng.randint(1, 2)):
                    if rng.random() < 0.5:
                        routes.append(f"{{if: \"{condition()}\", to: {rng.choice(targets)}}}")
                    elif rng.random() < 0.5:
                        routes.append(f"{{chance: {rng.choice((1, 30, 50, 99))}, to: {rng.choice(targets)}}}")
                    else:
                        routes.append(f"{{if: \"{condition()}\", chance: 50, to: {rng.choice(targets)}}}")
                routes.append(f"{{to: {rng.choice(targets)}}}")
                line += "        goto:\n" + "".join(f"          - {r}\n" for r in routes)
            else:
                line += f"        goto: {rng.choice(targets)}\n"
            out.append(line)
    for e in endings:
        out.append(f"  - {{id: e_{e}, title: End {e}, ending: {e}, text: \"The end. {span()}\"}}\n")
    manifest = (
        "story: {id: r, title: Random, start: s0}\n"
        "chapters: {one: {title: One, order: 1}}\n"
        "factions:\n  guards: {name: Guards, description: The guards.}\n"
        "  town: {name: Town, description: The town., initial: 40}\n"
        "variables:\n  flag: {type: bool, default: false}\n  n: {type: int, default: 0}\n"
        "endings: {won: {title: Won}, lost: {title: Lost}}\n"
    )
    return manifest, "".join(out)


def with_chances(story: Story, chance: int) -> Story:
    """The story with every chance route's chance set to ``chance`` (0 and 100 included, which the loader does
    not allow but the engine plays: never and always)."""
    scenes = {}
    for sid, scene in story.scenes.items():
        choices = tuple(
            replace(c, routes=tuple(
                replace(r, chance=chance) if r.chance is not None else r for r in c.routes
            ))
            for c in scene.choices
        )
        scenes[sid] = replace(scene, choices=choices)
    return replace(story, scenes=scenes)


# ------------------------------------------------------------------------------------------- brute force

Site = tuple[Any, str, str]  # (pos, role, source): how quicktest names a condition as written


class BruteForce:
    """Every reachable complete state, breadth first; see the module docstring. ``complete`` is False when
    there were more than ``limit`` states (the story loops with a growing counter, say)."""

    def __init__(self, story: Story, limit: int = 20_000) -> None:
        self.story = story
        self.complete = True
        self.scenes: dict[str, int] = {}  # scene -> least choices to reach it
        self.choices: dict[str, int] = {}  # choice key -> least choices to a state where it can be taken
        self.dead_ends: dict[str, int] = {}
        self.outcomes: dict[Site, set[bool]] = {}
        self.trapped = 0
        start = Game(story, 0).state
        start.log = []
        depth = {self.key(start): 0}
        edges: dict[Any, set[Any]] = {}
        scene_of = {self.key(start): start.scene}
        frontier = [start]
        level = 0
        while frontier and self.complete:
            nxt: list[State] = []
            for st in frontier:
                k = self.key(st)
                self.scenes.setdefault(st.scene, level)
                scene = story.scenes[st.scene]
                self.observe(st)
                if scene.ending:
                    continue
                game = Game(story, state=st.copy())
                available = game.available()
                if not available:
                    self.dead_ends.setdefault(scene.id, level)
                for choice in available:
                    self.choices.setdefault(choice.key, level)
                    for s2 in self.successors(st, choice):
                        k2 = self.key(s2)
                        edges.setdefault(k, set()).add(k2)
                        if k2 not in depth:
                            depth[k2] = level + 1
                            scene_of[k2] = s2.scene
                            nxt.append(s2)
                            if len(depth) > limit:
                                self.complete = False
            frontier = nxt
            level += 1
        if self.complete:
            preds: dict[Any, set[Any]] = {}
            for a, bs in edges.items():
                for b in bs:
                    preds.setdefault(b, set()).add(a)
            good = {k for k, s in scene_of.items() if story.scenes[s].ending}
            stack = list(good)
            while stack:
                for p in preds.get(stack.pop(), ()):
                    if p not in good:
                        good.add(p)
                        stack.append(p)
            self.trapped = len(depth) - len(good)
        self.endings = {}
        for sid, d in self.scenes.items():
            e = story.scenes[sid].ending
            if e:
                self.endings[e] = min(d, self.endings.get(e, d))

    @staticmethod
    def key(st: State) -> Any:
        return (st.scene, tuple(st.values), frozenset(st.visited), frozenset(st.chosen))

    def read(self, cond: Any, role: str, values: Any, visited: Any, chosen: Any) -> bool:
        result = bool(cond.test(values, visited, chosen))
        self.outcomes.setdefault((cond.pos, role, cond.source), set()).add(result)
        return result

    def observe(self, st: State) -> None:
        """The conditions read as a scene is entered, as ``Game.text()`` and ``Game.choices()`` read them."""
        story = self.story
        scene = story.scenes[st.scene]
        v, s, c = st.values, st.visited, st.chosen
        sites = list(condition_sites(scene)) + list(text_sites(story, scene))
        for site in sites:
            if site.role in ("passage", "text", "if", "label"):
                self.read(site.condition, site.role, v, s, c)
        if scene.ending:
            return
        # 'requires' is read where the choice is shown: a fallback only when no other choice can be taken.
        def shown(ch: Any) -> bool:
            return not (ch.once and ch.key in c) and (ch.visible_if is None or bool(ch.visible_if.test(v, s, c)))

        def open_(ch: Any) -> bool:
            return shown(ch) and (ch.enabled_if is None or bool(ch.enabled_if.test(v, s, c)))

        others_open = any(open_(ch) for ch in scene.choices if not ch.fallback)
        for ch in scene.choices:
            if ch.enabled_if is not None and shown(ch) and not (ch.fallback and others_open):
                self.read(ch.enabled_if, "requires", v, s, c)

    def successors(self, st: State, choice: Any) -> list[State]:
        """Every state taking ``choice`` can lead to, reading its result text and its routes as the engine does
        (``Game._route``), with each chance roll going both ways."""
        story = self.story
        after = list(st.values)
        apply_effects(story, choice.effects, after)
        chosen = st.chosen | {choice.key}
        for site in text_sites(story, story.scenes[st.scene]):
            if site.role == "result" and site.choice is choice:
                self.read(site.condition, "result", after, st.visited, chosen)
        routes = choice.routes
        taken: list[int] = []
        if len(routes) == 1:
            taken = [0]
        else:
            for j, r in enumerate(routes):
                if r.when is not None and not self.read(r.when, "route", after, st.visited, chosen):
                    continue
                if r.chance is None or r.chance >= 100:
                    taken.append(j)
                    break
                if r.chance > 0:
                    taken.append(j)  # the roll is low enough; on a high roll the next route is tried
            else:
                taken.append(len(routes) - 1)
        out = []
        for j in dict.fromkeys(taken):
            target = story.scenes[routes[j].target]
            values = list(after)
            apply_effects(story, target.on_enter, values)
            out.append(State(target.id, values, st.visited | {target.id}, set(chosen), []))
        return out
