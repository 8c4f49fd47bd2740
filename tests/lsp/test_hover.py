"""Hover: what a name is, as an author needs to know it while writing."""

from __future__ import annotations

from lsp_helpers import Editor


async def test_a_scene_shows_its_title_place_date_and_first_line(editor: Editor) -> None:
    two = await editor.open("two.yaml")
    shown = await editor.hover(two, "to: road}", "road")
    assert shown.startswith("**The Road** · scene `road`")
    assert "> The road runs north." in shown
    one = await editor.open("one.yaml")
    square = await editor.hover(one, "goto: square", "square")
    # Spans and names as a player first reads them: the first of a {seq}, men at their start.
    assert square.startswith("**The Square** · scene `square`")
    assert "Forty men in a square · a year the records leave blank" in square
    assert "chapter: The Square · 4 choices · formerly `plaza`" in square
    assert "> You come into the square. The baker whose name you do not know waves." in square


async def test_a_variable_shows_its_type_start_description_and_where_it_is_set(editor: Editor) -> None:
    one = await editor.open("one.yaml")
    shown = await editor.hover(one, "if: waited > 1", "waited")
    assert shown.startswith("**waited** · variable: int, starts at 0")
    assert "Times you waited." in shown
    assert "set in `square.wait`" in shown
    men = await editor.hover(one, "{men:Words}", "men")
    assert "variable: int, starts at 40, range 0..100" in men and "`road.go`" in men


async def test_a_faction_shows_its_names_range_and_description(editor: Editor) -> None:
    one = await editor.open("one.yaml")
    shown = await editor.hover(one, "rename: {groups: room}", "groups")
    assert shown.startswith("**The other groups** · faction `groups`: trust 0..100, starts at 40")
    assert "also named The operations room (`room`)" in shown
    assert "The armed groups beside yours." in shown
    assert "trust changed in `square.found`" in shown


async def test_a_condition_lint_decides_says_so(editor: Editor) -> None:
    one = await editor.open("one.yaml")
    await editor.type(one, "requires: max(town, groups) >= 60", "requires: max(town, groups) >= 600")
    shown = await editor.hover(one, "max(town, groups) >= 600", ">= 600")
    assert shown.startswith("**lint:** condition 'max(town, groups) \\>= 600' can never be true")
    on_name = await editor.hover(one, "max(town, groups) >= 600", "town")
    assert on_name.startswith("**The town** · faction") and "**lint:** condition" in on_name
    assert await editor.hover(one, "if: waited > 1", "> 1") == ""  # a condition lint has no verdict on


async def test_chapters_endings_locations_route_lists_and_terms(editor: Editor) -> None:
    one = await editor.open("one.yaml")
    assert (await editor.hover(one, "chapter: one", "one")).startswith("**The Square** · chapter `one` (order 1)")
    assert "location `square` · marked by 1 scene" in await editor.hover(one, "location: square", "square")
    assert "**again** · route list for chapter `one`" in await editor.hover(one, "{use: again}", "again")
    assert "if waited \\> 2, 50% of the time → `road`" in await editor.hover(one, "{use: again}", "again")
    term = await editor.hover(one, "{seq: The Square|", "Square")
    assert term == "**The Square** · glossary (invented)\n\nA square that exists only in this test."
    two = await editor.open("two.yaml")
    assert (await editor.hover(two, "ending: home", "home")).startswith("**Home, with 40 men** · ending `home`")


async def test_story_text_is_never_markdown_in_a_hover(editor: Editor) -> None:
    two = await editor.open("two.yaml")
    await editor.type(two, "    title: The Road\n", "    title: '![x](http://example.com/a.png) <b>*Road*</b>'\n")
    shown = await editor.hover(two, "to: road}", "road")
    assert shown.startswith("**\\!\\[x\\](http://example.com/a.png) \\<b\\>\\*Road\\*\\</b\\>** · scene `road`")
