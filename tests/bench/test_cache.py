"""The story cache: a warm load is the cold load, byte-edited stories are never served stale, and a damaged
cache is ignored and replaced, never trusted."""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from bench_helpers import RICH, as_data

from game import loader, smallfile
from game.bench.synthetic import write_synthetic
from game.engine import Game, Story
from game.loader import cache, check_story, load_story, parts


def no_yaml(*args: object, **kwargs: object) -> None:
    raise AssertionError("YAML was parsed: the story did not come from the cache")


def cold(root: Path, monkeypatch: pytest.MonkeyPatch) -> Story:
    with monkeypatch.context() as m:
        m.setenv("QASAS_NO_CACHE", "1")
        return load_story(str(root))


def warm(root: Path, monkeypatch: pytest.MonkeyPatch) -> Story:
    """Load ``root`` from the cache, proving it: with YAML parsing made impossible."""
    with monkeypatch.context() as m:
        m.setattr(loader, "compose", no_yaml)
        return load_story(str(root))


def entry(root: Path) -> Path:
    path = cache.entry_path(str(root))
    assert path is not None
    return Path(path)


def spy(monkeypatch: pytest.MonkeyPatch, module: Any, name: str, seen: Callable[..., object]) -> None:
    """Wrap ``module.name`` so that ``seen`` gets each call's arguments before the real function runs."""
    real = getattr(module, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        seen(*args, **kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, wrapper)


def after_a_miss_and_without_the_cache(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[tuple[Story | None, list[loader.Problem]], tuple[Story | None, list[loader.Problem]]]:
    """``check_story`` of ``root`` after a cache miss, then with the cache off: the same problems both ways."""
    missed = check_story(str(root))
    with monkeypatch.context() as m:
        m.setenv("QASAS_NO_CACHE", "1")
        cold_ = check_story(str(root))
    assert cache.stats["misses"] == 2
    assert [str(p) for p in missed[1]] == [str(p) for p in cold_[1]]
    return missed, cold_


def play_alike(a: Story, b: Story, seeds: range, max_steps: int = 400) -> int:
    """Play both stories with the same random choices; every state, text and choice list must match."""
    steps = 0
    for seed in seeds:
        rng = random.Random(seed)
        ga, gb = Game(a, seed), Game(b, seed)
        for _ in range(max_steps):
            assert ga.state == gb.state
            assert ga.text() == gb.text()
            assert ga.choices() == gb.choices()
            options = ga.available()
            assert [c.key for c in options] == [c.key for c in gb.available()]
            if not options:
                break
            i = rng.randrange(len(options))
            oa, ob = ga.choose(options[i].id), gb.choose(gb.available()[i].id)
            assert (oa.scene_to, oa.trust, oa.variables, oa.result) == (ob.scene_to, ob.trust, ob.variables, ob.result)
            assert ga.header() == gb.header()
            assert oa.ending == ob.ending
            steps += 1
        assert ga.state == gb.state
    return steps


# ------------------------------------------------------------------------------------------- hits


def test_a_second_load_comes_from_the_cache_and_equals_the_first(
    tiny_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = load_story(str(tiny_copy))
    assert cache.stats == {"hits": 0, "misses": 1, "stores": 1}
    second = warm(tiny_copy, monkeypatch)
    assert cache.stats["hits"] == 1
    assert second.fingerprint == first.fingerprint
    assert as_data(second) == as_data(first)  # every field of every scene, choice, route, effect and position
    assert second.scenes["gate"].choices[0].pos == first.scenes["gate"].choices[0].pos


def test_a_warm_story_plays_exactly_like_a_cold_one(tiny_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cold_story = cold(tiny_copy, monkeypatch)
    load_story(str(tiny_copy))
    warm_story = warm(tiny_copy, monkeypatch)
    # The tiny story has hidden and disabled choices, passages, flat and fair trust, set and add, chance routes.
    assert play_alike(cold_story, warm_story, range(300), max_steps=60) > 500


def test_a_warm_synthetic_story_plays_exactly_like_a_cold_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "synthetic"
    write_synthetic(2500, str(root))  # three scene files
    cold_story = cold(root, monkeypatch)
    load_story(str(root))
    warm_story = warm(root, monkeypatch)
    assert as_data(warm_story) == as_data(cold_story)
    assert play_alike(cold_story, warm_story, range(5), max_steps=3000) > 1000


def test_yaml_trees_are_let_go_file_by_file_then_in_batches_and_the_story_is_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A cold load lets each file's tree go as soon as it is read until it has read TREES_HELD_CHARS of text, then
    # holds trees until they pass TREES_HELD_CHARS and lets them all go; the last ones go with the parts, once the
    # story is built (see loader._let_trees_go). When they go changes where objects lie in memory, never what is
    # loaded.
    root = tmp_path / "synthetic"
    write_synthetic(2500, str(root))  # three scene files of 372,584, 382,520 and 191,018 characters
    monkeypatch.setenv("QASAS_NO_CACHE", "1")
    batches: list[tuple[int, int, int]] = []  # (first part let go, parts read, parts still holding a tree)

    def seen(parts_read: list[parts.FilePart], start: int) -> None:
        batches.append((start, len(parts_read), sum(p.node is not None for p in parts_read)))

    kept: list[bool] = []  # for each scene file: whether its part holds its tree once read

    def read(*args: object, keep_node: bool = False, **kwargs: object) -> None:
        kept.append(keep_node)

    spy(monkeypatch, loader, "_let_trees_go", seen)
    spy(monkeypatch, parts, "read_file_part", read)
    expected = {  # limit: (trees held, batches let go)
        1: ([True] * 3, [(0, 1, 1), (1, 2, 1), (2, 3, 1)]),  # every file passes the limit on its own: a batch each
        400_000: ([False, True, True], [(1, 3, 2)]),  # the first read below the limit goes at once; two held together
        700_000: ([False, True, True], []),  # the last two are held to the end, let go with the parts
        1_000_000: ([False] * 3, []),  # the default: a story of under a million characters, file by file
    }
    stories = {}
    for limit, wanted in expected.items():
        monkeypatch.setattr(loader, "TREES_HELD_CHARS", limit)
        batches.clear()
        kept.clear()
        stories[limit] = check_story(str(root))
        assert (kept, batches) == wanted, limit
    story, problems = stories[1]
    assert story is not None and len(story.scenes) == 2500
    for other, other_problems in stories.values():
        assert other is not None and as_data(other) == as_data(story) and other_problems == problems


def test_every_form_of_the_format_survives_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Spans (with conditions whose positions must come back), number forms, emphasis, results, once-only and
    # fallback choices, shared route lists, renamed factions, former ids, notice and credits.
    root = tmp_path / "rich"
    shutil.copytree(RICH, root)
    cold_story = cold(root, monkeypatch)
    load_story(str(root))
    warm_story = warm(root, monkeypatch)
    assert as_data(warm_story) == as_data(cold_story)
    assert warm_story.templates.keys() == cold_story.templates.keys() and warm_story.renamed
    assert play_alike(cold_story, warm_story, range(200), max_steps=40) > 400


def test_check_story_uses_the_cache_too(tiny_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    check_story(str(tiny_copy))
    with monkeypatch.context() as m:
        m.setattr(loader, "compose", no_yaml)
        story, problems = check_story(str(tiny_copy))
    assert story is not None and problems == []


def test_positions_name_files_as_seen_from_where_the_story_is_loaded(
    tiny_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tiny_copy)
    here = load_story(".")
    monkeypatch.chdir(tmp_path)
    there = warm(tiny_copy, monkeypatch)  # the same entry, read from elsewhere
    assert here.scenes["gate"].pos.file == "one.yaml"
    assert there.scenes["gate"].pos == cold(tiny_copy, monkeypatch).scenes["gate"].pos
    assert there.scenes["gate"].pos.file == os.path.join("tiny", "one.yaml")


def test_the_warm_digest_is_the_loaders_fingerprint_even_with_a_byte_order_mark(
    tiny_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    one = tiny_copy / "one.yaml"
    one.write_bytes(b"\xef\xbb\xbf" + one.read_bytes())
    story = cold(tiny_copy, monkeypatch)
    paths = [str(tiny_copy / "story.yaml"), str(one), str(tiny_copy / "two.yaml")]
    digest = cache.content_digest(str(tiny_copy), paths)
    assert digest is not None and digest.hexdigest()[:16] == story.fingerprint
    load_story(str(tiny_copy))
    assert warm(tiny_copy, monkeypatch).fingerprint == story.fingerprint


def test_a_miss_reads_each_file_once_and_the_story_keeps_the_same_fingerprint(
    tiny_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a miss the cold load decodes the bytes the lookup read and hashed: one read of each file, not two,
    and the fingerprint is the one a load without the cache gives (a byte-order mark included)."""
    one = tiny_copy / "one.yaml"
    one.write_bytes(b"\xef\xbb\xbf" + one.read_bytes())
    expected = cold(tiny_copy, monkeypatch)
    load_story(str(tiny_copy))  # a cache now exists, so a lookup reads and hashes the files
    (tiny_copy / "two.yaml").write_text((tiny_copy / "two.yaml").read_text() + "\n# edited\n")
    reads: list[str] = []

    def read(path: str, *_: object, **__: object) -> None:
        if path.endswith(".yaml"):
            reads.append(os.path.basename(path))

    spy(monkeypatch, smallfile, "read_bytes", read)
    edited = load_story(str(tiny_copy))
    assert cache.stats["misses"] == 2 and cache.stats["stores"] == 2
    assert sorted(reads) == ["one.yaml", "story.yaml", "two.yaml"]
    assert edited.fingerprint == cold(tiny_copy, monkeypatch).fingerprint != expected.fingerprint
    assert as_data(warm(tiny_copy, monkeypatch)) == as_data(edited)


def test_a_miss_decodes_the_bytes_as_a_load_without_the_cache_does(
    tiny_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two byte-order marks: the loader drops one, as without the cache, never one more (the lookup's digest
    drops the first for itself only)."""
    load_story(str(tiny_copy))
    one = tiny_copy / "one.yaml"
    one.write_bytes(b"\xef\xbb\xbf\xef\xbb\xbf" + one.read_bytes())
    texts: list[str | None] = []

    def read(manifest: object, shown: str, text: str | None, **_: object) -> None:
        if shown.endswith("one.yaml"):
            texts.append(text)

    spy(monkeypatch, parts, "read_file_part", read)
    (story, _), (story_cold, _) = after_a_miss_and_without_the_cache(tiny_copy, monkeypatch)
    assert len(texts) == 2 and texts[0] == texts[1] and texts[0] is not None and texts[0].startswith("\ufeff")
    assert (story is None) == (story_cold is None)
    if story is not None and story_cold is not None:
        assert story.fingerprint == story_cold.fingerprint and as_data(story) == as_data(story_cold)


def test_a_file_that_is_not_text_after_a_miss_is_reported_as_without_the_cache(
    tiny_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_story(str(tiny_copy))
    two = tiny_copy / "two.yaml"
    two.write_bytes(two.read_bytes().replace(b"The Long Road", b"The Long R\xe9ad", 1))  # Latin-1, not UTF-8
    fingerprints: list[str] = []

    def assemble(root: str, fingerprint: str, *_: object, **__: object) -> None:
        fingerprints.append(fingerprint)

    spy(monkeypatch, parts, "assemble", assemble)
    (_, problems), _ = after_a_miss_and_without_the_cache(tiny_copy, monkeypatch)
    assert any("not valid UTF-8" in str(p) for p in problems)
    # The digest covers the files read as text, with the cache's bytes as without them.
    assert len(fingerprints) == 2 and fingerprints[0] == fingerprints[1]


def test_warnings_survive_the_round_trip(tiny_copy: Path) -> None:
    story = load_story(str(tiny_copy))
    shown = [p.file for p in (story.scenes["gate"].pos, story.scenes["road"].pos)]
    manifest = story.factions["guards"].pos.file
    files = [manifest, *dict.fromkeys(shown)]
    warnings = [
        loader.Problem(files[1], 3, 5, "a warning", "warning"), loader.Problem("elsewhere", 0, 0, "x", "warning")
    ]
    data, numbers, texts = cache.encode(story, warnings, files)
    data = json.loads(json.dumps(data))  # as it travels
    again, problems = cache.decode(data, numbers, texts, str(tiny_copy), files)
    assert problems == warnings
    assert as_data(again) == as_data(story)


# ----------------------------------------------------------------------------------- never stale


def test_a_one_byte_edit_is_never_served_stale(tiny_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_story(str(tiny_copy))
    two = tiny_copy / "two.yaml"
    text = two.read_bytes()
    assert b"The Long Road" in text
    two.write_bytes(text.replace(b"The Long Road", b"The Long Roat", 1))  # one byte, same size, same second
    edited = load_story(str(tiny_copy))
    assert cache.stats["misses"] == 2
    assert edited.scenes["road"].title == "The Long Roat"
    assert as_data(edited) == as_data(cold(tiny_copy, monkeypatch))
    # Put back: the old content is a miss again (one entry per story), then a hit.
    two.write_bytes(text)
    assert as_data(load_story(str(tiny_copy))) == as_data(cold(tiny_copy, monkeypatch))
    assert warm(tiny_copy, monkeypatch).scenes["road"].title == "The Long Road"


def test_adding_removing_or_renaming_a_file_misses(tiny_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_story(str(tiny_copy))
    (tiny_copy / "two.yaml").rename(tiny_copy / "zwei.yaml")
    renamed = load_story(str(tiny_copy))
    assert cache.stats == {"hits": 0, "misses": 2, "stores": 2}
    assert renamed.scenes["road"].pos.file.endswith("zwei.yaml")
    (tiny_copy / "notes.txt").write_text("not a story file")  # ignored by the loader, so by the cache
    warm(tiny_copy, monkeypatch)


def test_a_change_in_the_loader_or_engine_code_misses(tiny_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_story(str(tiny_copy))
    monkeypatch.setattr(cache, "_code_version", "another version of the code")
    load_story(str(tiny_copy))
    assert cache.stats["misses"] == 2


def test_a_story_with_a_nul_in_a_text_loads_but_is_not_cached(tiny_copy: Path, cache_home: Path) -> None:
    # The cache joins its texts with NUL: a text holding one (a YAML escape) could not come back the same.
    two = tiny_copy / "two.yaml"
    text = two.read_text()
    two.write_text(text.replace("title: The Long Road", 'title: "The Long\\0Road"', 1))
    for _ in range(2):
        assert load_story(str(tiny_copy)).scenes["road"].title == "The Long\0Road"
    assert cache.stats == {"hits": 0, "misses": 2, "stores": 0} and not any(cache_home.glob("story-*"))
    with pytest.raises(cache.CacheMiss, match="NUL"):
        files = [loader._shown(str(tiny_copy / n)) for n in ("story.yaml", "one.yaml", "two.yaml")]  # as positions name them
        cache.encode(load_story(str(tiny_copy)), [], files)


def test_a_story_with_errors_is_never_cached(tiny_copy: Path, cache_home: Path) -> None:
    two = tiny_copy / "two.yaml"
    good = two.read_text()
    two.write_text(good.replace("to: through}", "to: thruogh}", 1))
    for _ in range(2):
        story, problems = check_story(str(tiny_copy))
        assert story is None and any("unknown scene 'thruogh'" in p.message for p in problems)
    assert cache.stats["stores"] == 0 and not any(cache_home.glob("story-*"))
    two.write_text(good)
    assert load_story(str(tiny_copy)).scenes["road"]


# ------------------------------------------------------------------------------ damaged entries


def damage_and_reload(root: Path, monkeypatch: pytest.MonkeyPatch, damage) -> None:  # type: ignore[no-untyped-def]
    expected = as_data(load_story(str(root)))
    path = entry(root)
    path.write_bytes(damage(path.read_bytes()))
    again = load_story(str(root))
    assert cache.stats["hits"] == 0, "a damaged entry was served"
    assert as_data(again) == expected
    # ... and the cold load replaced it with a good entry.
    assert as_data(warm(root, monkeypatch)) == expected


def rechecksum(blob: bytes) -> bytes:
    """Recompute a tampered entry's checksum as one could without the user's secret: a plain SHA-256."""
    head, _, rest = blob.partition(b"\n")
    header = json.loads(head)
    header["mac"] = hashlib.sha256(rest).hexdigest()
    return json.dumps(header).encode() + b"\n" + rest


def _replaced(blob: bytes, old: bytes, new: bytes) -> bytes:
    assert old in blob, f"the entry has no {old!r} to damage"
    return blob.replace(old, new, 1)


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[: len(b) // 2],
        lambda b: b[:-1],
        lambda b: b"",
        lambda b: b"\x00" * len(b),
        lambda b: b"not a cache file at all\n{}",
        lambda b: b[:100] + bytes([b[100] ^ 0x20]) + b[101:],
        lambda b: b[:-8] + b"\xff" * 8,
        lambda b: b + b"\n",
        lambda b: _replaced(b, f'"format":{cache.FORMAT}'.encode(), b'"format":99'),
        lambda b: _replaced(b, b"Through the Gate", b"Through the Wall"),
        lambda b: rechecksum(_replaced(b, b"Through the Gate", b"Through the Wall")),
        lambda b: rechecksum(b),
    ],
    ids=[
        "truncated-half", "truncated-by-one", "empty", "zeroed", "garbage", "bit-flipped", "tail-overwritten",
        "appended", "future-format", "tampered", "tampered-and-rehashed", "rehashed",
    ],
)
def test_a_damaged_entry_is_ignored_and_replaced(tiny_copy: Path, monkeypatch: pytest.MonkeyPatch, damage) -> None:  # type: ignore[no-untyped-def]
    damage_and_reload(tiny_copy, monkeypatch, damage)


def test_an_entry_written_with_another_secret_is_ignored(tiny_copy: Path, cache_home: Path) -> None:
    load_story(str(tiny_copy))
    (cache_home / "secret").write_bytes(os.urandom(32))  # as if the entry had been written with another key
    load_story(str(tiny_copy))
    assert cache.stats["hits"] == 0


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_a_secret_others_can_read_is_no_secret(tiny_copy: Path, cache_home: Path) -> None:
    load_story(str(tiny_copy))
    secret = cache_home / "secret"
    assert secret.stat().st_mode & 0o777 == 0o600
    secret.chmod(0o644)
    load_story(str(tiny_copy))
    assert cache.stats["hits"] == 0


def test_tampered_references_are_caught_even_with_a_good_checksum(tiny_copy: Path) -> None:
    story = load_story(str(tiny_copy))
    files = [story.factions["guards"].pos.file, *dict.fromkeys(s.pos.file for s in story.scenes.values())]
    data, numbers, texts = cache.encode(story, [], files)
    good = json.loads(json.dumps(data))
    assert as_data(cache.decode(good, numbers, list(texts), str(tiny_copy), files)[0]) == as_data(story)

    def broken(change) -> None:  # type: ignore[no-untyped-def]
        bad, nums, words = json.loads(json.dumps(data)), type(numbers)(numbers.typecode, numbers), list(texts)
        change(bad, nums, words)
        with pytest.raises((cache.CacheMiss, ValueError, TypeError, KeyError, IndexError)):
            cache.decode(bad, nums, words, str(tiny_copy), files)

    tables = data["tables"]
    broken(lambda d, n, w: n.__setitem__(tables["routes"]["to"][0], 999))  # a route to no scene
    broken(lambda d, n, w: n.__setitem__(tables["scenes"]["title"][0], len(texts)))  # a text not there
    broken(lambda d, n, w: n.__setitem__(tables["template_parts"]["part"][0], -99))  # a slot not there
    broken(lambda d, n, w: d["tables"]["routes"]["chance"].__setitem__(0, "often"))  # not a column
    chance = tables["routes"]["chance"]
    broken(lambda d, n, w: n.__setitem__(chance[0], 150))  # a chance of more than 99 percent
    broken(lambda d, n, w: n.__setitem__(tables["effects"]["boolean"][0], 2))  # an amount neither number nor yes/no
    runs = next(c for t in tables.values() for c in t.values() if len(c) == 3)  # a column stored as runs
    broken(lambda d, n, w: n.__setitem__(runs[0] + runs[1], n[runs[0] + runs[1]] + 1))  # runs that do not add up
    broken(lambda d, n, w: n.__setitem__(runs[0] + runs[1], -1))  # a negative run
    broken(lambda d, n, w: d["story"].__setitem__(2, "nowhere"))  # no start scene
    source = tables["conditions"]["source"][0]
    broken(lambda d, n, w: w.__setitem__(n[source], "secret_name > 1"))  # a name the story does not have
    broken(lambda d, n, w: d["slots"][1].reverse())  # slots no longer match the factions
    broken(lambda d, n, w: d.__setitem__("files", 7))  # other files
    broken(lambda d, n, w: w.append("one text too many"))
    broken(lambda d, n, w: n.__setitem__(tables["choices"]["routes"][0], 5))  # children that do not add up
    broken(lambda d, n, w: d["tables"]["routes"].__setitem__("to", [0, 10**6]))  # outside the integer block


# ------------------------------------------------------------------------------- where, whether


def test_qasas_no_cache_turns_it_off(tiny_copy: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_story(str(tiny_copy))
    assert entry(tiny_copy).is_file()
    monkeypatch.setenv("QASAS_NO_CACHE", "1")
    with monkeypatch.context() as m:
        m.setattr(loader, "compose", no_yaml)
        with pytest.raises(AssertionError, match="YAML was parsed"):
            load_story(str(tiny_copy))  # not served from the cache
    entry(tiny_copy).unlink()
    load_story(str(tiny_copy))
    assert not entry(tiny_copy).exists()  # nor written
    monkeypatch.setenv("QASAS_NO_CACHE", "0")
    load_story(str(tiny_copy))
    assert entry(tiny_copy).is_file()


def test_where_the_cache_lives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QASAS_CACHE")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    assert cache.cache_dir() == str(tmp_path / "home" / ".cache" / "jaysh-al-qasas")
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/is/ignored")
    assert cache.cache_dir() == str(tmp_path / "home" / ".cache" / "jaysh-al-qasas")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == str(tmp_path / "xdg" / "jaysh-al-qasas")
    monkeypatch.setenv("QASAS_CACHE", str(tmp_path / "mine"))
    assert cache.cache_dir() == str(tmp_path / "mine")


def test_a_cache_inside_the_story_is_not_used(tiny_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QASAS_CACHE", str(tiny_copy / "cache"))
    load_story(str(tiny_copy))
    load_story(str(tiny_copy))
    assert not (tiny_copy / "cache").exists()
    assert cache.stats["hits"] == 0


def test_an_unwritable_cache_only_costs_speed(
    tiny_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("the cache directory cannot be made here")
    monkeypatch.setenv("QASAS_CACHE", str(blocker / "cache"))
    assert load_story(str(tiny_copy)).scenes["gate"]
    assert load_story(str(tiny_copy)).scenes["gate"]
    assert cache.stats["stores"] == 0


def test_old_entries_are_pruned(tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "MAX_ENTRIES", 3)
    roots = []
    for i in range(5):
        root = tmp_path / f"story{i}"
        write_synthetic(3, str(root))
        roots.append(root)
        load_story(str(root))
        os.utime(entry(root), (1_000_000 + i, 1_000_000 + i))  # distinct ages
    assert sorted(cache_home.glob("story-*")) == sorted(entry(r) for r in roots[-3:])


def test_no_temporary_files_are_left_behind(tiny_copy: Path, cache_home: Path) -> None:
    load_story(str(tiny_copy))
    assert sorted(p.name for p in cache_home.iterdir()) == ["secret", entry(tiny_copy).name]
