"""Hostile stories: every malformed, pathological or malicious story directory is refused by ``qasas lint`` with
exit status 2, only ``path:line:col: error: message`` lines (no position only where none exists), no traceback,
and within a time bound. Each case runs in a subprocess, so a crash in libyaml shows as a failure here.

These complement the malformed-story corpus in tests/loader/corpus (exact messages for ordinary mistakes); the
cases here are the ones an attacker or a broken disk would produce: alias bombs, recursive aliases, nesting
20,000 deep, huge files, wrong encodings, symbolic-link loops, pipes and devices, control characters.
"""

from __future__ import annotations

import builtins
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hostile_helpers import MANIFEST, SCENES, assert_refused, qasas, write_story

from game.loader import check_story, load_story
from game.loader.yamlsafe import MAX_FILE_BYTES

Build = Callable[[Path], None]


def scene_file(**files: str | bytes) -> Build:
    """A builder writing the manifest plus the given files (``name='text'``; dots in names written as '__')."""

    def build(root: Path) -> None:
        write_story(root, {name.replace("__", "."): text for name, text in files.items()})

    return build


def manifest_only(manifest: str | bytes) -> Build:
    return lambda root: write_story(root, {"scenes.yaml": SCENES}, manifest=manifest)


# ------------------------------------------------------------------------------------- alias bombs


def laughs(levels: int = 9, width: int = 9, indent: str = "  ") -> str:
    """Billion laughs as the items of a YAML list: level k is a list of ``width`` aliases of level k-1."""
    lines = [f"{indent}- &l0 [{', '.join(['lol'] * width)}]"]
    for k in range(1, levels):
        lines.append(f"{indent}- &l{k} [{', '.join([f'*l{k - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


def scenes_choices_routes(n: int) -> str:
    """n scenes x n choices x n routes through aliases: the reader walks every one (cubic work without a bound)."""
    routes = ", ".join(["*r"] * n)
    more_choices = "".join("      - *c\n" for _ in range(n))
    more_scenes = "".join("  - *s\n" for _ in range(n))
    return (
        "chapter: one\nscenes:\n  - &s\n    id: gate\n    title: T\n    text: x\n    choices:\n      - &c\n"
        f"        id: go\n        label: L\n        goto: [&r {{if: guards > 1, to: through}}, {routes}, {{to: through}}]\n"
        f"{more_choices}{more_scenes}"
    )


ALIAS_BOMBS: dict[str, Build] = {
    "laughs_under_text": scene_file(
        scenes__yaml=(
            "chapter: one\nscenes:\n  - id: gate\n    title: T\n    ending: through\n    text:\n"
            + laughs(indent="      ")
        )
    ),
    "laughs_under_choices": scene_file(
        scenes__yaml=(
            "chapter: one\nscenes:\n  - id: gate\n    title: T\n    text: x\n    choices:\n"
            + laughs(indent="      ")
        )
    ),
    "laughs_as_scenes": scene_file(scenes__yaml="chapter: one\nscenes:\n" + laughs()),
    "laughs_in_manifest_glossary": manifest_only(
        MANIFEST + "glossary:\n  T:\n    kind: invented\n    text:\n" + laughs(indent="      ")
    ),
    "scenes_x_choices_x_routes": scene_file(scenes__yaml=scenes_choices_routes(300)),
    "choices_x_effects": scene_file(
        scenes__yaml=(
            "chapter: one\nscenes:\n  - id: gate\n    title: T\n    text: x\n    choices:\n"
            "      - &c {id: go, label: L, goto: through, effects: &e {trust: &t {"
            + ", ".join(f"guards{i}: 1" for i in range(400))
            + "}}}\n"
            + "".join("      - *c\n" for _ in range(400))
        )
    ),
}

RECURSIVE_ALIASES: dict[str, Build] = {
    "scenes_list": scene_file(scenes__yaml="chapter: one\nscenes: &s [*s]\n"),
    "scene_in_its_choices": scene_file(
        scenes__yaml="chapter: one\nscenes:\n  - &s {id: gate, title: T, text: x, choices: [*s]}\n"
    ),
    "text_list": scene_file(
        scenes__yaml="chapter: one\nscenes:\n  - {id: gate, title: T, ending: through, text: &t [*t]}\n"
    ),
    "passage_text": scene_file(
        scenes__yaml="chapter: one\nscenes:\n  - {id: gate, title: T, ending: through, text: [&p {if: 'true', text: *p}]}\n"
    ),
    "choice_goto": scene_file(
        scenes__yaml="chapter: one\nscenes:\n  - {id: gate, title: T, text: x, choices: [&c {id: go, label: L, goto: *c}]}\n"
    ),
    "routes_list": scene_file(
        scenes__yaml="chapter: one\nscenes:\n  - {id: gate, title: T, text: x, choices: [{id: go, label: L, goto: &g [*g]}]}\n"
    ),
    "effects_mapping": scene_file(
        scenes__yaml=(
            "chapter: one\nscenes:\n  - {id: gate, title: T, text: x, choices: [{id: go, label: L, effects: &e {trust: *e}, goto: through}]}\n"
        )
    ),
    "as_a_key": scene_file(scenes__yaml="chapter: one\nscenes: []\n&k [*k]: 1\n"),
    "whole_file": scene_file(scenes__yaml="&top {chapter: one, scenes: [*top]}\n"),
    "manifest_story": manifest_only(
        "story: &s {id: hostile, title: *s, start: gate}\nfactions: {guards: {name: G, description: D}}\n"
    ),
}

# ------------------------------------------------------------------------------------ deep nesting

DEEP = 20_000


def deep(payload: str, where: str = "scenes") -> Build:
    if where == "manifest":
        return lambda root: write_story(
            root, {"scenes.yaml": SCENES}, manifest=MANIFEST + "glossary: " + payload + "\n"
        )
    return scene_file(
        scenes__yaml="chapter: one\nscenes: " + payload + "\n" if payload[:1] in "[{" else payload
    )


def indented(levels: int, item: Callable[[int], str]) -> str:
    return "".join(" " * i + item(i) + "\n" for i in range(levels)) + " " * levels + "x\n"


DEEP_NESTING: dict[str, Build] = {
    "flow_lists": deep("[" * DEEP + "]" * DEEP),
    "flow_maps": deep("{a: " * DEEP + "1" + "}" * DEEP),
    "flow_mixed": deep("[{a: " * (DEEP // 2) + "1" + "}]" * (DEEP // 2)),
    "flow_unclosed": deep("[" * DEEP),
    "block_dashes": deep("- " * DEEP + "x\n"),
    "block_question_marks": deep("? " * DEEP + "x\n"),
    "block_dashes_then_flow": deep("- " * (DEEP // 2) + "[" * (DEEP // 2) + "]" * (DEEP // 2) + "\n"),
    "block_dashes_across_lines": deep(
        "".join(" " * (14 * i) + "- - - - - - -\n" for i in range(200)) + " " * 2800 + "x\n"
    ),
    # Indentation-only nesting: 3,000 levels is already 4.5 MB of spaces.
    "block_mappings_indented": deep(indented(3000, lambda i: "k:")),
    "block_lists_indented": deep(indented(3000, lambda i: "-")),
    "in_the_manifest": deep("[" * DEEP + "]" * DEEP, where="manifest"),
}

# ------------------------------------------------------------------------------ files and encodings


def symlink_loop(root: Path) -> None:
    write_story(root, {"ch/scenes.yaml": SCENES})
    os.symlink("..", root / "ch" / "loop")


def broken_symlink(root: Path) -> None:
    write_story(root, {"scenes.yaml": SCENES})
    os.symlink("nowhere.yaml", root / "gone.yaml")


def fifo(root: Path) -> None:
    write_story(root, {"scenes.yaml": SCENES})
    os.mkfifo(root / "pipe.yaml")


def device(root: Path) -> None:
    write_story(root, {"scenes.yaml": SCENES})
    os.symlink("/dev/zero", root / "zero.yaml")


def empty_directory(root: Path) -> None:
    root.mkdir()


def deep_directories(root: Path) -> None:
    path = root.joinpath(*[f"d{i}" for i in range(20)])
    write_story(root, {str(path.relative_to(root) / "scenes.yaml"): SCENES})


def too_many_files(root: Path) -> None:
    write_story(root, {"scenes.yaml": SCENES})
    for i in range(5001):
        (root / f"x{i:04d}.yaml").write_text("chapter: one\n")


FILES: dict[str, tuple[Build, tuple[str, ...], bool]] = {
    # name: (builder, needles in messages, whether those messages carry line:col)
    "empty_file": (scene_file(scenes__yaml=""), ("file is empty",), True),
    "whitespace_only": (scene_file(scenes__yaml="  \n\n   \n"), ("file is empty",), True),
    "only_comments": (scene_file(scenes__yaml="# a comment\n# and another\n"), ("file is empty",), True),
    "empty_manifest": (manifest_only(""), ("file is empty",), True),
    "empty_document": (scene_file(scenes__yaml="---\n...\n"), ("must be a mapping", "found nothing"), True),
    "null_document": (scene_file(scenes__yaml="~\n"), ("must be a mapping",), True),
    "scene_file_is_a_scalar": (scene_file(scenes__yaml="just some words\n"), ("must be a mapping",), True),
    "scene_file_is_a_list_of_scenes": (
        scene_file(scenes__yaml="- {id: gate, title: T, text: x}\n"),
        ("found a list",),
        True,
    ),
    "manifest_is_a_scalar": (manifest_only("hostile\n"), ("the manifest must be a mapping",), True),
    "manifest_is_a_list": (manifest_only("- story\n- factions\n"), ("the manifest must be a mapping",), True),
    "two_documents": (
        scene_file(scenes__yaml=SCENES + "---\nchapter: one\n"),
        ("more than one YAML document",),
        True,
    ),
    "utf16_le_bom": (scene_file(scenes__yaml=SCENES.encode("utf-16")), ("UTF-16",), True),
    "utf16_be_bom": (scene_file(scenes__yaml=b"\xfe\xff" + SCENES.encode("utf-16-be")), ("UTF-16",), True),
    "utf32_le_bom": (scene_file(scenes__yaml=SCENES.encode("utf-32")), ("UTF-32",), True),
    "utf32_be_bom": (
        scene_file(scenes__yaml=b"\x00\x00\xfe\xff" + SCENES.encode("utf-32-be")),
        ("UTF-32",),
        True,
    ),
    "utf16_without_bom": (scene_file(scenes__yaml=SCENES.encode("utf-16-le")), ("NUL byte",), True),
    "latin1_manifest": (
        manifest_only(MANIFEST.replace("Hostile", "Hôstile").encode("latin-1")),
        ("not valid UTF-8",),
        True,
    ),
    "encoded_surrogate": (
        scene_file(scenes__yaml=SCENES.encode() + b"# \xed\xa0\x80\n"),
        ("not valid UTF-8",),
        True,
    ),
    "truncated_utf8": (scene_file(scenes__yaml=SCENES.encode() + b"# \xe2\x82"), ("not valid UTF-8",), True),
    "nul_in_scene_file": (
        scene_file(scenes__yaml=SCENES.replace("looks at", "looks\x00at")),
        ("NUL byte",),
        True,
    ),
    "nul_in_manifest": (manifest_only(MANIFEST.replace("Hostile", "Host\x00ile")), ("NUL byte",), True),
    "escape_character": (
        scene_file(scenes__yaml=SCENES.replace("looks at", "looks \x1b[2J at")),
        ("control character (U+001B)",),
        True,
    ),
    "c1_control": (
        scene_file(scenes__yaml=SCENES.replace("looks at", "looks \x9b2J at")),
        ("control character (U+009B)",),
        True,
    ),
    "bell_and_backspace": (
        scene_file(scenes__yaml=SCENES.replace("looks at", "looks\x07\x08 at")),
        ("control character (U+0007)",),
        True,
    ),
    "delete_character": (
        scene_file(scenes__yaml=SCENES.replace("looks at", "looks\x7f at")),
        ("control character (U+007F)",),
        True,
    ),
    "noncharacter": (
        scene_file(scenes__yaml=SCENES.replace("looks at", "looks\uffff at")),
        ("U+FFFF",),
        True,
    ),
    "tab_in_indentation": (
        scene_file(scenes__yaml=SCENES.replace("    title: At", "\ttitle: At")),
        ("tab",),
        True,
    ),
    "very_long_line_text": (
        scene_file(scenes__yaml=SCENES.replace("looks at you", "a" * 2_000_000)),
        ("too long",),
        True,
    ),
    "very_long_key": (
        scene_file(
            scenes__yaml=SCENES.replace("    title: At", "    " + "k" * 1_000_000 + ": 1\n    title: At")
        ),
        ("expected ':'",),
        True,
    ),
    "very_long_scene_id": (
        scene_file(scenes__yaml=SCENES.replace("id: through,", "id: t" + "h" * 200_000 + ",")),
        ("too long",),
        True,
    ),
    "huge_integer": (
        manifest_only(
            MANIFEST.replace(
                "bribes: {type: int, default: 0}", "bribes: {type: int, default: " + "9" * 100_000 + "}"
            )
        ),
        ("too large",),
        True,
    ),
    "huge_condition": (
        scene_file(
            scenes__yaml=SCENES.replace(
                "goto: through}", "if: '" + " and ".join(["has_pass"] * 20_000) + "', goto: through}"
            )
        ),
        ("too long",),
        True,
    ),
    "python_object_tag": (
        manifest_only(
            MANIFEST.replace("title: Hostile", "title: !!python/object/apply:os.system [echo pwned]")
        ),
        ("not allowed",),
        True,
    ),
    "python_name_tag": (
        scene_file(scenes__yaml=SCENES.replace("goto: through}", "goto: !!python/name:os.system }")),
        ("not allowed",),
        True,
    ),
    "merge_key": (
        scene_file(scenes__yaml=SCENES.replace("    title: At the Gate", "    <<: {title: At the Gate}")),
        ("merge keys",),
        True,
    ),
    "duplicate_anchor": (
        scene_file(scenes__yaml="chapter: &a one\nscenes: &a []\n"),
        ("defined twice",),
        True,
    ),
    "undefined_alias": (
        scene_file(scenes__yaml="chapter: one\nscenes: *nothing\n"),
        ("refers to no anchor",),
        True,
    ),
    "symlink_loop": (symlink_loop, ("symbolic link loop",), False),
    "broken_symlink": (broken_symlink, ("broken symbolic link",), False),
    "fifo_as_scene_file": (fifo, ("not a regular file",), False),
    "device_as_scene_file": (device, ("a symbolic link into /dev, a system directory; it is not followed",), False),
    "empty_directory": (empty_directory, ("no story.yaml",), False),
    "directories_too_deep": (deep_directories, ("nested too deeply",), False),
    "too_many_scene_files": (too_many_files, ("too many scene files",), False),
}


def _cases() -> list[tuple[str, Build, tuple[str, ...], bool, float]]:
    cases = [(f"alias_bomb:{k}", b, ("repeat too much",), True, 10.0) for k, b in ALIAS_BOMBS.items()]
    cases += [
        (f"recursive_alias:{k}", b, ("used inside itself",), True, 10.0) for k, b in RECURSIVE_ALIASES.items()
    ]
    cases += [(f"deep:{k}", b, ("nested too deeply",), True, 10.0) for k, b in DEEP_NESTING.items()]
    cases += [(f"file:{k}", b, needles, pos, 10.0) for k, (b, needles, pos) in FILES.items()]
    return cases


CASES = _cases()


@pytest.mark.parametrize(
    ("build", "needles", "positioned", "seconds"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_hostile_story_is_refused_cleanly(
    tmp_path: Path, build: Build, needles: tuple[str, ...], positioned: bool, seconds: float
) -> None:
    build(tmp_path / "story")
    run = qasas("lint", "story", cwd=tmp_path)
    assert_refused(run, *needles, positioned=positioned, seconds=seconds)


def test_the_suite_and_the_corpus_hold_at_least_forty_cases() -> None:
    corpus = [p for p in (Path(__file__).parents[1] / "loader" / "corpus").iterdir() if p.is_dir()]
    assert len(CASES) >= 40 and len(corpus) >= 40


def test_a_50_mb_file_is_refused_by_its_size_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    story = write_story(tmp_path / "story", {"scenes.yaml": SCENES})
    big = story / "big.yaml"
    with open(big, "wb") as fh:  # sparse: 50 MB on paper, nothing on disk, made in no time
        fh.truncate(50 * 1024 * 1024)
    run = qasas("lint", "story", cwd=tmp_path)
    errors = assert_refused(
        run, "file is too large (50.0 MiB; the limit is 8 MiB)", positioned=False, seconds=10
    )
    assert [m["file"] for m in errors] == ["story/big.yaml"]

    # In process, with every open watched: the loader refuses the file from its size alone, never opening it.
    # (Files are read through game.smallfile, which opens with os.open; builtins.open is watched too.)
    opened: list[str] = []
    real_open, real_os_open = builtins.open, os.open

    def watching_open(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        opened.append(os.fspath(file) if isinstance(file, (str, os.PathLike)) else repr(file))
        return real_open(file, *args, **kwargs)

    def watching_os_open(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        opened.append(os.fspath(file))
        return real_os_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", watching_open)
    monkeypatch.setattr(os, "open", watching_os_open)
    for cache in ("0", "1"):  # with the story cache (which hashes files before loading) and without it
        monkeypatch.setenv("QASAS_NO_CACHE", cache)
        opened.clear()
        story_obj, problems = check_story(str(story))
        assert story_obj is None
        assert any("too large" in p.message for p in problems)
        assert str(big) not in opened
        assert str(story / "scenes.yaml") in opened  # the watch works: the ordinary file was read
    assert big.stat().st_size > MAX_FILE_BYTES


def test_a_utf8_byte_order_mark_is_accepted_by_design(tmp_path: Path) -> None:
    # Editors on Windows add one; it carries no meaning in UTF-8, so refusing it would only annoy authors.
    story = write_story(
        tmp_path / "story",
        {"scenes.yaml": b"\xef\xbb\xbf" + SCENES.encode()},
        manifest=b"\xef\xbb\xbf" + MANIFEST.encode(),
    )
    assert load_story(str(story)).scenes["gate"].title == "At the Gate"
    run = qasas("lint", "story", cwd=tmp_path)
    assert run.returncode == 0, run.output
    assert "ok: 2 scenes" in run.stdout


def test_windows_and_old_mac_line_endings_load(tmp_path: Path) -> None:
    crlf = write_story(
        tmp_path / "crlf",
        {"scenes.yaml": SCENES.replace("\n", "\r\n")},
        manifest=MANIFEST.replace("\n", "\r\n"),
    )
    cr = write_story(
        tmp_path / "cr", {"scenes.yaml": SCENES.replace("\n", "\r")}, manifest=MANIFEST.replace("\n", "\r")
    )
    for story in (crlf, cr):
        assert load_story(str(story)).scenes["gate"].choices[0].label == "Go through"


def test_a_path_that_is_not_a_directory(tmp_path: Path) -> None:
    (tmp_path / "story.yaml").write_text(MANIFEST)
    for target, message in (("story.yaml", "is not a directory"), ("missing", "does not exist")):
        run = qasas("lint", target, cwd=tmp_path)
        assert_refused(run, message, positioned=False)


def test_sharing_by_alias_within_the_bound_still_loads(tmp_path: Path) -> None:
    # The alias bound must not take away what authors use aliases for: one effect shared by a few choices.
    scenes = (
        "chapter: one\nscenes:\n  - id: gate\n    title: T\n    text: x\n    choices:\n"
        "      - {id: a, label: A, effects: &cost {trust: {guards: -5}}, goto: through}\n"
        + "".join(f"      - {{id: c{i}, label: C{i}, effects: *cost, goto: through}}\n" for i in range(50))
        + "  - {id: through, title: Through, ending: through, text: Done.}\n"
    )
    story = load_story(str(write_story(tmp_path / "story", {"scenes.yaml": scenes})))
    assert len(story.scenes["gate"].choices) == 51


@pytest.mark.skipif(
    float(os.environ.get("QASAS_FUZZ_SCALE", "1")) < 5, reason="the long run only (QASAS_FUZZ_SCALE>=5)"
)
@pytest.mark.parametrize("shape", ["a_scene_per_line", "duplicate_keys"])
def test_the_largest_file_allowed_full_of_errors_is_checked_in_bounded_time(
    tmp_path: Path, shape: str
) -> None:
    # Just under the 8 MiB limit, every line an error: hundreds of thousands of problems, all reported, in bounded
    # time (about 8 s on a laptop; the bound here is generous for slow machines).
    if shape == "a_scene_per_line":
        line = "  - {id: s%06d, title: T, text: x, ending: nowhere}\n"
        body = "chapter: one\nscenes:\n" + "".join(
            line % i for i in range(MAX_FILE_BYTES // len(line % 0) - 1)
        )
    else:
        body = "chapter: one\nscenes:\n  - id: gate\n" + "    title: x\n" * (MAX_FILE_BYTES // 13 - 10)
    write_story(tmp_path / "story", {"scenes.yaml": body})
    assert len(body.encode()) <= MAX_FILE_BYTES
    run = qasas("lint", "story", cwd=tmp_path, timeout=120)
    errors = assert_refused(run, positioned=True, seconds=60)
    assert len(errors) > 100_000


def test_every_case_of_the_loader_corpus_exits_2_cleanly_from_the_command_line() -> None:
    # tests/loader checks the corpus's exact messages in process; here each case also goes through the real
    # command in its own process (four at a time): exit 2, only well-formed error lines, no traceback, bounded time.
    corpus = Path(__file__).parents[1] / "loader" / "corpus"
    cases = sorted(p for p in corpus.iterdir() if p.is_dir())
    with ThreadPoolExecutor(max_workers=4) as pool:
        runs = dict(zip(cases, pool.map(lambda case: qasas("lint", ".", cwd=case), cases)))
    for case, run in runs.items():
        expected = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
        errors = assert_refused(run, positioned=False, seconds=10)
        assert [m.group(0) for m in errors] == expected[:-1], case.name
