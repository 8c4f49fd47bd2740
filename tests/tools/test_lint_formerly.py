"""lint --formerly-in: a former id that none of the author's playthroughs and saves names is warned about (it can
go); without the option, former ids are never judged."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
        ("former id 'loiter' of choice 'square.wait' is named by none of the 1 playthrough and saves in "
        f"{tmp_path}: it can be removed from 'formerly'")
    ]
    old.write_text("choices:\n  - plaza.loiter\n")  # the old scene id and the old choice id: both still named
    assert messages(lint(str(RICH), formerly_in=[str(old)])[2]) == []


def test_an_unreadable_playthrough_makes_no_verdict(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("choices: [")
    found = messages(lint(str(RICH), formerly_in=[str(tmp_path)])[2])
    assert len(found) == 1 and found[0].startswith("cannot read this playthrough or save, so former ids are not checked")


def test_the_command(tmp_path: Path) -> None:
    (tmp_path / "old.yaml").write_text("choices:\n  - square.ask\n")
    proc = subprocess.run(
        [sys.executable, "-m", "game", "lint", str(RICH), "--formerly-in", str(tmp_path)],
        capture_output=True, text=True, check=False, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.returncode == 0
    assert "warning: former id 'plaza' of scene 'square' is named by none" in proc.stdout
    assert "warning: former id 'loiter' of choice 'square.wait'" in proc.stdout
