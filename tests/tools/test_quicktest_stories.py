"""quicktest on stories the size of real ones: the shipped story and the 1,000-scene synthetic story get every
verdict, within quicktest's own budgets (how long that takes is ``qasas bench``'s business, not a test's)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from game.bench.synthetic import write_synthetic
from game.engine import Game
from game.loader import default_scenes_dir, load_story

ROOT = Path(__file__).resolve().parents[2]


def quicktest_json(*args: str) -> tuple[int, dict]:
    proc = subprocess.run(
        [sys.executable, "-m", "game", "quicktest", *args, "--json"], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert proc.stdout, proc.stderr
    return proc.returncode, json.loads(proc.stdout)


@pytest.fixture(scope="module")
def shipped() -> tuple[int, dict]:
    return quicktest_json()


def test_the_shipped_story_gets_every_verdict_and_everything_can_be_reached(shipped) -> None:
    status, data = shipped
    assert status == 0 and data["complete"] and data["ok"]
    story = load_story(default_scenes_dir())
    assert len(data["scenes"]) == len(story.scenes) and len(data["endings"]) == len(story.endings)
    for kind in ("scenes", "choices", "endings"):
        assert {f["verdict"] for f in data[kind]} == {"reachable"}, kind
    assert data["dead_ends"] == [] and data["traps"]["verdict"] == "none"
    assert all(c["true"] != "undecided" and c["false"] != "undecided" for c in data["conditions"])


def test_every_path_quicktest_reports_on_the_shipped_story_plays(shipped) -> None:
    _, data = shipped
    story = load_story(default_scenes_dir())
    for kind in ("scenes", "choices", "endings"):
        for f in data[kind]:
            log = [tuple(step.split(".", 1)) for step in f["path"]]
            game = Game.replay(story, f["seed"], log)
            here = game.state.scene
            if kind == "scenes":
                assert here == f["id"], f
            elif kind == "endings":
                assert story.scenes[here].ending == f["id"], f
            else:
                assert here == f["scene"] and f["id"] in {c.key for c in game.available()}, f


@pytest.mark.slow
def test_the_synthetic_story_of_1000_scenes_gets_every_verdict(tmp_path: Path) -> None:
    write_synthetic(1000, str(tmp_path / "synthetic"))
    status, data = quicktest_json(str(tmp_path / "synthetic"))
    assert data["complete"], [f["id"] for k in ("scenes", "choices", "endings") for f in data[k] if f["verdict"] == "undecided"]
    # Its generator leaves some scenes with no way in: those are proven unreachable, and that is a problem.
    unreachable = [f for f in data["scenes"] if f["verdict"] == "unreachable"]
    assert unreachable and status == 1
    assert all(f["how"] == "search of the story's graph" for f in unreachable)
    assert {e["verdict"] for e in data["endings"]} == {"reachable"}


def test_the_shipped_story_gets_the_same_report_with_two_jobs(shipped) -> None:
    # The exact search alone cannot finish this story, so random play and the searches are shared out as tasks.
    _, one = shipped
    status, two = quicktest_json("--jobs", "2")
    assert not one["method"]["exact_complete"] and two["method"]["jobs"] == 2
    for data in (one, two):
        data.pop("elapsed_s")
        data["method"].pop("jobs")
    assert status == 0 and two == one
