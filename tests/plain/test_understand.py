"""What a typed line means: a number, a command, or the first words of a choice; and a clear answer otherwise."""

from __future__ import annotations

import pytest

from game.plain.commands import (
    BY_WORD,
    COMMANDS,
    Ambiguous,
    Blank,
    Clash,
    Item,
    Meaning,
    NoSuchNumber,
    NotDigits,
    Pick,
    Run,
    Unknown,
    understand,
)

CHOICES = [
    Item(1, "Ask the clerk for a pass", "ask_pass"),
    Item(2, "Ask the guard his name", "ask_name"),
    Item(3, "Back away from the gate", "back_away"),
    Item(4, "Go on to Kobanî", "kobani"),
    Item(5, "Save the boy", "save_boy"),
    Item(6, "Take the long road", "road"),
]


def meaning(text: str) -> Meaning:
    return understand(text, CHOICES)


def same(found: Meaning, expected: Meaning) -> bool:
    """Equal and of the same kind (the records are named tuples: NotDigits("x") == Unknown("x"))."""
    return type(found) is type(expected) and found == expected


@pytest.mark.parametrize("typed", ["4", " 4 ", "4.", "\u0664", "\uff14", "0004"])
def test_a_number_picks_the_choice_in_any_script(typed: str) -> None:
    assert same(meaning(typed), Pick(CHOICES[3]))


@pytest.mark.parametrize(("typed", "number"), [("0", 0), ("7", 7), ("999999", 999999), ("9" * 5000, None)])
def test_a_number_that_names_no_choice_is_said_so(typed: str, number: int | None) -> None:
    assert same(meaning(typed), NoSuchNumber(number))


@pytest.mark.parametrize("typed", ["\u00b2", "\u2463", "\u00b9\u00b2"])
def test_characters_that_only_look_like_digits_are_not_numbers(typed: str) -> None:
    assert same(meaning(typed), NotDigits(typed))


@pytest.mark.parametrize(
    ("typed", "number"),
    [("go on", 4), ("GO ON TO KOBANI", 4), ("go on to koban", 4), ("ask the cl", 1), ("Ask the guard", 2),
     ("take", 6), ("back away", 3)],
)
def test_the_first_words_of_a_label_pick_it(typed: str, number: int) -> None:
    assert same(meaning(typed), Pick(CHOICES[number - 1]))


def test_words_that_begin_several_labels_name_them_all() -> None:
    assert same(meaning("ask the"), Ambiguous((CHOICES[0], CHOICES[1])))


def test_a_command_takes_what_follows_it() -> None:
    assert same(meaning("save before the river"), Run(BY_WORD["save"], "before the river"))
    assert same(meaning("glossary Kobanî"), Run(BY_WORD["glossary"], "Kobanî"))
    assert same(meaning("journal 5"), Run(BY_WORD["journal"], "5"))


def test_words_a_person_says_before_a_name_are_dropped() -> None:
    assert same(meaning("who is Yasser"), Run(BY_WORD["glossary"], "Yasser"))
    assert same(meaning("what are the YPG"), Run(BY_WORD["glossary"], "the YPG"))
    assert same(meaning("look up Hale"), Run(BY_WORD["glossary"], "Hale"))


def test_two_words_that_begin_a_label_take_the_choice_over_a_command() -> None:
    assert same(meaning("save the boy"), Pick(CHOICES[4]))


def test_a_command_word_alone_that_also_begins_a_label_is_neither() -> None:
    assert same(meaning("back"), Clash(BY_WORD["undo"], (CHOICES[2],)))
    assert same(meaning("save"), Clash(BY_WORD["save"], (CHOICES[4],)))


def test_a_one_letter_command_is_a_command_even_when_a_label_starts_with_that_letter() -> None:
    assert same(meaning("t"), Run(BY_WORD["trust"]))  # "Take the long road" starts with t, but t is not its word


def test_a_menu_entry_named_by_its_command_is_that_command() -> None:
    menu = [Item(1, "Continue", command="continue"), Item(2, "New game", command="new")]
    assert same(understand("continue", menu), Run(BY_WORD["continue"]))
    assert same(understand("new game", menu), Pick(menu[1]))


@pytest.mark.parametrize("typed", ["", "   ", "\t"])
def test_an_empty_line_is_blank(typed: str) -> None:
    assert same(meaning(typed), Blank())


def test_help_has_the_question_mark_and_every_command_its_words() -> None:
    assert same(meaning("?"), Run(BY_WORD["help"]))
    words = [w for c in COMMANDS for w in c.words]
    assert len(words) == len(set(words)), "a word means two commands"


def test_a_choice_id_picks_it_as_an_author_types_it() -> None:
    assert same(meaning("back_away"), Pick(CHOICES[2]))


@pytest.mark.parametrize("typed", ["banana", "\u00bd", "...", "go-kart", "\x00\x1b[31m"])
def test_anything_else_is_unknown(typed: str) -> None:
    assert isinstance(meaning(typed), Unknown | Blank)
