"""Rename across every file of the story, as one edit; a renamed scene or choice keeps its old id under formerly:, so
a save made before the rename loads and replays exactly, with no restore from its snapshot."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsp_helpers import Editor, position
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from game.engine import Game
from game.loader import load_story
from game.saves import Playthrough, SaveStore, replay_playthrough


async def test_a_scene_rename_edits_every_file_and_keeps_the_old_id(editor: Editor, story: Path) -> None:
    saves = SaveStore(story.parent / "saves")
    before = load_story(str(story))
    game = Game(before, 3)
    while game.state.scene == "square":  # wait until the way on opens (a fallback, or the route by chance)
        offered = {c.id for c in game.choices() if c.enabled}
        game.choose("leave" if "leave" in offered else "wait")
    assert game.state.scene == "road"
    saves.save("on the road", game)

    one = await editor.open("one.yaml")
    edit = await editor.rename(one, "goto: road", "road", "highway")
    assert edit is not None and edit.changes is not None
    assert sorted(Path(uri).name for uri in edit.changes) == ["one.yaml", "two.yaml"]
    editor.apply(edit)

    two = (story / "two.yaml").read_text()
    assert "  - id: highway\n    formerly: [road]\n    title: The Road\n" in two
    assert "{chance: 30, to: highway}" in two
    assert (story / "one.yaml").read_text().count("highway") == 3 and "road\n" not in (story / "one.yaml").read_text()
    after = load_story(str(story))
    assert after.renamed == {"plaza": "square", "square.loiter": "square.wait", "road": "highway"}

    result = saves.load("on the road", after)
    assert result.exact  # replayed through the rename: no restore from the snapshot
    assert result.game.state.scene == "highway"
    assert all("snapshot" not in note for note in result.notes)

    # The diagnostics agree: nothing is broken after the rename.
    assert await editor.change(one) == []


async def test_a_choice_rename_keeps_playthroughs_working(editor: Editor, story: Path) -> None:
    one = await editor.open("one.yaml")
    edit = await editor.rename(one, "      - id: ask\n", "ask", "ask_name")
    assert edit is not None
    editor.apply(edit)
    assert "      - id: ask_name\n        formerly: [ask]\n        label: Ask the baker's name\n" in one.text
    after = load_story(str(story))
    report = replay_playthrough(Playthrough.from_text("choices: [square.ask]\nexpect: {scene: square}\n"), after)
    assert report.ok, report.failure and report.failure.render()


async def test_a_variable_rename_reaches_conditions_effects_placeholders_and_spans(editor: Editor, story: Path) -> None:
    one = await editor.open("one.yaml")
    edit = await editor.rename(one, "if: waited > 1", "waited", "patience")
    assert edit is not None
    editor.apply(edit)
    texts = "".join(p.read_text() for p in story.glob("*.yaml"))
    assert "{patience:words}" in texts and "add: {patience: 1}" in texts and "  patience: {type: int" in texts
    assert "formerly: [waited]" not in texts  # saves keep values by name, and replays compute them again
    renamed = load_story(str(story))
    assert "patience" in renamed.variables and "waited" not in renamed.variables


async def test_a_faction_rename(editor: Editor, story: Path) -> None:
    one = await editor.open("one.yaml")
    edit = await editor.rename(one, "rename: {groups: room}", "groups", "armed")
    assert edit is not None
    editor.apply(edit)
    texts = "".join(p.read_text() for p in story.glob("*.yaml"))
    assert "groups" not in texts.replace("The other groups", "").replace("The groups sign", "").replace(
        "armed groups", "")
    assert "rename: {armed: room}" in texts and "max(town, armed)" in texts
    assert load_story(str(story)).factions["armed"].names == (("room", "The operations room"),)


@pytest.mark.parametrize(
    ("new", "why"),
    [
        ("square", "a scene 'square' exists already"),
        ("plaza", "'plaza' is a former id of another scene"),
        ("Road!", "'Road!' is not a valid id"),
        ("visited", "'visited' is a word of the condition language"),
    ],
)
async def test_a_name_that_is_taken_or_wrong_is_refused(editor: Editor, new: str, why: str) -> None:
    one = await editor.open("one.yaml")
    with pytest.raises(JsonRpcException) as refused:
        await editor.rename(one, "goto: road", "road", new)
    assert why in str(refused.value)


async def test_what_cannot_be_renamed_says_why(editor: Editor) -> None:
    one = await editor.open("one.yaml")
    with pytest.raises(JsonRpcException, match="only a scene, a choice, a variable or a faction can be renamed"):
        await editor.client.text_document_prepare_rename_async(types.PrepareRenameParams(
            text_document=one.ident, position=position(one.text, "chapter: one", "one")))
    found = await editor.client.text_document_prepare_rename_async(types.PrepareRenameParams(
        text_document=one.ident, position=position(one.text, "goto: road", "road")))
    assert isinstance(found, types.PrepareRenamePlaceholder) and found.placeholder == "road"


async def test_no_rename_while_a_file_is_broken(editor: Editor) -> None:
    two = await editor.open("two.yaml")
    await editor.type(two, "    title: The Road\n", '    title: "The Road\n')
    one = await editor.open("one.yaml")
    with pytest.raises(JsonRpcException, match="two.yaml cannot be read as a story file; fix it first"):
        await editor.rename(one, "goto: road", "road", "highway")
