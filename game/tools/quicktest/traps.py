"""States from which no ending can be reached ("traps").

When the exact search was complete, every trapped state is known and counted. Otherwise quicktest reasons about
scenes, from verdicts it has proven:

* If play always ends (the scene graph has no cycle once each once-only choice is counted as taken at most once),
  every playthrough stops at an ending or at a dead end, so there is a trap exactly when a dead end can be
  reached: none when every dead end is proven unreachable.
* Otherwise a scene is **safe** when every state there can reach an ending: an ending is safe; so is a scene
  with a choice that can always be taken there and whose every route leads to safe scenes, and a scene that is
  never a dead end and whose choices all lead only to safe scenes. No trap when every scene that may be reached
  is safe.

A trap is found when play reaches a dead end, or a scene from which the story's graph has no way to an ending.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...engine import Story
from ..analysis import on_cycles
from .book import Book
from .goals import Goals
from .logic import EXACT
from .model import UNDECIDED, Path, Traps
from .paths import state_after
from .search import Context, SearchResult, Step, search


def loops(story: Story, goals: Goals) -> set[str]:
    """Scenes on a cycle that play can go round without end: cycles through a once-only choice's edge do not
    count, since such a choice is taken at most once."""
    succ: dict[str, list[str]] = {}
    for sid, plan in goals.plans.items():
        succ[sid] = sorted({r.target for cp in plan.choices if not cp.once for r in cp.choice.routes})
    return on_cycles(story.scenes, succ)


def exact_traps(story: Story, goals: Goals, res: SearchResult) -> tuple[int, int]:
    """From a complete exact search: how many states cannot reach an ending, and the nearest of them (-1)."""
    n = res.states
    preds: list[list[int]] = [[] for _ in range(n)]
    for a, outs in enumerate(res.succ):
        for b in outs:
            preds[b].append(a)
    good = bytearray(n)
    stack = list(res.endings)
    for e in stack:
        good[e] = 1
    while stack:
        for p in preds[stack.pop()]:
            if not good[p]:
                good[p] = 1
                stack.append(p)
    bad = [i for i in range(n) if not good[i]]
    return len(bad), (min(bad) if bad else -1)  # node ids are in breadth-first order: the smallest is nearest


def traps_verdict(
    story: Story, goals: Goals, book: Book, cyclic: set[str], path_of: Callable[[int], Path | None]
) -> tuple[Traps, list[str]]:
    """The verdict from what ``book`` has proven (see the module docstring), and when it is undecided, the scenes
    not shown safe; ``path_of`` gives the reported path of a reached goal."""
    plans = goals.plans
    maybe = [sid for sid in story.scenes if not book.proven[goals.scene_goal[sid]]]
    # A trap found: a dead end, or a scene reached from which the story's graph leads to no ending.
    can_end = _can_end(story)
    found: list[tuple[int, int]] = []  # (length, goal)
    for sid in maybe:
        dead = plans[sid].dead_end
        if dead >= 0 and book.path[dead] is not None:
            found.append((book.length(dead), dead))
        g = goals.scene_goal[sid]
        if sid not in can_end and book.path[g] is not None:
            found.append((book.length(g), g))
    if found:
        _, g = min(found)
        return Traps("found", None, path_of(g), "play reaches it"), []
    if not cyclic:
        dead_ends = [plans[sid].dead_end for sid in maybe if plans[sid].dead_end >= 0]
        if all(book.proven[d] for d in dead_ends):
            return Traps("none", 0, None, "every playthrough ends, and never at a dead end"), []
        return Traps(UNDECIDED, None, None, "a dead end is undecided"), []
    safe = {sid for sid in story.scenes if story.scenes[sid].ending}
    changed = True
    while changed:
        changed = False
        for sid in maybe:
            if sid in safe:
                continue
            plan = plans[sid]
            always = any(
                book.proven[cp.blocked] and all(r.target in safe for r in cp.choice.routes) for cp in plan.choices
            )
            onward = plan.dead_end >= 0 and book.proven[plan.dead_end] and all(
                r.target in safe for cp in plan.choices for r in cp.choice.routes
            )
            if always or onward:
                safe.add(sid)
                changed = True
    if all(sid in safe for sid in maybe):
        return Traps("none", 0, None, "from every scene play can reach, an ending can always be reached"), []
    unsafe = [sid for sid in maybe if sid not in safe]
    return Traps(UNDECIDED, None, None, "a scene on a loop could not be shown to always lead on to an ending"), unsafe


def trap_search(ctx: Context, book: Book, scenes: list[str], max_states: int, limit: int = 64) -> tuple[Step, ...] | None:
    """Look for a trap among the states the known paths lead to in ``scenes``: from each (nearest first, at most
    ``limit``), search every state onward; a complete search that meets no ending proves it a trap."""
    story = ctx.story
    wanted = set(scenes)
    candidates = sorted(
        (len(path), g, path) for g, path in enumerate(book.path)
        if path is not None and (path[-1].target if path else story.start) in wanted
    )
    tried: set[tuple[Any, ...]] = set()
    for _, _, path in candidates:
        state = state_after(story, path)
        key = (state.scene, tuple(state.values), frozenset(state.visited), frozenset(state.chosen))
        if key in tried:
            continue
        tried.add(key)
        if len(tried) > limit:
            break
        res = search(ctx, EXACT, max_states, start=state)
        if res.complete and not res.endings:
            return path
    return None


def _can_end(story: Story) -> set[str]:
    """Scenes with a way, in the story's graph, to an ending."""
    preds: dict[str, list[str]] = {}
    for scene in story.scenes.values():
        for ch in scene.choices:
            for r in ch.routes:
                preds.setdefault(r.target, []).append(scene.id)
    out = {sid for sid, s in story.scenes.items() if s.ending}
    stack = list(out)
    while stack:
        for p in preds.get(stack.pop(), ()):
            if p not in out:
                out.add(p)
                stack.append(p)
    return out
