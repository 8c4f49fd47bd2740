"""The language server on a copy of the shipped story: clean diagnostics, navigation across chapters, and a rename of
a scene every golden playthrough passes through, after which they all still replay, as does an old save."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsp_helpers import Editor

from game.engine import Game
from game.loader import load_story
from game.saves import Playthrough, SaveStore, find_playthroughs, replay_playthrough

pytestmark = pytest.mark.story("shipped")
ROOT = Path(__file__).parents[2]


async def test_the_shipped_story_is_clean_and_navigable(editor: Editor) -> None:
    doc = await editor.open("02_road_north/04_canton.yaml")
    assert editor.diagnostics("02_road_north/04_canton.yaml") == []
    assert await editor.definition(doc, "kob_arrival", nth=0) == [("03_kobani/01_arrival.yaml", "kob_arrival")]
    shown = await editor.hover(doc, "kob_arrival")
    assert shown.startswith("**The Pocket** · scene `kob_arrival`")
    assert "late summer 2014" in shown
    outline = await editor.outline(await editor.open("03_kobani/01_arrival.yaml"))
    assert outline[0][0] == "kob_arrival" and outline[0][2]
    assert ("kob_arrival: The Pocket", "03_kobani/01_arrival.yaml") in await editor.symbols("pocket")


async def test_typing_a_mistake_in_the_shipped_story_and_fixing_it(editor: Editor) -> None:
    doc = await editor.open("03_kobani/01_arrival.yaml")
    await editor.type(doc, "      - if: road_register_shown\n", "      - if: road_register_showm\n")
    [(text, message)] = editor.diagnostics("03_kobani/01_arrival.yaml")
    assert text == "road_register_showm" and "did you mean 'road_register_shown'" in message
    await editor.type(doc, "      - if: road_register_showm\n", "      - if: road_register_shown\n")
    assert editor.diagnostics("03_kobani/01_arrival.yaml") == []


async def test_a_rename_every_playthrough_goes_through_keeps_them_and_old_saves_working(
    editor: Editor, story: Path
) -> None:
    # A save made in the scene about to be renamed, by the article's own course.
    course = Playthrough.from_file(ROOT / "tests" / "playthroughs" / "article_course.yaml")
    before = load_story(str(story))
    game = Game(before, course.seed)
    for step in course.log:
        if game.state.scene == "kob_arrival":
            break
        game.choose(step[1])
    assert game.state.scene == "kob_arrival"
    saves = SaveStore(story.parent / "saves")
    saves.save("arrival", game)

    doc = await editor.open("03_kobani/01_arrival.yaml")
    edit = await editor.rename(doc, "  - id: kob_arrival\n", "kob_arrival", "kob_pocket")
    assert edit is not None
    editor.apply(edit)
    assert await editor.change(doc) == []
    after = load_story(str(story))
    assert after.renamed.get("kob_arrival") == "kob_pocket"

    for path in find_playthroughs([ROOT / "tests" / "playthroughs"]):
        pt = Playthrough.from_file(path)
        pt.transcript = None  # golden transcripts name the scene's id as it was: compared by their own tests
        report = replay_playthrough(pt, after)
        assert report.ok, f"{path.name}: {report.failure and report.failure.render()}"

    loaded = saves.load("arrival", after)
    assert loaded.exact and loaded.game.state.scene == "kob_pocket"
