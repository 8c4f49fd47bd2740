"""Broken saves and playthrough files: each is refused with a clear one-line message naming the file, the file is
left byte for byte (and mtime for mtime) as it was, and ``qasas replay`` exits 2 when it cannot read the file
(1 when the file reads but does not replay: another story, a choice the story does not have), never 0 and never
with a traceback.

The broken files are made at test time from a valid save written with the API, so they follow the format as it
changes; a few hand-written ones live in tests/hostile/saves/ and are checked the same way, in a subprocess.
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hostile_helpers import ROOT, TINY, command_env

from game.cli import main
from game.engine import Game, Story
from game.loader import load_story
from game.saves import SaveError, SaveStore
from game.saves.jsonio import MAX_SAVE_BYTES

HAND_WRITTEN = Path(__file__).parent / "saves"
UNREADABLE, FAILS, PASSES = 2, 1, 0


@pytest.fixture(scope="module")
def story() -> Story:
    return load_story(str(TINY))


def the_game(story: Story) -> Game:
    game = Game(story, seed=7)
    for choice in ("ask_pass", "bribe", "road", "walk"):
        game.choose(choice)
    return game


@pytest.fixture
def valid(tmp_path: Path, story: Story) -> tuple[SaveStore, bytes]:
    store = SaveStore(tmp_path / "saves")
    path = store.save("slot", the_game(story), 10).path
    data = path.read_bytes()
    path.unlink()
    return store, data


def edited(change: Callable[[dict[str, Any]], Any]) -> Callable[[bytes], bytes]:
    def build(data: bytes) -> bytes:
        doc = json.loads(data)
        change(doc)
        return json.dumps(doc, ensure_ascii=False, indent=2).encode()

    return build


def replace(old: str, new: str) -> Callable[[bytes], bytes]:
    def build(data: bytes) -> bytes:
        text = data.decode()
        assert old in text, old
        return text.replace(old, new, 1).encode()

    return build


def nested(depth: int) -> Callable[[bytes], bytes]:
    return lambda data: b'{"format": ' + b"[" * depth + b"]" * depth + b"}"


# name: (build from the valid save's bytes, a fragment of the message, replay's exit status)
CASES: dict[str, tuple[Callable[[bytes], bytes], str, int]] = {
    "empty": (lambda d: b"", "the file is empty", UNREADABLE),
    "whitespace": (lambda d: b" \n\t\n", "the file is empty", UNREADABLE),
    "json_list": (lambda d: b"[1, 2, 3]", "not a save file", UNREADABLE),
    "json_string": (lambda d: b'"a save"', "not a save file", UNREADABLE),
    # Not a save, so loading refuses it; but it is a valid playthrough (YAML), and replay plays it whatever its name.
    "yaml_instead": (lambda d: b"seed: 7\nchoices: [gate.bribe]\n", "not a save file", PASSES),
    "utf16": (lambda d: d.decode().encode("utf-16"), "not text", UNREADABLE),
    "latin1_byte": (lambda d: d.replace(b'"slot"', b'"sl\xf6t"'), "not text", UNREADABLE),
    "nul_in_a_string": (replace('"slot"', '"sl\\u0000ot\x00"'), "damaged", UNREADABLE),
    "trailing_garbage": (lambda d: d + b"}\x00garbage", "damaged", UNREADABLE),
    "two_objects": (lambda d: d + d, "damaged", UNREADABLE),
    "deep_nesting": (nested(100_000), "nested too deeply", UNREADABLE),
    "nesting_just_past_the_limit": (nested(40), "nested too deeply", UNREADABLE),
    "duplicate_key": (replace('"seed": 7,', '"seed": 7,\n  "seed": 8,'), "appears twice", UNREADABLE),
    "nan": (replace('"play_seconds": 10.0', '"play_seconds": NaN'), "NaN", UNREADABLE),
    "infinity": (replace('"play_seconds": 10.0', '"play_seconds": -Infinity'), "Infinity", UNREADABLE),
    "huge_float": (replace('"play_seconds": 10.0', '"play_seconds": 1e999'), "too large", UNREADABLE),
    "huge_int_digits": (replace('"seed": 7', '"seed": ' + "9" * 5000), "", UNREADABLE),
    "newer_version": (
        edited(lambda d: d.__setitem__("version", 99)),
        "newer version of the game",
        UNREADABLE,
    ),
    "version_zero": (edited(lambda d: d.__setitem__("version", 0)), "version 0", UNREADABLE),
    "version_text": (edited(lambda d: d.__setitem__("version", "1")), "'version'", UNREADABLE),
    "no_format": (edited(lambda d: d.pop("format")), "not a save file", UNREADABLE),
    "seed_text": (edited(lambda d: d.__setitem__("seed", "7")), "'seed'", UNREADABLE),
    "seed_huge": (edited(lambda d: d.__setitem__("seed", 2**80)), "'seed'", UNREADABLE),
    "seed_bool": (edited(lambda d: d.__setitem__("seed", True)), "'seed'", UNREADABLE),
    "choices_object": (
        edited(lambda d: d.__setitem__("choices", {"gate": "bribe"})),
        "'choices'",
        UNREADABLE,
    ),
    "choice_not_a_key": (edited(lambda d: d["choices"].append("gate")), "scene.choice", UNREADABLE),
    "choice_escape": (edited(lambda d: d["choices"].append("gate.\x1b[2Jbribe")), "scene.choice", UNREADABLE),
    "choice_markup": (
        edited(lambda d: d["choices"].append("[@click=app.quit]x[/]")),
        "scene.choice",
        UNREADABLE,
    ),
    "trust_text": (
        edited(lambda d: d["state"]["trust"].__setitem__("guards", "high")),
        "state.trust.guards",
        UNREADABLE,
    ),
    "trust_huge": (
        edited(lambda d: d["state"]["trust"].__setitem__("guards", 10**30)),
        "state.trust.guards",
        UNREADABLE,
    ),
    "trust_float": (
        edited(lambda d: d["state"]["trust"].__setitem__("guards", 0.5)),
        "state.trust.guards",
        UNREADABLE,
    ),
    "variable_list": (
        edited(lambda d: d["state"]["variables"].__setitem__("bribes", [1])),
        "state.variables.bribes",
        UNREADABLE,
    ),
    "state_scene_path": (
        edited(lambda d: d["state"].__setitem__("scene", "../../etc/passwd")),
        "'state.scene'",
        UNREADABLE,
    ),
    "story_id_path": (edited(lambda d: d["story"].__setitem__("id", "../other")), "'story.id'", UNREADABLE),
    "story_missing": (edited(lambda d: d.pop("story")), "'story' is missing", UNREADABLE),
    "visited_number": (edited(lambda d: d["state"].__setitem__("visited", 3)), "'state.visited'", UNREADABLE),
    "created_no_zone": (
        edited(lambda d: d["meta"].__setitem__("created", "2024-01-01T00:00:00")),
        "time zone",
        UNREADABLE,
    ),
    "name_blank": (edited(lambda d: d["meta"].__setitem__("name", " \t ")), "'meta.name'", UNREADABLE),
    "unknown_field": (edited(lambda d: d.__setitem__("__proto__", {})), "unexpected field", UNREADABLE),
    # Well-formed saves that do not fit the story: refused on load; a replay of them fails (exit 1).
    "trust_negative": (
        edited(lambda d: d["state"]["trust"].__setitem__("guards", -5)),
        "does not match its own choices",
        FAILS,
    ),
    "trust_above_range": (
        edited(lambda d: d["state"]["trust"].__setitem__("villagers", 101)),
        "does not match its own choices",
        FAILS,
    ),
    "unknown_scene_in_log": (
        edited(lambda d: d["choices"].__setitem__(0, "nowhere.go")),
        "no longer exists",
        FAILS,
    ),
    "unknown_choice_in_log": (
        edited(lambda d: d["choices"].__setitem__(0, "gate.fly")),
        "no longer has choice 'fly'",
        FAILS,
    ),
    "disabled_choice_in_log": (edited(lambda d: d["choices"].insert(0, "gate.show_pass")), "disabled", FAILS),
    "choice_after_the_ending": (edited(lambda d: d["choices"].append("lucky.again")), "step 5", FAILS),
    "unknown_scene_in_state": (
        edited(lambda d: d["state"].__setitem__("scene", "nowhere")),
        "does not match its own choices",
        FAILS,
    ),
    "another_story": (
        edited(lambda d: d["story"].update(id="kobani", title="Another Story")),
        "belongs to another story",
        FAILS,
    ),
}


def assert_refused(store: SaveStore, story: Story, path: Path, fragment: str) -> str:
    """Loading ``path`` raises SaveError with a clear message, and neither loading nor listing touches it."""
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    with pytest.raises(SaveError) as info:
        store.load_path(path, story)
    message = str(info.value)
    assert path.name in message and fragment in message, message
    assert "\n" not in message and "\x1b" not in message and "Traceback" not in message, message
    listed = [i for i in store.list() if i.path == path]
    assert len(listed) == 1
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    return message


def replay_status(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = main(["replay", "--scenes", str(TINY), str(path)])
    out = capsys.readouterr()
    text = out.out + out.err
    assert "Traceback" not in text and "\x1b" not in text, text
    return status, text


@pytest.mark.parametrize(("build", "fragment", "status"), list(CASES.values()), ids=list(CASES))
def test_broken_save(
    valid: tuple[SaveStore, bytes],
    story: Story,
    capsys: pytest.CaptureFixture[str],
    build: Callable[[bytes], bytes],
    fragment: str,
    status: int,
) -> None:
    store, data = valid
    path = store.directory / "broken.json"
    path.write_bytes(build(data))
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    assert_refused(store, story, path, fragment)
    got, text = replay_status(path, capsys)
    assert got == status, text
    assert {UNREADABLE: "ERROR", FAILS: "FAIL", PASSES: "PASS"}[status] in text and "broken.json" in text
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_truncated_at_every_offset(
    valid: tuple[SaveStore, bytes], story: Story, capsys: pytest.CaptureFixture[str]
) -> None:
    store, data = valid
    path = store.directory / "cut.json"
    offsets = sorted(set(range(0, len(data), 7)) | {1, len(data) // 2, len(data) - 2})
    for n in offsets:
        cut = data[:n]
        if cut.strip() and json_complete(cut):
            continue  # cutting only the final newline or spaces leaves a complete save
        path.write_bytes(cut)
        assert_refused(store, story, path, "")
        status, _ = replay_status(path, capsys)
        assert status == UNREADABLE, n
    assert len(offsets) > 100


def json_complete(data: bytes) -> bool:
    try:
        json.loads(data)
    except ValueError:
        return False
    return True


def test_bit_flips_either_refuse_or_load_the_same_game(valid: tuple[SaveStore, bytes], story: Story) -> None:
    """A flipped bit gives SaveError, or (in metadata: a time, the name, play time, the seed when no chance
    route was taken) a save that loads as the very game that was saved. Never anything else."""
    store, data = valid
    expected = the_game(story).state
    path = store.directory / "flipped.json"
    rng = random.Random(1)
    refused = loaded = 0
    for _ in range(400):
        i, bit = rng.randrange(len(data)), rng.randrange(8)
        flipped = bytearray(data)
        flipped[i] ^= 1 << bit
        path.write_bytes(bytes(flipped))
        try:
            result = store.load_path(path, story)
        except SaveError as exc:
            refused += 1
            assert "\n" not in str(exc) and "flipped.json" in str(exc)
            continue
        loaded += 1
        state = result.game.state
        assert (state.scene, state.values, state.visited, state.chosen, state.log) == (
            expected.scene,
            expected.values,
            expected.visited,
            expected.chosen,
            expected.log,
        )
    assert refused > 200 and loaded > 0


def test_a_100_mb_save_is_refused_by_its_size_before_it_is_read(
    valid: tuple[SaveStore, bytes],
    story: Story,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store, data = valid
    path = store.directory / "huge.json"
    with open(path, "wb") as fh:
        fh.write(data[:-2])
        fh.truncate(100 * 1024 * 1024)  # sparse: costs nothing on disk
    opened: list[str] = []
    real_open = open

    def watching_open(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", watching_open)
    start = time.monotonic()
    assert_refused(store, story, path, "too large to be a save (100.0 MiB; the limit is 4 MiB)")
    status, text = replay_status(path, capsys)
    monkeypatch.undo()
    assert status == UNREADABLE and "too large" in text
    assert str(path) not in opened
    assert time.monotonic() - start < 10
    assert path.stat().st_size > MAX_SAVE_BYTES


def test_a_very_long_choice_log_is_bounded(
    valid: tuple[SaveStore, bytes], story: Story, capsys: pytest.CaptureFixture[str]
) -> None:
    # A long log replays in linear time and then fails (the snapshot is of 4 choices). The size limit allows
    # ~320,000 such choices (about 1.6 s to load); 30,000 keep the test quick.
    store, data = valid
    doc = json.loads(data)
    doc["choices"] = ["gate.bribe"] * 30_000
    path = store.directory / "long.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert path.stat().st_size < MAX_SAVE_BYTES
    start = time.monotonic()
    assert_refused(store, story, path, "does not match its own choices")
    status, _ = replay_status(path, capsys)
    assert status == FAILS
    # A guard against a hang or quadratic time (which would take hours here), not a speed goal: generous, so a
    # busy machine never fails it.
    assert time.monotonic() - start < 120


def special_file(kind: str, path: Path) -> None:
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "device":
        os.symlink("/dev/zero", path)
    elif kind == "loop":
        os.symlink(path.name, path)
    elif kind == "dangling":
        os.symlink("nowhere.json", path)
    elif kind == "folder":
        path.mkdir()


@pytest.mark.parametrize("kind", ["fifo", "device", "loop", "dangling", "folder"])
def test_special_files_in_place_of_a_save(
    valid: tuple[SaveStore, bytes], story: Story, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    # A pipe would block the first read for ever; /dev/zero never ends. None may hang the game or the replay.
    store, _ = valid
    path = store.directory / "odd.json"
    special_file(kind, path)
    with pytest.raises(SaveError) as info:
        store.load_path(path, story)
    assert "odd.json" in str(info.value)
    assert all(i.path != path or i.error for i in store.list())
    status, _ = replay_status(path, capsys)
    assert status == UNREADABLE


# ------------------------------------------------------------------------------------------ hand-written

HAND_WRITTEN_CASES = {
    "truncated.json": "truncated.json:29:5: Expecting value",
    "newer_version.json": "newer version of the game",
    "other_story.json": "",
    "deep_nesting.json": "nested too deeply",
    "wrong_types.json": "must be a whole number",
    "not_a_save.json": "unknown field 'name'",
    "escape_in_choice.json": "scene.choice",
    "playthrough_bad_yaml.yaml": "",
    "playthrough_alias_bomb.yaml": "repeat too much",
    "playthrough_unknown_field.yaml": "unknown field",
    "playthrough_python_tag.yaml": "is not allowed in a playthrough",
}


def test_hand_written_files_are_all_checked() -> None:
    assert sorted(p.name for p in HAND_WRITTEN.iterdir()) == sorted(HAND_WRITTEN_CASES)


@pytest.mark.parametrize("name", sorted(HAND_WRITTEN_CASES))
def test_hand_written_broken_file_in_a_subprocess(tmp_path: Path, name: str) -> None:
    source = HAND_WRITTEN / name
    path = tmp_path / name
    path.write_bytes(source.read_bytes())
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    proc = subprocess.run(
        [sys.executable, "-m", "game", "replay", "--scenes", str(TINY), str(path)],
        capture_output=True,
        timeout=60,
        env=command_env(),
        cwd=ROOT,
        check=False,
    )
    out = (proc.stdout + proc.stderr).decode("utf-8", "replace")
    expected = FAILS if name == "other_story.json" else UNREADABLE
    assert proc.returncode == expected, out
    assert "Traceback" not in out and "\x1b" not in out
    assert HAND_WRITTEN_CASES[name] in out, out
    assert re.search(r"^(ERROR|FAIL) ", out, re.MULTILINE), out
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
