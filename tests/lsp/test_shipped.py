"""The language server on a copy of the shipped story: clean diagnostics, navigation across chapters, and a rename of
a scene every golden playthrough passes through, after which they all still replay, as does an old save."""

from __future__ import annotations

import re
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


def written(story: Path, name: str) -> list[str]:
    """The story file of every place ``name`` is written, as a word (the story's own text, read from disk)."""
    word = re.compile(rf"(?<![\w.]){name}(?![\w])")
    return sorted(str(p.relative_to(story)) for p in story.rglob("*.yaml")
                  for _ in word.finditer(p.read_text(encoding="utf-8")))


async def test_references_and_completion_across_the_shipped_chapters(editor: Editor, story: Path) -> None:
    doc = await editor.open("03_kobani/01_arrival.yaml")
    # The scene is named by its own id, the canton's route into chapter 3, and the chose() that remember it.
    refs = await editor.references(doc, "  - id: kob_arrival\n", "kob_arrival")
    assert [name for name, _ in sorted(refs)] == written(story, "kob_arrival")
    assert "02_road_north/04_canton.yaml" in {name for name, _ in refs}
    # A variable set in chapter 2 and read in chapter 3: its definition, the effect, and every condition.
    names = await editor.references(doc, "      - if: road_register_shown\n", "road_register_shown")
    assert {"story.yaml", "02_road_north/04_canton.yaml", "03_kobani/01_arrival.yaml"} <= {n for n, _ in names}
    assert [n for n, _ in sorted(names)] == written(story, "road_register_shown")
    assert {text for _, text in names} == {"road_register_shown"}

    await editor.type(doc, "        goto: kob_bread\n", "        goto: kob_br\n")
    items = await editor.complete(doc, "goto: kob_br")
    assert {"kob_bread", "kob_arrival", "road_handover"} <= set(items) and len(items) > 50  # every scene
    assert items["kob_bread"].detail == "Flour"
    await editor.type(doc, "        goto: kob_br\n", "        goto: kob_bread\n")
    await editor.type(doc, "chose(kob_arrival.disperse)", "chose(kob_arrival.)")
    choices = await editor.complete(doc, "chose(kob_arrival.")
    assert {"disperse", "keep_together", "beside_firas"} <= set(choices)


async def test_a_half_typed_shipped_file_is_a_diagnostic_and_the_rest_still_answers(editor: Editor) -> None:
    doc = await editor.open("03_kobani/01_arrival.yaml")
    good = doc.text
    found = await editor.type(doc, "    title: The Pocket\n", "    title: [The Pocket\n    choices: {\n")
    assert found and all("YAML syntax" in d.message for d in found)
    canton = await editor.open("02_road_north/04_canton.yaml")
    assert await editor.definition(canton, "{to: kob_arrival}", "kob_arrival") == [
        ("03_kobani/01_arrival.yaml", "kob_arrival")]  # (from the last reading of the broken file)
    assert (await editor.hover(canton, "{to: kob_arrival}", "kob_arrival")).startswith("**The Pocket**")
    doc.text = good
    assert await editor.change(doc) == []


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
