"""Numbers: every integer and timestamp read from a save, a playthrough or the command line is range-checked where
it is read, so it cannot overflow later (a 400-digit play time once crashed the saves list; a save time in the year
9999 at -23:59 crashed the Load screen), and nothing the game writes is refused by its own reader (``--seed 2**70``
was accepted, autosaved, and then every save of that game was unreadable).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hostile_helpers import ROOT, TINY, assert_clean, run, snapshot

from game.engine import Game
from game.limits import MAX_PLAY_SECONDS, SEED_MAX, SEED_MIN, VALUE_LIMIT
from game.loader import load_story
from game.saves import Playthrough, PlaythroughError, SaveError, SaveStore, read_save
from game.tui.app import QasasApp
from game.tui.screens.saves import LoadScreen, SavesTable

STORY = load_story(str(TINY))


def valid_save(folder: Path, seed: int = 7) -> Path:
    game = Game(STORY, seed)
    game.choose("ask_pass")
    return SaveStore(folder).save("slot", game, 10).path


def setting(*path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        target = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


class raw:
    def __init__(self, old: str, new: str) -> None:
        self.old, self.new = old, new

    def __call__(self, text: str) -> str:
        assert self.old in text
        return text.replace(self.old, self.new, 1)


# name: (how the valid save's JSON is changed, a fragment of the message)
NUMBERS: dict[str, tuple[Callable[[dict[str, Any]], None] | raw, str]] = {
    "play_seconds_400_digits": (raw('"play_seconds": 10.0', '"play_seconds": ' + "9" * 400), "digits"),
    "play_seconds_99_digits": (raw('"play_seconds": 10.0', '"play_seconds": ' + "9" * 99), "play_seconds"),
    "play_seconds_1e308": (setting("meta", "play_seconds", value=1e308), "play_seconds"),
    "play_seconds_past_the_limit": (setting("meta", "play_seconds", value=MAX_PLAY_SECONDS + 1), "play_seconds"),
    "play_seconds_negative": (setting("meta", "play_seconds", value=-1), "play_seconds"),
    "play_seconds_negative_zero_point_one": (setting("meta", "play_seconds", value=-0.1), "play_seconds"),
    "updated_year_9999_minus_23_59": (setting("meta", "updated", value="9999-12-31T23:59:59-23:59"), "meta.updated"),
    "updated_year_9998_end_minus_1": (setting("meta", "updated", value="9998-12-31T23:30:00-01:00"), "meta.updated"),
    "updated_year_1_plus_23_59": (setting("meta", "updated", value="0001-01-01T00:00:00+23:59"), "meta.updated"),
    "created_before_1970": (setting("meta", "created", value="1969-12-31T23:59:59+00:00"), "meta.created"),
    "created_no_time_zone": (setting("meta", "created", value="2024-05-01T12:00:00"), "time zone"),
    "created_offset_24h": (setting("meta", "created", value="2024-05-01T12:00:00+24:00"), "meta.created"),
    "created_a_number": (setting("meta", "created", value=1714564800), "meta.created"),
    "seed_2_to_the_70": (setting("seed", value=2**70), "seed"),
    "seed_below_the_range": (setting("seed", value=SEED_MIN - 1), "seed"),
    "seed_a_float": (setting("seed", value=7.0), "seed"),
    "trust_past_the_limit": (setting("state", "trust", "guards", value=VALUE_LIMIT + 1), "trust.guards"),
    "variable_10_to_the_30": (setting("state", "variables", "bribes", value=10**30), "variables.bribes"),
    "version_60_digits": (setting("version", value=10**60), "newer version"),
    "version_negative": (setting("version", value=-(10**60)), "version"),
}


def broken(folder: Path, name: str) -> Path:
    change, _ = NUMBERS[name]
    path = valid_save(folder)
    text = path.read_text(encoding="utf-8")
    if isinstance(change, raw):
        text = change(text)
    else:
        doc = json.loads(text)
        change(doc)
        text = json.dumps(doc, indent=2)
    target = folder / f"{name.replace('_', '-')}.json"
    target.write_text(text, encoding="utf-8")
    path.unlink()
    return target


@pytest.mark.parametrize("name", list(NUMBERS))
def test_a_number_out_of_range_in_a_save_is_refused_where_it_is_read(tmp_path: Path, name: str) -> None:
    folder = tmp_path / "saves"
    path = broken(folder, name)
    before = snapshot(folder)
    with pytest.raises(SaveError) as caught:
        read_save(path)
    message = str(caught.value)
    assert NUMBERS[name][1] in message and "\n" not in message and len(message) < 400, message
    (info,) = SaveStore(folder).list()
    assert info.error and info.saved_at.year >= 1970
    result = run("replay", str(path), "--scenes", str(TINY), cwd=tmp_path)
    assert_clean(result, 2, f"ERROR {path}", NUMBERS[name][1])
    assert snapshot(folder) == before


async def test_the_load_screen_lists_every_out_of_range_save_without_crashing(tmp_path: Path) -> None:
    folder = tmp_path / "saves"
    for name in NUMBERS:
        broken(folder, name)
    edge = valid_save(folder)  # and times at the edges of the range, which must show in any time zone
    doc = json.loads(edge.read_text())
    doc["meta"]["updated"] = "9998-12-31T00:00:00+14:00"
    doc["meta"]["created"] = "1970-01-01T00:00:00+00:00"
    doc["meta"]["play_seconds"] = MAX_PLAY_SECONDS
    edge.write_text(json.dumps(doc))
    assert read_save(edge).play_seconds == MAX_PLAY_SECONDS
    app = QasasApp(STORY, story_dir=str(TINY), saves_dir=folder, seed=1, theme="textual-dark", clock=lambda: 0.0)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, LoadScreen)
        infos = app.screen.query_one(SavesTable).infos
        assert len(infos) == len(NUMBERS) + 1
        assert [i for i in infos.values() if not i.error] == [SaveStore(folder).existing("slot")]
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("c")  # Continue: the edge save, far in the future, is the newest
        await pilot.pause()
        assert app.session is not None and app.session.play_seconds >= MAX_PLAY_SECONDS


# ------------------------------------------------------------------------------------------ the command line

SEED_ARGS = {
    "2**70": str(2**70),
    "one past the largest": str(SEED_MAX + 1),
    "one below the smallest": str(SEED_MIN - 1),
    "400 digits": "9" * 400,
    "arabic-indic digits": "\u0667",
    "a float": "1e3",
    "hex": "0x10",
    "empty": "",
    "a word": "seven",
}


@pytest.mark.parametrize("command", [["play", "--plain"], ["randomtest", "--runs", "3"], ["quicktest"]])
@pytest.mark.parametrize("label", list(SEED_ARGS))
def test_a_seed_out_of_range_is_refused_at_the_command_line(tmp_path: Path, command: list[str], label: str) -> None:
    result = run(*command, str(TINY) if command[0] != "play" else "--scenes", *([str(TINY)] if command[0] == "play" else []), "--seed", SEED_ARGS[label], cwd=tmp_path)
    assert_clean(result, 2, "--seed", seconds=15)
    assert "a seed" in result.stderr and "usage:" in result.stderr, result.stderr


def test_the_largest_and_smallest_seeds_play_save_and_load(tmp_path: Path) -> None:
    for seed in (SEED_MAX, SEED_MIN):
        result = run("play", "--plain", "--scenes", str(TINY), "--seed", str(seed), cwd=tmp_path, input_bytes=b"3\n5\n1\n")
        assert_clean(result, 0, "Ending")
        game = Game(STORY, seed)
        game.choose("bribe")
        store = SaveStore(tmp_path / "saves")
        info = store.autosave(game, 1)
        assert store.load("autosave", STORY).game.state == game.state
        assert read_save(info.path).seed == seed


def test_the_game_never_writes_a_save_it_would_refuse(tmp_path: Path) -> None:
    store = SaveStore(tmp_path / "saves")
    good = store.autosave(Game(STORY, 7), 1)
    before = snapshot(tmp_path / "saves")
    with pytest.raises(SaveError, match="cannot be saved.*seed"):
        store.autosave(Game(STORY, 2**70), 1)
    assert snapshot(tmp_path / "saves") == before and read_save(good.path).seed == 7
    # A play time past the range is kept at the most a save holds, not written as something unreadable.
    info = store.save("long", Game(STORY, 7), float(10**12))
    assert read_save(info.path).play_seconds == MAX_PLAY_SECONDS


def test_randomtest_refuses_runs_whose_seeds_would_pass_the_largest(tmp_path: Path) -> None:
    result = run("randomtest", str(TINY), "--runs", "2", "--seed", str(SEED_MAX), cwd=tmp_path)
    assert_clean(result, 2, "past the largest seed")
    assert_clean(run("randomtest", str(TINY), "--runs", "1", "--seed", str(SEED_MAX), cwd=tmp_path), 0)


def test_quicktest_writes_only_seeds_replay_reads_back(tmp_path: Path) -> None:
    out = tmp_path / "paths"
    result = run(
        "quicktest", str(TINY), "--write-paths", str(out), "--seed", str(SEED_MAX - 3), "--seed-tries", "50",
        cwd=tmp_path,
    )
    assert_clean(result, (0, 1))
    written = sorted(out.glob("*.yaml"))
    assert written
    for path in written:
        assert SEED_MIN <= Playthrough.from_file(path).seed <= SEED_MAX
    assert_clean(run("replay", str(out), "--scenes", str(TINY), cwd=tmp_path), 0, "passed")


# ---------------------------------------------------------------------------------------------- playthroughs

PLAYTHROUGH_NUMBERS = {
    "seed 2**70": f"seed: {2**70}\nchoices: [gate.bribe]\n",
    "seed 400 digits": "seed: " + "9" * 400 + "\nchoices: [gate.bribe]\n",
    "seed 5000 zeros": "seed: " + "0" * 5000 + "1\nchoices: [gate.bribe]\n",
    "a range of 5000 digits": "seed: 1\nchoices: [gate.bribe]\nexpect: {trust: {guards: '0.." + "9" * 5000 + "'}}\n",
    "a bound of 5000 digits": "seed: 1\nchoices: [gate.bribe]\nexpect: {trust: {guards: '>= " + "9" * 5000 + "'}}\n",
    "a list bound of 5000 digits": "seed: 1\nchoices: [gate.bribe]\nexpect: {trust: {guards: [0, " + "9" * 5000 + "]}}\n",
    "a variable past the limit": f"seed: 1\nchoices: [gate.bribe]\nexpect: {{variables: {{bribes: {2**64}}}}}\n",
    "a json seed past the range": json.dumps({"seed": 2**70, "choices": ["gate.bribe"]}),
}


@pytest.mark.parametrize("label", list(PLAYTHROUGH_NUMBERS))
def test_a_number_out_of_range_in_a_playthrough_is_refused_with_its_position(tmp_path: Path, label: str) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(PLAYTHROUGH_NUMBERS[label], encoding="utf-8")
    with pytest.raises(PlaythroughError) as caught:
        Playthrough.from_file(path)
    message = str(caught.value)
    assert "\n" not in message and len(message) < 500, message
    result = run("replay", str(path), "--scenes", str(TINY), cwd=ROOT)
    assert_clean(result, 2, "ERROR", "p.yaml")
