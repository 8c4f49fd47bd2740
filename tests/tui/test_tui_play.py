"""Playing the game in the TUI, as a player would: keys in, screens out (Textual's Pilot, headless)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from textual.widgets import DataTable, Input
from tui_helpers import meter, notifications, write_story

from game.saves import SaveStore
from game.tui.app import QasasApp
from game.tui.dialogs.confirm import ConfirmDialog
from game.tui.dialogs.error import ChoiceDialog, ErrorDialog
from game.tui.profile import PROFILE_NAME
from game.tui.screens.ending import EndingScreen
from game.tui.screens.game import GameScreen
from game.tui.screens.glossary import GlossaryScreen
from game.tui.screens.journal import JournalScreen
from game.tui.screens.saves import LoadScreen, SaveScreen, SavesTable
from game.tui.screens.title import TitleScreen
from game.tui.widgets.story.choices import ChoiceList
from game.tui.widgets.story.scene import StoryView

SIZE = (100, 32)
MakeApp = Callable[..., QasasApp]


def scene_id(app: QasasApp) -> str:
    assert app.session is not None
    return app.session.game.state.scene


async def select_slot(pilot, slot: str) -> None:  # type: ignore[no-untyped-def]
    """Move the saves table's cursor to ``slot`` and press Enter."""
    table = pilot.app.screen.query_one(SavesTable)
    row = next(i for i, info in enumerate(table.infos.values()) if info.slot == slot)
    table.move_cursor(row=row)
    await pilot.press("enter")
    await pilot.pause()


async def test_new_game_choose_save_quit_and_load(make_app: MakeApp, saves_dir: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, TitleScreen)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)
        assert scene_id(app) == "gate"
        assert meter(app, "guards") == "The guards 50"
        # Focus is on the choices when a scene appears.
        assert isinstance(app.focused, ChoiceList)

        await pilot.press("3")  # Offer him money: guards -60, clamped at 0
        await pilot.pause()
        assert meter(app, "guards") == "The guards 0 \u25bc \u221250"
        assert meter(app, "villagers") == "The villagers 90"
        assert app.screen.query_one("#trust-guards").has_class("-changed")
        assert app.session is not None and app.session.game.value("bribes") == 1

        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SaveScreen)
        app.screen.query_one(Input).value = ""
        await pilot.press(*"before the gate", "enter")
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)
        assert any("Saved as" in n for n in notifications(app))
        await pilot.press("ctrl+q")
    assert app.return_code == 0

    again = make_app()
    async with again.run_test(size=SIZE) as pilot:
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(again.screen, LoadScreen)
        slots = [i.slot for i in again.screen.query_one(SavesTable).infos.values()]
        assert "before the gate" in slots and "autosave" in slots
        await select_slot(pilot, "before the gate")
        assert isinstance(again.screen, GameScreen)
        assert scene_id(again) == "gate"
        assert meter(again, "guards") == "The guards 0 \u25bc \u221250"
        assert again.session is not None and again.session.game.value("bribes") == 1
        # The transcript was rebuilt from the log: the earlier visit is shown, dimmed, above the current scene,
        # which opens with what the choice did.
        blocks = again.screen.query_one(StoryView).block_texts()
        assert [past for _text, past in blocks] == [True, False]
        assert blocks[1][0].startswith("\u2192 You chose: Offer him money")


async def test_continue_resumes_the_autosave(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "5")  # Take the long road
        await pilot.pause()
        assert scene_id(app) == "road"
        assert meter(app, "villagers") == "The villagers 85 \u25bc \u22125"
    again = make_app()
    async with again.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(again.screen, GameScreen)
        assert scene_id(again) == "road"
        assert meter(again, "villagers") == "The villagers 85 \u25bc \u22125"


async def test_disabled_choice_cannot_be_chosen(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        choices = app.screen.query_one(ChoiceList)
        assert not choices.views[0].enabled
        assert "unavailable: You have no pass to show." in choices.texts[0]
        await pilot.press("1")
        await pilot.pause()
        assert scene_id(app) == "gate"
        assert app.session is not None and app.session.game.state.log == []
        assert any("You have no pass to show." in n for n in notifications(app))
        # The arrows skip it: the highlight starts on the first choice that can be taken.
        assert choices.highlighted == 1
        await pilot.press("up")  # wraps to the last choice, never onto the disabled one
        assert choices.highlighted == len(choices.views) - 1
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.session.game.state.log == [("gate", "ask_pass")]


async def test_arrows_and_enter_and_mouse_choose(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("down", "enter")  # from "Ask the clerk" down to "Offer him money"
        await pilot.pause()
        assert app.session is not None and app.session.game.state.log == [("gate", "bribe")]
        choices = app.screen.query_one(ChoiceList)
        # Click the line of "Take the long road" (its line counts the reasons wrapped above it).
        await pilot.click(ChoiceList, offset=(4, 1 + choices.line_of("road")))
        await pilot.pause()
        assert scene_id(app) == "road"


async def test_undo_several_times(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "3", "5")
        await pilot.pause()
        assert scene_id(app) == "road"
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert scene_id(app) == "gate"
        assert app.session is not None and app.session.game.value("bribes") == 1
        assert meter(app, "guards") == "The guards 0 \u25bc \u221250"
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert app.session.game.state.log == []
        assert meter(app, "guards") == "The guards 50"
        # Nothing left to undo: the key is disabled (dimmed in the footer) and nothing happens.
        assert app.screen.check_action("undo", ()) is None
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert isinstance(app.screen, GameScreen) and app.session.game.state.log == []


async def test_ending_screen_counts_discoveries_across_plays(make_app: MakeApp, saves_dir: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "6")  # Turn back
        await pilot.pause()
        assert isinstance(app.screen, EndingScreen)
        text = str(app.screen.query_one("#ending-count").render())
        assert "Endings discovered: 1 of 3" in text
        assert "Turned Back" in str(app.screen.query_one("#ending-title").render())
        await pilot.press("ctrl+z")  # undo from the ending
        await pilot.pause()
        assert isinstance(app.screen, GameScreen) and scene_id(app) == "gate"
        await pilot.press("5", "1")  # long road, walk on: seed 1 decides the chance route
        await pilot.pause()
        assert isinstance(app.screen, EndingScreen)
        assert "Endings discovered: 2 of 3" in str(app.screen.query_one("#ending-count").render())
    profile = json.loads((saves_dir / PROFILE_NAME).read_text())
    assert len(profile["endings"]["tiny"]) == 2
    again = make_app()
    async with again.run_test(size=SIZE) as pilot:
        await pilot.press("n", "6")
        await pilot.pause()
        assert "Endings discovered: 2 of 3" in str(again.screen.query_one("#ending-count").render())


async def test_corrupt_profile_is_set_aside_and_a_new_one_started(make_app: MakeApp, saves_dir: Path) -> None:
    (saves_dir / PROFILE_NAME).write_text("{not json", encoding="utf-8")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TitleScreen)
        (aside,) = [p for p in saves_dir.iterdir() if p.name.startswith(PROFILE_NAME + ".unreadable-")]
        messages = [str(n.message) for n in app._notifications]
        assert any("could not be used" in m and aside.name in m for m in messages), messages
    assert aside.read_text(encoding="utf-8") == "{not json"  # kept, never silently replaced
    assert json.loads((saves_dir / PROFILE_NAME).read_text())["endings"] == {}


async def test_theme_is_remembered(make_app: MakeApp, saves_dir: Path) -> None:
    app = make_app(theme=None)
    async with app.run_test(size=SIZE) as pilot:
        app.theme = "nord"
        await pilot.pause()
    again = make_app(theme=None)
    async with again.run_test(size=SIZE):
        assert again.theme == "nord"


async def test_journal_lists_choices_and_trust_history(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "2", "2")  # ask for a pass (+5 guards), then bribe (-55 guards): numbers shift
        await pilot.pause()
        await pilot.press("j")
        await pilot.pause()
        assert isinstance(app.screen, JournalScreen)
        listing = app.screen.text
        assert "At the Gate \u2192 Ask the clerk for a pass" in listing
        assert "The guards \u25b2 +5" in listing
        assert "The guards \u25bc \u221255" in listing
        history = str(app.screen.query_one("#journal-trust").render())
        assert "The guards" in history and "\u2581" in history  # the drop to 0 is the lowest block
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)


async def test_glossary_search_and_command_palette(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, GlossaryScreen)
        await pilot.press(*"wall")
        await pilot.pause()
        entry = str(app.screen.query_one("#glossary-entry").render())
        assert "The Gate" in entry and "[invented]" in entry
        await pilot.press(*"zzz")
        await pilot.pause()
        assert "Nothing in the glossary matches" in str(app.screen.query_one("#glossary-entry").render())
        await pilot.press("escape")
        await pilot.pause()
        # The command palette opens any entry by name.
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Glossary: The Gate")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, GlossaryScreen)
        assert "A gate in a wall" in str(app.screen.query_one("#glossary-entry").render())


MARKUP_MANIFEST = """\
story: {id: marks, title: "[bold]Marks[/bold]", start: start}
chapters:
  one: {title: "[red]One[/]", order: 1}
factions:
  f: {name: "[@click=app.quit]F[/]", description: "[b]desc[/b]"}
endings:
  done: {title: "[/]"}
glossary:
  "[i]term[/i]": {kind: invented, text: "[@click=app.quit]x[/]"}
"""

MARKUP_SCENES = """\
chapter: one
scenes:
  - id: start
    title: "[bold]x[/bold]"
    place: "[/]"
    text: "Click [@click=app.quit]here[/] to leave. A closing tag [/] alone. Escape \\e[31mred\\e[0m."
    choices:
      - id: go
        label: "[@click=app.quit]Go[/]"
        effects: {trust: {f: +5}}
        goto: done
  - id: done
    title: "[/]"
    ending: done
    text: "[bold]x[/bold] the end"
"""


async def test_markup_in_a_story_shows_literally(make_app: MakeApp, tmp_path: Path) -> None:
    story = write_story(tmp_path / "marks", MARKUP_MANIFEST, MARKUP_SCENES)
    app = make_app(story)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        shown = app.screen.query_one(StoryView).block_texts()[-1][0]
        assert "[bold]x[/bold]" in shown
        assert "Click [@click=app.quit]here[/] to leave. A closing tag [/] alone." in shown
        assert "\x1b" not in shown and "Escape red." in shown  # control sequences stripped
        assert "[@click=app.quit]Go[/]" in app.screen.query_one(ChoiceList).texts[0]
        assert meter(app, "f") == "[@click=app.quit]F[/] 50"
        # Clicking the "link" does nothing: it is text, not an action.
        await pilot.click(StoryView, offset=(8, 3))
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, GameScreen)
        await pilot.press("1")
        await pilot.pause()
        assert isinstance(app.screen, EndingScreen)
        assert "[bold]x[/bold] the end" in str(app.screen.query_one("#ending-text").render())
        assert "The end: [/]" in str(app.screen.query_one("#ending-title").render())
        await pilot.press("escape", "j")
        await pilot.pause()
        assert "[@click=app.quit]Go[/]" in app.screen.text
        await pilot.press("escape", "g")
        await pilot.pause()
        assert "[@click=app.quit]x[/]" in str(app.screen.query_one("#glossary-entry").render())
        assert app.is_running


async def test_broken_save_shows_an_error_and_the_app_stays_up(make_app: MakeApp, saves_dir: Path) -> None:
    (saves_dir / "broken.json").write_text(
        '{"format": "jaysh-al-qasas save", "version": 1, "log": [', "utf-8"
    )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, LoadScreen)
        table = app.screen.query_one(DataTable)
        assert "unreadable" in str(table.get_row_at(0))
        await select_slot(pilot, "broken")
        assert isinstance(app.screen, ErrorDialog)
        assert "broken.json" in str(app.screen.query_one("#error-message").render())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LoadScreen) and app.is_running


async def test_save_asks_before_overwriting(make_app: MakeApp, saves_dir: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "ctrl+s", *"slot", "enter")
        await pilot.pause()
        await pilot.press("3", "ctrl+s", *"slot", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")  # keep the old save
        await pilot.pause()
        assert isinstance(app.screen, SaveScreen)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)
    saved = SaveStore(saves_dir).load("slot", app.story)
    assert saved.game.state.log == [("gate", "bribe")]


async def test_save_failure_is_a_notification(make_app: MakeApp, tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the saves folder should be")
    app = make_app(saves_dir=blocked)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "3")  # the autosave fails
        await pilot.pause()
        assert any("Autosave failed" in n for n in notifications(app))
        await pilot.press("ctrl+s", *"x", "enter")
        await pilot.pause()
        assert any("Could not save" in n for n in notifications(app))
        assert isinstance(app.screen, GameScreen) and app.is_running


async def test_reload_with_a_broken_scene_shows_errors_and_keeps_playing(
    make_app: MakeApp, story_dir: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "3")
        await pilot.pause()
        one = story_dir / "one.yaml"
        good = one.read_text()
        one.write_text(good.replace("goto: through", "goto: nowhere_at_all"))
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, ErrorDialog)
        message = str(app.screen.query_one("#error-message").render())
        assert "one.yaml:" in message and "nowhere_at_all" in message
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, GameScreen) and scene_id(app) == "gate"
        assert meter(app, "guards") == "The guards 0 \u25bc \u221250"
        await pilot.press("2")  # still playable on the old version
        await pilot.pause()
        assert app.session is not None and len(app.session.game.state.log) == 2

        # A good edit reloads in place and keeps the player's place.
        one.write_text(good.replace("title: At the Gate", "title: At the Old Gate"))
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)
        assert "At the Old Gate" in app.screen.query_one(StoryView).block_texts()[-1][0]
        assert app.session.game.state.log == [("gate", "bribe"), ("gate", "ask_pass")]


async def test_reload_when_the_log_no_longer_applies(make_app: MakeApp, story_dir: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "2", "3")  # ask_pass, then charm (the pass hides "ask", so charm is 3)
        await pilot.pause()
        assert app.session is not None and app.session.game.state.log == [
            ("gate", "ask_pass"),
            ("gate", "charm"),
        ]
        one = story_dir / "one.yaml"
        one.write_text(one.read_text().replace("id: charm", "id: win_over"))
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        message = str(app.screen.query_one("#choice-message").render())
        assert "step 2" in message and "gate.charm" in message
        await pilot.press("escape")  # keep the old version
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)
        assert app.session.game.state.log == [("gate", "ask_pass"), ("gate", "charm")]
        await pilot.press("f5")
        await pilot.pause()
        await pilot.click("#answer-fallback")
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)
        assert app.session.game.state.log == [("gate", "ask_pass")]
        assert [v.id for v in app.screen.query_one(ChoiceList).views][:3] == [
            "show_pass",
            "bribe",
            "win_over",
        ]


def test_story_that_does_not_load_exits_2(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from game.tui.app import run_app

    broken = write_story(tmp_path / "broken", "story: {id: b, title: B, start: nowhere}\n", "scenes: []\n")
    assert run_app(scenes=str(broken), seed=1, saves_dir=tmp_path / "saves", headless=True) == 2
    err = capsys.readouterr().err
    assert "story.yaml" in err and "nowhere" in err and "error" in err


async def test_story_loads_after_the_first_frame(story_dir: Path, saves_dir: Path) -> None:
    # How run_app starts the game: no story yet; it is loaded once the first frame is on screen.
    app = QasasApp(None, story_dir=str(story_dir), saves_dir=saves_dir, seed=1, theme="textual-dark")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.story.id == "tiny" and app.load_error is None
        assert "A Tiny Story" in str(app.screen.query_one("#title-name").render())
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, GameScreen) and scene_id(app) == "gate"
