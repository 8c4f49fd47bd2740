"""quicktest: exhaustive exploration that follows the real state, so every path it reports can be played."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from game.commands.quicktest import format_report
from game.engine import Game
from game.loader import load_story
from game.saves import Playthrough, replay_playthrough
from game.tools.quicktest import StateKey, explore, find_seed, quicktest, report_data
from game.tools.randomtest import randomtest

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "fixtures" / "tiny"


def run_qasas(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "game", *args], capture_output=True, text=True, check=False, cwd=ROOT)


def test_the_tiny_story_is_explored_completely_with_shortest_paths() -> None:
    story = load_story(str(TINY))
    res = explore(story)
    assert res.complete
    assert {e: [str(s) for s in p] for e, p in res.endings.items()} == {
        "turned_back": ["gate.leave"],
        "lucky": ["gate.road", "road.walk"],
        "through": ["gate.ask_pass", "gate.show_pass"],
    }
    assert all(res.shortest.values())
    assert res.scenes_reached == set(story.scenes)
    assert res.choices_taken == {c.key for s in story.scenes.values() for c in s.choices}
    assert not res.dead_ends and res.traps == 0


def test_an_unbounded_counter_compared_with_constants_still_finishes() -> None:
    # tiny's 'bribes' grows by one on every bribe, for ever; only 'bribes > 0' reads it, so two classes suffice.
    story = load_story(str(TINY))
    key = StateKey(story)
    bribes = story.variables["bribes"].slot
    assert key.cuts["gate"][bribes] == {1}
    assert explore(story).states < 50


def test_unreachable_things_dead_ends_traps_and_decided_conditions(make_story) -> None:
    story = make_story("""\
        chapter: one
        scenes:
          - id: start
            title: Start
            text:
              - x
              - {if: n > 5, text: Never shown.}
            choices:
              - {id: count, label: Count, if: n < 2, effects: {add: {n: 1}}, goto: start}
              - {id: stuck, label: Get stuck, goto: stuck}
              - {id: trap, label: Walk in circles, goto: circle}
              - {id: win, label: Win, requires: n >= 2, goto: won}
              - {id: lose, label: Lose, requires: n > 3, goto: lost}
          - id: stuck
            title: Stuck
            text: x
            choices: [{id: fly, label: Fly, requires: n > 2, goto: won}]
          - id: circle
            title: Circle
            text: x
            choices: [{id: again, label: Again, goto: circle}]
          - {id: won, title: Won, ending: won, text: x}
          - {id: lost, title: Lost, ending: lost, text: x}
    """)
    res = explore(story)
    assert res.complete
    data = report_data(story, res, None, {})
    assert [s["id"] for s in data["scenes_never_reached"]] == ["lost"]
    assert [c["id"] for c in data["choices_never_available"]] == ["start.lose", "stuck.fly"]
    assert data["endings_never_reached"] == ["lost"]
    assert [d["scene"] for d in data["dead_ends"]] == ["stuck"]
    assert data["dead_ends"][0]["path"] == ["start.stuck"]
    assert data["trapped_states"] > 0 and data["trap_path"] == ["start.stuck"]
    decided = {(c["role"], c["condition"]): c["always"] for c in data["conditions_always_the_same"]}
    assert decided == {("passage", "n > 5"): False, ("requires", "n > 3"): False, ("requires", "n > 2"): False}
    assert data["ok"] is False
    text = format_report(story, data)
    assert "Scenes never reached (1):" in text and "passage 'n > 5' is never true" in text


def test_chance_routes_branch_both_ways_and_the_path_gets_a_seed_that_follows_it(make_story) -> None:
    story = make_story("""\
        chapter: one
        scenes:
          - id: start
            title: Start
            text: x
            choices:
              - id: roll
                label: Roll
                goto: [{chance: 30, to: lucky}, {chance: 50, to: middle}, {to: lost}]
          - id: lucky
            title: Lucky
            text: x
            choices:
              - {id: again, label: Again, goto: [{chance: 20, to: won}, {to: lost}]}
          - {id: middle, title: Middle, ending: lost, text: x}
          - {id: won, title: Won, ending: won, text: x}
          - {id: lost, title: Lost, ending: lost, text: x}
    """)
    res = explore(story)
    assert res.scenes_reached == set(story.scenes)
    path = res.endings["won"]
    assert [(s.scene, s.choice, s.target) for s in path] == [("start", "roll", "lucky"), ("lucky", "again", "won")]
    seed = find_seed(story, path)
    assert seed is not None
    assert Game.replay(story, seed, [("start", "roll"), ("lucky", "again")]).scene.id == "won"
    assert find_seed(story, path, first=1, tries=1) in (None, 1)  # a budget is respected


def test_written_paths_replay_as_playthroughs(tmp_path: Path) -> None:
    out = tmp_path / "paths"
    proc = run_qasas("quicktest", str(TINY), "--write-paths", str(out))
    assert proc.returncode == 0, proc.stderr
    files = sorted(p.name for p in out.iterdir())
    assert files == ["lucky.yaml", "through.yaml", "turned_back.yaml"]
    story = load_story(str(TINY))
    for name in files:
        pt = Playthrough.from_file(out / name)
        report = replay_playthrough(pt, story)
        assert report.ok, (name, report)
        assert report.ending == name.removesuffix(".yaml")
    assert "seed:" in (out / "lucky.yaml").read_text()


def test_a_budget_too_small_says_so_and_samples_the_whole_story(make_story) -> None:
    scenes = ["chapter: one\nscenes:\n"]
    for i in range(12):
        scenes.append(
            f"  - id: s{i}\n    title: S{i}\n    text: x\n    choices:\n"
            f"      - {{id: a, label: A, effects: {{trust: {{guards: 1}}}}, goto: s{i + 1}}}\n"
            f"      - {{id: b, label: B, effects: {{trust: {{guards: -1}}}}, goto: s{i + 1}}}\n"
            f"      - {{id: c, label: C, if: guards > {50 + i % 3}, goto: s{i + 1}}}\n"
        )
    scenes.append("  - {id: s12, title: End, ending: won, text: x}\n")
    scenes.append("  - {id: start, title: Start, text: x, choices: [{id: go, label: Go, goto: s0}]}\n")
    story = make_story("".join(scenes).replace("scenes:\n", "scenes:\n", 1))
    full, sample = quicktest(story, max_states=40)
    assert not full.complete and sample is not None
    data = report_data(story, full, sample, {})
    assert data["complete"] is False and data["ok"] is False
    assert data["sampling"] == {"states": sample.states, "per_scene": 40 // len(story.scenes)}
    assert "won" in data["endings"]  # the sampling pass reaches the far end of the story
    assert data["endings"]["won"]["shortest"] is False
    assert "INCOMPLETE" in format_report(story, data)


def test_json_report_and_exit_status() -> None:
    proc = run_qasas("quicktest", str(TINY), "--json")
    assert proc.returncode == 0
    data = json.loads(proc.stdout)
    assert data["complete"] is True and data["ok"] is True
    assert data["endings"]["lucky"]["path"] == ["gate.road", "road.walk"]
    assert isinstance(data["endings"]["lucky"]["seed"], int)
    assert run_qasas("quicktest", str(TINY), "--max-states", "0").returncode == 2
    assert run_qasas("quicktest", str(ROOT / "no-such-story")).returncode == 2


def test_merging_states_loses_nothing(explored_stories) -> None:
    """On random stories, quicktest (merging states whose futures are the same) finds exactly what a search over
    complete states finds: the same scenes, choices, endings at the same distance, and condition outcomes."""
    for seed, story, naive in explored_stories:
        res = explore(story)
        assert res.complete, seed
        assert res.scenes_reached == naive.scenes, seed
        assert res.choices_taken == naive.choices, seed
        assert {e: len(p) for e, p in res.endings.items()} == naive.endings, seed
        assert set(res.dead_ends) == naive.dead_ends, seed
        assert (res.traps > 0) == (naive.trapped > 0), seed
        outcomes = {k: v[2] for k, v in res.verdicts.items() if k[3] != "route"}
        assert outcomes == naive.outcomes, seed
        for ending, path in res.endings.items():
            found = find_seed(story, path, tries=20_000)
            assert found is not None, (seed, ending)
            game = Game.replay(story, found, [(s.scene, s.choice) for s in path])
            assert game.scene.ending == ending, (seed, ending)


def test_random_playthroughs_never_go_where_quicktest_says_they_cannot(explored_stories) -> None:
    for seed, story, _naive in explored_stories[:15]:
        res = explore(story)
        played = randomtest(story, 300, seed=1, max_steps=200)
        assert played.visited <= res.scenes_reached, seed
        assert played.chosen <= res.choices_taken, seed
        assert set(played.endings) <= set(res.endings), seed
