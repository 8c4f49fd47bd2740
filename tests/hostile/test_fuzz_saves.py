"""Fuzzing saves: the save reader and the playthrough reader raise only their own errors whatever the bytes;
save -> load gives back exactly the game that was saved, for any playthrough, any save name (U+0085, bidi controls,
emoji, markup-looking brackets) and any story text; and a state machine of choose / undo / save / load / reload
never finds a load that differs from what was saved. Run longer with QASAS_FUZZ_SCALE=20.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from hostile_helpers import TINY, examples, mutate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, precondition, rule

from game.engine import Game, State, Story
from game.loader import load_story
from game.saves import Playthrough, PlaythroughError, SaveError, SaveStore, read_save
from game.saves.slots import SlotNameError, display_name, slot_key

FUZZ = settings(
    deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
STORY = load_story(str(TINY))

# Characters that have broken save formats and terminals before: NEXT LINE (PyYAML's round-trip bug), the line
# and paragraph separators, bidi overrides and isolates, a BOM, non-characters, emoji with joiners, markup.
NASTY = [
    "\x85",
    "\u2028",
    "\u2029",
    "\u202e",
    "\u2066",
    "\u200f",
    "\ufeff",
    "\uffff",
    "🙂",
    "👩\u200d👩\u200d👧",
    "[@click=app.quit]",
    "[/]",
    "[bold]",
    "\x1b[2J",
    "\x1b]0;t\x07",
    "\t",
    "\r\n",
    "\\",
    '"',
    "'",
    "{",
    "}",
    "#",
    "&a",
    "*a",
    "- ",
    ": ",
    "قبل",
    "é",
    "e\u0301",
    "\x00",
    "\x7f",
]
nasty_text = st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=5)), max_size=8).map("".join)
names = nasty_text.filter(lambda s: bool(s.strip()))


def valid_save_bytes() -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        game = Game(STORY, 7)
        for choice in ("ask_pass", "bribe", "road", "walk"):
            game.choose(choice)
        return SaveStore(tmp).save("slot", game, 10).path.read_bytes()


VALID = valid_save_bytes()
mutation = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, 1 << 16), st.integers(0, 7), st.just(b"")),
    st.tuples(st.just("delete"), st.integers(0, 1 << 16), st.integers(1, 40), st.just(b"")),
    st.tuples(st.just("duplicate"), st.integers(0, 1 << 16), st.integers(1, 80), st.just(b"")),
    st.tuples(st.just("truncate"), st.integers(0, 1 << 16), st.just(0), st.just(b"")),
    st.tuples(
        st.just("insert"),
        st.integers(0, 1 << 16),
        st.just(0),
        st.sampled_from(
            [b"[", b"{", b"}", b'"', b"\\", b"\x00", b"\xff", b"NaN", b"1e999", b"-", b"99999999999999999999"]
        ),
    ),
)


def _read_only_project_errors(path: Path) -> None:
    before = path.read_bytes()
    try:
        result = SaveStore(path.parent).load_path(path, STORY)
    except SaveError as exc:
        assert "\n" not in str(exc) and path.name in str(exc)
    else:
        assert result.game.state.scene in STORY.scenes
    try:
        Playthrough.from_file(path)
    except PlaythroughError:
        pass
    assert path.read_bytes() == before


@settings(FUZZ, max_examples=examples(300))
@given(changes=st.lists(mutation, min_size=1, max_size=5))
def test_mutated_saves_raise_only_save_errors(changes: list[tuple[str, int, int, bytes]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "m.json"
        path.write_bytes(mutate(VALID, changes))
        _read_only_project_errors(path)


@settings(FUZZ, max_examples=examples(150))
@given(
    data=st.one_of(
        st.binary(max_size=300), st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass"))
    )
)
def test_arbitrary_bytes_raise_only_save_errors(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.json"
        path.write_bytes(data)
        _read_only_project_errors(path)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | nasty_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(nasty_text, inner, max_size=4),
    max_leaves=12,
)


@settings(FUZZ, max_examples=examples(200))
@given(
    path=st.lists(
        st.sampled_from(
            [
                "story",
                "state",
                "meta",
                "trust",
                "variables",
                "choices",
                "seed",
                "version",
                "id",
                "scene",
                "name",
                "visited",
                "chosen",
                "created",
                "play_seconds",
            ]
        ),
        min_size=1,
        max_size=3,
    ),
    value=json_values,
)
def test_any_field_set_to_any_json_value(path: list[str], value: object) -> None:
    # Structure-aware: replace (or add) one field anywhere with any JSON value.
    doc = json.loads(VALID)
    target = doc
    for key in path[:-1]:
        nxt = target.get(key) if isinstance(target, dict) else None
        if not isinstance(nxt, dict):
            break
        target = nxt
    if isinstance(target, dict):
        target[path[-1]] = value
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / "f.json"
        file.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8", errors="surrogatepass")
        _read_only_project_errors(file)


# ------------------------------------------------------------------------------- save -> load identity


def _yaml_quoted(text: str) -> str:
    """A YAML double-quoted scalar holding exactly ``text`` (every non-ASCII or special character escaped)."""
    out = []
    for ch in text:
        if " " <= ch <= "~" and ch not in '"\\':
            out.append(ch)
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return '"' + "".join(out) + '"'


story_text = (
    st.lists(
        st.one_of(st.sampled_from(NASTY), st.text(st.characters(blacklist_categories=("Cs",)), max_size=6)),
        max_size=6,
    )
    .map("".join)
    .filter(lambda s: "{" not in s and "}" not in s and s.strip())  # (blank text a player reads is an error)
)


def nasty_story(root: Path, title: str, scene_title: str, label: str, text: str, chapter: str) -> Story:
    root.mkdir(parents=True, exist_ok=True)
    (root / "story.yaml").write_text(
        f"story: {{id: nasty, title: {_yaml_quoted(title or 'T')}, start: a}}\n"
        f"chapters: {{one: {{title: {_yaml_quoted(chapter or 'C')}, order: 1}}}}\n"
        "factions: {f: {name: F, description: D}}\n"
        "endings: {done: {title: Done}}\n",
        encoding="utf-8",
    )
    (root / "scenes.yaml").write_text(
        "chapter: one\nscenes:\n"
        f"  - id: a\n    title: {_yaml_quoted(scene_title or 'A')}\n    text: {_yaml_quoted(text or 'x')}\n"
        f"    choices:\n      - {{id: stay, label: {_yaml_quoted(label or 'L')}, effects: {{trust: {{f: 1}}}}, goto: a}}\n"
        "      - {id: go, label: Go, goto: b}\n"
        f"  - {{id: b, title: {_yaml_quoted(scene_title or 'B')}, ending: done, text: {_yaml_quoted(text or 'y')}}}\n",
        encoding="utf-8",
    )
    return load_story(str(root))


@settings(FUZZ, max_examples=examples(100))
@given(
    title=story_text,
    scene_title=story_text,
    label=story_text,
    text=story_text,
    chapter=story_text,
    name=names,
    stays=st.integers(0, 30),
    seed=st.integers(-(2**63), 2**64 - 1),
    end=st.booleans(),
)
def test_save_load_identity_with_nasty_names_and_story_text(
    title: str,
    scene_title: str,
    label: str,
    text: str,
    chapter: str,
    name: str,
    stays: int,
    seed: int,
    end: bool,
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        story = nasty_story(Path(tmp) / "story", title, scene_title, label, text, chapter)
        assert story.scenes["a"].title == (scene_title or "A")  # the story text itself arrives exactly
        game = Game(story, seed)
        for _ in range(stays):
            game.choose("stay")
        if end:
            game.choose("go")
        store = SaveStore(Path(tmp) / "saves")
        try:
            shown = display_name(name)
        except SlotNameError:
            try:
                store.save(name, game)
            except SaveError:
                return
            raise AssertionError(f"{name!r} was accepted as a save name")
        info = store.save(name, game, 12.5)
        assert info.slot == shown
        assert info.scene_title == game.scene.title and info.chapter == (chapter or "C")
        assert info.path.parent == store.directory
        loaded = store.load(name, story)
        assert loaded.exact and loaded.game.state == game.state
        assert store.list() == [info]
        assert read_save(info.path).story_title == story.title


# ----------------------------------------------------------------------------------- state machine


class SaveLoadMachine(RuleBasedStateMachine):
    """Choose, undo, save, load and reload in any order: a load always gives back the state that was saved, and
    the state is always what its own choice log replays to."""

    saved = Bundle("saved")

    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="qasas-sm-"))
        self.story_dir = self.tmp / "story"
        shutil.copytree(TINY, self.story_dir)
        self.story = load_story(str(self.story_dir))
        self.store = SaveStore(self.tmp / "saves")
        self.game = Game(self.story, 11)
        self.history: list[State] = []
        self.expected: dict[str, State] = {}  # slot key -> state saved there

    @initialize(seed=st.integers(-(2**63), 2**64 - 1))
    def start(self, seed: int) -> None:
        self.game = Game(self.story, seed)

    @rule(pick=st.integers(0, 5))
    def choose(self, pick: int) -> None:
        views = [v for v in self.game.choices() if v.enabled]
        if not views:
            return
        self.history.append(self.game.snapshot())
        self.game.choose(views[pick % len(views)].id)

    @precondition(lambda self: bool(self.history))
    @rule()
    def undo(self) -> None:
        self.game = Game(self.story, state=self.history.pop())

    @rule(target=saved, name=names)
    def save(self, name: str) -> str:
        try:
            key = slot_key(name)
        except SlotNameError:
            try:
                self.store.save(name, self.game)
            except SaveError:
                return name
            raise AssertionError(f"{name!r} was accepted as a save name")
        self.store.save(name, self.game, 1.0)
        self.expected[key] = self.game.snapshot()
        return name

    @rule(name=saved)
    def load(self, name: str) -> None:
        try:
            key = slot_key(name)
        except SlotNameError:
            return
        result = self.store.load(name, self.story)
        assert result.exact and result.notes == []
        assert result.game.state == self.expected[key]
        self.game = result.game
        self.history.clear()

    @rule()
    def reload(self) -> None:
        # The story read again from disk: a new Story object, the same fingerprint; play goes on unchanged.
        story = load_story(str(self.story_dir))
        assert story.fingerprint == self.story.fingerprint
        self.story = story
        self.game = Game(story, state=self.game.state.copy())
        self.history = [s.copy() for s in self.history]

    @invariant()
    def state_is_what_its_log_replays_to(self) -> None:
        st_ = self.game.state
        assert Game.replay(self.story, st_.seed, st_.log).state == st_

    @invariant()
    def nothing_but_saves_in_the_folder(self) -> None:
        if self.store.directory.exists():
            files = [p.name for p in self.store.directory.iterdir()]
            assert all(n.endswith((".json", ".json.bak")) and not n.startswith(".") for n in files), files
            assert len({i.slot for i in self.store.list()}) == len(self.expected)

    def teardown(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)


SaveLoadMachine.TestCase.settings = settings(
    FUZZ,
    max_examples=examples(60),
    stateful_step_count=30,
)
TestSaveLoadMachine = SaveLoadMachine.TestCase
