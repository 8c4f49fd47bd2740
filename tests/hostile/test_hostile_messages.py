"""Messages that never mislead, tags on keys, and slot names.

* A YAML tag on a key (``!!python/object/apply:os.system id: gate``) is refused with file:line:col, as a tag on a
  value is, in stories, effects and playthroughs: nothing runs, and nothing loads.
* One mistake gives one message about that mistake: ``default: yes`` on a bool variable does not also make every
  use of the variable an "unknown name"; ``title: !!null Hello`` is not "empty"; NFC and NFD spellings of a glossary
  term are the same term.
* Two different slot names never share a file (``my-save-bf87fb4dc7`` once overwrote "My save", and two names
  whose hashes share ten hex digits did the same), and the overwrite question names the save really replaced.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hostile_helpers import MANIFEST, SCENES, TINY, assert_refused, qasas, snapshot, write_story

from game.engine import Game
from game.loader import check_story, load_story
from game.saves import SaveStore, file_name, read_save
from game.saves.slots import full_file_name
from game.tui.app import QasasApp
from game.tui.dialogs.confirm import ConfirmDialog
from game.tui.screens.saves import SaveScreen

TAG = "!!python/object/apply:os.system"

# Where a key can be, and a tag put on it: (file, old text, new text). Each must give exactly one error, there.
TAGGED_KEYS = {
    "a scene's key": ("scenes.yaml", "    title: At the Gate", f"    {TAG} title: At the Gate"),
    "a scene's id key": ("scenes.yaml", "  - id: gate", f"  - {TAG} id: gate"),
    "the scene file's key": ("scenes.yaml", "chapter: one", f"{TAG} chapter: one"),
    "a choice's key (flow)": ("scenes.yaml", "{id: go, label: Go through,", f"{{{TAG} id: go, label: Go through,"),
    "an effect's key": ("scenes.yaml", "{id: go, label: Go through,", "{id: go, effects: {trust: {!!python/name:os.system guards: 5}}, label: Go through,"),
    "an effect kind's key": ("scenes.yaml", "{id: go, label: Go through,", f"{{id: go, effects: {{{TAG} trust: {{guards: 5}}}}, label: Go through,"),
    "the manifest's key": ("story.yaml", "endings:", f"{TAG} endings:"),
    "a faction id": ("story.yaml", "  guards: {name:", f"  {TAG} guards: {{name:"),
    "a variable's key": ("story.yaml", "  bribes: {type: int,", f"  bribes: {{{TAG} type: int,"),
    "a chapter's key": ("story.yaml", "one: {title: One,", f"one: {{{TAG} title: One,"),
    "a custom tag": ("scenes.yaml", "    title: At the Gate", "    !custom title: At the Gate"),
    "a local tag on a value's key in a flow map": ("story.yaml", "through: {title: Through}", "through: {!x title: Through}"),
}


@pytest.mark.parametrize("case", list(TAGGED_KEYS))
def test_a_tag_on_a_key_is_refused_where_it_is_with_one_message(tmp_path: Path, case: str) -> None:
    file, old, new = TAGGED_KEYS[case]
    texts = {"story.yaml": MANIFEST, "scenes.yaml": SCENES}
    assert old in texts[file], old
    texts[file] = texts[file].replace(old, new, 1)
    story = write_story(tmp_path / "story", {"scenes.yaml": texts["scenes.yaml"]}, texts["story.yaml"])
    before = snapshot(story)
    errors = assert_refused(qasas("lint", str(story), cwd=tmp_path), "YAML tag", "is not allowed in a story")
    assert len(errors) == 1, [m.group(0) for m in errors]
    assert errors[0]["file"].endswith(file)
    line = texts[file].splitlines().index(next(ln for ln in texts[file].splitlines() if new in ln)) + 1
    assert int(errors[0]["line"]) == line
    assert snapshot(story) == before


@pytest.mark.parametrize(
    "text",
    [
        f"seed: 1\n{TAG} choices: [gate.go]\n",
        f"seed: 1\nchoices: [gate.go]\nexpect: {{{TAG} ending: through}}\n",
        "seed: 1\nchoices:\n  - {!!python/name:os.system expect: {scene: gate}}\n  - gate.go\n",
        f"seed: 1\nchoices: [gate.go]\nexpect: {{trust: {{{TAG} guards: 50}}}}\n",
        f"{TAG} seed: 1\nchoices: [gate.go]\n",
    ],
)
def test_a_tag_on_a_key_in_a_playthrough_is_refused_with_its_position(tmp_path: Path, text: str) -> None:
    story = write_story(tmp_path / "story", {"scenes.yaml": SCENES})
    (tmp_path / "p.yaml").write_text(f"scenes: story\n{text}")
    result = qasas("replay", "p.yaml", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.output, result.output
    assert "is not allowed in a playthrough" in result.output and "p.yaml:" in result.output
    assert story.exists()


# --------------------------------------------------------------------------------- one mistake, one message

ONE_MISTAKE = {
    "default: yes on a bool": (
        ("story.yaml", "has_pass: {type: bool, default: false}", "has_pass: {type: bool, default: yes}"),
        "write true or false",
    ),
    "default: 1 on a bool": (
        ("story.yaml", "has_pass: {type: bool, default: false}", "has_pass: {type: bool, default: 1}"),
        "must be true or false",
    ),
    "default: ten on an int": (
        ("story.yaml", "bribes: {type: int, default: 0}", "bribes: {type: int, default: ten}"),
        "must be a whole number",
    ),
    "a default outside the range": (
        ("story.yaml", "bribes: {type: int, default: 0}", "bribes: {type: int, default: 50, range: [0, 10]}"),
        "outside the range",
    ),
    "a range on a bool": (
        ("story.yaml", "has_pass: {type: bool, default: false}", "has_pass: {type: bool, default: false, range: [0, 1]}"),
        "only int variables have a range",
    ),
    "an empty range": (
        ("story.yaml", "bribes: {type: int, default: 0}", "bribes: {type: int, default: 0, range: [5, 5]}"),
        "is empty",
    ),
    "type: boolean": (
        ("story.yaml", "has_pass: {type: bool, default: false}", "has_pass: {type: boolean, default: false}"),
        "did you mean 'bool'",
    ),
    "initial trust: yes": (
        ("story.yaml", "guards: {name: The guards,", "guards: {initial: yes, name: The guards,"),
        "must be a whole number",
    ),
    "initial trust outside its range": (
        ("story.yaml", "guards: {name: The guards,", "guards: {initial: 500, name: The guards,"),
        "outside the range",
    ),
    "a faction without a name": (("story.yaml", "guards: {name: The guards, ", "guards: {"), "missing required key 'name'"),
    "title: !!null Hello": (("scenes.yaml", "title: At the Gate", "title: !!null Hello"), "!!null"),
}

# Uses of every name above, so that a faction or variable left undeclared would show as more errors.
USES = SCENES.replace(
    "      - {id: go, label: Go through, goto: through}",
    "      - {id: go, label: Go through, if: 'not has_pass and bribes < 3 and guards > 1', "
    "effects: {trust: {guards: 1}, set: {has_pass: true}, add: {bribes: 1}}, goto: through}",
)


@pytest.mark.parametrize("case", list(ONE_MISTAKE))
def test_one_mistake_gives_one_message(tmp_path: Path, case: str) -> None:
    (file, old, new), needle = ONE_MISTAKE[case]
    texts = {"story.yaml": MANIFEST, "scenes.yaml": USES}
    assert old in texts[file], old
    texts[file] = texts[file].replace(old, new, 1)
    story = write_story(tmp_path / "story", {"scenes.yaml": texts["scenes.yaml"]}, texts["story.yaml"])
    errors = assert_refused(qasas("lint", str(story), cwd=tmp_path), needle)
    assert len(errors) == 1, [m.group(0) for m in errors]
    assert "empty" not in errors[0]["message"] or case != "title: !!null Hello"


def test_nfc_and_nfd_spellings_of_a_glossary_term_are_one_term(tmp_path: Path) -> None:
    nfc, nfd = unicodedata.normalize("NFC", "Kobanî"), unicodedata.normalize("NFD", "Kobanî")
    assert nfc != nfd
    glossary = f"glossary:\n  {nfc}: {{kind: historical, text: A town.}}\n  {nfd}: {{kind: historical, text: Again.}}\n"
    story = write_story(tmp_path / "story", {"scenes.yaml": SCENES}, MANIFEST + glossary)
    errors = assert_refused(qasas("lint", str(story), cwd=tmp_path), "duplicate glossary term")
    assert len(errors) == 1 and "accents encoded differently" in errors[0]["message"]


def test_a_glossary_term_written_in_another_normal_form_than_the_text_is_found(tmp_path: Path) -> None:
    nfc, nfd = unicodedata.normalize("NFC", "Kobanî"), unicodedata.normalize("NFD", "Kobanî")
    glossary = f"glossary:\n  {nfd}: {{kind: historical, text: A town.}}\n"
    scenes = SCENES.replace("The guard looks at you.", f"The road to {nfc} is long.")
    story = write_story(tmp_path / "story", {"scenes.yaml": scenes}, MANIFEST + glossary)
    result = qasas("lint", str(story), cwd=tmp_path)
    assert result.returncode == 0 and "appears nowhere" not in result.output, result.output
    assert nfc in load_story(str(story)).glossary


def test_an_unreadable_chapter_file_claims_nothing_about_scenes_it_might_hold(tmp_path: Path) -> None:
    story = write_story(tmp_path / "story", {"a.yaml": SCENES, "b.yaml": b"\xff\xfe not utf-8"})
    (story / "a.yaml").write_text(
        SCENES.replace("goto: through}", "goto: elsewhere, if: 'visited(elsewhere) or chose(elsewhere.go)'}")
    )
    _, problems = check_story(str(story))
    assert [p.file.endswith("b.yaml") for p in problems if p.severity == "error"] == [True], problems


# ------------------------------------------------------------------------------------------------- slot names

# Found by trying names until two SHA-256 digests shared their first ten hex digits: both slug to 'save'.
COLLIDING = ("نهر هذذذ", "نهر شنجاث")


def test_names_whose_short_hashes_collide_never_share_a_file(tmp_path: Path) -> None:
    a, b = COLLIDING
    assert file_name(a) == file_name(b)  # the ten-digit names do collide
    story = load_story(str(TINY))
    store = SaveStore(tmp_path / "saves")
    game_a, game_b = Game(story, 1), Game(story, 2)
    game_b.choose("bribe")
    info_a = store.save(a, game_a, 1)
    before = snapshot(tmp_path / "saves")
    assert not store.exists(b)
    info_b = store.save(b, game_b, 2)
    assert info_a.path != info_b.path and info_b.path.name == full_file_name(b)
    assert snapshot(tmp_path / "saves")[info_a.path.name] == before[info_a.path.name]  # untouched
    assert store.load(a, story).game.state == game_a.state
    assert store.load(b, story).game.state == game_b.state
    store.save(b, game_a, 3)  # saving again goes to b's file, not a's
    assert read_save(info_b.path).seed == 1 and read_save(info_a.path).name == a
    store.delete(b)
    assert store.exists(a) and not store.exists(b)


@pytest.mark.parametrize("typed", ["my-save-bf87fb4dc7", "my_save", "mysave", "My-Save", "my save-bf87fb4dc7"])
def test_a_name_that_looks_like_another_names_file_never_takes_it(tmp_path: Path, typed: str) -> None:
    story = load_story(str(TINY))
    store = SaveStore(tmp_path / "saves")
    mine = store.save("My save", Game(story, 1), 1)
    assert mine.path.name == "my-save-bf87fb4dc7.json"
    theirs = store.save(typed, Game(story, 2), 1)
    assert theirs.path != mine.path
    assert read_save(mine.path).name == "My save" and store.load("My save", story).game.state.seed == 1
    assert store.load(typed, story).game.state.seed == 2


async def test_the_overwrite_question_names_the_save_really_replaced(tmp_path: Path) -> None:
    story = load_story(str(TINY))
    saves = tmp_path / "saves"
    store = SaveStore(saves)
    game = Game(story, 1)
    game.choose("ask_pass")
    store.save("My Save", game, 61)
    (saves / "broken.json").write_text("{damaged")
    app = QasasApp(story, story_dir=str(TINY), saves_dir=saves, seed=1, theme="textual-dark", clock=lambda: 0.0)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        for typed, wanted in (("my   SAVE", "\u201cMy Save\u201d"), ("broken", "cannot be read")):
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, SaveScreen)
            field = app.screen.query_one("#save-name")
            field.value = typed  # type: ignore[attr-defined]
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmDialog), typed
            question = " ".join(str(w.render()) for w in app.screen.query("Static"))
            assert wanted in question, question
            await pilot.press("escape")
            await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
    (kept,) = saves.glob("my-save-*.json")  # nothing was overwritten by either question
    assert read_save(kept).name == "My Save" and (saves / "broken.json").read_text() == "{damaged"
