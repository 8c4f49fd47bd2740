"""Broken saves: each gives a clear message naming the file, and the file is left exactly as it was."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from saves_helpers import play

from game.engine import Story
from game.saves import SaveError, SaveStore, replay_log


@pytest.fixture
def saved(store: SaveStore, tiny_story: Story) -> Path:
    return store.save("slot", play(tiny_story, "ask_pass", "bribe"), 10).path


def _edit(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")


def _assert_refused(
    store: SaveStore, story: Story, path: Path, *fragments: str, listed_broken: bool = True
) -> str:
    before = path.read_bytes()
    with pytest.raises(SaveError) as err:
        store.load_path(path, story)
    message = str(err.value)
    assert str(path) in message  # names the file
    for fragment in fragments:
        assert fragment in message, message
    assert "Traceback" not in message
    assert path.read_bytes() == before  # untouched
    # Listing shows it as unreadable (when that shows without a story) without touching it either.
    listed = [i for i in store.list() if i.path == path]
    if listed and listed_broken:
        assert listed[0].error is not None
    assert path.read_bytes() == before
    return message


def test_truncated(store: SaveStore, tiny_story: Story, saved: Path) -> None:
    data = saved.read_bytes()
    saved.write_bytes(data[: len(data) // 2])
    _assert_refused(store, tiny_story, saved, "damaged or incomplete", "line")


def test_empty(store: SaveStore, tiny_story: Story, saved: Path) -> None:
    saved.write_bytes(b"")
    _assert_refused(store, tiny_story, saved, "the file is empty")


def test_not_json(store: SaveStore, tiny_story: Story, saved: Path) -> None:
    saved.write_text("seed: 7\nchoices: [gate.bribe]\n", encoding="utf-8")
    _assert_refused(store, tiny_story, saved, "not a save file")


def test_binary_garbage(store: SaveStore, tiny_story: Story, saved: Path) -> None:
    saved.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\x00\x00garbage")
    _assert_refused(store, tiny_story, saved, "not text")


def test_json_that_is_not_a_save(store: SaveStore, tiny_story: Story, saved: Path) -> None:
    saved.write_text('{"hello": "world"}', encoding="utf-8")
    _assert_refused(store, tiny_story, saved, "not a save file", '"format"')
    saved.write_text("[1, 2, 3]", encoding="utf-8")
    _assert_refused(store, tiny_story, saved, "not a save file")


@pytest.mark.parametrize(
    "version, fragment",
    [
        (0, "unknown save format version 0"),
        ("1", "field 'version' must be a whole number"),
        (None, "'version'"),
        (True, "field 'version' must be a whole number"),
    ],
)
def test_wrong_version(store: SaveStore, tiny_story: Story, saved: Path, version: Any, fragment: str) -> None:
    _edit(saved, lambda d: d.__setitem__("version", version))
    _assert_refused(store, tiny_story, saved, fragment)


def test_newer_format(store: SaveStore, tiny_story: Story, saved: Path) -> None:
    _edit(saved, lambda d: d.__setitem__("version", 2))
    _assert_refused(store, tiny_story, saved, "newer version of the game", "format 2", "Update the game")


@pytest.mark.parametrize(
    "change, fragment",
    [
        (lambda d: d.__setitem__("seed", "seven"), "field 'seed' must be a whole number"),
        (lambda d: d.__setitem__("seed", 1.5), "field 'seed'"),
        (lambda d: d.__setitem__("choices", "gate.bribe"), "field 'choices' must be a list"),
        (lambda d: d["choices"].append("gate-bribe"), "choices[3] must be a choice written 'scene.choice'"),
        (lambda d: d["choices"].append(7), "choices[3]"),
        (
            lambda d: d["state"]["trust"].__setitem__("guards", "high"),
            "'state.trust.guards' must be a whole number",
        ),
        (lambda d: d["state"]["trust"].__setitem__("guards", True), "'state.trust.guards'"),
        (lambda d: d["state"]["variables"].__setitem__("bribes", [1]), "'state.variables.bribes'"),
        (lambda d: d["state"].__setitem__("scene", "../../etc"), "'state.scene' must be an id"),
        (lambda d: d["state"].pop("visited"), "field 'state.visited' is missing"),
        (lambda d: d["meta"].__setitem__("created", "yesterday"), "'meta.created' must be a date and time"),
        (lambda d: d["meta"].__setitem__("updated", "2024-01-01T10:00:00"), "with a time zone"),
        (lambda d: d["meta"].__setitem__("play_seconds", -1), "'meta.play_seconds'"),
        (lambda d: d["meta"].__setitem__("name", "  "), "'meta.name' is empty"),
        (lambda d: d.__setitem__("extra", 1), "unexpected field 'extra'"),
        (lambda d: d.pop("story"), "field 'story' is missing"),
        (lambda d: d.__setitem__("story", "tiny"), "field 'story' must be an object"),
        (lambda d: d["story"].__setitem__("id", 5), "'story.id'"),
    ],
)
def test_tampered_fields(
    store: SaveStore, tiny_story: Story, saved: Path, change: Any, fragment: str
) -> None:
    _edit(saved, change)
    _assert_refused(store, tiny_story, saved, fragment)


def test_tampered_snapshot_does_not_match_the_choices(
    store: SaveStore, tiny_story: Story, saved: Path
) -> None:
    # Trust edited by hand: the story is unchanged, so the log must reproduce the snapshot exactly.
    _edit(saved, lambda d: d["state"]["trust"].__setitem__("guards", 100))
    _assert_refused(
        store,
        tiny_story,
        saved,
        "does not match its own choices",
        "trust.guards",
        "edited by hand",
        listed_broken=False,
    )


def test_tampered_choices_that_do_not_replay(store: SaveStore, tiny_story: Story, saved: Path) -> None:
    _edit(saved, lambda d: d["choices"].insert(0, "gate.show_pass"))
    _assert_refused(store, tiny_story, saved, "do not replay", "step 1", "disabled", listed_broken=False)


def test_duplicate_keys_and_non_numbers(store: SaveStore, tiny_story: Story, saved: Path) -> None:
    text = saved.read_text(encoding="utf-8")
    saved.write_text(text.replace('"seed": 7,', '"seed": 7,\n  "seed": 8,'), encoding="utf-8")
    _assert_refused(store, tiny_story, saved, "appears twice")
    saved.write_text(text.replace('"play_seconds": 10.0', '"play_seconds": NaN'), encoding="utf-8")
    _assert_refused(store, tiny_story, saved, "NaN")
    saved.write_text(text.replace('"play_seconds": 10.0', '"play_seconds": 1e999'), encoding="utf-8")
    _assert_refused(store, tiny_story, saved, "too large")


def test_oversized(store: SaveStore, tiny_story: Story, saved: Path) -> None:
    with open(saved, "ab") as fh:
        fh.write(b" " * (4 * 1024 * 1024 + 1))
    _assert_refused(store, tiny_story, saved, "too large to be a save", "4 MiB")


def test_nested_too_deeply(store: SaveStore, tiny_story: Story, saved: Path) -> None:
    saved.write_text('{"format": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    _assert_refused(store, tiny_story, saved, "nested too deeply")


def test_a_different_story(store: SaveStore, tiny_story: Story, saved: Path) -> None:
    _edit(saved, lambda d: d["story"].update(id="kobani", title="Another Story"))
    _assert_refused(
        store,
        tiny_story,
        saved,
        "belongs to another story",
        "'Another Story'",
        "'A Tiny Story'",
        listed_broken=False,
    )


def test_a_folder_in_place_of_a_save(store: SaveStore, tiny_story: Story, saved: Path) -> None:
    folder = store.directory / "folder.json"
    folder.mkdir()
    with pytest.raises(SaveError, match="it is a folder, not a file"):
        store.load_path(folder, tiny_story)
    # Listed, so the player sees why it is not a save, but never loadable.
    (listed,) = [i for i in store.list() if i.path == folder]
    assert listed.error is not None and "folder" in listed.error
    assert store.newest() is not None and store.newest().path == saved


def test_a_missing_file(store: SaveStore, tiny_story: Story) -> None:
    with pytest.raises(SaveError, match="no such save file"):
        store.load_path(store.directory / "absent.json", tiny_story)


def test_a_broken_slot_points_at_its_backup(store: SaveStore, tiny_story: Story) -> None:
    store.save("slot", play(tiny_story, "road"))
    path = store.save("slot", play(tiny_story, "ask_pass")).path
    path.write_text("{", encoding="utf-8")
    with pytest.raises(SaveError, match=r"previous version of this save is kept as slot\.json\.bak"):
        store.load("slot", tiny_story)
    assert store.load_backup("slot", tiny_story).game.state.scene == "road"


def test_messages_are_sanitised(store: SaveStore, tiny_story: Story, saved: Path) -> None:
    _edit(saved, lambda d: d["state"].__setitem__("scene", "\x1b[31mred\x1b[0m"))
    message = _assert_refused(store, tiny_story, saved, "'state.scene'")
    assert "\x1b" not in message


def test_replay_log_reports_the_step_where_it_stops(tiny_story: Story) -> None:
    game, stop = replay_log(tiny_story, 1, [("gate", "ask_pass"), ("gate", "nope"), ("gate", "bribe")])
    assert stop is not None and stop.step == 2 and "scene 'gate' no longer has choice 'nope'" in stop.message
    assert game.state.log == [("gate", "ask_pass")]
