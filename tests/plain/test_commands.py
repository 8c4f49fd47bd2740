"""Every command of plain play, played in-process on the tiny and rich stories, asserting what the player reads."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from plain_helpers import NOISE, TINY, after, play_in_process

from game.engine import Story
from game.loader import load_story
from game.plain import PlainPlayer
from game.saves import SaveStore


def test_a_first_game_starts_at_once_with_the_story_and_how_to_play(tiny: Story, saves: Path) -> None:
    out = play_in_process(tiny, [], saves)
    assert out.startswith("A Tiny Story.\nType a choice's number or its first words, then press Enter. Type help")
    assert "Chapter 1: The Gate. At the Gate.\nA gate in a wall, a year the records leave blank.\n" in out
    assert "1. Show the pass. Unavailable: You have no pass to show.\n2. Ask the clerk for a pass\n" in out
    assert out.endswith("Your choice: \nInput ended; leaving the game.\nGoodbye.\n")


def test_the_story_s_own_notice_is_in_the_header_and_no_other(rich: Story, tiny: Story, saves: Path) -> None:
    assert "Content note: A made-up town, for testing. Nothing here happened.\n" in play_in_process(rich, [], saves)
    assert "Content note" not in play_in_process(tiny, [], saves / "other")
    assert "historical source" not in play_in_process(tiny, [], saves / "third")


def test_a_choice_shows_its_result_then_the_trust_it_moved_then_the_next_scene(rich: Story, saves: Path) -> None:
    out = after(play_in_process(rich, ["ask"], saves), "ask")
    assert out.startswith(
        "\nYou chose: Ask the baker's name.\n\nShe tells you.\n\nTrust: The town up 5 to 55.\n\nThe Square Again.\n"
    )
    assert "Chapter" not in out  # the same chapter is not announced again


def test_emphasis_is_the_text_as_it_is(rich: Story, saves: Path) -> None:
    out = play_in_process(rich, [], saves)
    assert "The mukhtar counts forty men" in out
    assert "{em" not in out.split("Chapter 1", 1)[1]


ROOM = {
    "story.yaml": """\
story: {id: room, title: The Room, start: hall}
chapters: {one: {title: One, order: 1}}
factions:
  groups: {name: The other groups, names: {room: The operations room}, description: The armed groups beside yours.}
endings: {signed: {title: Signed}}
""",
    "scenes.yaml": """\
chapter: one
scenes:
  - id: hall
    title: The Hall
    text: The groups wait for you to speak.
    choices:
      - id: found
        label: Found the operations room
        effects: {rename: {groups: room}, trust: {groups: 10}}
        result: "The groups sign. From now on they are {em: one room}."
        goto: signed
  - {id: signed, title: Signed, ending: signed, text: The ink dries.}
""",
}


def write_story(root: Path, files: dict[str, str]) -> Story:
    root.mkdir(parents=True)
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return load_story(str(root))


def test_a_renamed_faction_is_said_and_then_called_by_its_new_name(saves: Path, tmp_path: Path) -> None:
    story = write_story(tmp_path / "room", ROOM)
    out = play_in_process(story, ["found", "trust", "journal"], saves)
    assert after(out, "found").startswith(
        "\nYou chose: Found the operations room.\n\nThe groups sign. From now on they are one room.\n\n"
        "Trust: The operations room up 10 to 60. The other groups are now called The operations room.\n"
    )
    assert "Final trust:\nThe operations room: 60, up 10 from the start.\n" in after(out, "found")
    assert "The operations room: 60, up 10 at your last choice. The armed groups beside yours." in after(out, "trust")
    assert "1. The Hall. Found the operations room. Trust: The operations room up 10 to 60. The other groups are" in (
        after(out, "journal")
    )


CROSSING = {
    "story.yaml": "story: {id: crossing, title: The Crossing, start: bank}\nchapters: {one: {title: One, order: 1}}\n"
    "factions: {men: {name: Your men, description: Who follow you.}}\nendings: {over: {title: Over}}\n",
    "scenes.yaml": """\
chapter: one
scenes:
  - id: bank
    title: The Bank
    text: The river is high.
    choices:
      - {id: back, label: Back away from the water, goto: over}
      - {id: wade, label: Wade across, goto: over}
      - {id: wait, label: Wait for the ferry, goto: over}
      - {id: save, label: Save the boy in the reeds, goto: over}
  - {id: over, title: Over, ending: over, text: It is done.}
""",
}


def test_a_command_word_that_begins_a_choice_is_asked_about_and_prefixes_name_every_match(
    saves: Path, tmp_path: Path
) -> None:
    story = write_story(tmp_path / "crossing", CROSSING)
    out = play_in_process(story, ["back", "w", "wa", "save", "save the boy", "undo"], saves)
    assert after(out, "back") == (
        "\u201cback\u201d is the command undo, and also the first word of choice 1, Back away from the water. "
        "To take the choice, type 1; for the command, type undo.\n"
    )
    assert after(out, "w") == (
        "\u201cw\u201d could be 2, Wade across or 3, Wait for the ferry. Type the number, or more of the words.\n"
    )
    assert after(out, "wa") == after(out, "w").replace("\u201cw\u201d", "\u201cwa\u201d")
    assert after(out, "save").endswith("To take the choice, type 4; for the command, type s.\n")
    assert after(out, "save the boy").startswith("\nYou chose: Save the boy in the reeds.")


def test_trust_lists_every_faction_with_who_they_are_and_the_last_change(tiny: Story, saves: Path) -> None:
    out = after(play_in_process(tiny, ["2", "trust"], saves), "trust")
    assert out == (
        "Trust runs from 0 to 100.\n"
        "The guards: 55, up 5 at your last choice. The men at the gate, who decide who passes.\n"
        "The villagers: 90. The people of the village beyond the gate.\n"
    )


def test_the_journal_holds_choices_results_and_trust_over_time(rich: Story, saves: Path) -> None:
    out = play_in_process(rich, ["1", "1", "journal", "journal 1", "journal many"], saves)
    assert after(out, "journal") == (
        "Journal: 2 choices.\n"
        "1. The Square. Ask the baker's name. Trust: The town up 5 to 55.\n"
        "She tells you.\n"
        "2. The Square Again. Wait a while. Trust: The town up 4 to 59.\n"
        "You wait.\n"
        "Now: The Square Again.\n\n"
        "Trust over time:\n"
        "The town: 50 at the start, 55 after choice 1, 59 after choice 2.\n"
        "The other groups: 40 at the start, unchanged since.\n"
    )
    assert after(out, "journal 1").startswith("Journal: the last 1 choice of 2.\n2. The Square Again. Wait a while.")
    assert after(out, "journal many") == (
        "Type journal to read it all, or journal and a number, like journal 5, for the last few.\n"
    )


def test_the_journal_before_any_choice(tiny: Story, saves: Path) -> None:
    assert after(play_in_process(tiny, ["j"], saves), "j") == "Journal: no choices taken yet.\nNow: At the Gate.\n"


def test_the_journal_result_hangs_under_its_entry_when_wrapping(rich: Story, saves: Path) -> None:
    out = after(play_in_process(rich, ["1", "history"], saves, width=40), "history")
    assert "1. The Square. Ask the baker's name.\n   Trust: The town up 5 to 55.\n   She tells you.\n" in out


def test_glossary_lookups(tiny: Story, saves: Path) -> None:
    out = play_in_process(tiny, ["glossary", "glossary the gate", "g GATE", "what is the gate", "glossary zzz"], saves)
    assert after(out, "glossary") == (
        "The glossary has 1 entry: The Gate.\n"
        "Type glossary and a name to read its entry, for example: glossary The Gate\n"
    )
    entry = "The Gate. Invented for this story.\nA gate in a wall that exists only in this example.\n"
    assert after(out, "glossary the gate") == entry
    assert after(out, "g GATE") == entry
    assert after(out, "what is the gate") == entry
    assert after(out, "glossary zzz") == (
        "Nothing in the glossary matches zzz. Type glossary alone to hear every entry.\n"
    )


def test_the_glossary_folds_accents_and_names_every_match_when_unsure(saves: Path, tmp_path: Path) -> None:
    story_dir = tmp_path / "story"
    shutil.copytree(TINY, story_dir)
    manifest = story_dir / "story.yaml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8")
        + "  Kobanî:\n    kind: historical\n    text: A town on the border.\n"
        + "  Kobanî canton:\n    kind: historical\n    text: The canton around it.\n",
        encoding="utf-8",
    )
    story = load_story(str(story_dir))
    out = play_in_process(story, ["glossary kobani", "glossary kob", "glossary border", "glossary cant"], saves)
    assert after(out, "glossary kobani").startswith(
        "Kobanî. Historical: part of the real record.\nA town on the border."
    )
    assert after(out, "glossary kob") == "2 entries match kob: Kobanî and Kobanî canton. Type more of the name.\n"
    assert after(out, "glossary border").startswith("Kobanî. Historical")  # found in its text
    assert after(out, "glossary cant").startswith("Kobanî canton. Historical")


def test_where_says_the_chapter_scene_choices_and_time(tiny: Story, saves: Path) -> None:
    out = after(play_in_process(tiny, ["2", "where"], saves), "where")
    assert out == "Chapter 1: The Gate. At the Gate. You have made 1 choice and played for under a minute.\n"


def test_look_rereads_the_scene_and_an_empty_line_the_choices(tiny: Story, saves: Path) -> None:
    out = play_in_process(tiny, ["look", ""], saves)
    assert after(out, "look").startswith("\nChapter 1: The Gate. At the Gate.\n")
    assert after(out, "look").rstrip().endswith("6. Turn back")
    assert after(out, "").startswith("1. Show the pass. Unavailable")


def test_help_lists_every_command_that_works_here(tiny: Story, saves: Path) -> None:
    out = after(play_in_process(tiny, ["help"], saves), "help")
    for usage in ("help", "look", "trust", "journal", "glossary NAME", "where", "undo", "save NAME", "load", "new",
                  "about", "quit"):
        assert f"\n{usage} (or " in out or f"\n{usage}: " in out, usage
    assert "reload" not in out and "continue" not in out
    assert "undo (or u, back): take back your last choice" in out
    assert "Your game is saved after every choice" in out


def test_about_gives_the_notice_credits_and_size(rich: Story, saves: Path) -> None:
    out = after(play_in_process(rich, ["about"], saves), "about")
    assert "Content note: A made-up town, for testing." in out
    assert "Credits: Written for the test suite.\nThis story has 4 scenes, 2 endings and 2 factions.\n" in out


def test_undo_takes_back_choices_one_by_one_and_autosaves(tiny: Story, saves: Path) -> None:
    out = play_in_process(tiny, ["undo", "2", "2", "undo", "u", "back"], saves)
    assert after(out, "undo") == "There is nothing to undo yet.\n"
    assert after(out, "undo", 2).startswith("You took back: Offer him money.\n\nAt the Gate.")
    assert "Trust with the guards: 55." in after(out, "undo", 2)
    assert after(out, "u").startswith("You took back: Ask the clerk for a pass.")
    assert after(out, "back") == "There is nothing to undo yet.\n"
    assert json.loads((saves / "autosave.json").read_text(encoding="utf-8"))["choices"] == []


def test_every_choice_is_autosaved_and_quit_says_so(tiny: Story, saves: Path) -> None:
    out = play_in_process(tiny, ["2", "q"], saves)
    assert json.loads((saves / "autosave.json").read_text(encoding="utf-8"))["choices"] == ["gate.ask_pass"]
    assert out.endswith("Your choice: q\nGoodbye. Your game is saved; next time, choose Continue.\n")


def test_an_autosave_that_fails_is_said_once_and_play_goes_on(tiny: Story, tmp_path: Path) -> None:
    blocked = tmp_path / "saves"
    blocked.write_text("a file where the saves folder should be")
    out = play_in_process(tiny, ["2", "2", "quit"], blocked)
    assert out.count("Autosave failed:") == 1
    assert "You chose: Offer him money." in out
    assert out.endswith("Goodbye.\n")


def test_save_under_a_name_asks_before_replacing_one(tiny: Story, saves: Path) -> None:
    out = play_in_process(
        tiny, ["save Before the river", "2", "save before the river", "no", "s", "", "save", "Before the river",
               "yes", "save " + "x" * 81], saves,
    )
    assert after(out, "save Before the river") == "Saved as \u201cBefore the river\u201d.\n"
    replace = "There is already a save named \u201cbefore the river\u201d. Replace it? Type yes or no: no\n"
    assert replace + "Not saved." in out
    assert after(out, "s") == "Name for this save (press Enter to cancel): \nNot saved.\n"
    assert "Replace it? Type yes or no: yes\nSaved as \u201cBefore the river\u201d." in out
    assert "...\nCould not save: a save's name can be at most 80 characters (this one has 81).\n" in out
    saved = SaveStore(saves).list()
    assert {i.slot: i.turn for i in saved} == {"Before the river": 1, "autosave": 1}


def test_load_lists_the_saves_and_loads_by_number_or_name(tiny: Story, saves: Path) -> None:
    play_in_process(tiny, ["2", "save asked", "2"], saves)
    out = play_in_process(
        tiny, ["c", "load", "2", "load asked", "load 9", "load nothing", "save 1944", "load 1944", "l", ""], saves
    )
    listing = after(out, "load")
    assert listing.startswith("Your saved games, newest first:\n1. autosave: The Gate, At the Gate; 2 choices, ")
    assert "\n2. asked: The Gate, At the Gate; 1 choice, under a minute played; saved today at " in listing
    assert "Which save? Type its number or its name, or press Enter to cancel: 2\n\nLoaded \u201casked\u201d." in out
    assert after(out, "load asked").startswith("\nLoaded \u201casked\u201d.\n\nChapter 1: The Gate. At the Gate.")
    assert after(out, "load 9") == "There is no save 9. Type load to hear your saves.\n"
    assert after(out, "load nothing") == "Could not load that save: there is no save named 'nothing'.\n"
    assert after(out, "load 1944").startswith("\nLoaded \u201c1944\u201d.")
    assert out.endswith(
        "press Enter to cancel: \nNothing loaded.\nYour choice: \nInput ended; leaving the game.\nGoodbye.\n"
    )


def test_load_with_no_saves(tiny: Story, saves: Path) -> None:
    assert after(play_in_process(tiny, ["load"], saves), "load") == "You have no saved games yet.\n"


def test_the_next_start_offers_to_continue(tiny: Story, saves: Path) -> None:
    play_in_process(tiny, ["2", "quit"], saves)
    out = play_in_process(tiny, ["trust", "undo", "c"], saves)
    assert "\nYour most recent game: Chapter 1: The Gate. At the Gate. 1 choice, under a minute played.\n" in out
    assert "1. Continue\n2. New game\n3. Load a saved game\n4. Glossary\n5. About this story\n6. Quit\n" in out
    assert after(out, "trust") == (
        "There is no game in progress yet: type continue to go on with your saved game, or new.\n"
    )
    assert after(out, "c").startswith("\nLoaded \u201cautosave\u201d.\n\nChapter 1: The Gate. At the Gate.")
    assert "Trust with the guards: 55." in after(out, "c")


def test_the_start_menu_by_number(tiny: Story, saves: Path) -> None:
    play_in_process(tiny, ["2"], saves)
    out = play_in_process(tiny, ["5", "4", "1"], saves)
    assert after(out, "5").startswith("A Tiny Story.\nThis story has")
    assert after(out, "4").startswith("The glossary has 1 entry")
    assert after(out, "1").startswith("\nLoaded \u201cautosave\u201d.")


def test_new_game_asks_before_the_autosave_is_replaced(tiny: Story, saves: Path) -> None:
    play_in_process(tiny, ["2"], saves)
    out = play_in_process(tiny, ["new", "no", "2", "yes"], saves)
    assert "Your autosaved game is replaced after your first choice" in out
    assert after(out, "new").endswith("Type yes or no: no\nNothing changed.\n")
    assert "Type yes or no: yes\n\nChapter 1: The Gate. At the Gate." in after(out, "2")
    assert "Trust with the guards: 50." in after(out, "2")
    in_game = play_in_process(tiny, ["c", "3", "restart", "no"], saves)
    assert "The game you are playing stays in the autosave until your first choice" in in_game
    assert in_game.endswith("Type yes or no: no\nCarrying on.\nYour choice: \nInput ended; leaving the game.\n"
                            "Goodbye. Your game is saved; next time, choose Continue.\n")


def test_an_ending_shows_the_final_trust_the_count_and_what_next(tiny: Story, saves: Path) -> None:
    out = play_in_process(tiny, ["2", "show the pass", "journal", "1", "3", "undo", "6"], saves)
    ending = after(out, "show the pass")
    assert "\nThrough.\n\nThe gate closes behind you.\n\nThe end: Through the Gate.\n\nFinal trust:\n" in ending
    assert "The guards: 55, up 5 from the start.\nThe villagers: 90, unchanged.\n" in ending
    assert "Endings discovered: 1 of 3; this one is new.\nYou made 2 choices.\n" in ending
    menu = "What next?\n1. New game\n2. Undo your last choice\n3. Read your journal\n4. Load a saved game\n5. Quit\n"
    assert menu in ending
    assert after(out, "journal").startswith("Journal: 2 choices.")
    assert "The end: Through." in after(out, "journal")
    assert after(out, "1").startswith("\nChapter 1: The Gate. At the Gate.")  # a new game
    again = after(out, "6")
    assert "Endings discovered: 2 of 3; this one is new." in again


def test_an_ending_found_again_is_not_new(tiny: Story, saves: Path) -> None:
    out = play_in_process(tiny, ["6", "undo", "6"], saves)
    assert after(out, "6").count("Endings discovered: 1 of 3; this one is new.") == 1
    assert "Endings discovered: 1 of 3.\n" in after(out, "6", 2)


def test_commands_that_need_a_game_say_so_at_the_start_menu(tiny: Story, saves: Path) -> None:
    play_in_process(tiny, ["2"], saves)
    out = play_in_process(tiny, ["journal", "save x", "look", "continue please"], saves)
    for typed in ("journal", "save x", "look"):
        assert after(out, typed).startswith("There is no game in progress yet"), typed


def test_continue_in_a_game_points_to_load(tiny: Story, saves: Path) -> None:
    assert after(play_in_process(tiny, ["continue"], saves), "continue") == (
        "You are playing now; to go back to a saved game, type load.\n"
    )


def test_reload_is_for_author_mode(tiny: Story, saves: Path, tmp_path: Path) -> None:
    assert "author mode only" in after(play_in_process(tiny, ["reload"], saves), "reload")
    story_dir = tmp_path / "tiny"
    shutil.copytree(TINY, story_dir)
    story = load_story(str(story_dir))
    scenes = story_dir / "one.yaml"
    original = scenes.read_text(encoding="utf-8")

    class Editing:  # edits the story between two lines of input, as an author does in another window
        def __init__(self) -> None:
            self.lines = iter(["2", "reload", "reload", "reload", "yes", ""])

        def readline(self, _limit: int = -1) -> str:
            line = next(self.lines, "")
            if line == "reload" and self.count == 0:
                scenes.write_text(original.replace("The guard looks", "The tired guard looks"), encoding="utf-8")
            elif line == "reload" and self.count == 1:
                scenes.write_text(original.replace("goto: through", "goto: nowhere"), encoding="utf-8")
            elif line == "reload" and self.count == 2:
                scenes.write_text(original.replace("id: ask_pass", "id: ask_for_pass"), encoding="utf-8")
            self.count += line == "reload"
            return line + "\n" if line else ""

        count = 0

    out = io.StringIO()
    editing: Any = Editing()
    PlainPlayer(story, 3, out=out, inp=editing, store=SaveStore(saves), author_dir=str(story_dir), echo=True).run()
    text = out.getvalue()
    assert "Author mode: type reload to read the scenes again from disk." in text
    assert "Reloaded the story: 5 scenes; your place is kept" in after(text, "reload")
    assert "The tired guard looks" in after(text, "reload")
    assert "The story no longer loads; you are still playing the version loaded before." in after(text, "reload", 2)
    assert "unknown scene 'nowhere'" in after(text, "reload", 2)
    third = after(text, "reload", 3)
    assert "your choices no longer apply at step 1 (gate.ask_pass)" in third
    assert "Play the new version from where the first 0 choices still lead? Type yes or no: yes" in third
    assert "Trust with the guards: 50." in third


def test_nothing_is_read_aloud_as_symbols(rich: Story, tiny: Story, saves: Path) -> None:
    lines = ["help", "trust", "2", "3", "journal", "where", "about", "glossary", "save a", "load", "1", "undo", "6"]
    for story in (tiny, rich):
        out = play_in_process(story, lines, saves / story.id)
        for noise in NOISE:
            assert noise not in out, (story.id, noise)


@pytest.mark.parametrize("width", [0, 44])
def test_the_whole_tiny_story_in_both_layouts_reads_the_same(tiny: Story, saves: Path, width: int) -> None:
    out = play_in_process(tiny, ["2", "1"], saves, width=width)
    words = " ".join(out.split())
    assert "You chose: Show the pass. The end: Through the Gate. Final trust:" in words.replace(
        " Through. The gate closes behind you.", "")
    if width:
        assert all(len(row) <= width for row in out.splitlines() if not row.startswith("Your choice:"))


def test_a_save_the_story_changed_under_keeps_its_place_and_says_where_the_journal_starts(
    saves: Path, tmp_path: Path
) -> None:
    story_dir = tmp_path / "tiny"
    shutil.copytree(TINY, story_dir)
    play_in_process(load_story(str(story_dir)), ["2", "save asked"], saves)
    scenes = story_dir / "one.yaml"
    scenes.write_text(scenes.read_text(encoding="utf-8").replace("id: ask_pass", "id: request_pass"), encoding="utf-8")
    out = play_in_process(load_story(str(story_dir)), ["c", "journal", "2", "journal", "undo", "undo"], saves)
    loaded = after(out, "c")
    assert "The story has changed since this save was made, and its choices no longer apply" in loaded
    assert "Your place was restored from the save's snapshot instead (scene 'gate')." in loaded
    assert "Trust with the guards: 55." in loaded
    assert after(out, "journal") == (
        "Journal:\nYour first choice was made before the story changed under your save; the journal starts after "
        "that.\nNow: At the Gate.\n"
    )
    journal = after(out, "journal", 2)
    assert journal.startswith("Journal: 2 choices.\nYour first choice was made before")
    assert "\n2. At the Gate. Offer him money. Trust: The guards down 55 to 0.\n" in journal
    assert "The guards: 55 after choice 1, 0 after choice 2." in journal
    # The choice made after the restore can be taken back, to the snapshot; the one before the change cannot.
    first_undo = after(out, "undo")
    assert first_undo.startswith("You took back: Offer him money.")
    assert "Trust with the guards: 55." in first_undo
    assert after(out, "undo", 2).startswith(
        "Your last choice cannot be taken back: the choices before it no longer"
    )
