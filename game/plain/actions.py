"""What each command does in plain play: one function per command, ``ACTIONS[name](player, argument)``.

The loop (``loop.PlainPlayer``) decides that a command was typed and that it applies here; these functions do it,
saying what happened through the player. Saving and loading go through the ``SaveStore`` and the shared
``Session``, exactly as the full-screen game does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..engine import Game, ReplayError
from ..sanitize import sanitize
from .commands import MAX_NUMBER_DIGITS
from .glossary import lookup_blocks
from .render import about_blocks, heading, help_blocks, journal_blocks, saves_blocks, trust_blocks
from .words import count, duration, line, quote, sentence

if TYPE_CHECKING:
    from .loop import PlainPlayer


def do_help(player: PlainPlayer, _argument: str) -> None:
    """Every command that works here."""
    player.show(help_blocks(player.context, player.author_dir is not None))


def do_look(player: PlainPlayer, _argument: str) -> None:
    """The scene again in full, with the chapter."""
    player.show_scene(chapter=True)


def do_choices(player: PlainPlayer, _argument: str) -> None:
    """The numbered choices (or menu entries) again."""
    player.list_items()


def do_trust(player: PlainPlayer, _argument: str) -> None:
    """Every faction's trust, its last change and who they are."""
    assert player.session is not None
    player.show(trust_blocks(player.session))


def do_journal(player: PlainPlayer, argument: str) -> None:
    """The choices taken, their results and trust over time; ``journal N``: the last N."""
    assert player.session is not None
    last: int | None = None
    if argument:
        if not argument.isdecimal() or len(argument) > MAX_NUMBER_DIGITS or int(argument) == 0:
            player.say("Type journal to read it all, or journal and a number, like journal 5, for the last few.")
            return
        last = int(argument)
    player.show(journal_blocks(player.session, last))


def do_glossary(player: PlainPlayer, argument: str) -> None:
    """An entry, the entries that match, or every term."""
    player.show(lookup_blocks(player.story, argument))


def do_where(player: PlainPlayer, _argument: str) -> None:
    """The chapter and scene, the choices made and the time played."""
    assert player.session is not None
    where = heading(player.game, chapter=True)[0].text
    made = count(player.game.turn, "choice")
    player.say(f"{where} You have made {made} and played for {duration(player.session.play_seconds)}.")


def do_about(player: PlainPlayer, _argument: str) -> None:
    """The story's content note, credits and size."""
    player.show(about_blocks(player.story, Game(player.story, player.seed).render))


def do_undo(player: PlainPlayer, _argument: str) -> None:
    """Take back the last choice (replaying the log without it), autosave, and read the scene again."""
    session = player.session
    assert session is not None
    label = session.steps[-1].choice_label if session.steps else ""
    if not session.undo():
        if session.restored_log:  # choices made before the story changed under the save: they cannot replay
            player.say(
                "Your last choice cannot be taken back: the choices before it no longer replay on this version of "
                "the story. Load a save to go further back."
            )
        else:
            player.say("There is nothing to undo yet.")
        return
    player.autosave()
    player.say(f"You took back: {sentence(label)}" if label else "You took back your last choice.")
    player.show_scene()


def do_save(player: PlainPlayer, argument: str) -> None:
    """Save under a name (asked for when not given), asking before a save is replaced."""
    from ..saves import SaveError

    session = player.session
    assert session is not None
    name = argument or player.read("Name for this save (press Enter to cancel): ")
    if not name:
        player.say("Not saved.")
        return
    replace = f"There is already a save named {quote(name, 80)}. Replace it?"
    if player.store.exists(name) and not player.confirm(replace):
        player.say("Not saved.")
        return
    try:
        info = player.store.save(name, session.game, session.play_seconds)
    except SaveError as exc:  # a bad name is about the name; a failed write names the file
        player.say(f"Could not save: {sentence(exc.message if exc.path == player.store.directory else str(exc))}")
        return
    player.say(f"Saved as {quote(info.slot, 80)}.")


def do_load(player: PlainPlayer, argument: str) -> None:
    """List the saves of this story and load one, by its number in that list or by its name."""
    from ..saves import SaveError

    blocks, listed = saves_blocks(player.store.list(), player.story.id)
    if not argument:
        player.show(blocks)
        if not listed:
            return
        argument = player.read("Which save? Type its number or its name, or press Enter to cancel: ") or ""
        if not argument:
            player.say("Nothing loaded.")
            return
    n = int(argument) if argument.isdecimal() and len(argument) <= MAX_NUMBER_DIGITS else 0
    try:
        if 1 <= n <= len(listed):
            info = listed[n - 1]
            result = player.store.load_path(info.path, player.story)
        elif argument.isdecimal() and not player.store.exists(argument):  # (a save may be called "1944")
            player.say(f"There is no save {argument[:12]}. Type load to hear your saves.")
            return
        else:
            result = player.store.load(argument, player.story)
            assert result.info is not None
            info = result.info
    except SaveError as exc:
        player.say(f"Could not load that save: {sentence(exc.message)}")
        return
    player.resume(info, result)


def do_continue(player: PlainPlayer, _argument: str) -> None:
    """Resume the most recent save of this story (already loaded when the start menu described it)."""
    from ..saves import SaveError

    newest = player.store.newest(player.story.id)
    if newest is None:
        player.say("There is no saved game to continue yet; type new to start one.")
        return
    pending = player.pending
    try:
        if pending is not None and pending[0] == newest:
            result = pending[1]
        else:
            result = player.store.load_path(newest.path, player.story)
    except SaveError as exc:
        player.say(f"Could not continue: {sentence(exc.message)} Type load to pick another save.")
        return
    player.pending = None
    player.resume(newest, result)


def do_new(player: PlainPlayer, _argument: str) -> None:
    """Start a new game, asking first when that would put a game in progress at risk."""
    session = player.session
    if session is not None and session.game.turn and session.game.ending is None:
        question = (
            "Start a new game? The game you are playing stays in the autosave until your first choice in "
            "the new one; to keep it for good, answer no and save it under a name."
        )
        if not player.confirm(question):
            player.say("Carrying on.")
            return
    elif session is None and player.store.exists("autosave"):
        question = (
            "Start a new game? Your autosaved game is replaced after your first choice in the new one; "
            "to keep it, answer no, continue it and save it under a name."
        )
        if not player.confirm(question):
            player.say("Nothing changed.")
            return
    player.start_new()


def do_reload(player: PlainPlayer, _argument: str) -> None:
    """Author mode: read the story again and replay the choices; keep the old version on any failure."""
    from ..loader import StoryError, check_story

    session = player.session
    assert session is not None and player.author_dir is not None
    try:
        story, problems = check_story(player.author_dir)
    except Exception as exc:  # noqa: BLE001 - whatever went wrong, the author's game must stay up
        player.say(f"The story could not be reloaded ({type(exc).__name__}: {line(str(exc))}).")
        return
    errors = [p for p in problems if p.severity == "error"]
    if story is None or errors:
        player.say("The story no longer loads; you are still playing the version loaded before. Fix these and "
                 "type reload again:")
        player.writer.write(sanitize(StoryError(errors).report()) + "\n")
        return
    try:
        session.reload(story)
    except ReplayError as exc:
        kept = max(0, exc.step - 1)
        player.say(
            f"The reloaded story loads, but your choices no longer apply at step {exc.step} "
            f"({exc.scene}.{exc.choice}): {sentence(exc.message)}"
        )
        if not player.confirm(f"Play the new version from where the first {count(kept, 'choice')} still lead?"):
            player.say("Still playing the version loaded before.")
            return
        session.reload_until(story, exc.step)
    player.story = story
    warnings = f" ({count(len(problems), 'warning')}; run qasas lint)" if problems else ""
    player.say(f"Reloaded the story: {count(len(story.scenes), 'scene')}; your place is kept{warnings}.")
    if session.game.turn:  # a game in progress, perhaps cut short: save where it now stands
        player.autosave()
    player.show_scene(chapter=True)


ACTIONS: dict[str, Callable[[PlainPlayer, str], None]] = {
    "help": do_help,
    "look": do_look,
    "choices": do_choices,
    "trust": do_trust,
    "journal": do_journal,
    "glossary": do_glossary,
    "where": do_where,
    "about": do_about,
    "undo": do_undo,
    "save": do_save,
    "load": do_load,
    "continue": do_continue,
    "new": do_new,
    "reload": do_reload,
}
