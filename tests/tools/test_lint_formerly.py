"""lint --formerly-in: a former id that none of the author's playthroughs and saves names is warned about (it can
go); without the option, former ids are never judged. Files of another story in the same folders are skipped, and
the summary says so: they neither keep a former id alive nor count as checked."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tools_helpers import write_story

from game.engine import Game
from game.loader import load_story, shown_path
from game.saves import SaveStore
from game.tools.lint import lint

ROOT = Path(__file__).parents[2]
RICH = ROOT / "tests" / "fixtures" / "rich"


def messages(warnings: list) -> list[str]:  # type: ignore[type-arg]
    return [w.message for w in warnings if "former id" in w.message or "cannot read" in w.message]


def test_former_ids_are_judged_only_when_asked(tmp_path: Path) -> None:
    _, _, warnings = lint(str(RICH))
    assert messages(warnings) == []


def test_a_former_id_no_playthrough_names_is_reported(tmp_path: Path) -> None:
    old = tmp_path / "old.yaml"
    old.write_text("choices:\n  - plaza.ask\n  - expect: {scene: plaza}\n")  # names the square by its old id
    _, errors, warnings = lint(str(RICH), formerly_in=[str(tmp_path)])
    assert not errors
    assert messages(warnings) == [
        ("former id 'loiter' of choice 'square.wait' is named by none of the 1 playthrough or save of this story in "
        f"{tmp_path}: it can be removed from 'formerly'")
    ]
    old.write_text("choices:\n  - plaza.loiter\n")  # the old scene id and the old choice id: both still named
    assert messages(lint(str(RICH), formerly_in=[str(old)])[2]) == []


def test_an_unreadable_playthrough_makes_no_verdict(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("choices: [")
    found = messages(lint(str(RICH), formerly_in=[str(tmp_path)])[2])
    assert len(found) == 1 and found[0].startswith("cannot read this playthrough or save, so former ids are not checked")


def qasas_lint(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "game", "lint", *args],
        capture_output=True, text=True, check=False, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def test_the_command(tmp_path: Path) -> None:
    (tmp_path / "old.yaml").write_text("choices:\n  - square.ask\n")
    proc = qasas_lint(str(RICH), "--formerly-in", str(tmp_path))
    assert proc.returncode == 0
    assert "warning: former id 'plaza' of scene 'square' is named by none" in proc.stdout
    assert "warning: former id 'loiter' of choice 'square.wait'" in proc.stdout


# Another story that happens to have a scene 'plaza' with a choice 'loiter': the very ids the rich story keeps as
# former ids. Its files must not keep them alive.
OTHER_MANIFEST = """\
story: {id: other, title: Another Story, start: plaza}
chapters:
  one: {title: One, order: 1}
factions:
  guards: {name: Guards, description: The guards.}
endings:
  done: {title: Done}
"""
OTHER_SCENES = """\
chapter: one
scenes:
  - id: plaza
    title: A Plaza
    text: You stand in a plaza.
    choices:
      - id: loiter
        label: Loiter
        effects: {trust: {guards: 5}}
        goto: end
  - id: end
    title: The End
    ending: done
    text: It ends.
"""


def a_folder_of_both_stories(tmp_path: Path, rich_playthrough: str) -> tuple[Path, Path]:
    """The rich story's playthrough in one folder; in another, three files of the other story: a playthrough
    saying its story id, one naming its folder (``scenes:``) only, and a save. Returns (rich's, the other's)."""
    other = write_story(tmp_path / "other", OTHER_MANIFEST, OTHER_SCENES)
    mine, theirs = tmp_path / "mine", tmp_path / "theirs"
    mine.mkdir()
    (mine / "rich.yaml").write_text(rich_playthrough)
    theirs.mkdir()
    (theirs / "by_id.yaml").write_text("story: other\nchoices:\n  - plaza.loiter\n")
    (theirs / "by_folder.yaml").write_text("scenes: ../other\nchoices:\n  - plaza.loiter\n")
    game = Game(load_story(str(other)), 3)
    game.choose("loiter")
    SaveStore(theirs / "saves").save("plaza", game, 5)
    return mine, theirs


def test_files_of_another_story_are_skipped_not_counted(tmp_path: Path) -> None:
    mine, theirs = a_folder_of_both_stories(tmp_path, "story: rich\nchoices:\n  - square.ask\n")
    proc = qasas_lint(str(RICH), "--formerly-in", str(mine), str(theirs))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    # The other story names 'plaza' and 'plaza.loiter', but only the rich story's playthrough counts: both go.
    assert sum("named by none of the 1 playthrough or save of this story in" in line for line in lines) == 2
    assert any("former id 'plaza' of scene 'square'" in line for line in lines)
    assert any("former id 'loiter' of choice 'square.wait'" in line for line in lines)
    # (The folder as the loader shows paths: relative to the working directory when that is shorter.)
    other = shown_path(str((tmp_path / "other").resolve()))
    assert (
        "former ids checked against 1 playthrough or save of this story; 3 files of other stories skipped "
        f"(2 recorded against story 'other', 1 recorded against the story in {other})"
    ) in lines
    assert lines[-1].startswith("ok: ") and lines[-1].endswith("; 2 warnings")


def test_skipped_files_are_no_problem_even_when_strict(tmp_path: Path) -> None:
    # Rich's own playthrough names both former ids: nothing to warn about, and the other story's files are no
    # problem either (they are skipped, not failed).
    mine, theirs = a_folder_of_both_stories(tmp_path, "choices:\n  - plaza.loiter\n")
    proc = qasas_lint(str(RICH), "--strict", "--formerly-in", str(mine), str(theirs))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "warning" not in proc.stdout and "former id '" not in proc.stdout
    assert "former ids checked against 1 playthrough or save of this story; 3 files of other stories skipped" in (
        proc.stdout
    )
    proc = qasas_lint(str(RICH), "--json", "--formerly-in", str(mine), str(theirs))
    found = json.loads(proc.stdout)
    assert found["ok"] and found["warnings"] == []
    assert found["stats"]["formerly"]["checked"] == 1
    skipped = found["stats"]["formerly"]["skipped"]
    assert sorted(Path(s["file"]).name for s in skipped) == ["by_folder.yaml", "by_id.yaml", "plaza.json"]
    assert {s["recorded_against"] for s in skipped if not s["file"].endswith("by_folder.yaml")} == {"story 'other'"}


def test_a_playthrough_of_this_story_counts_wherever_its_scenes_are(tmp_path: Path) -> None:
    # Its story id is this story's: it counts, even when its scenes: names another copy of the story.
    (tmp_path / "copy.yaml").write_text("story: rich\nscenes: elsewhere\nchoices:\n  - plaza.loiter\n")
    # Naming no id, its scenes: folder is this story's own: it counts too.
    (tmp_path / "here.yaml").write_text(f"scenes: {RICH}\nchoices:\n  - square.ask\n")
    stats, _, warnings = lint(str(RICH), formerly_in=[str(tmp_path)])
    assert messages(warnings) == []
    assert stats["formerly"] == {"checked": 2, "skipped": []}
