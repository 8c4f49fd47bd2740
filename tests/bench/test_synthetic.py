"""The synthetic story the bench measures: the documented shape, the same story for the same N, and it loads."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from game.bench.synthetic import FACTIONS, SCENES_PER_FILE, synthetic_files, write_synthetic
from game.cli import main
from game.engine import Game
from game.engine.conditions import Binary, Name, Num
from game.loader import check_story, load_story


@pytest.fixture(scope="module")
def story_2500(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("synthetic")
    write_synthetic(2500, str(root))
    return load_story(str(root))


def test_scene_counts_and_files() -> None:
    files = synthetic_files(2500)
    assert sorted(files) == ["part000.yaml", "part001.yaml", "part002.yaml", "story.yaml"]
    counts = [text.count("\n  - id: s") for name, text in sorted(files.items()) if name != "story.yaml"]
    assert counts == [SCENES_PER_FILE, SCENES_PER_FILE, 500]
    assert len(synthetic_files(1000)) == 2  # exactly one file of 1,000
    assert len(synthetic_files(1001)) == 3


def test_the_same_n_gives_the_same_story_and_another_n_another() -> None:
    assert synthetic_files(1234) == synthetic_files(1234)
    assert synthetic_files(1234)["part000.yaml"] != synthetic_files(1235)["part000.yaml"]
    assert synthetic_files(100, seed=1) != synthetic_files(100, seed=2)


def test_it_loads_cleanly(tmp_path: Path) -> None:
    write_synthetic(1500, str(tmp_path))
    story, problems = check_story(str(tmp_path))
    assert problems == []
    assert story is not None and len(story.scenes) == 1500


def test_the_documented_shape(story_2500) -> None:  # type: ignore[no-untyped-def]
    story = story_2500
    assert tuple(story.factions) == FACTIONS
    assert story.start == "s0"
    scenes = list(story.scenes.values())
    assert [s.id for s in scenes] == [f"s{i}" for i in range(2500)]
    last = scenes[-1]
    assert last.ending == "end" and last.choices == ()
    for i, scene in enumerate(scenes[:-1]):
        assert not scene.ending and len(scene.choices) == 3
        for k, choice in enumerate(scene.choices):
            (route,) = choice.routes
            ahead = int(route.target[1:]) - i
            assert 1 <= ahead <= 5 or route.target == last.id
            (effect,) = choice.effects
            assert effect.kind == "trust" and effect.target in FACTIONS and effect.amount in (-5, -3, 3, 5)
            guard = choice.visible_if
            if k == 0:
                node = guard.node
                assert isinstance(node, Binary) and node.op == ">" and isinstance(node.left, Name)
                assert node.left.name in FACTIONS and isinstance(node.right, Num) and node.right.value == 20
            else:
                assert guard is None and choice.enabled_if is None
        (passage,) = scene.text
        (paragraph,) = passage.paragraphs
        assert paragraph.names and paragraph.names[0] in FACTIONS and len(paragraph.names) == 1


def test_every_playthrough_reaches_the_ending(story_2500) -> None:  # type: ignore[no-untyped-def]
    import random

    for seed in range(5):
        rng = random.Random(seed)
        game = Game(story_2500, seed)
        while game.available():
            game.step(rng.choice(game.available()))
        assert game.ending is not None and game.ending.id == "end"
        assert re.fullmatch(r"You stand at step 2499\. Trust in \w+ is \d+\.", game.text()[0])


def test_the_command_writes_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "--write-synthetic", "1200", str(tmp_path / "s")]) == 0
    assert "1,200 scenes in 3 files" in capsys.readouterr().out
    assert len(load_story(str(tmp_path / "s")).scenes) == 1200
    # Writing again over its own output is fine; over someone else's story it is refused.
    assert main(["bench", "--write-synthetic", "1200", str(tmp_path / "s")]) == 0
    assert main(["bench", "--write-synthetic", "10", "tests/fixtures/tiny"]) == 2
    assert "already holds a story" in capsys.readouterr().err


@pytest.mark.parametrize("count", ["many", "1", "-5"])
def test_the_command_refuses_a_bad_count(count: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "--write-synthetic", count, str(tmp_path / "s")]) == 2
    assert "qasas bench:" in capsys.readouterr().err
    assert not (tmp_path / "s").exists()


def test_the_command_reports_an_unwritable_directory(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    proc = subprocess.run(
        [sys.executable, "-m", "game", "bench", "--write-synthetic", "10", str(blocker / "s")],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 2
    assert "cannot write" in proc.stderr and "Traceback" not in proc.stderr
