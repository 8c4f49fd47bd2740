"""qasas report: the data it gathers and the page it writes, read as HTML (the browser tests look at it drawn)."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from report_helpers import ROOT, qasas, write_report_story

from game.loader import load_story
from game.report import figures
from game.report.page import build_page, page_data
from game.tools.quicktest import Settings, quicktest
from game.tools.report import SceneLocator, build_report, quicktest_summary, run_quicktest

DAGRE_SHA256 = "54a503e346f93ca0bb10abe7999587e037262935687aca45eb4e4b0f64bbb578"  # @dagrejs/dagre 3.1.3


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    story_dir = write_report_story(tmp_path_factory.mktemp("r") / "story")
    story = load_story(str(story_dir))
    return build_report(story, str(story_dir), runs=300, seed=1)


def test_the_data_counts_what_random_playthroughs_did(report) -> None:  # type: ignore[no-untyped-def]
    d = report.detail
    assert report.runs == 300 and d.scene_runs["gate"] == 300 and d.scene_runs["road"] == 300
    assert "cellar" not in d.scene_runs  # no way leads there
    assert d.choice_runs["gate.bribe"] + d.choice_runs["gate.wait"] == 300 and d.choice_runs["gate.fly"] == 0
    # Both ways out of the road are taken, as the 50% chance says; their runs add up.
    assert d.route_runs["road.on>through"] + d.route_runs["road.on>end_home"] == 300
    assert 100 < d.route_runs["road.on>through"] < 200
    assert d.lengths == Counter({2: 300})
    # Words read: the gate (17 words), the road (4, and 5 more when a bribe left the guards below 50), an ending (3).
    assert set(d.words) == {17 + 4 + 3, 17 + 4 + 5 + 3}
    assert d.words[17 + 4 + 5 + 3] == d.choice_runs["gate.bribe"]
    assert sum(d.chapter_words["one"].values()) == 300 and set(d.chapter_words["one"]) == {17}
    assert sum(sum(c.values()) for c in d.ending_words.values()) == 300


def test_quicktest_verdicts_and_lint_warnings_point_at_their_scenes(report) -> None:  # type: ignore[no-untyped-def]
    qt = report.quicktest
    assert qt is not None and qt.complete
    verdicts = {(v.kind, v.id): v for v in qt.verdicts}
    assert verdicts[("scene", "cellar")].verdict == "unreachable"
    assert verdicts[("choice", "gate.fly")].verdict == "unreachable" and verdicts[("choice", "gate.fly")].scene == "gate"
    assert verdicts[("ending", "home")].verdict == "reachable" and verdicts[("ending", "home")].path == ("gate.bribe", "road.on")
    warned = {scene for _, scene in report.warnings}
    assert "cellar" in warned and "gate" in warned  # 'never reached', and the 'if' that never holds


def test_quicktest_in_the_report_runs_with_the_reports_jobs(report) -> None:  # type: ignore[no-untyped-def]
    shared = run_quicktest(report.story, jobs=2)
    assert shared.verdicts == report.quicktest.verdicts and shared.complete
    assert shared.data["method"]["jobs"] == 2


def test_what_quicktest_could_not_decide_is_undecided_never_unreachable(report) -> None:  # type: ignore[no-untyped-def]
    starved = Settings(max_states=1, exact_states=1, runs=1, batch=1, aim_states=1, rounds=1)
    summary = quicktest_summary(report.story, quicktest(report.story, starved))
    assert not summary.complete and "undecided" in {v.verdict for v in summary.verdicts}
    full = {(v.kind, v.id): v.verdict for v in report.quicktest.verdicts}
    for v in summary.verdicts:
        assert v.verdict in (full[(v.kind, v.id)], "undecided"), v
    # And the page says so: an undecided row reads 'undecided', and only proven verdicts read 'proven unreachable'.
    from dataclasses import replace

    page = build_page(replace(report, quicktest=summary))
    assert "Some verdicts are <b>undecided</b>" in page
    rows = re.findall(r'<tr class="(\w+)"><td>(\w+)</td><td>.*?</td><td>([^<]*)</td>', page)
    shown = {verdict for _, _, verdict in rows}
    assert ("undecided", "undecided") in {(cls, verdict) for cls, _, verdict in rows}
    proven = sum(v.verdict == "unreachable" for v in summary.verdicts)
    assert sum(verdict == "proven unreachable" for _, _, verdict in rows) == proven and shown <= {"reachable", "undecided", "proven unreachable"}


def test_a_position_is_located_in_the_scene_written_around_it(report) -> None:  # type: ignore[no-untyped-def]
    locate = SceneLocator(report.story)
    gate, cellar = report.story.scenes["gate"].pos, report.story.scenes["cellar"].pos
    assert locate(gate.file, gate.line) == "gate" and locate(gate.file, cellar.line - 1) == "gate"
    assert locate(cellar.file, cellar.line + 2) == "cellar"
    assert locate(gate.file, 1) == "" and locate("elsewhere.yaml", 5) == ""


def test_story_text_never_becomes_markup(report) -> None:  # type: ignore[no-untyped-def]
    page = build_page(report)
    # Outside the script blocks, the story's text is escaped wherever it appears.
    body = re.sub(r"<script[^>]*>.*?</script>", "", page, flags=re.DOTALL)
    assert "<img" not in body and "<b>" not in body and "<i>" not in body
    assert "<h3 id=\"map-one\">The Gate &lt;b&gt;</h3>" in body
    assert "<h1>The Report &amp; &lt;Story&gt;</h1>" in body
    # Exactly our four scripts, and the data block cannot be closed early: no '<' at all inside it.
    assert page.count("<script") == 4 and page.count("</script>") == 4
    data_block = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', page, re.DOTALL)
    assert data_block is not None and "<" not in data_block.group(1) and "&" not in data_block.group(1)
    data = json.loads(data_block.group(1))
    assert data["scenes"]["gate"]["title"] == '<script>alert("x")</script><img src=x onerror=alert(1)>'
    # In plot labels the names are HTML-escaped (plotly reads a few tags): shown as written, never as tags.
    names = [t["name"] for f in data["figures"] if f["id"].startswith("plot-trust-") for t in f["figure"]["data"]]
    assert "Guards &lt;/script&gt;" in names
    # Nothing is fetched: no external URL in an attribute, and a policy that forbids any.
    assert not re.search(r'(?:src|href)="(?:https?:)?//', body)  # (the browser test watches for requests)
    assert "default-src 'none'" in page


def test_the_page_data_has_every_scene_on_a_chapter_map(report) -> None:  # type: ignore[no-untyped-def]
    data = page_data(report)
    inside = [n["id"] for m in data["chapters"].values() for n in m["nodes"] if not n["outside"] and n["kind"] == "scene"]
    assert sorted(inside) == sorted(report.story.scenes)
    assert [n["id"] for n in data["overview"]["nodes"]] == ["one", "two"]
    road = data["chapters"]["two"]
    # The road's choice leads to its shared route list, drawn once, whose two ways share every playthrough.
    assert [(e["target"], e["share"]) for e in road["edges"] if e["source"] == "road"] == [("routes:luck", 1.0)]
    assert [n["kind"] for n in road["nodes"] if n["id"] == "routes:luck"] == ["routes"]
    shares = {e["target"]: e["share"] for e in road["edges"] if e["source"] == "routes:luck"}
    assert abs(shares["through"] + shares["end_home"] - 1) < 1e-9 and 0.3 < shares["through"] < 0.7


def test_quantile_points_stand_for_the_distribution() -> None:
    values = Counter({10: 500, 20: 300, 90: 200})
    points = figures.quantile_points(values, 10)
    assert points == [10] * 5 + [20] * 3 + [90] * 2
    assert figures.quantile_points(Counter({7: 3})) == [7, 7, 7]
    assert figures.quantile_points(Counter()) == []


def test_the_vendored_layout_library_is_the_published_file() -> None:
    data = (ROOT / "game" / "report" / "assets" / "dagre.min.js").read_bytes()
    assert hashlib.sha256(data).hexdigest() == DAGRE_SHA256


def test_the_command_writes_to_stdout_and_refuses_bad_arguments(tmp_path: Path) -> None:
    story = write_report_story(tmp_path / "story")
    proc = qasas("report", str(story), "-o", "-", "--runs", "50", "--no-quicktest", cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout.startswith("<!DOCTYPE html>") and proc.stderr == ""
    assert "Not run (--no-quicktest)." in proc.stdout
    bad = qasas("report", str(story), "--runs", "0", cwd=tmp_path)
    assert bad.returncode == 2 and "--runs must be at least 1" in bad.stderr
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "story.yaml").write_text("story: {id: x\n", encoding="utf-8")
    refused = qasas("report", str(broken), "-o", str(tmp_path / "r.html"), cwd=tmp_path)
    assert refused.returncode == 2 and "error:" in refused.stderr and not (tmp_path / "r.html").exists()


def test_without_the_report_extra_it_says_what_to_install(tmp_path: Path) -> None:
    # A 'plotly' that is not the real package (no plotly.js inside) stands for a machine without the extra.
    fake = tmp_path / "fake" / "plotly"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("", encoding="utf-8")
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": f"{tmp_path / 'fake'}{os.pathsep}{ROOT}"}
    proc = subprocess.run([sys.executable, "-m", "game", "report", "-o", str(tmp_path / "r.html")],
                          capture_output=True, text=True, env=env, cwd=tmp_path, check=False, timeout=60)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "pip install 'jaysh-al-qasas[report]'" in proc.stderr and not (tmp_path / "r.html").exists()
