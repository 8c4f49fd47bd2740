"""Go to definition and find references, for every kind of name a story uses, across its files; and the outlines."""

from __future__ import annotations

from lsp_helpers import Editor


async def test_a_scene_from_goto_route_and_start(editor: Editor) -> None:
    one = await editor.open("one.yaml")
    assert await editor.definition(one, "goto: road", "road") == [("two.yaml", "road")]
    assert await editor.definition(one, "to: square}", "square") == [("one.yaml", "square")]
    manifest = await editor.open("story.yaml")
    assert await editor.definition(manifest, "start: square", "square") == [("one.yaml", "square")]


async def test_references_of_a_scene_everywhere_it_is_named(editor: Editor) -> None:
    two = await editor.open("two.yaml")
    found = await editor.references(two, "  - id: road\n", "road")
    assert sorted(found) == [
        ("one.yaml", "road"), ("one.yaml", "road"), ("one.yaml", "road"), ("two.yaml", "road"), ("two.yaml", "road"),
    ]  # the route list 'again', two gotos in one.yaml; its own id and a chance route in two.yaml
    without = await editor.references(two, "  - id: road\n", "road", declaration=False)
    assert len(without) == 4


async def test_visited_and_chose_lead_to_the_scene_and_the_choice(editor: Editor, story) -> None:  # type: ignore[no-untyped-def]
    two = await editor.open("two.yaml")
    await editor.type(two, "{if waited > 3: You do not look back.}",
                      "{if visited(square) and not chose(square.ask): You do not look back.}")
    assert await editor.definition(two, "visited(square)", "square") == [("one.yaml", "square")]
    assert await editor.definition(two, "chose(square.ask)", "square") == [("one.yaml", "square")]
    assert await editor.definition(two, "chose(square.ask)", "ask") == [("one.yaml", "ask")]
    one = await editor.open("one.yaml")
    refs = await editor.references(one, "- id: ask", "ask")
    assert sorted(refs) == [("one.yaml", "ask"), ("two.yaml", "ask")]


async def test_a_variable_from_conditions_effects_placeholders_and_spans(editor: Editor) -> None:
    one = await editor.open("one.yaml")
    for needle in ("if: waited > 1", "add: {waited: 1}", "{waited:words}", "{if waited > 0: again"):
        assert await editor.definition(one, needle, "waited") == [("story.yaml", "waited")], needle
    refs = await editor.references(one, "if: waited > 1", "waited")
    assert len(refs) == 9  # its definition; in one.yaml a route, a passage, its text, a label, two ifs, an effect;
    # in two.yaml, a span


async def test_a_faction_from_min_max_trust_fair_and_rename(editor: Editor) -> None:
    one = await editor.open("one.yaml")
    for needle in ("max(town, groups)", "rename: {groups: room}", "trust: {groups: 10}"):
        assert await editor.definition(one, needle, "groups") == [("story.yaml", "groups")], needle
    assert await editor.definition(one, "fair: {town: 10}", "town") == [("story.yaml", "town")]


async def test_chapters_locations_endings_route_lists_and_glossary_terms(editor: Editor) -> None:
    one = await editor.open("one.yaml")
    assert await editor.definition(one, "chapter: one", "one") == [("story.yaml", "one")]
    assert await editor.definition(one, "location: square", "square") == [("story.yaml", "square")]
    assert await editor.definition(one, "{use: again}", "again") == [("one.yaml", "again")]
    two = await editor.open("two.yaml")
    assert await editor.definition(two, "ending: home", "home") == [("story.yaml", "home")]
    assert await editor.definition(two, "{use: by_trust}", "by_trust") == [("story.yaml", "by_trust")]
    # A glossary term in the text a player reads leads to its entry; its references are every mention.
    assert await editor.definition(one, "{seq: The Square|", "Square") == [("story.yaml", "The Square")]
    manifest = await editor.open("story.yaml")
    mentions = await editor.references(manifest, "  The Square:", "Square", declaration=False)
    assert {text.casefold() for _, text in mentions} == {"the square"}
    assert {name for name, _ in mentions} == {"story.yaml", "one.yaml"}


async def test_a_former_id_leads_to_the_scene_that_has_it_now(editor: Editor) -> None:
    one = await editor.open("one.yaml")
    assert await editor.definition(one, "formerly: [plaza]", "plaza") == [("one.yaml", "square")]
    assert await editor.definition(one, "formerly: loiter", "loiter") == [("one.yaml", "wait")]


async def test_the_outline_is_scenes_and_their_choices(editor: Editor) -> None:
    one = await editor.open("one.yaml")
    assert await editor.outline(one) == [
        ("again", "2 routes", []),
        ("square", "{seq: The Square|The Square Again}", ["ask", "wait", "found", "leave"]),
    ]
    manifest = await editor.open("story.yaml")
    names = [name for name, _, _ in await editor.outline(manifest)]
    assert names == ["one", "two", "town", "groups", "men", "asked", "waited", "home", "road", "square", "The Square",
                     "by_trust"]  # in the order they are written


async def test_any_scene_by_id_or_title(editor: Editor) -> None:
    await editor.open("one.yaml")
    found = await editor.symbols("road")
    assert sorted(found) == [("road: The Road", "two.yaml"), ("road_end: On the Road", "two.yaml")]
    assert [name for name, _ in await editor.symbols("home")] == ["home_end: Home"]
    assert len(await editor.symbols("")) == 4
