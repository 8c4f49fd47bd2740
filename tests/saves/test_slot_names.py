"""Slot names are display names only: the file name derived from one can never leave the saves folder."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from saves_helpers import play

from game.engine import Story
from game.saves import MAX_NAME_CHARS, SaveError, SaveStore, display_name, file_name

SAFE = re.compile(r"[a-z0-9_][a-z0-9_-]{0,55}\.json")
RESERVED = (
    {"con", "prn", "aux", "nul", "clock$"} | {f"com{i}" for i in range(10)} | {f"lpt{i}" for i in range(10)}
)

HOSTILE = [
    "../evil",
    "../../../../etc/passwd",
    "..",
    ".",
    "...",
    ".hidden",
    "/etc/passwd",
    "/tmp/x",
    "C:\\Windows\\win.ini",
    "\\\\server\\share\\x",
    "a/b/c",
    "name\x00.json",
    "nul",
    "NUL",
    "con",
    "Con.json",
    "aux.txt",
    "com1",
    "LPT9",
    "prn ",
    "trailing dot.",
    "  spaces  ",
    "قبل النهر",
    "كوباني ٢٠١٤",
    "🙂🙂",
    "Ünïcödé",
    "e\u0301",
    "\u202eevil.exe",
    "\x1b[31mred\x1b[0m",
    "tab\there",
    "new\nline",
    "x" * MAX_NAME_CHARS,
    "a.json.bak",
    "autosave",
    "~user",
    "$HOME",
    "%APPDATA%",
    '*?<>|:"',
    "-dash-first",
    "_under",
]


def _all_files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*")}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_stay_inside_the_folder(tmp_path: Path, tiny_story: Story, name: str) -> None:
    store = SaveStore(tmp_path / "saves")
    outside_before = _all_files(tmp_path.parent) - _all_files(tmp_path)
    info = store.save(name, play(tiny_story, "road"))
    assert info.path.parent == store.directory
    assert SAFE.fullmatch(info.path.name), info.path.name
    assert info.path.stem not in RESERVED
    assert sorted(p.name for p in store.directory.iterdir()) == [info.path.name]
    assert _all_files(tmp_path.parent) - _all_files(tmp_path) == outside_before
    assert store.exists(name)
    assert store.load(name, tiny_story).game.state.scene == "road"
    assert info.slot == display_name(name)
    assert "\x00" not in info.slot and "\x1b" not in info.slot and "\u202e" not in info.slot
    store.delete(name)
    assert list(store.directory.iterdir()) == []


@pytest.mark.parametrize(
    "name, message",
    [
        ("", "a save needs a name"),
        ("   ", "a save needs a name"),
        ("\x00\x1b\x07", "a save needs a name"),
        ("x" * (MAX_NAME_CHARS + 1), f"at most {MAX_NAME_CHARS} characters"),
        ("y" * 100_000, "at most"),
    ],
)
def test_unusable_names_are_refused_clearly(
    store: SaveStore, tiny_story: Story, name: str, message: str
) -> None:
    with pytest.raises(SaveError, match=message):
        store.save(name, play(tiny_story))
    assert not store.directory.exists()  # nothing written anywhere
    assert not store.exists(name)
    with pytest.raises(SaveError, match=message):
        store.load(name, tiny_story)


def test_distinct_names_get_distinct_files_and_lookalikes_share_one() -> None:
    names = [
        "My save",
        "my-save",
        "my_save",
        "my save 2",
        "My Save!",
        "قبل النهر",
        "قبل البحر",
        "con",
        "con1",
    ]
    files = [file_name(n) for n in names]
    assert len(set(files)) == len(files)
    assert file_name("My   Save") == file_name("my save") == file_name(" MY SAVE ")
    assert file_name("e\u0301") == file_name("\u00e9")  # one name, two Unicode spellings
    assert file_name("autosave") == "autosave.json" and file_name("quick_save") == "quick_save.json"
    assert file_name("con") != "con.json"


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1, max_size=MAX_NAME_CHARS))
def test_any_name_gives_a_safe_file_name_or_a_clear_refusal(name: str) -> None:
    try:
        shown = display_name(name)
    except ValueError as exc:
        assert "name" in str(exc)
        return
    result = file_name(name)
    assert SAFE.fullmatch(result) and Path(result).stem not in RESERVED
    assert file_name(shown) == result  # the name shown and stored finds the same file
