"""``qasas replay``: PASS/FAIL per file, --json, --transcript, golden files, exit statuses; and the pytest
hook that turns every file in tests/playthroughs/ into its own test case."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from saves_helpers import ROOT, TINY, play

from game.cli import main
from game.engine import Story
from game.saves import SaveStore

FIXTURES = Path(__file__).resolve().parent / "playthroughs"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Playthroughs of the tiny story: two that pass and one that fails."""
    shutil.copytree(TINY, tmp_path / "tiny")
    pts = tmp_path / "pts"
    pts.mkdir()
    (pts / "good.yaml").write_text("scenes: ../tiny\nchoices: [gate.leave]\nexpect: {ending: turned_back}\n")
    (pts / "also_good.yaml").write_text("scenes: ../tiny\nseed: 4\nchoices: [gate.road, road.walk]\n")
    (pts / "bad.yaml").write_text(
        "scenes: ../tiny\nchoices:\n  - gate.bribe\n  - expect: {trust: {guards: 50}}\n"
    )
    return pts


def test_pass_and_fail_per_file(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", str(folder)]) == 1
    out = capsys.readouterr().out
    assert f"PASS {folder / 'also_good.yaml'} (2 steps, ending: lucky)" in out
    assert f"PASS {folder / 'good.yaml'} (1 step, ending: turned_back)" in out
    assert f"FAIL {folder / 'bad.yaml'}\n" in out
    assert "after step 1, in scene 'gate'" in out and "bad.yaml:4:13" in out
    assert "    - trust.guards: 50\n    + trust.guards: 0\n" in out
    assert out.rstrip().endswith("2 passed, 1 failed")


def test_all_passing_exits_0(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", str(folder / "good.yaml"), str(folder / "also_good.yaml")]) == 0
    assert capsys.readouterr().out.rstrip().endswith("2 passed")


def test_json_lines(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", "--json", str(folder)]) == 1
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [Path(r["file"]).name for r in rows] == ["also_good.yaml", "bad.yaml", "good.yaml"]
    assert all(set(r) == {"file", "ok", "steps", "ending", "failure"} for r in rows)
    bad = rows[1]
    assert bad["ok"] is False and bad["steps"] == 1 and bad["ending"] is None
    assert bad["failure"]["kind"] == "expect" and bad["failure"]["scene"] == "gate"
    assert bad["failure"]["expected"] == ["trust.guards: 50"] and bad["failure"]["actual"] == [
        "trust.guards: 0"
    ]
    assert rows[0] == {
        "file": str(folder / "also_good.yaml"),
        "ok": True,
        "steps": 2,
        "ending": "lucky",
        "failure": None,
    }


def test_unreadable_input_exits_2(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (folder / "broken.yaml").write_text("choices: [gate.leave\n")
    assert main(["replay", str(folder)]) == 2
    out = capsys.readouterr().out
    assert f"ERROR {folder / 'broken.yaml'}" in out and "broken.yaml:2:1: YAML syntax" in out
    assert "2 passed, 1 failed, 1 unreadable" in out
    assert main(["replay", str(folder / "missing.yaml")]) == 2
    assert "no such file or folder" in capsys.readouterr().out
    empty = folder / "empty"
    empty.mkdir()
    assert main(["replay", "--json", str(empty)]) == 2
    row = json.loads(capsys.readouterr().out)
    assert row["ok"] is False and "no playthrough files" in row["error"]


def test_a_story_that_does_not_load_is_unreadable_input(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder.parent / "tiny" / "one.yaml").write_text("chapter: one\nscenes: [}\n")
    assert main(["replay", str(folder / "good.yaml")]) == 2
    out = capsys.readouterr().out
    assert "does not load" in out and "one.yaml:2:" in out


def test_scenes_option_is_the_default_for_files_without_scenes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], tiny_story: Story
) -> None:
    store = SaveStore(tmp_path / "saves")
    store.save("at the road", play(tiny_story, "road"))
    store.save("done", play(tiny_story, "ask_pass", "show_pass"))
    assert main(["replay", "--scenes", str(TINY), str(store.directory)]) == 0
    out = capsys.readouterr().out
    assert "(1 step)" in out and "(2 steps, ending: through)" in out and "2 passed" in out


def test_transcript_goes_to_stdout_and_status_to_stderr(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["replay", "--transcript", str(folder / "good.yaml")]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("A Tiny Story\n(seed 0)\n")
    assert "> 6. Turn back  [gate.leave]" in captured.out and "*** Ending: Turned Back ***" in captured.out
    assert "PASS" not in captured.out and "PASS" in captured.err
    assert main(["replay", "--transcript", str(folder)]) == 1
    out = capsys.readouterr().out
    assert f"==> {folder / 'bad.yaml'} <==" in out  # several files: each under a header


def test_update_golden_flag(
    folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("QASAS_UPDATE_GOLDEN", raising=False)
    pt = folder / "good.yaml"
    pt.write_text(pt.read_text() + "transcript: good.txt\n")
    assert main(["replay", str(pt)]) == 1
    assert "good.txt does not exist" in capsys.readouterr().out
    assert main(["replay", "--update-golden", str(pt)]) == 0
    assert (folder / "good.txt").read_text().startswith("A Tiny Story\n")
    assert main(["replay", str(pt)]) == 0


def test_the_shipped_fixture_goldens_match(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("QASAS_UPDATE_GOLDEN", raising=False)
    assert main(["replay", str(FIXTURES)]) == 0, capsys.readouterr().out


def test_command_runs_as_a_program(folder: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "game", "replay", "--json", str(folder / "good.yaml")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["ok"] is True


def test_the_playthroughs_folder_collects_each_file_as_a_test(tmp_path: Path) -> None:
    """The conftest in tests/playthroughs/, run by pytest in a scratch project against the tiny story."""
    project = tmp_path / "project"
    (project / "tests" / "playthroughs").mkdir(parents=True)
    shutil.copy(
        ROOT / "tests" / "playthroughs" / "conftest.py", project / "tests" / "playthroughs" / "conftest.py"
    )
    shutil.copytree(TINY, project / "tiny")
    pts = project / "tests" / "playthroughs"
    (pts / "through.yaml").write_text(
        "scenes: ../../tiny\ntranscript: through.txt\nchoices: [gate.ask_pass, gate.show_pass]\n"
        "expect: {ending: through}\n"
    )
    (pts / "wrong_ending.yaml").write_text(
        "scenes: ../../tiny\nchoices: [gate.leave]\nexpect: {ending: through}\n"
    )
    (pts / "README.md").write_text("not a test\n")
    (project / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider\n")
    # No third-party plugins: the hook needs none, and pytest starts several times faster without them.
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    env.pop("QASAS_UPDATE_GOLDEN", None)

    def pytest_run(*extra: str, update: bool = False) -> subprocess.CompletedProcess[str]:
        run_env = {**env, "QASAS_UPDATE_GOLDEN": "1"} if update else env
        return subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-rA", *extra, "tests/playthroughs"],
            cwd=project,
            capture_output=True,
            text=True,
            env=run_env,
            check=False,
        )

    proc = pytest_run()
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "PASSED tests/playthroughs/wrong_ending.yaml" not in proc.stdout
    assert "FAILED tests/playthroughs/through.yaml::through" in proc.stdout
    assert "through.txt does not exist" in proc.stdout
    assert "FAILED tests/playthroughs/wrong_ending.yaml::wrong_ending" in proc.stdout
    assert "wrong_ending.yaml: after step 1, in scene 'turned_back'" in proc.stdout
    assert "- ending: through" in proc.stdout and "+ ending: turned_back" in proc.stdout
    assert "2 failed" in proc.stdout

    proc = pytest_run(update=True)  # writes the golden transcript; the wrong ending still fails
    assert (pts / "through.txt").is_file()
    assert (
        "PASSED tests/playthroughs/through.yaml::through" in proc.stdout
        and "1 failed, 1 passed" in proc.stdout
    )

    (pts / "through.txt").write_text(
        (pts / "through.txt").read_text().replace("Through the Gate", "Over the Wall")
    )
    proc = pytest_run()
    assert "differs from the golden file through.txt" in proc.stdout
    assert (
        "-*** Ending: Over the Wall ***" in proc.stdout and "+*** Ending: Through the Gate ***" in proc.stdout
    )
