"""What a session of play feels like: notices that cover nothing, asking before the autosave is replaced, play time
that counts only play, an ending view where only meaningful keys act, change markers until the next choice, the
factions in full from the keyboard, screenshots, and a game restored from a save's snapshot."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from tui_helpers import Clock, meter, notifications, screen_text

from game.engine import Game
from game.loader import load_story
from game.saves import SaveStore
from game.tui.app import IDLE_SECONDS, QasasApp
from game.tui.dialogs.confirm import ConfirmDialog
from game.tui.screens.ending import EndingScreen
from game.tui.screens.game import GameScreen
from game.tui.screens.journal import JournalScreen
from game.tui.screens.title import TitleScreen
from game.tui.screens.trust import TrustScreen
from game.tui.widgets.bars import KeyBar, NoticeBar
from game.tui.widgets.story.choices import ChoiceList

SIZE = (100, 32)
MakeApp = Callable[..., QasasApp]


async def test_notices_take_a_line_of_their_own_and_cover_no_choice(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "1")  # a disabled choice: the game says why
        await pilot.pause()
        bar = app.screen.query_one(NoticeBar)
        assert "That choice is unavailable: You have no pass to show." in bar.text
        assert not app._notifications  # no toast floating over the screen
        choices = app.screen.query_one(ChoiceList)
        assert bar.region.height and not bar.region.overlaps(choices.region)
        assert "That choice is unavailable" in screen_text(app)


async def test_new_game_asks_before_the_autosave_is_replaced(make_app: MakeApp, saves_dir: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "3")  # a game in progress, autosaved
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        saved = autosaved_choices(saves_dir)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "At the Gate" in app.screen.question
        await pilot.press("n")  # no: nothing changes
        await pilot.pause()
        assert isinstance(app.screen, TitleScreen)
        assert autosaved_choices(saves_dir) == saved
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("y")  # yes: a new game, and the autosave is still the old one until its first choice
        await pilot.pause()
        assert isinstance(app.screen, GameScreen) and app.session is not None
        assert app.session.game.state.log == []
        assert autosaved_choices(saves_dir) == saved == ["gate.bribe"]
        await pilot.press("6")  # turn back: an ending
        await pilot.pause()
        await pilot.press("n")  # a finished game is not at risk: no question
        await pilot.pause()
        assert isinstance(app.screen, GameScreen) and app.session.game.state.log == []
    # A fresh start with an unfinished game in the autosave asks too.
    SaveStore(saves_dir).autosave(_played("bribe"), 12)
    again = make_app()
    async with again.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(again.screen, ConfirmDialog)


def autosaved_choices(saves_dir: Path) -> list[str]:
    return list(json.loads((saves_dir / "autosave.json").read_text())["choices"])


def _played(*choices: str) -> Game:
    game = Game(load_story(str(Path(__file__).resolve().parents[1] / "fixtures" / "tiny")), 1)
    for choice in choices:
        game.choose(choice)
    return game


async def test_play_time_counts_only_time_in_the_story(make_app: MakeApp, saves_dir: Path) -> None:
    clock = Clock()
    app = make_app(clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        clock.now = 100.0  # on the title screen: not play
        await pilot.press("n")
        await pilot.pause()
        session = app.session
        assert session is not None
        clock.now += 30
        await pilot.press("2")  # thirty seconds reading the first scene
        await pilot.pause()
        assert session.play_seconds == pytest.approx(30)
        clock.now += 10_000  # the player went away; a key much later counts only the idle limit
        await pilot.press("down")
        await pilot.pause()
        assert session.play_seconds == pytest.approx(30 + IDLE_SECONDS)
        await pilot.press("j")  # a menu: the clock stops
        await pilot.pause()
        clock.now += 50
        await pilot.press("escape")
        await pilot.pause()
        assert session.play_seconds == pytest.approx(30 + IDLE_SECONDS)
        clock.now += 20
        await pilot.press("5")  # twenty seconds more, to an ending (turn back)
        await pilot.pause()
        assert isinstance(app.screen, EndingScreen)
        clock.now += 600  # the ending screen does not count
        await pilot.press("escape")
        await pilot.pause()
        assert session.play_seconds == pytest.approx(50 + IDLE_SECONDS)
        await pilot.press("escape")  # to the title: the autosave keeps the time played
        await pilot.pause()
        clock.now += 1000
    saved = json.loads((saves_dir / "autosave.json").read_text())
    assert saved["meta"]["play_seconds"] == pytest.approx(50 + IDLE_SECONDS)


async def test_on_the_finished_story_only_meaningful_keys_act(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "6")
        await pilot.pause()
        assert isinstance(app.screen, EndingScreen)
        await pilot.press("escape")  # back to the story as it ended
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)
        keys = app.screen.query_one(KeyBar).text
        assert "Choose" not in keys and "Enter See the ending" in keys
        for key in ("9", "1", "5"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, GameScreen), key
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, EndingScreen)


async def test_change_markers_last_until_the_next_choice(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "3")  # the bribe: guards −50
        await pilot.pause()
        assert meter(app, "guards") == "The guards 0 \u25bc \u221250"
        await pilot.press("2")  # ask for a pass: only the guards move again (+5)
        await pilot.pause()
        assert meter(app, "guards") == "The guards 5 \u25b2 +5"
        await pilot.press("4")  # the long road: villagers −5 on arrival, the guards unchanged
        await pilot.pause()
        assert meter(app, "guards") == "The guards 5"
        assert meter(app, "villagers") == "The villagers 85 \u25bc \u22125"
        await pilot.press("j")  # the journal keeps the history
        await pilot.pause()
        assert isinstance(app.screen, JournalScreen)
        assert "The guards \u25bc \u221250" in app.screen.text and "The guards \u25b2 +5" in app.screen.text


async def test_a_faction_in_full_from_the_keyboard(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "3", "t")
        await pilot.pause()
        assert isinstance(app.screen, TrustScreen)
        text = app.screen.text
        assert "The men at the gate, who decide who passes." in text
        assert "At the Gate \u2192 Offer him money" in text and "(now 0)" in text
        await pilot.press("down")
        await pilot.pause()
        assert "The people of the village beyond the gate." in app.screen.text
        assert "No choice has moved it yet." in app.screen.text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)
        await pilot.click("#trust-villagers")  # a meter opens its faction too
        await pilot.pause()
        assert isinstance(app.screen, TrustScreen)
        assert "The people of the village" in app.screen.text


async def test_a_screenshot_goes_to_a_folder_that_exists_and_says_where(
    make_app: MakeApp, saves_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"  # no Downloads folder here
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_DOWNLOAD_DIR", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        app.deliver_screenshot()
        await pilot.pause()
        shots = list(saves_dir.glob("*.svg"))
        assert len(shots) == 1 and "<svg" in shots[0].read_text()
        assert any(f"Screenshot saved as {shots[0]}" in n for n in notifications(app)), notifications(app)
        # Nowhere to write (a file where the folder should be): it says why instead of failing silently.
        (home / "a-file").write_text("not a folder")
        monkeypatch.setattr("game.tui.terminal.screenshot_folders", lambda saves: [home / "a-file" / "shots"])
        app.deliver_screenshot()
        await pilot.pause()
        assert any(n.startswith("Could not save a screenshot:") for n in notifications(app))


async def test_a_game_restored_from_its_snapshot_keeps_its_history(
    make_app: MakeApp, story_dir: Path, saves_dir: Path
) -> None:
    story = load_story(str(story_dir))
    game = Game(story, 1)
    game.choose("ask_pass")  # guards 55
    game.choose("charm")  # villagers 95
    SaveStore(saves_dir).save("before the edit", game, 40)
    one = story_dir / "one.yaml"
    one.write_text(one.read_text().replace("id: charm", "id: win_over"))  # the story changes under the save
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)
        assert any("restored from the save's snapshot" in n for n in notifications(app))
        assert meter(app, "guards") == "The guards 55"
        assert app.screen.check_action("undo", ()) is None  # nothing before the snapshot can be undone
        await pilot.press("j")
        await pilot.pause()
        journal = app.screen.text
        assert "Restored from the save's snapshot" in journal
        assert "1. At the Gate \u2192 Ask the clerk for a pass" in journal and "2. gate.charm" in journal
        assert "No choices taken yet" not in journal
        history = str(app.screen.query_one("#journal-trust").render())
        assert "55" in history and "95" in history
        await pilot.press("escape", "2")  # play on: bribe (ask_pass is hidden now), guards 55 -> 0
        await pilot.pause()
        assert meter(app, "guards") == "The guards 0 \u25bc \u221255"
        await pilot.press("ctrl+z")  # undo goes back to the snapshot, not before
        await pilot.pause()
        assert meter(app, "guards") == "The guards 55"
        await pilot.press("2")
        await pilot.pause()
        state = app.session.game.state if app.session else None
    # The autosave written after the restore loads again, to the same place.
    again = make_app()
    async with again.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(again.screen, GameScreen)
        assert again.session is not None and again.session.game.state == state
        assert meter(again, "guards") == "The guards 0"
