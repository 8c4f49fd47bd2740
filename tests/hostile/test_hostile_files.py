"""Every file the game reads besides stories (saves and their backups, the player's profile, the story cache and its
secret, the files a playthrough names) faced with things that are not files: a FIFO (opening it would block for
ever), a device or a link to one (/dev/zero never ends), a folder, a socket, a link loop, a sparse file of a
gigabyte, JSON nested 200,000 deep.

Each is checked for kind and size before it is opened and bounded in nesting while parsed (one shared reader,
``game.smallfile``), so: the game starts, within a time bound; the bad file is named, and set aside or ignored; a
profile that cannot be used is never silently replaced by an empty one; and nothing else on disk changes.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile_helpers import (
    HOSTILE_KINDS,
    ROOT,
    TINY,
    UNPRIVILEGED,
    assert_clean,
    plant,
    run,
    snapshot,
    world_readable_tmp,
)

from game import smallfile
from game.engine import Game
from game.loader import cache, load_story
from game.saves import SaveError, SaveStore, read_save
from game.tui.profile import PROFILE_NAME, Profile

# The kinds that are not a regular file at all (never opened), and those that are but must not be parsed whole.
NOT_FILES = [k for k in HOSTILE_KINDS if k.startswith(("fifo", "folder", "link-to-dev", "link-to-a", "link-to-itself", "dangling", "socket"))]
BAD_CONTENT = [k for k in HOSTILE_KINDS if k not in NOT_FILES]


@pytest.fixture
def deadline() -> Iterator[None]:
    """Fail (rather than hang the suite) if the test body blocks: a FIFO opened for reading never returns."""

    def expired(_signum: int, _frame: object) -> None:
        raise TimeoutError("blocked: something was opened that should not have been")

    old = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, 30)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def tiny_game(seed: int = 7) -> Game:
    game = Game(load_story(str(TINY)), seed)
    game.choose("ask_pass")
    return game


def hostile_saves(folder: Path) -> tuple[Path, dict[str, Path]]:
    """A saves folder with one good save and one of every hostile kind as ``<kind>.json``."""
    folder.mkdir(parents=True, exist_ok=True)
    good = SaveStore(folder).save("good", tiny_game(), 12).path
    return good, {kind: plant(folder / f"{kind}.json", kind) for kind in HOSTILE_KINDS}


# ------------------------------------------------------------------------------------------ the shared reader


@pytest.mark.parametrize("kind", list(HOSTILE_KINDS))
def test_the_shared_reader_refuses_every_hostile_kind_without_blocking(tmp_path: Path, kind: str, deadline: None) -> None:
    path = plant(tmp_path / "x.json", kind)
    start = time.monotonic()
    try:
        smallfile.read_json(path, 4 << 20)
    except smallfile.FileRefused as exc:
        assert exc.reason and "\n" not in exc.reason
        if kind in NOT_FILES:
            assert exc.kind in ("kind", "missing", "io"), (kind, exc.kind, exc.reason)
        elif kind == "sparse-1-gib":
            assert exc.kind == "size" and "too large" in exc.reason
        elif kind.startswith("nested"):
            assert "nested too deeply" in exc.reason
    else:
        raise AssertionError(f"{kind} was read as JSON")
    assert time.monotonic() - start < 5


def test_the_shared_reader_reads_a_regular_file_and_refuses_links_when_asked(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text('{"a": [1, 2]}')
    (tmp_path / "link.json").symlink_to("real.json")
    assert smallfile.read_json(tmp_path / "link.json", 100) == {"a": [1, 2]}
    with pytest.raises(smallfile.FileRefused, match="symbolic link"):
        smallfile.read_bytes(tmp_path / "link.json", 100, follow_links=False)
    with pytest.raises(smallfile.FileRefused, match="too large"):
        smallfile.read_bytes(real, 5)
    with pytest.raises(smallfile.JsonError, match="more than 100 digits"):
        smallfile.parse_json("[" + "9" * 400 + "]")


# ----------------------------------------------------------------------------------------------- the saves


def test_a_hostile_saves_folder_is_listed_and_never_opened(tmp_path: Path, deadline: None) -> None:
    folder = tmp_path / "saves"
    good, planted = hostile_saves(folder)
    before = snapshot(folder)
    store = SaveStore(folder)
    start = time.monotonic()
    infos = {i.path.name: i for i in store.list()}
    assert time.monotonic() - start < 10
    for kind, path in planted.items():
        if kind == "link-to-a-fifo":
            continue
        assert path.name in infos, f"{kind} is not listed: the player cannot see why it is not a save"
        assert infos[path.name].error, kind
        assert "\n" not in infos[path.name].error
        with pytest.raises(SaveError) as caught:
            store.load_path(path, load_story(str(TINY)))
        assert path.name in str(caught.value)
    newest = store.newest()
    assert newest is not None and newest.path == good
    assert snapshot(folder) == before  # reading changed nothing, not even a modification time


@pytest.mark.parametrize("kind", ["fifo", "link-to-dev-zero", "link-to-a-fifo", "socket", "dangling-link", "link-to-itself"])
def test_an_autosave_that_is_not_a_file_is_replaced_not_read(tmp_path: Path, kind: str, deadline: None) -> None:
    # The bug: a FIFO as autosave.json froze the game at the first choice (the old file was read for the backup).
    folder = tmp_path / "saves"
    folder.mkdir()
    plant(folder / "autosave.json", kind)
    store = SaveStore(folder)
    game = tiny_game()
    info = store.autosave(game, 3)
    assert (folder / "autosave.json").is_file() and not (folder / "autosave.json").is_symlink()
    assert read_save(info.path).log == tuple(game.state.log)
    assert store.load("autosave", game.story).game.state == game.state
    assert not (folder / "autosave.json.bak").exists()  # nothing of its own to keep
    if kind == "link-to-a-fifo":
        assert (folder / "autosave.json.target").exists()  # what the link pointed at is left alone


@pytest.mark.parametrize("kind", ["folder", "sparse-1-gib"])
def test_a_save_that_cannot_be_kept_as_the_backup_is_not_replaced(tmp_path: Path, kind: str, deadline: None) -> None:
    folder = tmp_path / "saves"
    folder.mkdir()
    plant(folder / "autosave.json", kind)
    before = snapshot(folder)
    with pytest.raises(SaveError) as caught:
        SaveStore(folder).autosave(tiny_game(), 3)
    message = str(caught.value)
    assert "autosave.json" in message and "previous save is unchanged" in message and "\n" not in message
    assert ("folder" in message) if kind == "folder" else ("too large" in message)
    assert snapshot(folder) == before


def test_replay_of_a_hostile_saves_folder_names_every_bad_file(tmp_path: Path) -> None:
    folder = tmp_path / "saves"
    good, planted = hostile_saves(folder)
    before = snapshot(folder)
    result = run("replay", str(folder), "--scenes", str(TINY), cwd=tmp_path, timeout=60)
    assert_clean(result, 2, f"PASS {good}", seconds=30)
    for kind, path in planted.items():
        if kind in ("folder", "link-to-a-fifo"):
            continue  # a folder named .json is searched as a folder; the link's target is listed under its own name
        assert f"ERROR {path}" in result.output, f"{kind} not reported:\n{result.output[-3000:]}"
    assert snapshot(folder) == before


# --------------------------------------------------------------------------------------------- the profile

PROFILE_SET_ASIDE = [k for k in HOSTILE_KINDS if k != "dangling-link"] + ["damaged", "not-an-object", "endings-a-list"]
DAMAGED = {
    "damaged": b'{"version": 1, "endings": {"tiny": ["through"',
    "not-an-object": b'["through"]',
    "endings-a-list": b'{"version": 1, "endings": ["through"]}',
}


def plant_profile(folder: Path, kind: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / PROFILE_NAME
    if kind in DAMAGED:
        path.write_bytes(DAMAGED[kind])
        return path
    return plant(path, kind)


@pytest.mark.parametrize("kind", PROFILE_SET_ASIDE)
def test_an_unusable_profile_is_set_aside_never_silently_replaced(tmp_path: Path, kind: str, deadline: None) -> None:
    folder = tmp_path / "saves"
    path = plant_profile(folder, kind)
    before = snapshot(folder)[PROFILE_NAME]
    start = time.monotonic()
    profile = Profile.load(folder)
    assert time.monotonic() - start < 5
    assert profile.recovered and profile.notice and "\n" not in profile.notice
    assert profile.set_aside is not None and profile.set_aside.name.startswith(PROFILE_NAME + ".unreadable-")
    assert profile.set_aside.name in profile.notice
    # The old file is kept, byte for byte (or as the same link, FIFO or folder), under its new name.
    assert snapshot(folder)[profile.set_aside.name] == before
    # A fresh profile is in its place and works.
    assert json.loads(path.read_text())["endings"] == {}
    assert profile.discover("tiny", "through") and profile.error is None
    assert Profile.load(folder).endings("tiny") == {"through"} and not Profile.load(folder).recovered


def test_a_dangling_link_as_the_profile_is_set_aside_too(tmp_path: Path) -> None:
    folder = tmp_path / "saves"
    plant_profile(folder, "dangling-link")
    profile = Profile.load(folder)
    assert profile.recovered and profile.set_aside is not None and profile.set_aside.is_symlink()


def test_a_profile_from_a_newer_version_is_left_alone_and_never_written(tmp_path: Path) -> None:
    folder = tmp_path / "saves"
    folder.mkdir()
    path = folder / PROFILE_NAME
    path.write_text('{"version": 7, "endings": {"tiny": ["through"]}, "achievements": {"x": 1}}')
    before = snapshot(folder)
    profile = Profile.load(folder)
    assert profile.read_only and profile.notice and "newer version" in profile.notice
    assert profile.endings("tiny") == {"through"}  # what it can read, it shows
    assert profile.discover("tiny", "lucky") and profile.error  # remembered for now, and the player is told
    profile.set_theme("nord")
    assert snapshot(folder) == before


def test_a_good_profile_with_junk_keeps_what_is_good(tmp_path: Path) -> None:
    folder = tmp_path / "saves"
    folder.mkdir()
    (folder / PROFILE_NAME).write_text(
        json.dumps({"version": 1, "theme": "\x1b]0;x\x07", "endings": {"tiny": ["through", 5, "../x"], "BAD ID": ["a"]}})
    )
    profile = Profile.load(folder)
    assert not profile.recovered and profile.theme is None
    assert profile.endings("tiny") == {"through"} and profile.endings("BAD ID") == set()


PROBE = """
import json, sys
from game.tui.profile import Profile
p = Profile.load(sys.argv[1])
new = p.discover("tiny", "lucky")
print(json.dumps({"read_only": p.read_only, "notice": p.notice, "error": p.error, "endings": sorted(p.endings("tiny"))}))
"""


def test_a_profile_the_system_will_not_let_us_read_is_left_alone() -> None:
    # Run as a user file modes apply to (through setpriv as 'nobody' when the suite runs as root).
    if UNPRIVILEGED is None:
        pytest.skip("running as root without setpriv: file modes cannot be tested")
    folder = world_readable_tmp()
    try:
        path = folder / PROFILE_NAME
        path.write_text('{"version": 1, "endings": {"tiny": ["through"]}}')
        path.chmod(0)
        before = snapshot(folder)
        proc = subprocess.run(
            [*UNPRIVILEGED, sys.executable, "-c", PROBE, str(folder)],
            capture_output=True, text=True, timeout=60, check=False, env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert proc.returncode == 0, proc.stderr
        seen = json.loads(proc.stdout)
        assert seen["read_only"] and "permission denied" in seen["notice"] and seen["error"]
        assert seen["endings"] == ["lucky"]  # remembered for this session only
        assert snapshot(folder) == before  # never replaced, never set aside: the endings in it are kept
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# ------------------------------------------------------------------------- the real game in a real terminal


class Terminal:
    """``qasas play`` in its own tmux server: keys in, screen text out."""

    def __init__(self, tmp: Path, command: str, env: dict[str, str]) -> None:
        self.socket = f"qasas-hostile-{os.getpid()}-{id(self)}"
        self.status = tmp / "status"
        exports = " ".join(f"{k}='{v}'" for k, v in env.items())
        shell = f"cd '{ROOT}' && {exports} TERM=xterm-256color {command}; echo $? > '{self.status}'; sleep 30"
        for _ in range(3):
            started = subprocess.run(
                ["tmux", "-L", self.socket, "-f", "/dev/null", "new-session", "-d", "-s", "t", "-x", "100", "-y", "30", shell],
                check=False,
                capture_output=True,
                env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"},
            )
            if started.returncode == 0:
                return
            time.sleep(0.5)
        raise RuntimeError(started.stderr.decode())

    def screen(self) -> str:
        out = subprocess.run(["tmux", "-L", self.socket, "capture-pane", "-p", "-t", "t"], capture_output=True, check=False)
        return out.stdout.decode("utf-8", "replace")

    def wait_for(self, text: str, seconds: float = 25) -> str:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"never saw {text!r}; the screen shows:\n{self.screen()}")

    def keys(self, *keys: str) -> None:
        subprocess.run(["tmux", "-L", self.socket, "send-keys", "-t", "t", *keys], check=False)

    def exit_status(self, seconds: float = 15) -> int:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if self.status.exists() and self.status.read_text().strip():
                return int(self.status.read_text())
            time.sleep(0.1)
        raise AssertionError(f"the game did not exit; the screen shows:\n{self.screen()}")

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], check=False, capture_output=True)


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
@pytest.mark.parametrize("profile_kind", ["fifo", "nested-200000-lists", "link-to-dev-zero", "damaged"])
def test_the_game_starts_plays_and_saves_whatever_is_in_its_folders(tmp_path: Path, profile_kind: str) -> None:
    saves = tmp_path / "saves"
    good, _planted = hostile_saves(saves)
    plant(saves / "autosave.json", "fifo")  # the first choice autosaves over it
    plant_profile(saves, profile_kind)
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    plant(cache_dir / "secret", "fifo")  # the story cache's secret: every command used to hang on it
    hostile_before = {k: v for k, v in snapshot(saves).items() if k.startswith(tuple(HOSTILE_KINDS))}
    term = Terminal(
        tmp_path,
        f"{sys.executable} -m game play --scenes tests/fixtures/tiny --seed 7",
        {"QASAS_SAVES": str(saves), "QASAS_CACHE": str(cache_dir), "PYTHONPATH": str(ROOT)},
    )
    try:
        shown = term.wait_for("New game")
        term.wait_for("player profile")  # the notification says what was done with the profile
        time.sleep(0.5)
        term.keys("l")
        shown = term.wait_for("Choose a save")
        assert "good" in shown and "unreadable" in shown, shown
        term.keys("Escape")
        term.wait_for("New game")
        term.keys("n")
        term.wait_for("6. Turn back")
        time.sleep(0.5)  # the screen is drawn a moment before it takes keys
        term.keys("3")  # a choice: the autosave goes over the FIFO
        term.wait_for("You chose")
        term.keys("C-q")
        assert term.exit_status() == 0
    finally:
        term.close()
    autosave = saves / "autosave.json"
    assert autosave.is_file() and read_save(autosave).log == (("gate", "bribe"),)
    asides = [p for p in saves.iterdir() if p.name.startswith(PROFILE_NAME + ".unreadable-")]
    assert len(asides) == 1, sorted(p.name for p in saves.iterdir())
    assert {k: v for k, v in snapshot(saves).items() if k.startswith(tuple(HOSTILE_KINDS))} == hostile_before
    assert read_save(good).name == "good"


# ----------------------------------------------------------------------------------------------- the cache

SECRET_KINDS = ["fifo", "folder", "link-to-dev-zero", "link-to-a-fifo", "socket", "sparse-1-gib", "empty", "binary"]


@pytest.mark.parametrize("kind", SECRET_KINDS)
def test_a_hostile_cache_secret_never_stops_a_command(tmp_path: Path, kind: str) -> None:
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir(mode=0o700)
    plant(cache_dir / "secret", kind)
    env = {"QASAS_CACHE": str(cache_dir)}
    for _ in range(3):  # the first load cannot use the cache; the ones after it would, when it can be repaired
        result = run("lint", str(TINY), cwd=tmp_path, env=env, timeout=60)
        assert_clean(result, 0, "ok:", seconds=20)
    secret = cache_dir / "secret"
    if kind == "folder":  # a folder with something in it is not the game's to remove: the cache is just off
        assert secret.is_dir()
    else:
        assert secret.is_file() and not secret.is_symlink() and secret.stat().st_size == 32
        assert secret.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("kind", ["fifo", "folder", "link-to-dev-zero", "link-to-dev-urandom", "sparse-1-gib", "nested-200000-lists"])
def test_a_hostile_cache_entry_is_a_miss(tmp_path: Path, kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    cache_dir = tmp_path / "cache"
    env = {"QASAS_CACHE": str(cache_dir)}
    story = tmp_path / "tiny"
    shutil.copytree(TINY, story)
    assert_clean(run("lint", str(story), cwd=tmp_path, env=env), 0, "ok:")  # writes the secret and an entry
    monkeypatch.setenv("QASAS_CACHE", str(cache_dir))
    entry = cache.entry_path(str(story))
    assert entry is not None and os.path.isfile(entry)
    os.unlink(entry)
    plant(Path(entry), kind)
    for _ in range(2):
        assert_clean(run("lint", str(story), cwd=tmp_path, env=env, timeout=60), 0, "ok:", seconds=20)


def test_a_story_file_swapped_for_a_fifo_after_caching_is_refused_not_read(tmp_path: Path) -> None:
    env = {"QASAS_CACHE": str(tmp_path / "cache")}
    story = tmp_path / "tiny"
    shutil.copytree(TINY, story)
    assert_clean(run("lint", str(story), cwd=tmp_path, env=env), 0)
    (story / "two.yaml").unlink()
    os.mkfifo(story / "two.yaml")
    result = run("lint", str(story), cwd=tmp_path, env=env, timeout=60)
    assert_clean(result, 2, "two.yaml", "not a regular file")


# ---------------------------------------------------------------------------------- files a playthrough names


@pytest.mark.parametrize("kind", ["fifo", "link-to-dev-zero", "link-to-a-fifo", "folder", "socket", "sparse-1-gib"])
def test_a_hostile_golden_transcript_is_refused(tmp_path: Path, kind: str) -> None:
    plant(tmp_path / "golden.txt", kind)
    (tmp_path / "p.yaml").write_text(f"scenes: {TINY}\nseed: 7\ntranscript: golden.txt\nchoices: [gate.bribe]\n")
    before = snapshot(tmp_path)
    result = run("replay", "p.yaml", cwd=tmp_path, timeout=60)
    # /dev/zero lies outside the playthrough's folder: refused as such; the others cannot be read.
    assert_clean(result, (1, 2), "golden", seconds=20)
    assert "FAIL" in result.output or "ERROR" in result.output
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize(
    "scenes",
    ["/", "/proc/self", "/dev", "/dev/zero", "/dev/null", "fifo", "nowhere", "p.yaml", "p.yaml/x", "/sys/kernel"],
)
def test_a_playthrough_naming_a_hostile_story_folder_is_refused_at_once(tmp_path: Path, scenes: str) -> None:
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "p.yaml").write_text(f"scenes: {scenes}\nseed: 7\nchoices: [gate.bribe]\n")
    result = run("replay", "p.yaml", cwd=tmp_path, timeout=30)
    assert_clean(result, 2, "ERROR p.yaml", "does not load", seconds=10)
    expected = {
        "nowhere": "does not exist",
        "p.yaml": "is not a directory",
        "p.yaml/x": "does not exist",
        "/": "no story.yaml here",
        "/proc/self": "system directory",
        "/sys/kernel": "system directory",
        "/dev": "system directory",
    }.get(scenes, "not a directory")
    assert expected in result.output, result.output
