"""Saving and loading in the app: the autosave (after each choice and each undo, and on leaving by ctrl+q, the title
screen or a signal), named save slots, loading a listed save (Continue loads the newest), the line the title screen
shows for Continue, and the question before a new game replaces an unfinished one in the autosave.

Functions of the app, as ``reload.py`` is: the app keeps the actions and message handlers Textual calls, and each
hands over to one of these. A save that cannot be written or read is a notice or an error dialog, never a crash.
``game_at_risk`` is pure Python (tested without Textual); the dialogs are imported when first needed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .screens.title import describe_save
from .text import line

if TYPE_CHECKING:
    from ..engine import Story
    from ..saves import SaveInfo, SaveStore
    from ..session import Session
    from .app import QasasApp


def game_at_risk(session: Session | None, store: SaveStore, story: Story) -> str | None:
    """The unfinished game a new game would replace in the autosave, described for the player (None: nothing at
    risk: no game, a game with no choice yet, or one that has ended)."""
    if session is not None:
        if session.game.ending is not None or not session.game.state.log:
            return None
        header = session.game.header()
        return describe_save(header.chapter, header.title, session.play_seconds)
    info = store.newest(story.id)
    if info is None or info.slot != "autosave" or not info.turn:
        return None
    from ..saves.store import SaveError, read_save

    try:
        data = read_save(info.path)
    except SaveError:
        return None
    scene = story.scenes.get(story.current_scene(data.scene))  # (a scene renamed since keeps its former id)
    if scene is not None and scene.ending:
        return None
    return describe_save(info.chapter, info.scene_title, info.play_seconds)


def continue_info(app: QasasApp) -> str | None:
    """What Continue would load (the newest save of this story), described for the title screen; None: nothing yet,
    or the story and its saves folder are not open yet."""
    if not app.ready:
        return None
    info = app.store.newest(app.story.id)
    return describe_save(info.chapter, info.scene_title, info.play_seconds) if info else None


async def new_game(app: QasasApp) -> None:
    """Start a new game; when it would put an unfinished game at risk, ask first (the autosave keeps that game until
    the new game's first choice)."""
    at_risk = game_at_risk(app.session, app.store, app.story)
    if at_risk is None:
        await app.start_new_game()
        return
    from .dialogs.confirm import ConfirmDialog

    async def answered(yes: bool | None) -> None:
        if yes:
            await app.start_new_game()

    app.push_screen(
        ConfirmDialog(
            f"Your game in progress ({at_risk}) is kept in the autosave until your first choice in a new game "
            "replaces it. To keep it for good, save it in a slot first (ctrl+s in the game).",
            yes="Start a new game",
            no="Cancel",
            title="Start a new game?",
        ),
        answered,
    )


async def continue_newest(app: QasasApp) -> None:
    """Load the newest save of this story, or say there is none yet."""
    info = app.store.newest(app.story.id)
    if info is None:
        app.notify("There is no saved game to continue yet.", markup=False)
        return
    await load_info(app, info)


def ask_slot(app: QasasApp) -> None:
    """Ask for a slot's name (the save screen), then save the game in play there."""
    from .screens.saves import SaveScreen

    if app.session is None:
        app.notify("There is no game in progress to save.", markup=False)
        return
    app.push_screen(SaveScreen(app.store, app.story.id), app.save_slot)


def autosave(app: QasasApp, *, quiet: bool = False) -> None:
    """Autosave the session; a failure is a warning (once per distinct reason; ``quiet``: none, when no screen is
    left to show it), never a crash."""
    from ..saves import SaveError

    session = app.session
    if session is None or not app.ready:
        return
    try:
        app.store.autosave(session.game, session.play_seconds)
    except SaveError as exc:
        message = str(exc)
        if message != app.autosave_error and not quiet:
            app.notify(f"Autosave failed: {message}", severity="warning", markup=False, timeout=8)
        app.autosave_error = message
    else:
        app.autosave_error = None


def autosave_on_leaving(app: QasasApp) -> None:
    """Keep the play time up to now. Not for a game with no choice yet: its autosave would replace the game in
    progress before the new one has begun (the first choice does that, as the new-game question says)."""
    if app.session is not None and app.session.game.state.log:
        app.autosave()


def save_slot(app: QasasApp, name: str | None) -> None:
    """Save the game in play in the slot ``name`` (None: the player cancelled); say where, or why not."""
    from ..saves import SaveError

    if name is None or app.session is None:
        return
    try:
        info = app.store.save(name, app.session.game, app.session.play_seconds)
    except SaveError as exc:
        app.notify(f"Could not save: {exc}", severity="error", markup=False, timeout=10)
        return
    app.notify(f"Saved as \u201c{line(info.slot)}\u201d.", markup=False)


async def load_info(app: QasasApp, info: SaveInfo | None) -> None:
    """Load a listed save; a bad one shows an error dialog and the app stays where it was."""
    from ..saves import SaveError
    from .dialogs.error import ErrorDialog

    if info is None:
        return
    try:
        result = app.store.load_path(info.path, app.story)
    except SaveError as exc:
        app.push_screen(ErrorDialog("Could not load this save", str(exc)))
        return
    from ..session import Session

    session = app.new_session(lambda: Session.resume(app.story, result.game, result.play_seconds, clock=app.clock))
    await app.open_game(session)
    for note in result.notes:
        app.notify(line(note), severity="information" if result.exact else "warning", markup=False, timeout=10)
