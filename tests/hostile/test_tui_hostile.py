"""The TUI facing broken saves and failing disks: every broken save picked from the Load screen shows an error
dialog naming the file, the app stays up (back on the Load screen after the dialog), and no file is touched; a
save that fails for lack of disk space is a notification, and play goes on.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from hostile_helpers import TINY
from test_hostile_saves import CASES, the_game

from game.loader import load_story
from game.saves import SaveStore
from game.tui.app import QasasApp
from game.tui.dialogs.error import ErrorDialog
from game.tui.screens.ending import EndingScreen
from game.tui.screens.game import GameScreen
from game.tui.screens.saves import LoadScreen, SavesTable

SIZE = (80, 24)


def make_app(saves: Path) -> QasasApp:
    return QasasApp(
        load_story(str(TINY)),
        story_dir=str(TINY),
        saves_dir=saves,
        seed=1,
        theme="textual-dark",
        clock=lambda: 0.0,
        author_mode=True,
    )


async def pick(pilot, path: Path) -> None:  # type: ignore[no-untyped-def]
    table = pilot.app.screen.query_one(SavesTable)
    row = list(table.infos).index(str(path))
    table.move_cursor(row=row)
    await pilot.press("enter")
    await pilot.pause()


async def test_every_broken_save_shows_an_error_dialog_and_the_app_stays_up(tmp_path: Path) -> None:
    saves = tmp_path / "saves"
    story = load_story(str(TINY))
    good = SaveStore(saves).save("slot", the_game(story), 10).path
    valid = good.read_bytes()
    broken: dict[Path, tuple[bytes, int]] = {}
    for name, (build, _fragment, _status) in CASES.items():
        path = saves / f"broken-{name.replace('_', '-')}.json"
        path.write_bytes(build(valid))
        broken[path] = (path.read_bytes(), path.stat().st_mtime_ns)
    app = make_app(saves)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, LoadScreen)
        assert len(app.screen.query_one(SavesTable).infos) == len(broken) + 1
        for i, path in enumerate(broken):
            if i < 5:  # the first few as a player does it: cursor, Enter, Escape
                await pick(pilot, path)
            else:  # the rest through the same message the table sends on Enter (keys cost ~0.3 s each)
                load_screen = app.screen
                assert isinstance(load_screen, LoadScreen)
                load_screen.post_message(
                    LoadScreen.Chosen(load_screen.query_one(SavesTable).infos[str(path)])
                )
                await pilot.pause()
            assert isinstance(app.screen, ErrorDialog), path.name
            message = str(app.screen.query_one("#error-message").render())
            assert path.name in message.replace("\n", ""), message
            assert "Traceback" not in message and "\x1b" not in message
            if i < 5:
                await pilot.press("escape")
            else:
                app.screen.dismiss(None)
            await pilot.pause()
            assert isinstance(app.screen, LoadScreen) and app.is_running, path.name
        await pick(
            pilot, good
        )  # and after all that, a good save still loads (at its ending, as it was saved)
        assert isinstance(app.screen, (GameScreen, EndingScreen))
        assert app.session is not None and app.session.game.state == the_game(story).state
        await pilot.press("ctrl+q")
    assert app.return_code == 0
    for path, before in broken.items():
        assert (path.read_bytes(), path.stat().st_mtime_ns) == before, path.name


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS, errno.EIO])
async def test_a_full_disk_is_a_notification_and_play_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    saves = tmp_path / "saves"
    app = make_app(saves)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "3")  # a choice: the autosave works
        await pilot.pause()
        autosave = saves / "autosave.json"
        before = (autosave.read_bytes(), autosave.stat().st_mtime_ns)

        def no_space(src: object, dst: object) -> None:
            raise OSError(code, os.strerror(code))

        monkeypatch.setattr(os, "replace", no_space)
        await pilot.press("5")  # another choice: the autosave fails, and says so
        await pilot.pause()
        await pilot.press("ctrl+s", *"mine", "enter")  # a named save fails too
        await pilot.pause()
        messages = list(app.notices_seen)  # every notice shown (in the notice line: toasts would cover the choices)
        assert any(m.startswith("Autosave failed") for m in messages), messages
        assert any(m.startswith("Could not save") and "previous save is unchanged" in m for m in messages), (
            messages
        )
        assert isinstance(app.screen, GameScreen) and app.is_running
        assert app.session is not None and app.session.game.state.scene == "road"  # play went on
        monkeypatch.undo()
        assert (autosave.read_bytes(), autosave.stat().st_mtime_ns) == before
        assert sorted(p.name for p in saves.iterdir() if p.suffix == ".json" or p.name.endswith(".tmp")) == [
            "autosave.json"
        ]
        await pilot.press("1")  # the disk has room again: the next autosave works
        await pilot.pause()
        assert SaveStore(saves).load("autosave", app.story).game.state == app.session.game.state
