"""Diagnostics as the author types: lint's errors and warnings from the unsaved buffer, on the exact characters,
cleared when fixed; a broken buffer is a diagnostic, never a dead server."""

from __future__ import annotations

from pathlib import Path

from lsp_helpers import Editor


async def test_a_clean_file_has_no_diagnostics(editor: Editor) -> None:
    await editor.open("one.yaml")
    assert editor.diagnostics("one.yaml") == []


async def test_a_misspelt_goto_is_underlined_and_cleared_when_fixed(editor: Editor, story: Path) -> None:
    doc = await editor.open("one.yaml")

    found = await editor.type(doc, "goto: square", "goto: squar")
    assert [(text, msg) for text, msg in editor.diagnostics("one.yaml")] == [
        ("squar", "unknown scene 'squar' (did you mean 'square'?)")
    ]
    assert len(found) == 1

    await editor.type(doc, "goto: squar", "goto: square")
    assert editor.diagnostics("one.yaml") == []
    assert "squar\n" not in (story / "one.yaml").read_text()  # it was the buffer, never the file


async def test_a_mistake_inside_text_points_at_the_name(editor: Editor) -> None:
    doc = await editor.open("one.yaml")
    await editor.type(doc, "{if town > 60:, smiling}", "{if twon > 60:, smiling}")
    assert editor.diagnostics("one.yaml") == [
        ("twon", "in condition 'twon > 60': unknown name 'twon' (did you mean 'town'?)")
    ]


async def test_lint_warnings_appear_on_the_condition(editor: Editor) -> None:
    doc = await editor.open("one.yaml")
    await editor.type(doc, "requires: max(town, groups) >= 60", "requires: max(town, groups) >= 600")
    [(text, message)] = editor.diagnostics("one.yaml")
    assert text == "max(town, groups) >= 600"
    assert message.startswith("condition 'max(town, groups) >= 600' can never be true")


async def test_an_edit_that_breaks_another_file_shows_there(editor: Editor) -> None:
    doc = await editor.open("two.yaml")
    await editor.type(doc, "  - id: road\n", "  - id: highway\n")
    broken = editor.diagnostics("one.yaml")
    assert ("road", "unknown scene 'road'") in [(t, m.split(" (did")[0]) for t, m in broken]
    assert len(broken) == 3  # the shared route list 'again' and two gotos

    await editor.type(doc, "  - id: highway\n", "  - id: road\n")
    assert editor.diagnostics("one.yaml") == []


async def test_a_half_typed_buffer_is_a_diagnostic_and_the_server_goes_on(editor: Editor) -> None:
    doc = await editor.open("two.yaml")
    found = await editor.type(doc, "    title: The Road\n", '    title: "The Road\n    choices: [\n')
    assert found and all("YAML syntax" in d.message for d in found)

    # Still answering: a definition from the last good reading of the file, and in the other files.
    other = await editor.open("one.yaml")
    assert await editor.definition(other, "goto: road", "road") == [("two.yaml", "road")]

    await editor.type(doc, '    title: "The Road\n    choices: [\n', "    title: The Road\n")
    assert editor.diagnostics("two.yaml") == []


async def test_garbage_of_every_kind_never_stops_the_server(editor: Editor) -> None:
    doc = await editor.open("two.yaml")
    good = doc.text
    for junk in ["", "\t- : : {[", "{" * 500, "- " * 3000, "scenes:\n  - id: \x00", "a: &a [*a]", "\ufeff", "…" * 50]:
        doc.text = junk
        found = await editor.change(doc)
        assert found, repr(junk[:20])  # each is a diagnostic...
        assert await editor.hover(doc, "") == ""  # ...and the server still answers
        assert isinstance(await editor.outline(doc), list)
    doc.text = good
    assert await editor.change(doc) == []


async def test_a_warning_about_a_scene_underlines_its_id(editor: Editor) -> None:
    doc = await editor.open("two.yaml")
    await editor.type(doc, "  - {id: road_end,", "  - {id: lonely, title: Lonely, ending: road, text: Alone.}\n  - {id: road_end,")
    [(text, message)] = editor.diagnostics("two.yaml")
    assert (text, message.split(":")[0]) == ("lonely", "scene 'lonely' is never reached")
