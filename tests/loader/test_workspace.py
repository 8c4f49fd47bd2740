"""The editor's workspace: the same verdict as check_story for the same texts, and an edit costs the file edited.

An author types in one file; the workspace reads that buffer instead of the file, re-reads nothing from disk, and
composes no other file's YAML again.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from game import loader
from game.loader import check_story
from game.loader.codec import encode
from game.loader.workspace import Workspace

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
CORPUS = sorted(p for p in (HERE / "corpus").iterdir() if p.is_dir())
STORIES = [*CORPUS, ROOT / "tests" / "fixtures" / "rich", ROOT / "tests" / "fixtures" / "tiny", ROOT / "scenes"]


@pytest.fixture
def rich(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "tests" / "fixtures" / "rich", tmp_path / "rich")
    return tmp_path / "rich"


@pytest.mark.parametrize("root", STORIES, ids=lambda p: p.name)
def test_the_workspace_gives_what_check_story_gives(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QASAS_NO_CACHE", "1")
    story, problems = check_story(str(root))
    checked = Workspace(str(root)).check()
    assert checked.problems == problems
    assert (checked.story is None) == (story is None)
    if story is not None and checked.story is not None:
        shown = list(checked.paths)
        assert encode(checked.story, checked.problems, shown) == encode(story, problems, shown)


def test_an_edit_rereads_only_the_buffer(rich: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = Workspace(str(rich))
    first = ws.check()
    assert first.story is not None
    reads = ws.reads
    composed: list[str] = []
    real = loader.compose
    monkeypatch.setattr(loader, "compose", lambda text, shown: composed.append(shown) or real(text, shown))

    one = rich / "one.yaml"
    ws.set_text(str(one), one.read_text().replace("title: The Road", "title: The Long Road"))
    ws.set_text(str(rich / "two.yaml"), (rich / "two.yaml").read_text().replace("title: The Road", "title: The Long Road"))
    checked = ws.check()

    assert ws.reads == reads  # nothing read from disk again
    assert [Path(c).name for c in composed] == ["two.yaml"]  # one.yaml's text did not change: not composed again
    assert checked.story is not None and checked.story.scenes["road"].title == "The Long Road"
    assert (rich / "two.yaml").read_text().count("The Long Road") == 0  # the file on disk is untouched


def test_a_manifest_edit_reads_every_file_again_but_composes_none(rich: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = Workspace(str(rich))
    ws.check()
    composed: list[str] = []
    real = loader.compose
    monkeypatch.setattr(loader, "compose", lambda text, shown: composed.append(shown) or real(text, shown))

    manifest = rich / "story.yaml"
    ws.set_text(str(manifest), manifest.read_text().replace("initial: 40", "initial: 45"))
    checked = ws.check()

    assert [Path(c).name for c in composed] == ["story.yaml"]
    assert checked.story is not None and checked.story.factions["groups"].initial == 45


def test_a_broken_buffer_is_a_problem_and_keeps_its_last_names(rich: Path) -> None:
    ws = Workspace(str(rich))
    ws.check()
    two = rich / "two.yaml"
    ws.set_text(str(two), two.read_text().replace("title: The Road", 'title: "The Road'))

    checked = ws.check()

    assert checked.story is None
    assert any("YAML syntax" in p.message and p.file.endswith("two.yaml") for p in checked.problems)
    assert checked.unreadable == (next(s for s in checked.paths if s.endswith("two.yaml")),)
    assert checked.index is not None and checked.index.definitions("scene", "road")  # from its last good reading


def test_a_new_file_joins_the_story_before_it_is_saved_and_leaves_when_closed(rich: Path) -> None:
    ws = Workspace(str(rich))
    new = rich / "three.yaml"
    ws.set_text(str(new), "chapter: two\nscenes:\n  - {id: ford, title: The Ford, ending: road, text: Water.}\n")
    assert ws.check().story is not None and "ford" in ws.check().story.scenes  # type: ignore[union-attr]
    ws.forget_text(str(new))
    checked = ws.check()
    assert checked.story is not None and "ford" not in checked.story.scenes


def test_reload_reads_the_disk_again(rich: Path) -> None:
    ws = Workspace(str(rich))
    ws.check()
    (rich / "two.yaml").write_text((rich / "two.yaml").read_text().replace("The road runs north.", "The road bends."))
    assert "bends" not in str(ws.check().story.scenes["road"].text)  # type: ignore[union-attr]
    ws.reload([str(rich / "two.yaml")])
    story = ws.check().story
    assert story is not None and "bends" in story.scenes["road"].text[0].paragraphs[0].parts[0]


def test_a_story_as_on_disk_can_come_from_the_cache(rich: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Workspace(str(rich)).check()  # a first full check writes the cache
    monkeypatch.setattr(loader, "compose", lambda *a: pytest.fail("YAML was read"))
    ws = Workspace(str(rich))
    ws.set_text(str(rich / "one.yaml"), (rich / "one.yaml").read_text())  # open, not changed
    checked = ws.check(cached=True)
    assert checked.story is not None and checked.index is None


def test_each_check_reports_what_is_wrong_now(rich: Path) -> None:
    # Conditions compiled by one check are reused by the next while the names stay the same: a mistake must still
    # be reported every time, and a condition must fail once the name it uses is gone.
    ws = Workspace(str(rich))
    one, manifest = rich / "one.yaml", rich / "story.yaml"
    assert ws.check().story is not None
    broken = one.read_text().replace("if: waited > 1\n", "if: wated > 1\n")
    for _ in range(2):
        ws.set_text(str(one), broken + "\n" * _)
        assert [p.message for p in ws.check().problems] == [
            "in condition 'wated > 1': unknown name 'wated' (did you mean 'waited'?)"
        ]
    ws.set_text(str(one), one.read_text())
    assert ws.check().story is not None
    ws.set_text(str(manifest), manifest.read_text().replace("  waited: {type: int", "  patience: {type: int"))
    assert any("unknown name 'waited'" in p.message for p in ws.check().problems)
