"""Atomic writes: a kill -9 or a failing disk during a save loses at most that save, never the one before."""

from __future__ import annotations

import errno
import os
import random
import signal
import time
from pathlib import Path

import pytest
from saves_helpers import play

from game import atomic as atomic_module  # the shared recipe game.saves.atomic re-exports
from game.engine import Game, Story
from game.saves import SaveError, SaveStore, read_save

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork and SIGKILL (POSIX)")


def _long_game(story: Story, steps: int) -> Game:
    # Bribing loops back to the gate, so a long log makes a save file of tens of kilobytes: a wide window to
    # hit.
    game = Game(story, 3)
    for _ in range(steps):
        game.choose("bribe")
    return game


def _fork_saver(store: SaveStore, games: list[Game], ready_w: int, hook_call: int | None = None) -> int:
    """Fork a child that saves ``games`` in turn to slot 'slot' forever. With ``hook_call``, the child's n-th
    fsync writes a byte to ``ready_w`` and sleeps, so the parent can kill it exactly mid-write."""
    pid = os.fork()
    if pid:
        return pid
    try:  # the child: never returns into pytest
        if hook_call is not None:
            calls = [0]
            real_fsync = os.fsync

            def slow_fsync(fd: int) -> None:
                calls[0] += 1
                if calls[0] == hook_call:
                    os.write(ready_w, b"!")
                    time.sleep(60)
                real_fsync(fd)

            atomic_module.os.fsync = slow_fsync  # type: ignore[attr-defined]
        else:
            os.write(ready_w, b"!")
        i = 0
        while True:
            store.save("slot", games[i % len(games)], float(i))
            i += 1
    finally:
        os._exit(0)


def _kill(pid: int) -> None:
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


@pytest.mark.parametrize("hook_call, what", [(1, "the new file"), (2, "the backup copy")])
def test_kill_during_the_write_keeps_the_previous_save(
    store: SaveStore, tiny_story: Story, hook_call: int, what: str
) -> None:
    old_game = play(tiny_story, "ask_pass")
    store.save("slot", old_game, 1.0)
    store.save("slot", old_game, 2.0)  # now there is a backup too
    main, backup = store.path_for("slot"), store.backup_path_for("slot")
    old_main, old_backup = main.read_bytes(), backup.read_bytes()
    r, w = os.pipe()
    try:
        pid = _fork_saver(store, [_long_game(tiny_story, 400)], w, hook_call)
        assert os.read(r, 1) == b"!"  # the child is inside fsync of {what}
        _kill(pid)
    finally:
        os.close(r)
        os.close(w)
    assert main.read_bytes() == old_main
    assert backup.read_bytes() in (old_backup, old_main)  # the backup is either version, whole
    assert store.load("slot", tiny_story).game.state == old_game.state
    assert [i.slot for i in store.list()] == ["slot"]  # the leftover temporary file is not a slot


def test_many_random_kills_never_leave_a_broken_save(store: SaveStore, tiny_story: Story) -> None:
    games = [_long_game(tiny_story, 300), _long_game(tiny_story, 600), play(tiny_story, "road")]
    logs = {tuple(g.state.log) for g in games}
    store.save("slot", games[2])
    rng = random.Random(20240501)
    main = store.path_for("slot")
    for _ in range(30):
        r, w = os.pipe()
        try:
            pid = _fork_saver(store, games, w)
            os.read(r, 1)
            time.sleep(rng.uniform(0, 0.03))
            _kill(pid)
        finally:
            os.close(r)
            os.close(w)
        data = read_save(main)  # always a whole save...
        assert data.log in logs  # ...of one of the games that were being saved
        backup = store.backup_path_for("slot")
        if backup.exists():
            assert read_save(backup).log in logs
    assert store.load("slot", tiny_story).exact


def _only_the_save_is_left(store: SaveStore) -> list[str]:
    return sorted(p.name for p in store.directory.iterdir())


@pytest.mark.parametrize(
    "code, message",
    [
        (errno.ENOSPC, "the disk is full"),
        (errno.EROFS, "read-only file system"),
        (errno.EACCES, "permission denied"),
        (errno.EIO, "Input/output error"),
    ],
)
def test_a_failing_disk_leaves_nothing_half_written(
    store: SaveStore, tiny_story: Story, monkeypatch: pytest.MonkeyPatch, code: int, message: str
) -> None:
    first = store.save("slot", play(tiny_story, "road"))
    before = first.path.read_bytes()

    def failing_fsync(fd: int) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(atomic_module.os, "fsync", failing_fsync)
    with pytest.raises(SaveError) as err:
        store.save("slot", play(tiny_story, "ask_pass"))
    text = str(err.value)
    assert message in text and "The previous save is unchanged" in text and str(first.path) in text
    monkeypatch.undo()
    assert first.path.read_bytes() == before
    assert _only_the_save_is_left(store) == ["slot.json"]  # no temporary file, no half backup


def test_a_failing_rename_leaves_the_old_save(
    store: SaveStore, tiny_story: Story, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.save("slot", play(tiny_story, "road"))
    store.save("slot", play(tiny_story, "bribe"))
    before = store.path_for("slot").read_bytes()
    real_replace = os.replace

    def replace(src: str, dst: str) -> None:
        if str(dst).endswith("slot.json"):
            raise OSError(errno.ENOSPC, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(atomic_module.os, "replace", replace)
    with pytest.raises(SaveError, match="the disk is full"):
        store.save("slot", play(tiny_story, "ask_pass"))
    monkeypatch.undo()
    assert store.path_for("slot").read_bytes() == before
    assert _only_the_save_is_left(store) == ["slot.json", "slot.json.bak"]


def test_a_file_in_the_way_of_the_folder(tmp_path: Path, tiny_story: Story) -> None:
    (tmp_path / "saves").write_text("not a folder", encoding="utf-8")
    store = SaveStore(tmp_path / "saves")
    with pytest.raises(SaveError, match="could not save"):
        store.save("slot", play(tiny_story))
    assert store.list() == []
    assert (tmp_path / "saves").read_text(encoding="utf-8") == "not a folder"


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can write to read-only folders"
)
def test_a_read_only_folder(store: SaveStore, tiny_story: Story) -> None:
    info = store.save("slot", play(tiny_story))
    before = info.path.read_bytes()
    store.directory.chmod(0o500)
    try:
        with pytest.raises(SaveError, match="permission denied"):
            store.save("slot", play(tiny_story, "road"))
    finally:
        store.directory.chmod(0o700)
    assert info.path.read_bytes() == before


def test_stale_temporary_files_are_cleaned_up(store: SaveStore, tiny_story: Story) -> None:
    store.save("slot", play(tiny_story))
    stale = store.directory / ".slot.json.abc123.tmp"
    fresh = store.directory / ".slot.json.def456.tmp"
    stale.write_text("half", encoding="utf-8")
    fresh.write_text("busy", encoding="utf-8")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    store.save("slot", play(tiny_story, "road"))
    assert not stale.exists() and fresh.exists()  # a fresh one may belong to a writer still at work
