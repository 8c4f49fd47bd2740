"""Glossary search: accents and case do not matter (here and in the command palette), and a search that finds
nothing empties the entry pane, however fast it is typed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.widgets import Input
from tui_helpers import write_story

from game.tui.app import QasasApp
from game.tui.screens.glossary import GlossaryScreen

SIZE = (100, 32)
MakeApp = Callable[..., QasasApp]

MANIFEST = """\
story: {id: words, title: Words, start: here}
chapters:
  one: {title: One, order: 1}
factions:
  town: {name: The town, description: The people.}
endings:
  done: {title: Done}
glossary:
  "Kobanî":
    kind: historical
    text: A town on the Turkish border, besieged in 2014-2015.
  "Umm Khaled":
    kind: invented
    text: A baker who appears in more than one chapter.
  Deir ez-Zor:
    kind: historical
    text: A city on the Euphrates.
"""

SCENES = """\
chapter: one
scenes:
  - {id: here, title: Here, ending: done, text: Here.}
"""


def entry(app: QasasApp) -> str:
    return str(app.screen.query_one("#glossary-entry").render())


async def test_search_ignores_accents_and_case(make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app(write_story(tmp_path / "words", MANIFEST, SCENES))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("g")
        await pilot.pause()
        await pilot.press(*"KOBANI")
        await pilot.pause()
        assert entry(app).startswith("Kobanî")
        # The other way round: an accent typed finds the plain spelling too.
        app.screen.query_one("#glossary-search").value = ""  # type: ignore[attr-defined]
        await pilot.press(*"dêir")
        await pilot.pause()
        assert entry(app).startswith("Deir ez-Zor")


async def test_a_search_with_no_results_empties_the_entry(make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app(write_story(tmp_path / "words", MANIFEST, SCENES))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("g")
        await pilot.pause()
        # Typed as fast as a player types (each letter's change queued before the last is handled): the list's
        # highlight messages for earlier letters arrive after the last filter, and must not bring an entry back.
        search = app.screen.query_one("#glossary-search", Input)
        for typed in ("b", "ba", "bak", "bake", "baker", "bakerz", "bakerzz", "bakerzzz"):
            search.value = typed
        await pilot.pause()
        assert "Nothing in the glossary matches." in entry(app)
        assert "Umm Khaled" not in entry(app)


async def test_the_command_palette_finds_an_entry_without_its_accent(make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app(write_story(tmp_path / "words", MANIFEST, SCENES))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Glossary: Kobani")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, GlossaryScreen)
        assert entry(app).startswith("Kobanî")
