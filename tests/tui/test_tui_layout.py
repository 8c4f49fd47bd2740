"""The full-screen game at every size: resizing, folding the sidebar, a readable measure, a terminal too small,
and the current scene standing out in every theme."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.color import Color as RichColor
from tui_helpers import meter, screen_text, write_story

from game.tui.app import QasasApp
from game.tui.screens.game import GameScreen
from game.tui.screens.small import TooSmallScreen
from game.tui.screens.title import TitleScreen
from game.tui.widgets.story.choices import ChoiceList
from game.tui.widgets.story.scene import StoryView

MakeApp = Callable[..., QasasApp]

LONG_MANIFEST = """\
story: {id: long, title: Long Choices, start: square}
chapters:
  one: {title: One, order: 1}
factions:
  town: {name: The town, description: The people of the square.}
endings:
  done: {title: Done}
"""

LONG_SCENES = """\
chapter: one
scenes:
  - id: square
    title: The Square
    text: A square with a fountain that has not run for a year, and a tea seller who has not left it.
    choices:
      - id: one
        label: Walk to the fountain and wait there, in plain sight, until someone from the council comes to ask
        goto: done
      - id: two
        label: Sit with the tea seller and ask him who still comes to the square after the evening call to prayer
        goto: done
      - id: three
        label: Leave the square by the lane behind the bakery, the way the boys go when they do not want to be seen
        goto: done
      - id: four
        label: Speak to the council at once, before they hear about you from anybody else in the town
        requires: town >= 80
        reason: The council does not yet know you well enough to let you speak before the others have been heard.
        goto: done
  - {id: done, title: Done, ending: done, text: It is done.}
"""


def long_story(tmp_path: Path) -> Path:
    return write_story(tmp_path / "long", LONG_MANIFEST, LONG_SCENES)


def assert_every_choice_shown(app: QasasApp, *, fits: bool) -> None:
    """Every line of every choice is laid out for this width; when they fit, all are on screen with no scrollbar."""
    choices = app.screen.query_one(ChoiceList)
    lines = sum(len(t.splitlines()) for t in choices.texts)
    assert choices.virtual_size.height == lines
    if fits:
        assert not choices.show_vertical_scrollbar
        assert choices.scrollable_content_region.height == lines
        shown = screen_text(app)
        for n in range(1, 5):
            assert f"{n}. " in shown
    else:  # the rest is a scroll away, and the scrollbar says so
        assert choices.show_vertical_scrollbar


async def test_a_resize_lays_the_choices_out_again(make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app(long_story(tmp_path))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        assert_every_choice_shown(app, fits=True)
        for size in ((80, 24), (120, 36), (80, 24), (120, 36)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            assert_every_choice_shown(app, fits=size == (120, 36))


async def test_wrapped_labels_and_reasons_hang_under_their_own_text(make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app(long_story(tmp_path))
    async with app.run_test(size=(60, 24)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        label, *rest = app.screen.query_one(ChoiceList).texts[0].splitlines()
        assert label.startswith("1. Walk to the fountain") and rest
        assert all(line.startswith("   ") and not line.startswith("    ") for line in rest)
        reason = app.screen.query_one(ChoiceList).texts[3].splitlines()
        at = next(i for i, line in enumerate(reason) if "unavailable:" in line)
        assert reason[at].startswith("   unavailable: The council")
        indent = reason[at].index("The council")
        assert len(reason) > at + 1
        assert all(line[:indent].strip() == "" and line[indent] != " " for line in reason[at + 1 :])


async def test_the_sidebar_folds_into_a_trust_strip_below_100_columns(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n", "3")
        await pilot.pause()
        screen = app.screen
        assert screen.query_one("#sidebar").display and not screen.query_one("#trust-strip").display
        await pilot.resize_terminal(99, 30)
        await pilot.pause()
        assert not screen.query_one("#sidebar").display and screen.query_one("#trust-strip").display
        strip = screen.query_one("#trust-strip").text  # type: ignore[attr-defined]
        assert "guards 0\u25bc\u221250" in strip and "villagers 90" in strip
        # The story has the width the sidebar gave up.
        assert screen.query_one(StoryView).size.width >= 78


async def test_at_200_columns_the_story_keeps_a_readable_measure(make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app(long_story(tmp_path))
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        story = app.screen.query_one(StoryView)
        assert 70 <= story.scrollable_content_region.width <= 80
        # Centred in its column, not a ragged block at the left edge.
        column = app.screen.query_one("#story-column")
        left = story.region.x - column.region.x
        right = column.region.right - story.region.right
        assert abs(left - right) <= 1 and left > 10


async def test_a_terminal_too_small_says_so_and_waits(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        await pilot.resize_terminal(30, 10)
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        text = screen_text(app)
        assert "Too small to play" in text and "30\u00d710" in text
        await pilot.press("3")  # keys do nothing to the game meanwhile
        await pilot.pause()
        assert app.session is not None and app.session.game.state.log == []
        for size in ((10, 5), (1, 1), (29, 30)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            assert isinstance(app.screen, TooSmallScreen)
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)
        await pilot.press("3")
        await pilot.pause()
        assert meter(app, "guards") == "The guards 0 \u25bc \u221250"


async def test_a_game_started_in_a_tiny_terminal_waits_too(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(30, 10)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert isinstance(app.screen, TitleScreen)
    assert app.return_code in (None, 0)


def _contrast(fg: RichColor, bg: RichColor) -> float:
    """WCAG contrast ratio of two colours."""

    def luminance(c: RichColor) -> float:
        r, g, b = (x / 255 for x in c.get_truecolor())
        lin = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in (r, g, b)]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    a, b = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


async def test_the_current_scene_is_the_most_prominent_text_in_every_theme(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("n", "3")
        await pilot.pause()
        view = app.screen.query_one(StoryView)
        for theme in app.available_themes:
            app.theme = theme
            await pilot.pause()
            view.scroll_to(y=0, animate=False, immediate=True)
            await pilot.pause()
            found = []
            for y in range(view.size.height):
                strip = view.render_line(y)
                if strip.text.strip().startswith("Trust with the guards"):
                    segment = next(s for s in strip if s.text.strip())
                    assert segment.style is not None
                    found.append(segment.style)
            past, current = found  # the first visit (transcript), then the scene being played
            if app.native_ansi_color:  # the terminal's own colours: the transcript is the terminal's "dim"
                assert past.dim and not current.dim, theme
                continue
            assert past.color and past.bgcolor and current.color and current.bgcolor
            was, now = _contrast(past.color, past.bgcolor), _contrast(current.color, current.bgcolor)
            assert now > was * 1.3, (theme, was, now)


async def test_the_continue_line_is_never_broken_inside_the_play_time(make_app: MakeApp, saves_dir: Path) -> None:
    from game.engine import Game
    from game.loader import load_story
    from game.saves import SaveStore

    story = load_story(str(make_app().story_dir))
    SaveStore(saves_dir).autosave(Game(story, 1), play_seconds=35 * 60 + 7)
    for size in ((80, 24), (44, 14)):
        app = make_app()
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            shown = screen_text(app)
            assert "35m 07s played" in shown, shown
            rows = [row for row in shown.splitlines() if "Continue" in row]
            assert rows and "played" not in rows[0]  # the label on its own line, what it resumes under it
