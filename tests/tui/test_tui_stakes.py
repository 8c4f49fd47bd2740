"""Stakes you can see: marks on the meters at the levels where the story turns ahead, a notice when a choice
moves a meter across one, a key to show or hide them, remembered in the player's profile; hidden for a first
reading and shown once an ending of the story has been found, unless the player chose otherwise."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tui_helpers import meter, notifications

from game.tui.app import QasasApp
from game.tui.profile import PROFILE_NAME
from game.tui.screens.ending import EndingScreen
from game.tui.screens.trust import TrustScreen
from game.tui.widgets.sidebar.trust import MARK
from game.tui.widgets.story.scene import StoryView

SIZE = (100, 32)
MakeApp = Callable[..., QasasApp]


async def test_stakes_are_hidden_at_first_and_a_key_shows_them(make_app: MakeApp, saves_dir: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        assert meter(app, "guards") == "The guards 50"
        assert MARK not in app.screen.query_one("#trust-guards").render().plain
        await pilot.press("s")
        await pilot.pause()
        assert meter(app, "guards") == "The guards 50 (turns at 50)"
        assert MARK in app.screen.query_one("#trust-guards").render().plain
        assert any("Stakes shown" in n for n in notifications(app))
        await pilot.press("3")  # the bribe: guards 50 -> 0, below the level
        await pilot.pause()
        current = app.screen.query_one(StoryView).block_texts()[-1][0]
        assert "\u2691 The guards fell below 50: the story turns there." in current
        assert meter(app, "guards") == "The guards 0 \u25bc \u221250 (turns at 50)"
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TrustScreen)
        assert "The story turns ahead at 50." in app.screen.text
    assert json.loads((saves_dir / PROFILE_NAME).read_text())["settings"] == {"stakes": True}
    again = make_app()  # remembered
    async with again.run_test(size=SIZE) as pilot:
        await pilot.press("n", "y")  # yes, a new game (the first one is unfinished in the autosave)
        await pilot.pause()
        assert meter(again, "guards") == "The guards 50 (turns at 50)"
        await pilot.press("s")  # and hidden again, also remembered
        await pilot.pause()
        assert meter(again, "guards") == "The guards 50"
    assert json.loads((saves_dir / PROFILE_NAME).read_text())["settings"] == {"stakes": False}


async def test_hidden_stakes_say_nothing_about_levels(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "3")
        await pilot.pause()
        assert "\u2691" not in app.screen.query_one(StoryView).block_texts()[-1][0]
        await pilot.press("t")
        await pilot.pause()
        assert "Press s to see the levels where the story turns ahead." in app.screen.text


async def test_after_the_first_ending_stakes_are_shown(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "6")  # turn back: the first ending found
        await pilot.pause()
        assert isinstance(app.screen, EndingScreen)
        help_text = str(app.screen.query_one("#ending-help").render())
        assert "From now on the trust meters mark the levels where the story turns" in help_text
        await pilot.press("n")
        await pilot.pause()
        assert meter(app, "guards") == "The guards 50 (turns at 50)"
