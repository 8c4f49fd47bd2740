"""``qasas bench``: the quick run measures every documented figure; the table shows values, failures and targets.
No timing is asserted here (timings belong to the bench itself)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from game.bench.measure import BenchError, run_json
from game.bench.suite import KEYS, TARGETS, format_table, targets
from game.bench.synthetic import write_synthetic

FIGURE_KEYS = {"what", "unit", "value"}
TARGET_KEYS = {"what", "figure", "measure", "value", "limit", "op", "met"}


@pytest.mark.slow
def test_quick_json_run_measures_every_documented_figure(tmp_path: Path) -> None:
    # A small synthetic story stands in for the shipped one, which is still being written.
    story = tmp_path / "story"
    write_synthetic(300, str(story))
    env = {**os.environ, "QASAS_CACHE": str(tmp_path / "user-cache")}
    proc = subprocess.run(
        [sys.executable, "-m", "game", "bench", "--quick", "--json", "--scenes", str(story)],
        capture_output=True, text=True, check=False, timeout=600, env=env, cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr[-3000:] + proc.stdout[-3000:]
    data = json.loads(proc.stdout)
    assert {"version", "quick", "runs", "machine", "duration_s", "figures", "targets"} <= data.keys()
    assert data["quick"] is True and data["runs"] == 1
    assert {"cpu", "cores", "python", "load_average"} <= data["machine"].keys()
    assert tuple(data["figures"]) == KEYS
    for key, fig in data["figures"].items():
        assert "error" not in fig, (key, fig)
        assert FIGURE_KEYS <= fig.keys(), key
        if key != "long_session":  # a growth of memory: none (or less than none) is a fine result
            assert fig["value"] > 0, key
    for key in ("startup", "startup_memory", "load_1000_cold", "load_10000_warm"):
        fig = data["figures"][key]
        assert fig["baseline"] > 0 and fig["ratio"] == pytest.approx(fig["value"] / fig["baseline"], rel=0.02)
        if key.startswith("load"):
            assert fig["cpu_ratio"] == pytest.approx(fig["cpu_ms"] / fig["baseline_cpu_ms"], rel=0.02)
    # The shipped story's load has three samples a run, judged on the median of the pairs' ratios.
    shipped = data["figures"]["load_shipped"]
    assert len(shipped["samples"]) == len(shipped["baseline_samples"]) == 3
    pairs = sorted(a / b for a, b in zip(shipped["samples"], shipped["baseline_samples"]))
    assert shipped["ratio"] == pytest.approx(pairs[1], rel=0.02) and shipped["cpu_ratio"] > 0
    assert data["figures"]["load_shipped"]["scenes"] == 300
    assert data["figures"]["load_10000_cold"]["scenes"] == 10_000
    assert data["figures"]["replay_1000"]["steps"] == 1000
    session = data["figures"]["long_session"]
    assert (session["first"], session["last"]) == (20, 60) and session["unit"] == "MiB"
    assert data["figures"]["play_1000_jobs2"]["jobs"] == 2 and data["figures"]["play_1000_jobs2"]["speedup"] > 0
    assert len(data["targets"]) == len(TARGETS)
    for t in data["targets"]:
        assert t.keys() == TARGET_KEYS
        assert t["met"] in (True, False)
    # The bench kept to its own cache: the player's was not touched.
    assert not (tmp_path / "user-cache").exists()


def canned() -> dict:
    figures = {key: {"what": key, "unit": "ms", "value": 10.0, "baseline": 8.0, "ratio": 1.25} for key in KEYS}
    figures["load_shipped"].update(cpu_ms=9.0, baseline_cpu_ms=8.0, cpu_ratio=1.125)
    figures["play_1000"] = {"what": "play", "unit": "choices/s", "value": 250_000, "playthroughs_per_s": 700.0}
    figures["play_1000_jobs2"] = {"what": "jobs", "unit": "choices/s", "value": 480_000, "one_job": 250_000,
                                  "speedup": 1.92, "playthroughs_per_s": 1400.0}
    figures["keypress"] = {"what": "key press", "error": "the story does not load: scenes/x.yaml:3:1: error: oops"}
    return {
        "version": 1, "quick": False, "runs": 5, "duration_s": 100.0, "figures": figures,
        "machine": {"cpu": "A CPU", "cores": 2, "python": "3.11.7", "implementation": "CPython", "system": "Linux",
                    "load_average": [0.1, 0.2, 0.3]},
        "targets": targets(figures),
    }


def test_the_table_shows_values_baselines_ratios_and_failures() -> None:
    table = format_table(canned())
    assert "A CPU, 2 cores, CPython 3.11.7" in table and "Medians of 5 runs" in table
    assert "| startup | 10.0 ms | 8.0 ms | 1.25x |" in table
    assert "| load_shipped | 10.0 ms (CPU 9.0 ms) | 8.0 ms (CPU 8.0 ms) | 1.25x (CPU 1.12x) |" in table
    assert "| play | 250,000/s; 700.0 playthroughs/s |  |  |" in table
    assert "| jobs | 480,000/s; 1,400.0 playthroughs/s | 250,000/s (one job) | 1.92x |" in table
    assert "| key press | not measured: the story does not load: scenes/x.yaml:3:1: error: oops | | |" in table
    assert "| start-up time vs bare Textual | 1.25 | <= 1.2 | NO |" in table
    assert "| speed-up with --jobs 2 | 1.92 | >= 1.7 | yes |" in table
    assert "| key press to rendered scene, median ms | n/a | <= 50 | n/a |" in table


def test_targets_between_two_figures() -> None:
    data = canned()
    data["figures"]["load_1000_cold"]["cpu_ms"] = 100.0
    data["figures"]["load_10000_cold"]["cpu_ms"] = 1200.0
    data["figures"]["load_10000_warm"]["cpu_ms"] = 60.0
    judged = {t["figure"] + " " + t["measure"]: t for t in targets(data["figures"])}
    assert judged["load_10000_cold cpu_ms/load_1000_cold"]["value"] == 12.0
    assert judged["load_10000_cold cpu_ms/load_1000_cold"]["met"] is False
    assert judged["load_10000_warm cpu_ms/load_10000_cold"]["value"] == 0.05
    assert judged["load_10000_warm cpu_ms/load_10000_cold"]["met"] is True


def test_a_failing_worker_is_a_bench_error_with_its_reason() -> None:
    with pytest.raises(BenchError, match="boom"):
        run_json([sys.executable, "-c", "import sys; sys.exit('boom')"], os.environ)
    with pytest.raises(BenchError, match="the story in x does not load"):
        run_json([sys.executable, "-c", "print('{\"error\": \"the story in x does not load\"}')"], os.environ)
    with pytest.raises(BenchError, match="printed no result"):
        run_json([sys.executable, "-c", "print('hello')"], os.environ)


def test_a_worker_reports_a_story_that_does_not_load(tmp_path: Path) -> None:
    (tmp_path / "story.yaml").write_text("story: {id: x, title: X, start: a}\n")
    for task in (["load", "story", str(tmp_path)], ["replay", str(tmp_path), "10", "1"]):
        proc = subprocess.run(
            [sys.executable, "-m", "game.bench.worker", *task], capture_output=True, text=True, check=False
        )
        assert proc.returncode == 0
        assert "does not load" in json.loads(proc.stdout.splitlines()[-1])["error"]


def test_only_measures_the_figures_named_and_judges_their_targets(tmp_path: Path) -> None:
    # A maintainer checking one figure after a change should not wait five minutes for all of them.
    story = tmp_path / "story"
    write_synthetic(200, str(story))
    env = {**os.environ, "QASAS_CACHE": str(tmp_path / "user-cache")}
    proc = subprocess.run(
        [sys.executable, "-m", "game", "bench", "--quick", "--json", "--only", "load_shipped,replay", str(story)],
        capture_output=True, text=True, check=False, timeout=600, env=env, cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    data = json.loads(proc.stdout)
    assert list(data["figures"]) == ["load_shipped", "replay_1000"]
    assert data["only"] == ["load_shipped", "replay"]
    assert {t["figure"] for t in data["targets"]} == {"load_shipped", "replay_1000"}
    assert "Only: load_shipped, replay." in format_table(data)


def test_only_names_the_figures_when_one_is_unknown() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "game", "bench", "--only", "lod"], capture_output=True, text=True, check=False,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "no figure is called 'lod'" in proc.stderr and "load_shipped" in proc.stderr
    assert "Traceback" not in proc.stderr
