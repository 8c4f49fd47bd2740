"""The words a player types in plain play, and how a typed line is understood.

Designed for someone listening, not looking: every command is a short, guessable word with the obvious synonyms
("undo" or "back", "quit" or "exit"), and ``help`` lists them all. A line is, in this order:

* a number: the numbered choice (or menu item) with that number;
* a command word, with what follows it as its argument ("save before the river", "glossary kobani"), unless the
  line is two or more words that begin a choice's label, which then wins ("save the boy" when a choice reads
  "Save the boy"). A command word alone that is also a choice's first word ("back", "Back away slowly") is
  neither: the answer names both and how to say each;
* the first words of a choice's label, the last word perhaps cut short ("ask the cl"); case, accents and
  punctuation do not matter. When several choices begin so, the answer names them.

Anything else gets an answer that says what was not understood and what would be. Pure functions: no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from .words import fold, starts_with

# Where a command makes sense: before a game (the start menu), in a scene with choices, at an ending.
START, SCENE, END = "start", "scene", "end"
IN_GAME = frozenset({SCENE, END})
ANYWHERE = frozenset({START, SCENE, END})


class Command(NamedTuple):
    """A command: its name, the other words that mean it, how to type it, what it does, where it applies."""

    name: str
    synonyms: tuple[str, ...]
    usage: str
    does: str
    where: frozenset[str] = ANYWHERE
    author_only: bool = False

    @property
    def words(self) -> tuple[str, ...]:
        return (self.name, *self.synonyms)


COMMANDS: tuple[Command, ...] = (
    Command("help", ("h", "commands", "?"), "help", "this list of commands"),
    Command("look", ("again", "repeat", "r", "scene"), "look", "read the scene again, with its choices", IN_GAME),
    Command(
        "choices", ("list", "options"), "choices", "hear the choices again (or press Enter on an empty line)", IN_GAME
    ),
    Command("trust", ("t",), "trust", "every faction's trust, and who they are", IN_GAME),
    Command(
        "journal", ("j", "history", "log"), "journal",
        "the choices you took, what came of them, and trust over time; journal 5 reads the last five", IN_GAME,
    ),
    Command(
        "glossary", ("g", "define", "who", "what", "lookup"), "glossary NAME",
        "who or what a name is; glossary alone lists every entry",
    ),
    Command(
        "where", ("status", "time"), "where", "the chapter and scene you are in, and how long you have played", IN_GAME
    ),
    Command("undo", ("u", "back"), "undo", "take back your last choice (again and again)", IN_GAME),
    Command("save", ("s",), "save NAME", "save your place under a name; save alone asks for one", IN_GAME),
    Command("load", ("l", "restore", "saves"), "load", "your saved games; load 2 or load NAME loads one"),
    Command("continue", ("c", "resume"), "continue", "go on with your most recent game", frozenset({START})),
    Command("new", ("n", "restart"), "new", "start a new game"),
    Command("about", ("credits", "notice"), "about", "the story's content note, credits and size"),
    Command("reload", (), "reload", "read the scenes again from disk, keeping your place (author mode)", IN_GAME, True),
    Command("quit", ("q", "exit", "bye", "goodbye"), "quit", "leave the game; it is saved after every choice"),
)
BY_WORD: dict[str, Command] = {word: command for command in COMMANDS for word in command.words}
# Words that may come between a command and its argument: "who is Yasser", "what are the YPG", "look up Hale".
FILLERS = frozenset({"is", "are", "was", "were"})
MAX_NUMBER_DIGITS = 6


class Item(NamedTuple):
    """Something numbered the player can pick: a choice (``key`` is its id) or a menu entry (``command`` is the
    name of the command it runs)."""

    number: int
    label: str
    key: str = ""
    enabled: bool = True
    reason: str = ""
    command: str = ""


# What a typed line means. Each is a small record the loop acts on (named tuples, like the engine's records: cheap
# to define, which start-up pays for). Tell them apart by type: two of them with equal fields compare equal.


class Blank(NamedTuple):
    """An empty line."""


class Pick(NamedTuple):
    item: Item


class Run(NamedTuple):
    command: Command
    argument: str = ""


class Ambiguous(NamedTuple):
    items: tuple[Item, ...]


class Clash(NamedTuple):
    """A command word alone that is also the first word of these choices."""

    command: Command
    items: tuple[Item, ...]


class NoSuchNumber(NamedTuple):
    """A number that names no item (``None`` when it is too long to be one)."""

    number: int | None


class NotDigits(NamedTuple):
    """A number written with characters that only look like digits ("²", "½")."""

    text: str


class Unknown(NamedTuple):
    text: str


Meaning = Blank | Pick | Run | Clash | Ambiguous | NoSuchNumber | NotDigits | Unknown


def understand(text: str, items: Sequence[Item]) -> Meaning:
    """What the typed line ``text`` means, given the numbered ``items`` on offer."""
    text = text.strip()
    if not text:
        return Blank()
    number = text.removesuffix(".")  # "2." as it was read out
    if number.isdecimal():  # ASCII digits, and the decimal digits of other scripts (Arabic-Indic "٣")
        if len(number) > MAX_NUMBER_DIGITS:
            return NoSuchNumber(None)
        n = int(number)
        return Pick(items[n - 1]) if 1 <= n <= len(items) else NoSuchNumber(n)
    if any(ch.isdigit() for ch in number) and all(ch.isdigit() or ch.isspace() for ch in number):
        return NotDigits(text)
    if text == "?":
        return Run(BY_WORD["help"])
    words = fold(text)
    matches = tuple(item for item in items if starts_with(words, fold(item.label)))
    parts = text.split(None, 1)
    head = fold(parts[0])
    command = BY_WORD.get(head[0]) if len(head) == 1 else None
    rest = parts[1].strip() if len(parts) > 1 else ""
    if command is not None and not rest:
        clash = tuple(
            item for item in matches if item.command != command.name and (fold(item.label) or [""])[0] == head[0]
        )
        return Clash(command, clash) if clash else Run(command)
    if command is not None and not matches:
        return _run(command, rest)
    if len(matches) == 1:
        return Pick(matches[0])
    if matches:
        return Ambiguous(matches)
    by_key = [item for item in items if item.key and item.key == text]
    if by_key:  # a choice's id, as an author types it
        return Pick(by_key[0])
    return Unknown(text)


def _run(command: Command, rest: str) -> Run:
    """A command with what follows its word; a glossary lookup without its filler ("who is Yasser" -> "Yasser"),
    and "look up Hale" is a glossary lookup too."""
    first, _, after = rest.partition(" ")
    if command.name == "look" and first.casefold() == "up" and after.strip():
        return Run(BY_WORD["glossary"], after.strip())
    if command.name == "glossary" and first.casefold() in FILLERS and after.strip():
        rest = after.strip()
    return Run(command, rest)


def available(command: Command, context: str, author: bool) -> bool:
    """Whether ``command`` does something in ``context`` (START, SCENE or END)."""
    return context in command.where and (author or not command.author_only)
