"""SVG snapshots of every main screen at a fixed size, theme, seed, clock and save times.

Regenerate after an intended change with ``pytest tests/tui --snapshot-update`` and look at the SVGs in
tests/tui/__snapshots__/ before committing them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from tui_helpers import write_story

from game.engine import Game
from game.loader import load_story
from game.saves import SaveInfo, SaveStore
from game.tui.app import QasasApp

SIZE = (100, 32)
MakeApp = Callable[..., QasasApp]
# Long enough that a changed meter is still highlighted when the screenshot is taken, however slow the machine.
STILL = 600.0


class FixedTimeStore(SaveStore):
    """A real saves folder whose listing shows fixed times, so the Load screen is the same on every run."""

    def list(self) -> list[SaveInfo]:
        # Ordered by name, not by the real (racy) file times, then given fixed times newest first.
        infos = sorted(super().list(), key=lambda info: info.slot)
        base = datetime(2026, 3, 1, 18, 30)
        return [replace(info, saved_at=base - timedelta(minutes=47 * i)) for i, info in enumerate(infos)]


class TestTitle:
    def test_title_screen(self, snap_compare, make_app: MakeApp) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(make_app(), terminal_size=SIZE)

    def test_title_screen_small(self, snap_compare, make_app: MakeApp) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(make_app(), terminal_size=(80, 24))


RICH = Path(__file__).resolve().parents[1] / "fixtures" / "rich"


class TestGame:
    def test_after_a_choice(self, snap_compare, make_app: MakeApp) -> None:  # type: ignore[no-untyped-def]
        # Bribe the guard: the transcript shows the first visit dimmed, the guards' meter shows ▼ −50, highlighted.
        assert snap_compare(make_app(flash_seconds=STILL), terminal_size=SIZE, press=["n", "3"])

    def test_small_terminal(self, snap_compare, make_app: MakeApp) -> None:  # type: ignore[no-untyped-def]
        # 80x24: the meters fold into one line above the story.
        assert snap_compare(make_app(flash_seconds=STILL), terminal_size=(80, 24), press=["n", "2"])

    def test_at_120x36(self, snap_compare, make_app: MakeApp) -> None:  # type: ignore[no-untyped-def]
        # The rich story: a choice's result and the trust it moved open the scene; emphasis in italics.
        assert snap_compare(make_app(RICH, flash_seconds=STILL), terminal_size=(120, 36), press=["n", "1"])

    def test_at_200x50(self, snap_compare, make_app: MakeApp) -> None:  # type: ignore[no-untyped-def]
        # The story keeps a readable measure, centred, however wide the terminal.
        assert snap_compare(make_app(RICH, flash_seconds=STILL), terminal_size=(200, 50), press=["n", "2"])

    def test_after_a_resize(self, snap_compare, make_app: MakeApp) -> None:  # type: ignore[no-untyped-def]
        async def resize(pilot) -> None:  # type: ignore[no-untyped-def]
            await pilot.press("n", "3")
            for size in ((80, 24), (120, 36)):
                await pilot.resize_terminal(*size)
                await pilot.pause()

        assert snap_compare(make_app(flash_seconds=STILL), terminal_size=(120, 36), run_before=resize)

    def test_too_small(self, snap_compare, make_app: MakeApp) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(make_app(), terminal_size=(30, 10), press=["n"])

    def test_stakes(self, snap_compare, make_app: MakeApp) -> None:  # type: ignore[no-untyped-def]
        # Stakes shown: the guards' meter marks 50, and the bribe's crossing is told in the story.
        assert snap_compare(make_app(flash_seconds=STILL), terminal_size=SIZE, press=["n", "s", "3"])

    def test_the_ending_view(self, snap_compare, make_app: MakeApp) -> None:  # type: ignore[no-untyped-def]
        # Back at the story after an ending: only the keys that mean something there are offered.
        assert snap_compare(make_app(flash_seconds=STILL), terminal_size=SIZE, press=["n", "6", "escape"])

    def test_trust_screen(self, snap_compare, make_app: MakeApp) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(make_app(), terminal_size=SIZE, press=["n", "3", "t"])

    def test_help(self, snap_compare, make_app: MakeApp) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(make_app(), terminal_size=SIZE, press=["n", "question_mark"])


MAP_MANIFEST = """\
story: {id: mapped, title: On the Map, start: river}
chapters:
  two: {title: The Road North, order: 2}
factions:
  fighters: {name: Your fighters, description: Your men., initial: 60}
  ypg: {name: YPG, description: The People's Protection Units., initial: 30}
endings:
  north: {title: North}
locations:
  raqqa: {name: Raqqa}
  kobani: {name: "Kobanî"}
"""

MAP_SCENES = """\
chapter: two
scenes:
  - id: river
    title: The River Road
    place: South of Raqqa
    date: June 2014
    location: raqqa
    text: |
      The river is low. The road beside it is not yours any more.
    choices:
      - {id: on, label: Drive on north, effects: {trust: {ypg: 5}}, goto: north}
  - {id: north, title: North, location: kobani, ending: north, text: You reach the canton.}
"""


class TestMap:
    def test_map_marks_the_scene(self, snap_compare, make_app: MakeApp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
        story = write_story(tmp_path / "mapped", MAP_MANIFEST, MAP_SCENES)
        assert snap_compare(make_app(story), terminal_size=SIZE, press=["n"])


class TestJournal:
    def test_journal(self, snap_compare, make_app: MakeApp) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(make_app(), terminal_size=SIZE, press=["n", "2", "2", "4", "j"])


class TestEnding:
    def test_ending(self, snap_compare, make_app: MakeApp) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(make_app(), terminal_size=SIZE, press=["n", "2", "5"])


class TestLoad:
    def test_load_screen(self, snap_compare, make_app: MakeApp, story_dir: Path, saves_dir: Path) -> None:  # type: ignore[no-untyped-def]
        story = load_story(str(story_dir))
        store = FixedTimeStore(saves_dir)
        game = Game(story, 1)
        store.save("Before the gate", game, play_seconds=65)
        game.choose("bribe")
        store.save("after the bribe [bold]!", game, play_seconds=3 * 3600 + 125)
        game.choose("road")
        store.autosave(game, play_seconds=3 * 3600 + 300)
        (saves_dir / "damaged.json").write_text("{", encoding="utf-8")
        assert snap_compare(make_app(store=store), terminal_size=SIZE, press=["l"])


class TestGlossary:
    def test_glossary(self, snap_compare, make_app: MakeApp) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(make_app(), terminal_size=SIZE, press=["g"])
