"""Faults while saving: a full disk, a read-only folder, an I/O error at any step, a process killed with SIGKILL
at a random moment. Whatever happens, the previous save still loads, the player gets a SaveError saying what went
wrong, and nothing half-written is left that could pass for a save.

Being root, the tests cannot make a folder read-only with chmod (root writes anyway), so the failing calls are
simulated: every file-system call the save makes is counted, and the fault is injected at each one in turn.
"""

from __future__ import annotations

import errno
import os
import pathlib
import random
import signal
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

import pytest
from hostile_helpers import TINY, examples

import game.atomic as shared_atomic
from game.engine import Game, Story
from game.loader import load_story
from game.saves import SaveError, SaveStore, atomic

ERRNOS = {
    errno.ENOSPC: "the disk is full",
    errno.EROFS: "read-only",
    errno.EACCES: "permission denied",
    errno.EIO: "",
    errno.EDQUOT: "quota",
}


@pytest.fixture(scope="module")
def story() -> Story:
    return load_story(str(TINY))


def long_game(story: Story, steps: int, seed: int = 3) -> Game:
    """A game ``steps`` choices long (bribing and asking in the gate scene loops), for a save of some size."""
    game = Game(story, seed)
    for i in range(steps):
        available = [c for c in game.available() if c.id in ("bribe", "ask_pass", "charm")]
        game.step(available[i % len(available)])
    return game


def listing(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def stamp(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


# --------------------------------------------------------------------------- injected faults, call by call


class Faults:
    """Counts the file-system calls a save makes; raises OSError(code) at call number ``at`` (1-based)."""

    def __init__(
        self, at: int = 0, code: int = errno.ENOSPC, cleanup_fails: bool = False, stays: bool = False
    ) -> None:
        self.at, self.code, self.cleanup_fails, self.stays = at, code, cleanup_fails, stays
        self.calls: list[str] = []

    def check(self, name: str) -> None:
        self.calls.append(name)
        n = len(self.calls)
        if n == self.at or (self.stays and self.at and n >= self.at):
            raise OSError(self.code, os.strerror(self.code))


@contextmanager
def injected(monkeypatch: pytest.MonkeyPatch, faults: Faults) -> Iterator[Faults]:
    real_mkstemp, real_fdopen, real_fsync = tempfile.mkstemp, os.fdopen, os.fsync
    real_replace, real_to_keep, real_unlink = os.replace, shared_atomic._to_keep, pathlib.Path.unlink

    def mkstemp(*a: Any, **k: Any) -> tuple[int, str]:
        faults.check("mkstemp")
        return real_mkstemp(*a, **k)

    class FailingFile:
        """A file whose writes and flushes are fault points (the real write goes to the real file)."""

        def __init__(self, fh: Any) -> None:
            self.fh = fh

        def write(self, data: bytes) -> int:
            faults.check("write")
            half = len(data) // 2  # a short write first, as a filling disk would give
            self.fh.write(data[:half])
            faults.check("write-rest")
            return half + self.fh.write(data[half:])

        def flush(self) -> None:
            faults.check("flush")
            self.fh.flush()

        def fileno(self) -> int:
            return self.fh.fileno()

        def __enter__(self) -> Self:
            return self

        def __exit__(self, *exc: object) -> None:
            self.fh.close()

    def fdopen(fd: int, *a: Any, **k: Any) -> Any:
        return FailingFile(real_fdopen(fd, *a, **k))

    def fsync(fd: int) -> None:
        faults.check("fsync")
        real_fsync(fd)

    def replace(src: Any, dst: Any) -> None:
        faults.check("replace")
        real_replace(src, dst)

    def to_keep(path: pathlib.Path, limit: int) -> bytes | None:  # the old save, read to become the backup
        faults.check("read")
        return real_to_keep(path, limit)

    def unlink(self: pathlib.Path, missing_ok: bool = False) -> None:
        if faults.cleanup_fails and self.name.endswith(atomic.TEMP_SUFFIX):
            raise OSError(errno.EIO, "cannot remove")
        real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    monkeypatch.setattr(os, "fdopen", fdopen)
    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(shared_atomic, "_to_keep", to_keep)
    monkeypatch.setattr(pathlib.Path, "unlink", unlink)
    try:
        yield faults
    finally:
        monkeypatch.undo()


def _calls_in_one_save(tmp_path: Path, story: Story, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    store = SaveStore(tmp_path / "count")
    store.save("slot", long_game(story, 3))
    with injected(monkeypatch, Faults()) as counted:
        store.save("slot", long_game(story, 4))
    return counted.calls


def test_a_save_makes_the_calls_the_fault_tests_inject_into(
    tmp_path: Path, story: Story, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _calls_in_one_save(tmp_path, story, monkeypatch)
    # New data to a temp file, the old file read and copied to the backup's temp file, two renames.
    for name in ("mkstemp", "write", "fsync", "read", "replace"):
        assert name in calls, calls
    assert calls.count("replace") == 2 and calls.count("mkstemp") == 2


@pytest.mark.parametrize("code", sorted(ERRNOS), ids=[errno.errorcode[c] for c in sorted(ERRNOS)])
def test_a_fault_at_every_step_of_a_save_loses_nothing(
    tmp_path: Path, story: Story, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    calls = _calls_in_one_save(tmp_path, story, monkeypatch)
    # After the save's own rename only the folder's fsync is left: it makes the rename durable across a power
    # cut, and a failure there is ignored by design (the new save is already complete and in place).
    renamed = len(calls) - calls[::-1].index("replace")
    for at in range(1, len(calls) + 1):
        store = SaveStore(tmp_path / f"saves-{at}")
        old_game = long_game(story, 5)
        store.save("slot", long_game(story, 2))  # becomes the backup
        store.save("slot", old_game)
        path, backup = store.path_for("slot"), store.backup_path_for("slot")
        before, backup_before = stamp(path), backup.read_bytes()
        time.sleep(0.001)  # so a rewrite of the same bytes would still show in the mtime
        new_game = long_game(story, 9)
        if at > renamed:
            with injected(monkeypatch, Faults(at, code)):
                store.save("slot", new_game)
            assert store.load("slot", story).game.state == new_game.state
            assert store.load_backup("slot", story).game.state == old_game.state
            assert listing(store.directory) == ["slot.json", "slot.json.bak"]
            continue
        with injected(monkeypatch, Faults(at, code)) as faults, pytest.raises(SaveError) as info:
            store.save("slot", new_game)
        assert len(faults.calls) == at, f"the fault at call {at} ({faults.calls[-1]}) did not stop the save"
        message = str(info.value)
        assert "could not save" in message and "previous save is unchanged" in message, message
        assert ERRNOS[code] in message, message
        assert "Traceback" not in message and "\n" not in message
        # The save itself: same bytes, same mtime, and it loads as the game that was saved.
        assert stamp(path) == before, f"fault at call {at} ({faults.calls[-1]}) changed the save"
        assert store.load("slot", story).game.state == old_game.state
        # The backup is the previous version: either as it was, or (when only the last rename failed) the save.
        assert backup.read_bytes() in (backup_before, before[0])
        # No temporary file is left, and nothing but the save and its backup is listed.
        assert listing(store.directory) == ["slot.json", "slot.json.bak"], (at, faults.calls)
        assert [(i.slot, i.error) for i in store.list()] == [("slot", None)]


def test_a_failed_cleanup_leaves_a_temp_file_that_never_passes_for_a_save(
    tmp_path: Path, story: Story, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = SaveStore(tmp_path / "saves")
    old = long_game(story, 4)
    store.save("slot", old)
    before = stamp(store.path_for("slot"))
    # The save's own rename fails and so does removing its temp file: a finished temp file stays behind...
    calls = _calls_in_one_save(tmp_path, story, monkeypatch)
    last_rename = len(calls) - calls[::-1].index("replace")
    with injected(monkeypatch, Faults(at=last_rename, cleanup_fails=True)), pytest.raises(SaveError):
        store.save("slot", long_game(story, 8))
    leftovers = [n for n in listing(store.directory) if n.endswith(atomic.TEMP_SUFFIX)]
    assert leftovers and all(n.startswith(".") for n in leftovers)  # hidden
    # ...but it is never listed, never loaded, and the next good save sweeps it once it is stale.
    assert [i.slot for i in store.list()] == ["slot"]
    assert stamp(store.path_for("slot")) == before
    assert store.load("slot", story).game.state == old.state
    atomic.remove_stale_temps(store.directory, "slot.json", older_than=0)
    assert not [n for n in listing(store.directory) if n.endswith(atomic.TEMP_SUFFIX)]


def test_a_saves_folder_that_cannot_be_created(tmp_path: Path, story: Story) -> None:
    blocker = tmp_path / "saves"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(SaveError) as info:
        SaveStore(blocker).save("slot", long_game(story, 1))
    assert "could not save" in str(info.value)
    assert blocker.read_text() == "a file where the folder should be"


def test_the_saves_folder_turned_read_only(
    tmp_path: Path, story: Story, monkeypatch: pytest.MonkeyPatch
) -> None:
    # chmod cannot stop root, so refuse at the first write as a read-only mount would (EROFS from mkstemp).
    store = SaveStore(tmp_path / "saves")
    old = long_game(story, 3)
    store.save("slot", old)
    before = stamp(store.path_for("slot"))
    with injected(monkeypatch, Faults(at=1, code=errno.EROFS, stays=True)):
        with pytest.raises(SaveError, match="read-only file system"):
            store.save("slot", long_game(story, 6))
        with pytest.raises(SaveError, match="read-only"):
            store.save("another", long_game(story, 6))
    assert stamp(store.path_for("slot")) == before
    assert listing(store.directory) == ["slot.json"]


# ------------------------------------------------------------------------------------------ kill -9

KILLS = examples(200)


def _saver(story: Story, directory: Path, steps_from: int, write_fd: int) -> None:  # runs in the forked child
    store = SaveStore(directory)
    n = steps_from
    while True:
        store.save("slot", long_game(story, n), play_seconds=float(n))
        os.write(write_fd, f"{n}\n".encode())
        n += 1


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_kill_9_at_random_moments_while_saving_never_loses_the_previous_save(
    tmp_path: Path, story: Story
) -> None:
    """A child process saves the same slot over and over (each save longer by one choice) and is killed with
    SIGKILL at a random moment, KILLS times. After every kill the slot loads, as the last save the child
    finished or the one it was writing; the backup loads; nothing else is listed."""
    directory = tmp_path / "saves"
    store = SaveStore(directory)
    store.save("slot", long_game(story, 400), play_seconds=400.0)
    rng = random.Random(8)
    # How long one save takes here, so kills land anywhere inside one.
    start = time.perf_counter()
    for _ in range(5):
        store.save("probe", long_game(story, 400))
    one_save = (time.perf_counter() - start) / 5
    store.delete("probe")
    last_done = 400
    inside_a_write = 0  # kills that left a temp file: they landed between creating and renaming it
    for i in range(KILLS):
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns into pytest
            try:
                os.close(read_fd)
                _saver(story, directory, last_done + 1, write_fd)
            finally:
                os._exit(0)
        os.close(write_fd)
        time.sleep(rng.uniform(0.0, 4 * one_save))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        with os.fdopen(read_fd, "rb") as fh:
            done = [int(x) for x in fh.read().split()]
        if done:
            last_done = done[-1]
        temps = [n for n in listing(directory) if n.endswith(atomic.TEMP_SUFFIX)]
        inside_a_write += bool(temps)
        result = store.load("slot", story)  # raises SaveError if the kill lost the save: the test fails
        assert result.exact
        assert result.play_seconds in (float(last_done), float(last_done + 1)), (
            i,
            result.play_seconds,
            last_done,
        )
        last_done = int(result.play_seconds)
        if store.has_backup("slot"):
            store.load_backup("slot", story)
        assert [(info.slot, info.error) for info in store.list()] == [("slot", None)]
        assert set(listing(directory)) - set(temps) <= {"slot.json", "slot.json.bak"}
        atomic.remove_stale_temps(directory, "slot.json", older_than=0)
    # Make sure the test tested something: some kills must have landed inside a write.
    assert inside_a_write > 0, "no kill landed inside a save; the timing is off"
    print(f"\nkill -9: {KILLS} kills, {inside_a_write} inside a write, final save at step {last_done}")
