"""What plain play prints, laid out for a listener: words for headings and changes, and wrapping that is off by
default and, when on, never splits a word or a hyphenated name and hangs list items under their own text."""

from __future__ import annotations

import io

import pytest

from game.engine import Game, Story
from game.plain.render import BLANK, Block, Writer, changes_line, heading, scene_blocks
from game.plain.words import duration, fold, sentence

LONG = (
    "A government gun beyond al-Joura fires at long intervals, as if it is remembering to, and the men of "
    "al-Hamidiyah listen for it from the roofs of Deir ez-Zor."
)


def laid_out(blocks: list[Block], width: int) -> str:
    out = io.StringIO()
    Writer(out, width).blocks(blocks)
    return out.getvalue()


def test_without_a_width_each_paragraph_is_one_line() -> None:
    text = laid_out([Block(LONG), BLANK, Block(LONG, "1. ")], 0)
    assert text == f"{LONG}\n\n1. {LONG}\n"


@pytest.mark.parametrize("width", [20, 33, 50, 72])
def test_wrapping_never_splits_a_word_or_a_hyphenated_name(width: int) -> None:
    text = laid_out([Block(LONG)], width)
    lines = text.splitlines()
    assert len(lines) > 1
    assert all(len(row) <= width for row in lines)
    assert " ".join(lines) == LONG
    for name in ("al-Joura", "al-Hamidiyah", "ez-Zor."):
        assert any(name in row for row in lines), name


def test_a_wrapped_list_item_hangs_under_its_own_text() -> None:
    text = laid_out([Block(LONG, "12. ")], 40)
    first, *rest = text.splitlines()
    assert first.startswith("12. A government")
    assert rest and all(row.startswith("    ") and not row.startswith("     ") for row in rest)


def test_an_indented_paragraph_sits_under_the_item_text_when_wrapping_and_at_the_margin_when_not() -> None:
    block = Block(LONG, indent=4)
    assert all(row.startswith("    ") for row in laid_out([block], 40).splitlines())
    assert laid_out([block], 0) == LONG + "\n"


def test_a_heading_is_words_with_the_chapter_when_asked(tiny: Story) -> None:
    game = Game(tiny, 3)
    assert [b.text for b in heading(game, chapter=True)] == [
        "Chapter 1: The Gate. At the Gate.",
        "A gate in a wall, a year the records leave blank.",
    ]
    assert heading(game, chapter=False)[0].text == "At the Gate."


def test_a_disabled_choice_says_why_in_the_same_item(tiny: Story) -> None:
    items = [b for b in scene_blocks(Game(tiny, 3), chapter=False) if b.marker]
    assert items[0] == Block("Show the pass. Unavailable: You have no pass to show.", "1. ")
    assert [b.marker for b in items] == [f"{n}. " for n in range(1, 7)]


def test_trust_changes_are_one_line_of_words(tiny: Story) -> None:
    game = Game(tiny, 3)
    outcome = game.choose("bribe")
    assert changes_line(game, outcome.trust) == "Trust: The guards down 50 to 0."
    game = Game(tiny, 3)
    assert changes_line(game, game.choose("ask_pass").trust) == "Trust: The guards up 5 to 55."
    assert changes_line(game, ()) == ""


@pytest.mark.parametrize(
    ("text", "shown"),
    [("At the Gate", "At the Gate."), ("Ready?", "Ready?"), ("He said \u201cgo.\u201d", "He said \u201cgo.\u201d"),
     ("Wait\u2026", "Wait\u2026"), ("  two  spaces ", "two spaces."), ("", "")],
)
def test_a_sentence_ends_once(text: str, shown: str) -> None:
    assert sentence(text) == shown


@pytest.mark.parametrize(
    ("seconds", "said"),
    [(0, "under a minute"), (59, "under a minute"), (60, "1 minute"), (725, "12 minutes"), (3600, "1 hour"),
     (3900, "1 hour and 5 minutes"), (7322, "2 hours and 2 minutes"), (-5, "under a minute")],
)
def test_play_time_is_said_as_a_person_says_it(seconds: float, said: str) -> None:
    assert duration(seconds) == said


def test_folding_lets_plain_letters_find_accented_names() -> None:
    assert fold("Kobanî") == ["kobani"]
    assert fold("the baker's Deir ez-Zor") == ["the", "bakers", "deir", "ez", "zor"]
    assert fold("\u0627\u0644\u0631\u0651\u0642\u0629") == ["\u0627\u0644\u0631\u0642\u0629"]  # harakat dropped
