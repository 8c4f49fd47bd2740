"""The story format on screen (tests/fixtures/rich uses every form): headings that vary, emphasis in italics, each
choice's result after it with the trust it moved, renamed factions, and the story's own notice and credits."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tui_helpers import meter, screen_text, write_story

from game.tui.app import QasasApp
from game.tui.screens.help import AboutScreen
from game.tui.screens.journal import JournalScreen
from game.tui.screens.title import TitleScreen
from game.tui.widgets.bars import TitleBar
from game.tui.widgets.story.choices import ChoiceList
from game.tui.widgets.story.scene import StoryView

RICH = Path(__file__).resolve().parents[1] / "fixtures" / "rich"
TINY = Path(__file__).resolve().parents[1] / "fixtures" / "tiny"
SIZE = (100, 32)
MakeApp = Callable[..., QasasApp]


def italic_words(app: QasasApp) -> list[str]:
    """The words set in italics in the scene being played."""
    view = app.screen.query_one(StoryView)
    content = view.blocks[-1].content
    return [content.plain[s.start : s.end] for s in content.spans if "italic" in str(s.style).split()]


async def test_emphasis_is_italic_and_headings_vary(make_app: MakeApp) -> None:
    app = make_app(RICH)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        current = app.screen.query_one(StoryView).block_texts()[-1][0]
        assert current.startswith("The Square\n")  # {seq: The Square|The Square Again}, first visit
        assert "Forty men in a square" in current  # the place, rendered
        assert "The mukhtar counts forty men" in current
        assert "mukhtar" in italic_words(app)
        assert "{em:" not in current and "{seq" not in current
        await pilot.press("1")  # ask the baker's name: back to the square
        await pilot.pause()
        current = app.screen.query_one(StoryView).block_texts()[-1][0]
        assert "The Square Again" in current


async def test_a_choice_shows_its_result_and_what_it_moved(make_app: MakeApp) -> None:
    app = make_app(RICH)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "1")  # ask the baker's name: result "She tells you.", town +5
        await pilot.pause()
        current = app.screen.query_one(StoryView).block_texts()[-1][0]
        assert current.startswith("\u2192 You chose: Ask the baker's name\nShe tells you.\nThe town \u25b2 +5\n\n")
        assert "Umm Khaled waves" in current  # and the scene goes on from there
        await pilot.press("j")
        await pilot.pause()
        assert isinstance(app.screen, JournalScreen)
        assert "She tells you." in app.screen.text


async def test_the_chapter_title_is_rendered_in_the_title_bar(make_app: MakeApp) -> None:
    app = make_app(RICH)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        # Wait until the road: after three waits the shared route leads there.
        for _ in range(8):
            if app.session is not None and app.session.scene.id == "road":
                break
            views = app.screen.query_one(ChoiceList).views
            await pilot.press(str(next(v.number for v in views if v.id == "wait")))
            await pilot.pause()
        assert app.session is not None and app.session.scene.id == "road"
        bar = app.screen.query_one(TitleBar).text
        assert "Chapter 2: The Road (" in bar and "men)" in bar and "{men" not in bar


RENAME_MANIFEST = """\
story: {id: renamed, title: Renamed, start: hall}
chapters:
  one: {title: One, order: 1}
factions:
  groups:
    name: The other groups
    names: {room: The operations room}
    description: The armed groups beside yours.
    initial: 40
endings:
  done: {title: Done}
"""

RENAME_SCENES = """\
chapter: one
scenes:
  - id: hall
    title: The Hall
    text: Men from every group, and one table.
    choices:
      - id: found
        label: Found the operations room
        effects: {rename: {groups: room}, trust: {groups: 10}}
        result: "The groups sign. From now on they are {em: one room}."
        goto: after
  - id: after
    title: After
    text: The room meets at noon.
    choices:
      - {id: end, label: Go home, goto: done}
  - {id: done, title: Done, ending: done, text: It is done.}
"""


async def test_a_renamed_faction_is_announced_and_named_anew_everywhere(make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app(write_story(tmp_path / "renamed", RENAME_MANIFEST, RENAME_SCENES))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        assert meter(app, "groups") == "The other groups 40"
        await pilot.press("1")
        await pilot.pause()
        current = app.screen.query_one(StoryView).block_texts()[-1][0]
        assert "The groups sign. From now on they are one room." in current
        assert "The operations room \u25b2 +10" in current
        assert "The other groups are now called The operations room." in current
        assert "one room" in italic_words(app)
        assert meter(app, "groups") == "The operations room 50 \u25b2 +10"
        await pilot.press("j")
        await pilot.pause()
        assert "The operations room \u25b2 +10" in app.screen.text


async def test_the_title_screen_shows_the_story_notice_once_it_has_loaded(saves_dir: Path) -> None:
    app = QasasApp(None, story_dir=str(RICH), saves_dir=saves_dir, seed=1, theme="textual-dark")
    screen = app.get_default_screen()
    assert isinstance(screen, TitleScreen) and screen.notice == ""  # the first frame: nothing loaded, no note
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        note = app.screen.query_one("#title-note")
        assert note.display and "A made-up town, for testing." in screen_text(app)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AboutScreen)
        about = screen_text(app)
        assert "Content note. A made-up town, for testing. Nothing here happened." in about
        assert "Credits. Written for the test suite." in about
        assert "Rich" in about


async def test_a_story_without_a_notice_shows_none(make_app: MakeApp) -> None:
    app = make_app(TINY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not app.screen.query_one("#title-note").display
        await pilot.press("a")
        await pilot.pause()
        about = screen_text(app)
        assert "Content note" not in about and "Syrian" not in about
