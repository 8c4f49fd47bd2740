"""Completion: what fits where the author is typing, each item saying what it is."""

from __future__ import annotations

from lsp_helpers import Editor
from lsprotocol import types


async def test_scene_ids_where_a_scene_is_expected(editor: Editor) -> None:
    one = await editor.open("one.yaml")
    await editor.type(one, "        goto: road\n      - id: leave", "        goto: ro\n      - id: leave")
    items = await editor.complete(one, "goto: ro")
    assert set(items) == {"square", "road", "road_end", "home_end"}
    road = items["road_end"]
    assert road.detail == "On the Road" and road.kind == types.CompletionItemKind.Class
    assert isinstance(road.documentation, types.MarkupContent) and "You go on." in road.documentation.value
    # It replaces what was typed of it.
    assert isinstance(road.text_edit, types.TextEdit) and road.text_edit.new_text == "road_end"
    assert road.text_edit.range.end.character - road.text_edit.range.start.character == 2


async def test_names_keywords_and_functions_in_a_condition(editor: Editor) -> None:
    one = await editor.open("one.yaml")
    await editor.type(one, "if: waited > 1\n", "if: waited > 1 and \n")
    items = await editor.complete(one, "if: waited > 1 and ")
    assert {"men", "asked", "waited", "town", "groups", "not", "visited", "chose", "min"} <= set(items)
    assert items["asked"].detail == "bool variable, starts at false"
    assert items["town"].detail == "faction: The town, trust 0..100"


async def test_choices_after_chose_scene_dot(editor: Editor) -> None:
    two = await editor.open("two.yaml")
    await editor.type(two, "{if waited > 3: You", "{if chose(square.: You")
    items = await editor.complete(two, "chose(square.")
    assert set(items) == {"ask", "wait", "found", "leave"}
    assert items["ask"].detail == "Ask the baker's name"


async def test_names_in_a_placeholder(editor: Editor) -> None:
    two = await editor.open("two.yaml")
    await editor.type(two, "The road runs north.", "The road runs north. {m")
    items = await editor.complete(two, "north. {m")
    assert {"men", "town", "seq", "em"} <= set(items)
    assert items["men"].documentation is not None


async def test_effect_targets_by_kind(editor: Editor) -> None:
    one = await editor.open("one.yaml")
    await editor.type(one, "effects: {add: {waited: 1}, fair: {town: 10}}", "effects: {add: {w")
    assert set(await editor.complete(one, "{add: {w")) == {"men", "waited"}  # int variables only
    await editor.type(one, "effects: {add: {w", "effects: {trust: {g")
    assert set(await editor.complete(one, "{trust: {g")) == {"town", "groups"}
    await editor.type(one, "effects: {trust: {g", "effects: {rename: {groups: r")
    assert set(await editor.complete(one, "{rename: {groups: r")) == {"groups", "room"}


async def test_chapters_locations_endings_and_route_lists(editor: Editor) -> None:
    two = await editor.open("two.yaml")
    await editor.type(two, "ending: road,", "ending: r,")
    assert set(await editor.complete(two, "ending: r")) == {"home", "road"}
    await editor.type(two, "goto: {use: by_trust}", "goto: {use: b}")
    items = await editor.complete(two, "{use: b")
    assert set(items) == {"again", "by_trust"} and items["by_trust"].detail == "route list (story-wide)"
    assert set(await editor.complete(two, "chapter: ")) == {"one", "two"}
