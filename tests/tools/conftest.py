"""Helpers for the author-tool tests: inline stories written to tmp_path, random small stories, and a naive
explorer that knows nothing of quicktest's state merging (the reference the tools are checked against)."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tools_helpers import MANIFEST, write_story

from game.engine import Game, State, Story
from game.loader import check_story, load_story


@pytest.fixture
def make_story(tmp_path: Path) -> Callable[..., Story]:
    """``make_story(scenes, manifest=MANIFEST)`` -> a loaded Story (fails the test on load errors)."""
    counter = [0]

    def make(scenes: str | dict[str, str], manifest: str = MANIFEST) -> Story:
        counter[0] += 1
        root = write_story(tmp_path / f"story{counter[0]}", manifest, scenes)
        story, problems = check_story(str(root))
        errors = [str(p) for p in problems if p.severity == "error"]
        assert story is not None and not errors, "\n".join(errors)
        return story

    return make


@pytest.fixture
def story_dir(tmp_path: Path) -> Callable[..., Path]:
    """``story_dir(scenes, manifest=MANIFEST)`` -> the directory of a written story (not loaded)."""
    counter = [0]

    def make(scenes: str | dict[str, str], manifest: str = MANIFEST) -> Path:
        counter[0] += 1
        return write_story(tmp_path / f"dir{counter[0]}", manifest, scenes)

    return make


# ------------------------------------------------------------------------------------------ random stories


def random_story_files(seed: int) -> tuple[str, str]:
    """A small random story (manifest, scenes) using every kind of condition, effect and route. It always loads."""
    rng = random.Random(seed)
    n = rng.randint(3, 7)
    ids = [f"s{i}" for i in range(n)]
    endings = ["won", "lost"]
    ending_scenes = {f"e_{e}": e for e in endings}
    choice_keys: list[str] = []
    plan: list[tuple[str, list[str]]] = []
    for sid in ids:
        cids = [f"c{k}" for k in range(rng.randint(1, 3))]
        plan.append((sid, cids))
        choice_keys += [f"{sid}.{c}" for c in cids]
    targets = ids + list(ending_scenes)

    def condition() -> str:
        kind = rng.randrange(7)
        k = rng.choice((0, 1, 2, 40, 50, 55, 60))
        if kind == 0:
            return f"guards {rng.choice(('>=', '<', '==', '>'))} {k}"
        if kind == 1:
            return "flag" if rng.random() < 0.5 else "not flag"
        if kind == 2:
            return f"n {rng.choice(('>=', '<', '==', '!='))} {rng.randint(0, 2)}"
        if kind == 3:
            return f"visited({rng.choice(ids)})"
        if kind == 4:
            return f"chose({rng.choice(choice_keys)})"
        if kind == 5:
            return f"guards + n > {k}"
        return f"(flag or n > 0) and guards <= {k}"

    def effects() -> str:
        parts = []
        if rng.random() < 0.5:
            parts.append(f"trust: {{guards: {rng.choice((-10, -5, 5, 10, 15))}}}")
        if rng.random() < 0.2:
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

    out = ["chapter: one\nscenes:\n"]
    for sid, cids in plan:
        out.append(f"  - id: {sid}\n    title: Scene {sid}\n")
        passage = f"\n      - {{if: \"{condition()}\", text: A passage.}}" if rng.random() < 0.4 else ""
        out.append(f"    text:\n      - Text of {sid}.{passage}\n")
        if rng.random() < 0.2:
            out.append("    on_enter: {trust: {guards: -5}}\n")
        out.append("    choices:\n")
        for c in cids:
            line = f"      - id: {c}\n        label: Choice {c}\n"
            r = rng.random()
            if r < 0.25:
                line += f"        if: \"{condition()}\"\n"
            elif r < 0.45:
                line += f"        requires: \"{condition()}\"\n"
            eff = effects()
            if eff:
                line += f"        effects: {eff}\n"
            if rng.random() < 0.3:
                routes = []
                for _ in range(rng.randint(1, 2)):
                    if rng.random() < 0.5:
                        routes.append(f"{{if: \"{condition()}\", to: {rng.choice(targets)}}}")
                    else:
                        routes.append(f"{{chance: {rng.choice((30, 50, 70))}, to: {rng.choice(targets)}}}")
                routes.append(f"{{to: {rng.choice(targets)}}}")
                line += "        goto:\n" + "".join(f"          - {r}\n" for r in routes)
            else:
                line += f"        goto: {rng.choice(targets)}\n"
            out.append(line)
    for sid, e in ending_scenes.items():
        out.append(f"  - {{id: {sid}, title: End {e}, ending: {e}, text: The end.}}\n")
    manifest = (
        "story: {id: r, title: Random, start: s0}\n"
        "chapters: {one: {title: One, order: 1}}\n"
        "factions: {guards: {name: Guards, description: The guards.}}\n"
        "variables:\n  flag: {type: bool, default: false}\n  n: {type: int, default: 0}\n"
        "endings: {won: {title: Won}, lost: {title: Lost}}\n"
    )
    return manifest, "".join(out)


def random_story(tmp_path: Path, seed: int) -> Story:
    manifest, scenes = random_story_files(seed)
    root = write_story(tmp_path / f"random{seed}", manifest, scenes)
    return load_story(str(root))


@pytest.fixture(scope="session")
def explored_stories(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[int, Story, Naive]]:
    """Random stories small enough for the naive search to finish, each with its exhaustive exploration."""
    tmp = tmp_path_factory.mktemp("random")
    out = []
    for seed in range(60):
        story = random_story(tmp, seed)
        naive = Naive(story, limit=1500)
        if naive.complete:
            out.append((seed, story, naive))
    assert len(out) >= 30, "the generator should give mostly finite stories"
    return out


# ----------------------------------------------------------------------------------------- naive explorer


class Naive:
    """Exhaustive search over complete states (every value, every visited scene, every choice taken), stepping
    the real engine and trying many seeds to make chance routes go both ways. Slow and obvious on purpose."""

    SEEDS = 128

    def __init__(self, story: Story, limit: int = 20_000) -> None:
        self.story = story
        self.complete = True
        self.scenes: set[str] = set()
        self.choices: set[str] = set()
        self.endings: dict[str, int] = {}  # ending -> shortest length
        self.dead_ends: set[str] = set()
        self.outcomes: dict[tuple[str, int, int, str], set[bool]] = {}
        self.can_end_scenes: set[str] = set()  # scenes with some state from which an ending can be reached
        self.trapped = 0
        start = Game(story, 0).state
        start.log = []
        key0 = self.key(start)
        depth = {key0: 0}
        frontier = [start]
        edges: dict[Any, set[Any]] = {}
        scene_of: dict[Any, str] = {key0: start.scene}
        self.scenes.add(start.scene)
        while frontier and self.complete:
            nxt_frontier = []
            for st in frontier:
                k = self.key(st)
                scene = story.scenes[st.scene]
                self.observe(st, scene)
                if scene.ending:
                    self.endings[scene.ending] = min(self.endings.get(scene.ending, 10**9), depth[k])
                    continue
                game = Game(story, state=st.copy())
                available = game.available()
                if not available:
                    self.dead_ends.add(scene.id)
                for choice in available:
                    self.choices.add(choice.key)
                    tries = self.SEEDS if len(choice.routes) > 1 else 1
                    for seed in range(tries):
                        s2 = State(st.scene, list(st.values), set(st.visited), set(st.chosen), [], seed)
                        Game(story, state=s2).step(choice)
                        s2.log, s2.seed = [], 0
                        k2 = self.key(s2)
                        edges.setdefault(k, set()).add(k2)
                        self.scenes.add(s2.scene)
                        if k2 not in depth:
                            depth[k2] = depth[k] + 1
                            scene_of[k2] = s2.scene
                            nxt_frontier.append(s2)
                            if len(depth) > limit:
                                self.complete = False
            frontier = nxt_frontier
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
            self.can_end_scenes = {scene_of[k] for k in good}
            self.trapped = len(depth) - len(good)

    @staticmethod
    def key(st: State) -> Any:
        return (st.scene, tuple(st.values), frozenset(st.visited), frozenset(st.chosen))

    def observe(self, st: State, scene: Any) -> None:
        def see(cond: Any, role: str) -> bool:
            result = bool(cond.test(st.values, st.visited, st.chosen))
            self.outcomes.setdefault((cond.pos.file, cond.pos.line, cond.pos.column, role), set()).add(result)
            return result

        for p in scene.text:
            if p.when is not None:
                see(p.when, "passage")
        for ch in scene.choices:
            if ch.visible_if is not None and not see(ch.visible_if, "if"):
                continue
            if ch.enabled_if is not None:
                see(ch.enabled_if, "requires")
