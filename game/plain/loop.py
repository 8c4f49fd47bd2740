"""The plain game loop: read a line, understand it, act on it, say what happened, ask again.

``PlainPlayer`` plays one story through two text streams. It keeps the same things the full-screen game keeps,
through the same shared pieces: the playthrough in a ``Session`` (history, undo, play clock), saves in the
``SaveStore`` (named slots, an autosave after every choice and every undo, Continue on the next start), and endings
discovered in the player's ``Profile``. What it prints is built in ``render``; what a typed line means is decided in
``commands``, and what each command does is in ``actions``. No Textual or Rich is imported.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from typing import IO, TYPE_CHECKING

from ..engine import ChoiceError, Game, Story
from ..sanitize import sanitize
from ..session import Session
from . import commands as cmd
from .actions import ACTIONS
from .commands import END, SCENE, START, Command, Item
from .render import (
    BLANK,
    Block,
    Writer,
    choice_blocks,
    ending_blocks,
    heading,
    menu_blocks,
    outcome_blocks,
    scene_blocks,
)
from .words import count, duration, fold, line, listing, quote, sentence

if TYPE_CHECKING:
    from ..saves import LoadResult, SaveInfo, SaveStore
    from ..tui.profile import Profile

MAX_LINE = 4096  # characters read of one typed line; the rest of a longer line is read and dropped
PROMPT = "Your choice: "
YES = frozenset({"y", "yes", "ok", "sure", "yeah"})
NO = frozenset({"n", "no", "nope", "cancel"})

START_MENU = (("continue", "Continue"), ("new", "New game"), ("load", "Load a saved game"),
              ("glossary", "Glossary"), ("about", "About this story"), ("quit", "Quit"))
END_MENU = (("new", "New game"), ("undo", "Undo your last choice"), ("journal", "Read your journal"),
            ("load", "Load a saved game"), ("quit", "Quit"))


class PlainPlayer:
    """One player at a line-based game: the start menu, the story, saves, and every command."""

    def __init__(
        self,
        story: Story,
        seed: int = 0,
        *,
        out: IO[str] | None = None,
        inp: IO[str] | None = None,
        store: SaveStore | None = None,
        width: int = 0,
        author_dir: str | None = None,
        clock: Callable[[], float] = time.monotonic,
        echo: bool | None = None,
    ) -> None:
        """Play ``story`` reading ``inp`` and writing ``out`` (default: the standard streams, looked up when used).

        ``width`` wraps the output at that many columns (0: no wrapping). ``author_dir`` is the story's folder
        when an author plays it (``reload`` then reads it again). ``echo`` repeats each line read after its prompt,
        so a transcript shows what was typed (default: when the input is not a terminal, which echoes it itself).
        """
        from ..saves import SaveStore

        self.story = story
        self.seed = seed
        self.writer = Writer(out, width)
        self._inp = inp
        self.store = store if store is not None else SaveStore()
        self.author_dir = author_dir
        self.clock = clock
        self.echo = echo if echo is not None else not _is_terminal(self.inp)
        self.session: Session | None = None
        self._games = 0
        self._chapter: str | None = None  # the chapter last announced
        self._autosave_error: str | None = None
        self._profile: Profile | None = None
        self.pending: tuple[SaveInfo, LoadResult] | None = None  # the save Continue would resume, loaded
        self._autosaved = False  # whether this game has been autosaved since it started or was loaded

    @property
    def inp(self) -> IO[str]:
        """The input stream (the standard input, looked up when used, unless one was given)."""
        return self._inp if self._inp is not None else sys.stdin

    # ------------------------------------------------------------------------------------------ talking

    def say(self, *texts: str) -> None:
        """Each text as a paragraph."""
        self.writer.say(*texts)

    def show(self, blocks: list[Block]) -> None:
        """Blocks, laid out by the writer (wrapped or not)."""
        self.writer.blocks(blocks)

    def read(self, prompt: str) -> str | None:
        """Ask with ``prompt`` and read one line: sanitised and stripped; None when the input has ended. A line
        that cannot be used (too long, not text) is answered and the question asked again."""
        while True:
            self.writer.write(prompt)
            self.writer.flush()
            inp = self.inp
            if inp is None:  # a closed standard input (the CLI normally refuses to play then)
                return None
            try:
                raw = inp.readline(MAX_LINE)
            except UnicodeDecodeError:  # a stream the CLI did not prepare: say so rather than stop
                self.writer.write("\n")
                self.say("That line could not be read as text in this terminal's encoding.")
                continue
            if not raw:
                self.writer.write("\n")
                return None
            text = sanitize(raw, keep_newlines=False).strip()
            if self.echo:
                self.writer.write(quote(text, 80)[1:-1] + "\n")
            if len(raw) >= MAX_LINE and not raw.endswith("\n"):
                while (rest := inp.readline(MAX_LINE)) and not rest.endswith("\n"):
                    pass  # drop the rest of an over-long line, so it is not read as the next answers
                self.say(f"That line is too long (more than {MAX_LINE:,} characters), so it was ignored.")
                continue
            return text

    def confirm(self, question: str) -> bool:
        """A yes-or-no question; the end of the input, or an empty line, is a no."""
        prompt = f"{question} Type yes or no: "
        while True:
            answer = self.read(prompt)
            if answer is None:
                return False
            word = answer.casefold().strip(".!")
            if word in YES:
                return True
            if word in NO or not word:
                return False
            prompt = "Please type yes or no: "

    # ------------------------------------------------------------------------------------------ state

    @property
    def game(self) -> Game:
        """The game in play (only when there is one)."""
        assert self.session is not None, "no game in progress"
        return self.session.game

    @property
    def context(self) -> str:
        """START before a game, SCENE in a scene with choices, END at an ending."""
        if self.session is None:
            return START
        return END if self.session.game.ending is not None else SCENE

    def items(self) -> list[Item]:
        """What the numbers mean now: the scene's choices, or the entries of the start or ending menu."""
        context = self.context
        if context == SCENE:
            return [Item(v.number, v.label, v.id, v.enabled, v.reason) for v in self.game.choices()]
        menu = START_MENU if context == START else END_MENU
        return [Item(n, label, command=name) for n, (name, label) in enumerate(menu, 1)]

    # ------------------------------------------------------------------------------------------ the loop

    def run(self) -> int:
        """Play until the player quits or the input ends. Returns the exit status (0)."""
        self.intro()
        newest = self.store.newest(self.story.id)
        if newest is None:
            self.start_new()
        else:
            self.start_menu(newest)
        while True:
            answer = self.read(PROMPT)
            if answer is None:
                self.say("Input ended; leaving the game.")
                self.goodbye()
                return 0
            if self.handle(answer):
                return 0

    def handle(self, text: str) -> bool:
        """Act on one typed line. True when the player has quit."""
        items = self.items()
        meaning = cmd.understand(text, items)
        if isinstance(meaning, cmd.Blank):
            self.list_items()
        elif isinstance(meaning, cmd.Pick):
            return self.pick(meaning.item)
        elif isinstance(meaning, cmd.Run):
            return self.run_command(meaning.command, meaning.argument)
        elif isinstance(meaning, cmd.Clash):
            self.clash(text, meaning)
        elif isinstance(meaning, cmd.Ambiguous):
            options = listing([f"{i.number}, {line(i.label)}" for i in meaning.items], "or")
            self.say(f"{quote(text)} could be {options}. Type the number, or more of the words.")
        elif isinstance(meaning, cmd.NoSuchNumber):
            what = "choice" if self.context == SCENE else "entry"
            number = f" {meaning.number}" if meaning.number is not None else " with that number"
            self.say(f"There is no {what}{number}. {self.numbers_hint(items)}")
        elif isinstance(meaning, cmd.NotDigits):
            self.say(f"{quote(text)} is not a number I can read. Type digits, like 1. {self.numbers_hint(items)}")
        else:
            self.say(f"I do not understand {quote(text)}. {self.numbers_hint(items)} Type help for every command.")
        return False

    def numbers_hint(self, items: list[Item]) -> str:
        """Which numbers mean something now, in words."""
        if not items:
            return "There are no choices here."
        what = "choices" if self.context == SCENE else "entries"
        if len(items) == 1:
            return f"The only {what[:-1]} is 1."
        return f"The {what} are 1 {'and' if len(items) == 2 else 'to'} {len(items)}."

    def clash(self, typed: str, meaning: cmd.Clash) -> None:
        """A command word that is also a choice's first word: say both, and how to ask for each."""
        command = meaning.command
        items = listing([f"{i.number}, {line(i.label)}" for i in meaning.items], "or")
        firsts = {(fold(i.label) or [""])[0] for i in meaning.items}
        other = next((w for w in command.words if w != "?" and w not in firsts), "help")
        numbers = listing([str(i.number) for i in meaning.items], "or")
        self.say(
            f"{quote(typed)} is the command {command.name}, and also the first word of choice {items}. "
            f"To take the choice, type {numbers}; for the command, type {other}."
        )

    def pick(self, item: Item) -> bool:
        """Take a numbered choice, or run a menu entry's command. True when the player has quit."""
        if self.context == SCENE:
            self.choose(item)
            return False
        return self.run_command(cmd.BY_WORD[item.command], "")

    def run_command(self, command: Command, argument: str) -> bool:
        """Run a command if it applies here, or say why not. True when the player has quit."""
        context = self.context
        if not cmd.available(command, context, self.author_dir is not None):
            self.unavailable(command, context)
            return False
        if command.name == "quit":
            self.goodbye()
            return True
        ACTIONS[command.name](self, argument)
        return False

    def unavailable(self, command: Command, context: str) -> None:
        """Why a command does nothing here, and what would."""
        if command.author_only and context != START:
            self.say("reload reads the scenes again in author mode only: qasas play --plain DIR.")
        elif context == START:
            self.say("There is no game in progress yet: type continue to go on with your saved game, or new.")
        else:
            self.say("You are playing now; to go back to a saved game, type load.")

    # ------------------------------------------------------------------------------------------ screens

    def intro(self) -> None:
        """The story's title, its own content note, and how to play."""
        render = Game(self.story, self.seed).render
        blocks = [Block(sentence(render(self.story.title)))]
        if self.story.notice:
            blocks.append(Block(f"Content note: {sentence(render(self.story.notice))}"))
        blocks.append(
            Block("Type a choice's number or its first words, then press Enter. Type help for every command.")
        )
        if self.author_dir is not None:
            blocks.append(Block("Author mode: type reload to read the scenes again from disk."))
        self.show(blocks)

    def start_menu(self, newest: SaveInfo) -> None:
        """Where the most recent game stands (loaded now, so its heading is rendered), and the start menu."""
        from ..saves import SaveError

        try:
            result = self.store.load_path(newest.path, self.story)
        except SaveError:
            self.pending = None
            where = sentence(line(newest.scene_title))
        else:
            self.pending = (newest, result)
            where = heading(result.game, chapter=True)[0].text
        played = f"{count(newest.turn, 'choice')}, {duration(newest.play_seconds)} played"
        self.show([BLANK, Block(f"Your most recent game: {where} {played}."), *menu_blocks(self.items())])

    def list_items(self) -> None:
        """The numbered choices, or the menu of the moment."""
        context = self.context
        if context == SCENE:
            self.show(choice_blocks(self.game.choices()))
        else:
            self.show([Block("What next?") if context == END else Block("The menu:"), *menu_blocks(self.items())])

    def show_scene(self, *, chapter: bool = False) -> None:
        """The scene in full: its heading (with the chapter when it is new, or when asked), text and choices; at
        an ending, what the ending means and what next."""
        game = self.game
        scene_chapter = game.scene.chapter
        announce = chapter or scene_chapter != self._chapter
        self._chapter = scene_chapter
        self.show([BLANK, *scene_blocks(game, chapter=announce)])
        if game.ending is not None:
            self.show_ending()

    def show_ending(self) -> None:
        """After an ending's scene: its title, the final trust, the endings found (kept in the profile), what next."""
        from ..tui.profile import Profile

        session = self.session
        ending = self.game.ending
        assert session is not None and ending is not None
        if self._profile is None:
            self._profile = Profile.load(self.store.directory)
            if self._profile.recovered:
                notice = getattr(self._profile, "notice", None)  # what was done with it, where that is said
                self.say(line(notice) if notice else "Your player profile was unreadable and has been started afresh.")
        profile = self._profile
        new = profile.discover(self.story.id, ending.id)
        found = len(profile.endings(self.story.id) & set(self.story.endings)) if profile.error is None else None
        if profile.error:
            self.say(f"Could not remember this ending: {sentence(profile.error)}")
        self.show([BLANK, *ending_blocks(session, found, len(self.story.endings), new)])
        self.show([BLANK, Block("What next?"), *menu_blocks(self.items())])

    # ------------------------------------------------------------------------------------------ playing

    def start_new(self) -> None:
        """A new game, from the first scene."""
        n = self._games
        self._games += 1
        # The first game uses the seed given (tests rely on it); later ones are derived from it, as in the TUI.
        seed = self.seed if n == 0 else random.Random(self.seed * 1_000_003 + n).randrange(1, 2**31)
        self.session = Session.new(self.story, seed, clock=self.clock)
        self._chapter = None
        self._autosaved = False
        self.show_scene()

    def choose(self, item: Item) -> None:
        """Take a choice: what it did, the next scene, then the autosave."""
        session = self.session
        assert session is not None
        if not item.enabled:
            self.say(f"That choice is unavailable: {sentence(item.reason) or 'it cannot be taken now.'}")
            return
        try:
            step, _outcome = session.choose(item.key)
        except ChoiceError as exc:  # pragma: no cover - the items come from the same state
            self.say(sentence(str(exc)))
            return
        self.show([BLANK, *outcome_blocks(self.game, step)])
        self.show_scene()
        self.writer.flush()
        self.autosave()  # after the scene is out, as the full screen does: the player reads on while it writes

    def autosave(self) -> None:
        """Save the game in the autosave slot; a failure is said once per reason, and play goes on."""
        from ..saves import SaveError

        session = self.session
        if session is None:
            return
        try:
            self.store.autosave(session.game, session.play_seconds)
        except SaveError as exc:
            message = str(exc)
            if message != self._autosave_error:
                self.say(f"Autosave failed: {sentence(message)} Play goes on; save under a name to try again.")
            self._autosave_error = message
        else:
            self._autosave_error = None
            self._autosaved = True

    def resume(self, info: SaveInfo, result: LoadResult) -> None:
        """Play a loaded save: its history rebuilt, what the player must know about how it loaded, then the scene."""
        self.session = Session.resume(self.story, result.game, result.play_seconds, clock=self.clock)
        self._chapter = None
        self._autosaved = False
        self.show([BLANK, Block(f"Loaded {quote(info.slot, 80)}."), *(Block(line(n)) for n in result.notes)])
        self.show_scene(chapter=True)

    def goodbye(self) -> None:
        """The last words, saying whether the game is saved for Continue."""
        session = self.session
        saved = session is not None and self._autosaved and self._autosave_error is None
        self.say("Goodbye. Your game is saved; next time, choose Continue." if saved else "Goodbye.")


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False
