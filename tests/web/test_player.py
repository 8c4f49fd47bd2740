"""The game as a browser player runs it (game.web.player): the terminal game, saved whenever it ends, with no
author mode and a word in Help about the browser. Driven by Textual's Pilot, like the TUI tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from web_helpers import ROOT, write_ferry

from game.loader import load_story
from game.saves import SaveStore
from game.web.player import BROWSER_HELP, WebApp

SIZE = (110, 36)


def web_app(story_dir: Path, saves: Path) -> WebApp:
    return WebApp(load_story(str(story_dir)), story_dir=str(story_dir), saves_dir=saves, seed=1, theme="textual-dark")


async def test_help_says_what_differs_in_a_browser(tmp_path: Path) -> None:
    app = web_app(write_ferry(tmp_path / "ferry"), tmp_path / "saves")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "question_mark")
        await pilot.pause()
        assert str(app.screen.query_one("#help-web").render()) == BROWSER_HELP


async def test_a_game_is_saved_when_it_ends_so_continue_resumes_it_exactly(tmp_path: Path) -> None:
    story_dir, saves = write_ferry(tmp_path / "ferry"), tmp_path / "saves"
    app = web_app(story_dir, saves)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "2")
        await pilot.pause()
        app.save_slot("before the bench")
        await pilot.press("ctrl+z")  # back on the quay: this is where the player is when the game ends
        await pilot.pause()
    store = SaveStore(saves)
    newest = store.newest("ferry")
    assert newest is not None and newest.slot == "autosave" and newest.scene_title == "The Quay"
    assert store.exists("before the bench")


async def test_a_game_never_started_saves_nothing(tmp_path: Path) -> None:
    app = web_app(write_ferry(tmp_path / "ferry"), tmp_path / "saves")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
    assert SaveStore(tmp_path / "saves").list() == []


async def test_players_do_not_reload_scenes_from_disk(tmp_path: Path) -> None:
    app = WebApp(None, story_dir=str(write_ferry(tmp_path / "ferry")), saves_dir=tmp_path / "saves", seed=1)
    assert not app.author_mode


def test_a_story_that_no_longer_loads_ends_the_game_with_every_problem(tmp_path: Path) -> None:
    broken = write_ferry(tmp_path / "broken")
    (broken / "river.yaml").write_text("chapter: river\nscenes:\n  - id: quay\n    title: [\n", encoding="utf-8")
    environment = {**os.environ, "TEXTUAL_DRIVER": "textual.drivers.headless_driver:HeadlessDriver"}
    proc = subprocess.run(
        [sys.executable, "-m", "game.web.player", "--story", str(broken)],
        capture_output=True, text=True, timeout=120, env=environment, cwd=ROOT, check=False,
    )
    assert proc.returncode == 2
    assert "river.yaml:" in proc.stderr and "error" in proc.stderr
    assert "Traceback" not in proc.stderr
