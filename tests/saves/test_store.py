"""Saving and loading as the game uses it: slots, the autosave, backups, listing, and exact round trips."""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from saves_helpers import play

from game.engine import Game, Story
from game.limits import MAX_PLAY_SECONDS
from game.saves import (
    AUTOSAVE,
    FORMAT,
    VERSION,
    SaveData,
    SaveError,
    SaveStore,
    default_saves_dir,
    read_save,
)
from game.saves import store as store_module


def test_save_then_load_gives_the_same_game(store: SaveStore, tiny_story: Story) -> None:
    game = play(tiny_story, "ask_pass", "bribe", "road")
    info = store.save("Before the road", game, play_seconds=93.25)
    assert info.slot == "Before the road"
    assert info.path.parent == store.directory
    assert (info.story_id, info.chapter, info.scene_title, info.turn) == (
        "tiny",
        "The Road",
        "The Long Road",
        3,
    )
    assert info.saved_at.tzinfo is not None and info.error is None

    result = store.load("Before the road", tiny_story)
    assert result.exact and result.notes == []
    assert result.game.state == game.state
    assert result.game.text() == game.text()
    assert result.play_seconds == 93.25
    assert result.info == info


def test_the_file_is_readable_diffable_json(store: SaveStore, tiny_story: Story) -> None:
    info = store.save("quick", play(tiny_story, "ask_pass"), 5)
    text = info.path.read_text(encoding="utf-8")
    doc = json.loads(text)
    assert doc["format"] == FORMAT and doc["version"] == VERSION
    assert doc["story"]["id"] == "tiny" and doc["story"]["fingerprint"] == tiny_story.fingerprint
    assert doc["seed"] == 7
    assert doc["choices"] == ["gate.ask_pass"]
    assert doc["state"] == {
        "scene": "gate",
        "trust": {"guards": 55, "villagers": 90},
        "variables": {"has_pass": True, "bribes": 0},
        "visited": ["gate"],
        "chosen": ["gate.ask_pass"],
    }
    assert doc["meta"]["name"] == "quick" and doc["meta"]["scene_title"] == "At the Gate"
    assert '    "gate.ask_pass"\n' in text  # one choice per line: a diff shows steps
    assert info.path.name == "quick.json"


def test_names_are_slots_case_and_spacing_do_not_matter(store: SaveStore, tiny_story: Story) -> None:
    store.save("My Save", play(tiny_story, "ask_pass"))
    assert store.exists("my   save") and store.exists("MY SAVE")
    store.save("my save", play(tiny_story, "bribe"))
    assert len(store.list()) == 1
    assert store.list()[0].slot == "my save"  # the latest spelling is the one shown
    assert store.load("My Save", tiny_story).game.state.log == [("gate", "bribe")]


def test_overwriting_keeps_the_previous_version_as_backup(store: SaveStore, tiny_story: Story) -> None:
    first = store.save("slot", play(tiny_story, "ask_pass"))
    created = read_save(first.path).created
    store.save("slot", play(tiny_story, "bribe"))
    backup = store.backup_path_for("slot")
    assert backup.is_file() and store.has_backup("slot")
    assert read_save(backup).log == (("gate", "ask_pass"),)
    assert read_save(first.path).log == (("gate", "bribe"),)
    assert read_save(first.path).created == created  # created survives overwrites; updated moves
    assert store.load_backup("slot", tiny_story).game.state.log == [("gate", "ask_pass")]
    assert [i.slot for i in store.list()] == ["slot"]  # backups are not listed as slots


def test_list_is_newest_first_with_autosave_and_broken_files(store: SaveStore, tiny_story: Story) -> None:
    store.save("older", play(tiny_story))
    store.autosave(play(tiny_story, "road"), 3.0)
    store.save("newest", play(tiny_story, "ask_pass"))
    (store.directory / "broken.json").write_text("{not json", encoding="utf-8")
    (store.directory / ".hidden.json").write_text("{}", encoding="utf-8")
    (store.directory / "notes.txt").write_text("hello", encoding="utf-8")
    infos = store.list()
    good = [i.slot for i in infos if i.error is None]
    assert good == ["newest", AUTOSAVE, "older"]
    broken = [i for i in infos if i.error is not None]
    assert len(broken) == 1 and broken[0].path.name == "broken.json" and "damaged" in broken[0].error
    assert store.newest() is not None and store.newest().slot == "newest"  # type: ignore[union-attr]
    assert store.newest(story_id="another") is None


def test_newest_skips_unreadable_files(store: SaveStore, tiny_story: Story) -> None:
    store.save("good", play(tiny_story))
    (store.directory / "zzz.json").write_text(
        '{"format": "jaysh-al-qasas save", "version": 99}', encoding="utf-8"
    )
    newest = store.newest()
    assert newest is not None and newest.slot == "good"


def test_empty_or_missing_folder_lists_nothing_and_is_created_on_first_save(
    tmp_path: Path, tiny_story: Story
) -> None:
    store = SaveStore(tmp_path / "not" / "yet")
    assert store.list() == [] and store.newest() is None and not store.exists("x")
    assert not (tmp_path / "not").exists()
    store.save("x", play(tiny_story))
    assert store.exists("x")


def test_delete_removes_the_save_and_its_backup(store: SaveStore, tiny_story: Story) -> None:
    store.save("gone", play(tiny_story))
    store.save("gone", play(tiny_story, "road"))
    store.delete("Gone")
    assert not store.exists("gone") and not store.has_backup("gone")
    assert list(store.directory.iterdir()) == []
    with pytest.raises(SaveError, match="no save named 'gone'"):
        store.delete("gone")


def test_loading_a_missing_slot_is_a_clear_error(store: SaveStore, tiny_story: Story) -> None:
    with pytest.raises(SaveError, match="there is no save named 'nothing here'") as err:
        store.load("nothing here", tiny_story)
    assert "nothing-here-" in str(err.value)  # names the file it looked for


def test_a_renamed_file_is_still_found_by_its_name_inside(store: SaveStore, tiny_story: Story) -> None:
    info = store.save("Kept", play(tiny_story, "road"))
    info.path.rename(store.directory / "renamed-by-hand.json")
    assert store.exists("kept")
    assert store.load("kept", tiny_story).game.state.scene == "road"


def test_a_save_at_an_ending_loads_at_the_ending(store: SaveStore, tiny_story: Story) -> None:
    game = play(tiny_story, "ask_pass", "show_pass")
    store.save("done", game)
    loaded = store.load("done", tiny_story).game
    assert loaded.ending is not None and loaded.ending.id == "through"


def test_bad_play_seconds_are_recorded_as_zero(store: SaveStore, tiny_story: Story) -> None:
    assert store.save("a", play(tiny_story), float("nan")).play_seconds == 0.0
    assert store.save("b", play(tiny_story), -4).play_seconds == 0.0


def test_default_saves_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("QASAS_SAVES", str(tmp_path / "mine"))
    assert default_saves_dir() == tmp_path / "mine"
    monkeypatch.delenv("QASAS_SAVES")
    here = Path(store_module.__file__).resolve().parents[2]
    assert default_saves_dir() == here / "saves"  # a source checkout: saves/ beside game/
    monkeypatch.setattr(store_module, "__file__", str(tmp_path / "site" / "game" / "saves" / "store.py"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_saves_dir() == tmp_path / "xdg" / "jaysh-al-qasas" / "saves"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_saves_dir() == tmp_path / "home" / ".local" / "share" / "jaysh-al-qasas" / "saves"


def test_store_defaults_to_the_default_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("QASAS_SAVES", str(tmp_path))
    assert SaveStore().directory == tmp_path


# ----------------------------------------------------------------------------------- round trips

_random_text = st.text(
    st.characters(blacklist_categories=("Cs",))
    | st.sampled_from(["\x85", "\u2028", "\u2029", "\ufeff", "\x00", "\x7f"]),
    max_size=40,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seed=st.integers(min_value=-(2**63), max_value=2**64 - 1),
    picks=st.lists(st.integers(min_value=0, max_value=5), max_size=25),
    name=st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30).filter(str.strip),
    seconds=st.floats(min_value=0, max_value=1e9, allow_nan=False),
)
def test_save_load_identity_over_random_playthroughs(
    tiny_story: Story, seed: int, picks: list[int], name: str, seconds: float
) -> None:
    game = Game(tiny_story, seed)
    for pick in picks:
        available = game.available()
        if not available:
            break
        game.step(available[pick % len(available)])
    with tempfile.TemporaryDirectory() as tmp:
        store = SaveStore(tmp)
        info = store.save(name, game, seconds)
        result = store.load(name, tiny_story)
        assert result.exact and result.notes == []
        assert result.game.state == game.state
        assert result.play_seconds == seconds
        assert result.info == info
        assert store.list() == [info]


@settings(max_examples=150, deadline=None)
@given(
    name=_random_text.filter(str.strip),
    title=_random_text,
    chapter=_random_text,
    scene_title=_random_text,
    fingerprint=_random_text,
    seconds=st.floats(min_value=0, max_value=MAX_PLAY_SECONDS, allow_nan=False, allow_infinity=False),
    seed=st.integers(min_value=-(2**63), max_value=2**64 - 1),
)
def test_every_text_round_trips_exactly(
    name: str, title: str, chapter: str, scene_title: str, fingerprint: str, seconds: float, seed: int
) -> None:
    # Scene and chapter titles come from the story and may hold any character, U+0085 included (PyYAML's
    # allow_unicode round-trip bug): the file must give back exactly what was saved.
    when = datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=UTC)
    data = SaveData(
        story_id="tiny",
        story_title=title,
        fingerprint=fingerprint,
        seed=seed,
        log=(("gate", "road"),),
        scene="road",
        trust={"guards": 50},
        variables={"has_pass": True, "bribes": -3},
        visited=("gate", "road"),
        chosen=("gate.road",),
        name=name,
        chapter=chapter,
        scene_title=scene_title,
        created=when,
        updated=when,
        play_seconds=seconds,
    )
    text = data.encode()
    assert "\x85" not in text and "\u2028" not in text  # escaped, so every line of the file is a real line
    assert SaveData.from_json(json.loads(text)) == data
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.json"
        path.write_bytes(text.encode("utf-8"))
        assert read_save(path) == data


def test_saves_never_import_textual_or_rich() -> None:
    import subprocess
    import sys

    code = (
        "import sys, game.saves, game.commands.replay\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == ""
