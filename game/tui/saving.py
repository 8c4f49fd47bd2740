"""What a new game would put at risk: the unfinished game kept in the autosave (a new game's first choice
replaces it). Pure Python: no Textual."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .screens.title import describe_save

if TYPE_CHECKING:
    from ..engine import Story
    from ..saves import SaveStore
    from ..session import Session


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
    scene = story.scenes.get(data.scene)
    if scene is not None and scene.ending:
        return None
    return describe_save(info.chapter, info.scene_title, info.play_seconds)
