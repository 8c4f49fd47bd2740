"""randomtest: many random playthroughs, reproducible from the seed, reporting everything at once."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from game.commands.randomtest import format_report
from game.engine import Game
from game.loader import load_story
from game.tools.randomtest import Results, play_batch, randomtest, report_data

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "fixtures" / "tiny"

LOOPY = """\
chapter: one
scenes:
  - id: start
    title: Start
    text: x
    choices:
      - {id: win, label: Win, goto: won}
      - {id: spin, label: Spin, goto: spin}
      - {id: stuck, label: Get stuck, goto: stuck}
  - id: spin
    title: Spin
    text: x
    choices: [{id: round, label: Round, goto: spin2}]
  - id: spin2
    title: Spin again
    text: x
    choices: [{id: round, label: Round, goto: spin}]
  - id: stuck
    title: Stuck
    text: x
    choices: [{id: fly, label: Fly, requires: guards > 90, goto: won}]
  - {id: won, title: Won, ending: won, text: x}
  - {id: lost, title: Lost, ending: lost, text: x}
"""


def data_of(story, res: Results, runs: int, seed: int = 1, mode: str = "random", jobs: int = 1) -> dict:
    data = report_data(story, res, runs=runs, seed=seed, mode=mode, jobs=jobs, max_steps=10_000)
    for volatile in ("elapsed_s", "throughput", "jobs"):
        data.pop(volatile)
    return data


def test_runs_are_reproducible_and_each_uses_its_own_seed() -> None:
    story = load_story(str(TINY))
    a = data_of(story, randomtest(story, 500, seed=7), 500, 7)
    b = data_of(story, randomtest(story, 500, seed=7), 500, 7)
    assert a == b
    # Run i is seed S+i: the 3rd run of seed 7 is the first run of seed 9.
    assert play_batch(story, 9, 1).to_data() == play_batch(story, 9, 1).to_data()
    one = play_batch(story, 9, 1)
    assert one.endings == randomtest(story, 1, seed=9).endings


def test_several_jobs_give_the_same_report_as_one(tmp_path: Path) -> None:
    story = load_story(str(TINY))
    single = data_of(story, randomtest(story, 2500, seed=3), 2500, 3)
    multi = data_of(story, randomtest(story, 2500, seed=3, jobs=2, path=str(TINY)), 2500, 3)
    assert single == multi
    single = data_of(story, randomtest(story, 2500, seed=3, mode="coverage"), 2500, 3, "coverage")
    multi = data_of(story, randomtest(story, 2500, seed=3, mode="coverage", jobs=2, path=str(TINY)), 2500, 3, "coverage")
    assert single == multi


def test_a_worker_that_finds_another_story_says_so(story_dir) -> None:
    from game.tools.workers import StoryChanged

    root = story_dir(LOOPY)
    story = load_story(str(root))
    (root / "scenes.yaml").write_text(LOOPY.replace("title: Spin\n", "title: Spun\n"), encoding="utf-8")
    with pytest.raises(StoryChanged, match="the story changed on disk"):
        randomtest(story, 2500, jobs=2, path=str(root))


def test_endings_trust_lengths_and_coverage(make_story) -> None:
    story = make_story("""\
        chapter: one
        scenes:
          - id: start
            title: Start
            text: x
            choices:
              - {id: up, label: Up, effects: {trust: {guards: 10}}, goto: won}
              - {id: down, label: Down, effects: {trust: {guards: -20}}, goto: middle}
          - id: middle
            title: Middle
            text: x
            choices: [{id: on, label: On, goto: lost}, {id: never, label: Never, if: guards > 90, goto: won}]
          - {id: won, title: Won, ending: won, text: x}
          - {id: lost, title: Lost, ending: lost, text: x}
          - {id: orphan, title: Orphan, ending: lost, text: x}
    """)
    data = data_of(story, randomtest(story, 400), 400)
    assert data["endings"]["won"]["count"] + data["endings"]["lost"]["count"] == 400
    assert data["endings"]["won"]["trust"] == {"guards": {"min": 60, "median": 60, "max": 60}}
    assert data["endings"]["lost"]["trust"] == {"guards": {"min": 30, "median": 30, "max": 30}}
    assert data["scenes_never_visited"] == [
        {"id": "orphan", "ending": True, **{k: getattr(story.scenes["orphan"].pos, k) for k in ("file", "line", "column")}}
    ]
    assert [c["id"] for c in data["choices_never_taken"]] == ["middle.never"]
    won = data["endings"]["won"]["count"]
    assert data["length"]["average"] == round((won * 1 + (400 - won) * 2) / 400, 2)
    assert data["length"]["longest"] == 2
    assert data["coverage"] == {"scenes_visited": 4, "scenes": 5, "choices_taken": 3, "choices": 4}
    assert data["ok"] is True


def test_the_median_of_an_even_count_is_the_mean_of_the_middle_two(make_story) -> None:
    story = make_story("""\
        chapter: one
        scenes:
          - id: start
            title: Start
            text: x
            choices:
              - {id: a, label: A, effects: {trust: {guards: 10}}, goto: won}
              - {id: b, label: B, effects: {trust: {guards: 15}}, goto: won}
          - {id: won, title: Won, ending: won, text: x}
          - {id: lost, title: Lost, ending: lost, text: x}
    """)
    res = randomtest(story, 2000)
    values = res.trust["won"]["guards"]
    assert set(values) == {60, 65}
    data = data_of(story, res, 2000)
    median = data["endings"]["won"]["trust"]["guards"]["median"]
    assert median in (60, 62.5, 65)
    if values[60] == values[65]:
        assert median == 62.5


def test_loops_and_dead_ends_are_all_reported_with_seeds(make_story) -> None:
    story = make_story(LOOPY)
    res = randomtest(story, 300, max_steps=50)
    data = data_of(story, res, 300)
    (loop,) = data["loops"]
    assert loop["scenes"] == ["spin", "spin2"] and loop["steps"] == 50 and loop["runs"] > 1
    (dead,) = data["dead_ends"]
    assert dead["scene"] == "stuck" and dead["path"] == ["start.stuck"] and dead["steps"] == 1
    assert data["ok"] is False
    # The seed reported reproduces the problem on its own.
    again = data_of(story, randomtest(story, 1, seed=loop["seed"], max_steps=50), 1, loop["seed"])
    assert again["loops"][0]["seed"] == loop["seed"]
    text = format_report(story, report_data(story, res, runs=300, seed=1, mode="random", jobs=1, max_steps=50))
    assert f"loop: seed {loop['seed']} made 50 choices without reaching an ending; it keeps returning to spin, spin2" in text
    assert "dead end: scene 'stuck' is not an ending but offers no choice that can be taken" in text


def test_coverage_mode_takes_the_least_taken_choice(make_story) -> None:
    branches = "\n".join(f"      - {{id: c{i}, label: C{i}, goto: won}}" for i in range(12))
    story = make_story(f"chapter: one\nscenes:\n  - id: start\n    title: S\n    text: x\n    choices:\n{branches}\n"
                       "  - {id: won, title: Won, ending: won, text: x}\n  - {id: lost, title: Lost, ending: lost, text: x}\n")
    res = randomtest(story, 12, mode="coverage")
    assert len(res.chosen) == 12  # twelve runs, twelve different choices


def test_one_run_prints_its_path_which_replays_with_its_seed() -> None:
    proc = subprocess.run([sys.executable, "-m", "game", "randomtest", str(TINY), "--runs", "1", "--seed", "5", "--json"],
                          capture_output=True, text=True, check=False)
    data = json.loads(proc.stdout)
    log = [tuple(step.split(".")) for step in data["path"]]
    game = Game.replay(load_story(str(TINY)), 5, log)
    assert game.scene.ending == next(iter(data["endings"]))


def test_command_json_exit_status_and_no_progress_bar_when_not_a_terminal(story_dir) -> None:
    ok = subprocess.run([sys.executable, "-m", "game", "randomtest", str(TINY), "--runs", "300", "--json"],
                        capture_output=True, text=True, check=False)
    assert ok.returncode == 0 and ok.stderr == ""
    data = json.loads(ok.stdout)
    assert data["runs"] == 300 and data["seeds"] == [1, 300] and data["throughput"]["playthroughs_per_s"] > 0
    bad = subprocess.run([sys.executable, "-m", "game", "randomtest", str(story_dir(LOOPY)), "--runs", "50",
                          "--max-steps", "20"], capture_output=True, text=True, check=False)
    assert bad.returncode == 1
    assert "Problems (" in bad.stdout and "\x1b" not in bad.stdout + bad.stderr
    usage = subprocess.run([sys.executable, "-m", "game", "randomtest", "--runs", "0"], capture_output=True, text=True, check=False)
    assert usage.returncode == 2 and "--runs must be at least 1" in usage.stderr


def test_text_spans_that_never_show_are_named(make_story) -> None:  # type: ignore[no-untyped-def]
    story = make_story("""\
        chapter: one
        scenes:
          - id: start
            title: Start
            text: |
              The gate is {if n > 10: open|shut}. {if guards >= 0: The guards watch.}
            choices:
              - id: win
                label: Win
                effects: {add: {n: 1}}
                result: "You go{if n > 5:, at last}."
                goto: won_scene
          - {id: won_scene, title: Won, ending: won, text: Through.}
        """)
    data = report_data(story, randomtest(story, runs=50, seed=1), runs=50, seed=1, mode="random", jobs=1, max_steps=100)
    never = [(Path(s["file"]).name, s["line"], s["column"], s["source"], s["read"]) for s in data["spans_never_shown"]]
    always = [(s["line"], s["source"]) for s in data["spans_always_shown"]]
    assert never == [("scenes.yaml", 6, 23, "n > 10", 50), ("scenes.yaml", 11, 28, "n > 5", 50)]
    assert always == [(6, "guards >= 0")]
    text = format_report(story, data)
    assert "Text spans never shown: their condition never held where it was read (2):" in text
