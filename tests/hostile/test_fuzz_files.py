"""Fuzzing the files the game keeps on disk: saves folders, player profiles, and the story cache's entries and secret,
as files of any kind (regular, FIFO, folder, socket, links to devices, to FIFOs, to nowhere, to themselves), any size
(sparse files up to 2 GiB) and any nesting (JSON up to 200,000 deep), with any bytes (mutations of real ones).

Whatever is there: nothing blocks or runs away (every example has a time bound), only the project's own errors are
raised, the game can still list, load, autosave and remember an ending, and nothing on disk changes but what the game
writes on purpose (the autosave and its backup, a profile set aside under a new name with its bytes kept). Run longer
with QASAS_FUZZ_SCALE=20.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hostile_helpers import HOSTILE_KINDS, TINY, examples, mutate, nested_json, plant, snapshot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.engine import Game
from game.loader import cache, load_story
from game.saves import SaveError, SaveStore
from game.tui.profile import PROFILE_NAME, Profile

FUZZ = settings(
    deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
STORY = load_story(str(TINY))
BOUND_SECONDS = 20.0


def _valid_save() -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        game = Game(STORY, 7)
        game.choose("ask_pass")
        return SaveStore(tmp).save("slot", game, 10).path.read_bytes()


VALID_SAVE = _valid_save()
VALID_PROFILE = json.dumps({"version": 1, "theme": "nord", "endings": {"tiny": ["lucky", "through"]}}).encode()


@contextmanager
def bounded(seconds: float = BOUND_SECONDS) -> Iterator[None]:
    """Fail the example (rather than hang the run) if anything blocks; also check the time taken."""

    def expired(_signum: int, _frame: object) -> None:
        raise TimeoutError("blocked: a file was opened or read without bound")

    old = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    start = time.monotonic()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    assert time.monotonic() - start < seconds


mutation = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, 1 << 16), st.integers(0, 7), st.just(b"")),
    st.tuples(st.just("delete"), st.integers(0, 1 << 16), st.integers(1, 40), st.just(b"")),
    st.tuples(st.just("duplicate"), st.integers(0, 1 << 16), st.integers(1, 80), st.just(b"")),
    st.tuples(st.just("truncate"), st.integers(0, 1 << 16), st.just(0), st.just(b"")),
    st.tuples(
        st.just("insert"),
        st.integers(0, 1 << 16),
        st.just(0),
        st.sampled_from([b"[", b"{", b"}", b'"', b"\\", b"\x00", b"\xff", b"NaN", b"1e999", b"9" * 500]),
    ),
)


@st.composite
def on_disk(draw: st.DrawFn, valid: bytes) -> tuple[str, object]:
    """What to put where a file is expected: (kind, detail)."""
    kind = draw(st.sampled_from(["valid", "mutated", "nested", "sparse", "hostile"]))
    if kind == "mutated":
        return kind, mutate(valid, draw(st.lists(mutation, min_size=1, max_size=4)))
    if kind == "nested":
        return kind, (draw(st.integers(1, 200_000)), draw(st.sampled_from(["list", "object"])), draw(st.booleans()))
    if kind == "sparse":
        return kind, draw(st.integers(0, 2 << 30))
    if kind == "hostile":
        return kind, draw(st.sampled_from(sorted(HOSTILE_KINDS)))
    return kind, valid


def put(path: Path, what: tuple[str, object], valid: bytes) -> None:
    kind, detail = what
    if kind in ("valid", "mutated"):
        path.write_bytes(detail)  # type: ignore[arg-type]
    elif kind == "nested":
        depth, shape, wrapped = detail  # type: ignore[misc]
        inner = nested_json(depth, shape)
        # Wrapped: the deep value sits inside a real save's object, where a field is expected.
        path.write_bytes(valid.replace(b'"chapter": ', b'"chapter": ' + inner + b", \"x\": ", 1) if wrapped else inner)
    elif kind == "sparse":
        path.write_bytes(b"")
        os.truncate(path, detail)  # type: ignore[arg-type]
    else:
        plant(path, detail)  # type: ignore[arg-type]


SAVE_NAMES = ["autosave.json", "slot.json", "my-save-bf87fb4dc7.json", "x.json", "save-0123456789.json", "autosave.json.bak"]


@settings(FUZZ, max_examples=examples(40))
@given(
    entries=st.dictionaries(st.sampled_from(SAVE_NAMES), on_disk(VALID_SAVE), max_size=len(SAVE_NAMES)),
    slot=st.sampled_from(["slot", "My save", "x", "autosave", "my-save-bf87fb4dc7"]),
)
def test_any_saves_folder_on_disk(entries: dict[str, tuple[str, object]], slot: str) -> None:
    with tempfile.TemporaryDirectory() as tmp, bounded():
        folder = Path(tmp) / "saves"
        folder.mkdir()
        for name, what in entries.items():
            put(folder / name, what, VALID_SAVE)
        before = snapshot(folder)
        store = SaveStore(folder)
        infos = store.list()
        for info in infos:
            assert info.error is None or (info.error and "\n" not in info.error)
            try:
                store.load_path(info.path, STORY)
            except SaveError as exc:
                assert "\n" not in str(exc)
        store.newest()
        store.existing(slot)
        assert snapshot(folder) == before  # reading changed nothing
        game = Game(STORY, 3)
        game.choose("bribe")
        try:
            saved = store.save(slot, game, 5)
        except SaveError as exc:
            # Only a file in the way that holds data and cannot be kept (a folder, a file too large to copy).
            assert "previous save is unchanged" in str(exc)
            assert snapshot(folder) == before
            return
        assert store.load(slot, STORY).game.state == game.state
        touched = {saved.path.name, saved.path.name + ".bak"}
        after = snapshot(folder)
        assert {k: v for k, v in after.items() if k not in touched and not k.startswith(tuple(touched))} == {
            k: v for k, v in before.items() if k not in touched and not k.startswith(tuple(touched))
        }


@settings(FUZZ, max_examples=examples(40))
@given(
    what=st.one_of(
        on_disk(VALID_PROFILE),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
            lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
            max_leaves=10,
        ).map(lambda v: ("valid", json.dumps(v).encode())),
    )
)
def test_any_profile_on_disk(what: tuple[str, object]) -> None:
    with tempfile.TemporaryDirectory() as tmp, bounded():
        folder = Path(tmp)
        put(folder / PROFILE_NAME, what, VALID_PROFILE)
        before = snapshot(folder)[PROFILE_NAME]
        profile = Profile.load(folder)
        if profile.set_aside is not None:
            assert snapshot(folder)[profile.set_aside.name] == before  # kept whole under its new name
            assert profile.notice and profile.set_aside.name in profile.notice
        elif profile.read_only:
            assert snapshot(folder)[PROFILE_NAME] == before  # left alone
        profile.discover("tiny", "through")
        profile.set_theme("nord")
        if not profile.read_only:
            again = Profile.load(folder)
            assert "through" in again.endings("tiny") and not again.recovered
        else:
            assert snapshot(folder)[PROFILE_NAME] == before


@settings(FUZZ, max_examples=examples(25))
@given(
    secret=st.one_of(st.none(), on_disk(os.urandom(32))),
    entry=st.one_of(st.none(), st.just("valid-mutated"), on_disk(b"{}")),
    changes=st.lists(mutation, min_size=1, max_size=3),
)
def test_any_cache_entry_and_secret_on_disk(
    secret: tuple[str, object] | None, entry: tuple[str, object] | str | None, changes: list
) -> None:  # type: ignore[type-arg]
    with tempfile.TemporaryDirectory() as tmp:
        story_dir = Path(tmp) / "tiny"
        shutil.copytree(TINY, story_dir)
        saved = os.environ.get("QASAS_CACHE")
        os.environ["QASAS_CACHE"] = str(Path(tmp) / "cache")
        try:
            want = load_story(str(story_dir)).fingerprint  # a cold load: writes the secret and the entry
            path = cache.entry_path(str(story_dir))
            assert path is not None
            secret_path = Path(cache.cache_dir()) / "secret"
            if secret is not None:
                secret_path.unlink()
                put(secret_path, secret, os.urandom(32))
            if entry == "valid-mutated":
                Path(path).write_bytes(mutate(Path(path).read_bytes(), changes))
            elif entry is not None:
                os.unlink(path)
                put(Path(path), entry, b"{}")  # type: ignore[arg-type]
            for _ in range(2):  # a load that meets it, and the one after (which may have repaired it)
                with bounded():
                    assert load_story(str(story_dir)).fingerprint == want
        finally:
            if saved is None:
                os.environ.pop("QASAS_CACHE", None)
            else:
                os.environ["QASAS_CACHE"] = saved
