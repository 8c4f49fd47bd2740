"""quicktest's verdicts checked against brute force on many small random stories (tests/tools/quicktest_reference.py):
flags, trust thresholds, counters that grow around loops, chance routes (and chances of 0 and 100, which the
engine plays though the loader refuses them), once-only and fallback choices, min/max, conditions in text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from quicktest_reference import BruteForce, random_story_files, with_chances
from tools_helpers import write_story

from game.engine import Game, Story
from game.loader import load_story
from game.tools.quicktest import Quicktest, Settings, quicktest

WITHOUT_EXACT = Settings(exact_states=1, max_states=5_000, runs=40, batch=10, aim_states=2_000)
STARVED = Settings(exact_states=1, max_states=3, runs=2, batch=1, aim_states=3, rounds=1)


@pytest.fixture(scope="module")
def stories(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, Story, BruteForce]]:
    """Random stories small enough for brute force, each as written and, if it has chance routes, with every
    chance at 0 and at 100."""
    tmp = tmp_path_factory.mktemp("random")
    out = []
    for seed in range(90):
        manifest, scenes = random_story_files(seed)
        story = load_story(str(write_story(tmp / f"r{seed}", manifest, scenes)))
        chancy = any(r.chance is not None for s in story.scenes.values() for c in s.choices for r in c.routes)
        variants = [(f"{seed}", story)]
        if chancy:
            variants += [(f"{seed} at 0%", with_chances(story, 0)), (f"{seed} at 100%", with_chances(story, 100))]
        for name, s in variants:
            truth = BruteForce(s)
            if truth.complete:
                out.append((name, s, truth))
    assert len(out) >= 80, "the generator should give mostly finite stories"
    return out


def wrong(result: Quicktest, truth: BruteForce, story: Story) -> list[str]:
    """Every verdict that brute force contradicts: reached where it cannot be, unreachable where it can, a path
    called shortest that is not, a path that does not play, a condition result claimed or denied wrongly."""
    out = []
    for findings, reached in ((result.scenes, truth.scenes), (result.choices, truth.choices), (result.endings, truth.endings)):
        for f in findings:
            least = reached.get(f.id)
            if f.verdict == "unreachable" and least is not None:
                out.append(f"{f.kind} {f.id} called unreachable ({f.how}); it is reached in {least}")
            if f.verdict == "reachable":
                assert f.path is not None
                if least is None:
                    out.append(f"{f.kind} {f.id} called reachable ({f.how}); it never is")
                elif f.path.shortest and f.path.length != least:
                    out.append(f"{f.kind} {f.id}: a path of {f.path.length} called shortest; the least is {least}")
                elif f.path.seed is None or not _plays(story, f):
                    out.append(f"{f.kind} {f.id}: its path does not play")
    for d in result.dead_ends:
        if d.verdict != "undecided" and (d.verdict == "reachable") != (d.scene in truth.dead_ends):
            out.append(f"dead end {d.scene}: {d.verdict}")
    for c in result.conditions:
        seen = truth.outcomes.get((c.pos, c.role, c.source), set())
        for outcome, verdict in ((True, c.true), (False, c.false)):
            if verdict != "undecided" and (verdict == "reachable") != (outcome in seen):
                out.append(f"{c.role} {c.source!r} at {c.pos}: read as {outcome} called {verdict}; brute force: {seen}")
    if result.traps.verdict != "undecided" and (result.traps.verdict == "found") != (truth.trapped > 0):
        out.append(f"traps {result.traps.verdict}; brute force found {truth.trapped} trapped states")
    return out


def _plays(story: Story, f: Any) -> bool:
    game = Game.replay(story, f.path.seed, [(s.scene, s.choice) for s in f.path.steps])
    here = game.state.scene
    if f.kind == "scene":
        return here == f.id
    if f.kind == "ending":
        return story.scenes[here].ending == f.id
    return here == f.scene and f.id in {c.key for c in game.available()}


def test_small_stories_are_decided_exactly(stories) -> None:
    """The exact search is complete on them: every verdict is in, every path the shortest, the traps counted."""
    for name, story, truth in stories:
        result = quicktest(story)
        assert result.complete and result.method.exact_complete, name
        assert wrong(result, truth, story) == [], name
        for f in result.scenes + result.choices + result.endings:
            assert f.verdict == "unreachable" or f.path.shortest, (name, f.id)


def test_without_the_exact_search_the_verdicts_still_hold(stories) -> None:
    """Play and the searches over smaller views decide (nearly) everything, and nothing wrongly."""
    open_ = total = 0
    for name, story, truth in stories[::3]:
        result = quicktest(story, WITHOUT_EXACT)
        assert wrong(result, truth, story) == [], name
        assert not result.undecided(), (name, [f.id for f in result.undecided()])
        total += len(result.conditions) * 2 + len(result.dead_ends) + 1
        open_ += sum((c.true == "undecided") + (c.false == "undecided") for c in result.conditions)
        open_ += sum(d.verdict == "undecided" for d in result.dead_ends) + (result.traps.verdict == "undecided")
    assert open_ <= total // 50, f"{open_} of {total} condition, dead-end and trap verdicts undecided"


def test_budgets_too_small_to_decide_never_give_a_wrong_verdict(stories) -> None:
    for name, story, truth in stories[::3]:
        result = quicktest(story, STARVED)
        assert wrong(result, truth, story) == [], name


def test_the_brute_force_reference_itself_sees_chance_both_ways(tmp_path: Path) -> None:
    manifest, scenes = random_story_files(0)
    story = load_story(str(write_story(tmp_path / "r", manifest, scenes)))
    assert BruteForce(story).complete
    never, always = with_chances(story, 0), with_chances(story, 100)
    for s in (never, always):
        assert all(r.chance in (None, 0, 100) for sc in s.scenes.values() for c in sc.choices for r in c.routes)
