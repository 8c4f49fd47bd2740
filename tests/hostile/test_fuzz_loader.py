"""Fuzzing the story loader: whatever bytes are in a story's files, ``check_story`` returns problems (and
``load_story`` raises StoryError) — never any other exception, never a hang — and a story that does load can be
played and linted.

Inputs: arbitrary text and bytes, YAML token soup (indicators, anchors, aliases, tags, the story's own keys), and
byte-level mutations (flips, deletions, duplications, truncations, insertions of hostile bytes) of the tiny
fixture's files and of the shipped story's files. Run longer with QASAS_FUZZ_SCALE=20.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from hostile_helpers import MANIFEST, SCENES, SHIPPED, TINY, examples, mutate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.engine import Game, Story
from game.loader import Problem, StoryError, check_story, load_story, yamlsafe
from game.tools.lint import lint

PROBLEM_LINE = re.compile(r"^.+?(?::\d+:\d+)?: (?:error|warning): .+$", re.DOTALL)
BOUND_SECONDS = 5.0

FUZZ = settings(
    deadline=None,  # timing is asserted per example with a generous bound instead (CI machines vary)
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    database=None,  # keep no example database in the working tree
)


def fuzz(n: int) -> settings:
    """The fuzz settings with ``n`` examples (scaled by QASAS_FUZZ_SCALE)."""
    return settings(FUZZ, max_examples=examples(n))


# ---------------------------------------------------------------------------------------- the harness


class Workspace:
    """One story directory reused across examples: files are rewritten in place, never re-created per example."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="qasas-fuzz-"))

    def story(self, files: dict[str, bytes]) -> Path:
        story = self.root / "story"
        if story.exists():
            shutil.rmtree(story)
        story.mkdir()
        for name, data in files.items():
            path = story / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        return story


@pytest.fixture(scope="module")
def workspace() -> Iterator[Workspace]:
    ws = Workspace()
    yield ws
    shutil.rmtree(ws.root, ignore_errors=True)


def load_and_judge(story_dir: Path) -> tuple[Story | None, list[Problem]]:
    """Load ``story_dir`` every way an author or player can, asserting only the project's own outcomes."""
    start = time.monotonic()
    story, problems = check_story(str(story_dir))  # must not raise, whatever the bytes
    for p in problems:
        assert isinstance(p, Problem)
        assert p.severity in ("error", "warning")
        assert p.line >= 0 and p.column >= 0
        assert PROBLEM_LINE.match(str(p)), str(p)
    errors = [p for p in problems if p.severity == "error"]
    assert (story is None) == bool(errors), (story, errors)
    try:
        loaded = load_story(str(story_dir))
    except StoryError as exc:
        assert story is None
        assert exc.report().splitlines()[-1].endswith(("error", "errors"))
    else:
        assert story is not None and loaded.scenes.keys() == story.scenes.keys()
        play_a_little(loaded)
        lint(str(story_dir))  # the author tools must cope with every story the loader accepts
    assert time.monotonic() - start < BOUND_SECONDS, "loading took too long"
    return story, problems


def play_a_little(story: Story) -> None:
    """Play the first available choice up to 30 times, reading text and choices as the UI would."""
    game = Game(story, seed=5)
    for _ in range(30):
        game.text()
        views = game.choices()
        if game.ending is not None:
            break
        enabled = [v for v in views if v.enabled]
        if not enabled:
            break
        game.choose(enabled[0].id)


# --------------------------------------------------------------------------------------- strategies

# Pieces of YAML and of the story format: random text almost never reaches the interesting parser states.
YAML_TOKENS = [
    "\n",
    "\n  ",
    "\n    ",
    "\n      ",
    " ",
    "  ",
    "- ",
    "? ",
    ": ",
    ":",
    ",",
    "[",
    "]",
    "{",
    "}",
    "&a ",
    "*a",
    "&b ",
    "*b",
    "!!str ",
    "!!int ",
    "!!python/object/apply:os.system ",
    "!x ",
    "'",
    '"',
    "''",
    '\\"',
    "\\",
    "|",
    "|-\n  ",
    ">",
    "#",
    "# c\n",
    "---\n",
    "...\n",
    "%YAML 1.1\n",
    "~",
    "null",
    "true",
    "yes",
    "010",
    "0x1F",
    "1e3",
    "-1",
    "99999999999999999999",
    "id",
    "title",
    "text",
    "choices",
    "goto",
    "label",
    "if",
    "requires",
    "reason",
    "effects",
    "trust",
    "fair",
    "set",
    "add",
    "ending",
    "chapter",
    "scenes",
    "on_enter",
    "to",
    "chance",
    "gate",
    "through",
    "one",
    "guards",
    "has_pass",
    "bribes",
    "guards > 1",
    "not has_pass",
    "visited(gate)",
    "chose(gate.go)",
    "{guards}",
    "{{",
    "}}",
    "\t",
    "\r\n",
    "\x00",
    "\x1b[2J",
    "\u202e",
    "\ufeff",
    "\x85",
    "\u2028",
    "é",
    "🙂",
    "[@click=app.quit]",
    "[/]",
]
soup = st.lists(st.sampled_from(YAML_TOKENS), max_size=120).map("".join)

HOSTILE_BYTES = [
    b"\x00",
    b"\xff",
    b"\xfe\xff",
    b"\xef\xbb\xbf",
    b"\xed\xa0\x80",
    b"\xc3",
    b"\x1b[2J",
    b"\t",
    b"\r",
    b"&a ",
    b"*a",
    b"[",
    b"{",
    b"]",
    b"}",
    b"- ",
    b": ",
    b"'",
    b'"',
    b"|",
    b">",
    b"!!python/name:os.system ",
    b"\n---\n",
    b"<<: ",
    b"#",
    b"{guards}",
    b"\xe2\x80\xae",
    b"\xc2\x85",
    b"99999999999",
]
mutation = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, 1 << 20), st.integers(0, 7), st.just(b"")),
    st.tuples(st.just("delete"), st.integers(0, 1 << 20), st.integers(1, 80), st.just(b"")),
    st.tuples(st.just("duplicate"), st.integers(0, 1 << 20), st.integers(1, 200), st.just(b"")),
    st.tuples(st.just("truncate"), st.integers(0, 1 << 20), st.just(0), st.just(b"")),
    st.tuples(st.just("insert"), st.integers(0, 1 << 20), st.just(0), st.sampled_from(HOSTILE_BYTES)),
    st.tuples(st.just("replace"), st.integers(0, 1 << 20), st.just(0), st.sampled_from(HOSTILE_BYTES)),
)
mutations = st.lists(mutation, min_size=1, max_size=6)


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.yaml"))}


TINY_FILES = _files(TINY)
SHIPPED_MANIFEST = (
    (SHIPPED / "story.yaml").read_bytes() if (SHIPPED / "story.yaml").is_file() else MANIFEST.encode()
)
SHIPPED_SCENE_FILES = {k: v for k, v in _files(SHIPPED).items() if k != "story.yaml"} or {
    "scenes.yaml": SCENES.encode()
}

# ------------------------------------------------------------------------------------------- the tests


@fuzz(150)
@given(text=st.text(max_size=400))
def test_arbitrary_text_as_a_scene_file(workspace: Workspace, text: str) -> None:
    load_and_judge(
        workspace.story(
            {"story.yaml": MANIFEST.encode(), "scenes.yaml": text.encode("utf-8", "surrogatepass")}
        )
    )


@fuzz(100)
@given(data=st.binary(max_size=400))
def test_arbitrary_bytes_as_the_manifest(workspace: Workspace, data: bytes) -> None:
    load_and_judge(workspace.story({"story.yaml": data, "scenes.yaml": SCENES.encode()}))


@fuzz(300)
@given(text=soup)
def test_yaml_token_soup_as_a_scene_file(workspace: Workspace, text: str) -> None:
    load_and_judge(
        workspace.story(
            {"story.yaml": MANIFEST.encode(), "scenes.yaml": text.encode("utf-8", "surrogatepass")}
        )
    )


@fuzz(100)
@given(text=soup)
def test_yaml_token_soup_after_a_valid_manifest(workspace: Workspace, text: str) -> None:
    load_and_judge(
        workspace.story(
            {"story.yaml": (MANIFEST + text).encode("utf-8", "surrogatepass"), "scenes.yaml": SCENES.encode()}
        )
    )


@fuzz(300)
@given(which=st.sampled_from(sorted(TINY_FILES)), changes=mutations)
def test_mutated_tiny_story(
    workspace: Workspace, which: str, changes: list[tuple[str, int, int, bytes]]
) -> None:
    files = dict(TINY_FILES)
    files[which] = mutate(files[which], changes)
    load_and_judge(workspace.story(files))


@fuzz(60)
@given(
    which=st.sampled_from(sorted(SHIPPED_SCENE_FILES)),
    changes=mutations,
    manifest_changes=st.lists(mutation, max_size=2),
)
def test_mutated_shipped_story_file(
    workspace: Workspace,
    which: str,
    changes: list[tuple[str, int, int, bytes]],
    manifest_changes: list[tuple[str, int, int, bytes]],
) -> None:
    # One shipped scene file with the shipped manifest: the real story's shapes, at a fraction of a full load.
    files = {
        "story.yaml": mutate(SHIPPED_MANIFEST, manifest_changes),
        which: mutate(SHIPPED_SCENE_FILES[which], changes),
    }
    load_and_judge(workspace.story(files))


@pytest.mark.parametrize("loader", ["libyaml", "pure-python"])
@pytest.mark.parametrize(
    "payload",
    [
        "[" * 20000 + "]" * 20000,
        "- " * 20000 + "x",
        "a: &a [*a]\n",
        "a: b\x1bc\n",
        "a: &x [1, *x, *x]\nb: [*x, *x]\n",
    ],
    ids=["deep-flow", "deep-block", "recursive-alias", "control-char", "small-alias-loop"],
)
def test_the_pure_python_fallback_is_as_safe(
    payload: str, loader: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Where PyYAML was built without libyaml the loader falls back to the pure-Python parser: same guards, same
    # kind of answer (a problem with a position), no RecursionError escaping.
    if loader == "pure-python":
        monkeypatch.setattr(yamlsafe, "_Loader", yaml.SafeLoader)
    node, problems = yamlsafe.compose(payload, "f.yaml")
    assert node is None
    (p,) = problems
    assert p.file == "f.yaml" and p.line >= 1 and p.column >= 1, p


def test_mutation_helper_does_what_it_says() -> None:
    assert mutate(b"abcdef", [("truncate", 3, 0, b"")]) == b"abc"
    assert mutate(b"abcdef", [("delete", 1, 2, b"")]) == b"adef"
    assert mutate(b"abc", [("insert", 1, 0, b"XY")]) == b"aXYbc"
    assert mutate(b"a", [("flip", 0, 0, b"")]) == b"`"
    assert len(mutate(b"abcdef", [("duplicate", 0, 3, b"")])) == 9
    assert os.path.isdir(TINY)
