"""What a new game puts at risk: an unfinished game in the autosave, and never one that has ended, even when the
ending's scene was renamed since (its former id, under formerly:, still names it)."""

from __future__ import annotations

from pathlib import Path

from game.engine import Game
from game.loader import load_story
from game.saves import SaveStore
from game.tui.saving import game_at_risk


def test_an_ended_game_in_the_autosave_is_not_at_risk_after_its_scene_is_renamed(
    story_dir: Path, saves_dir: Path
) -> None:
    store = SaveStore(saves_dir)
    game = Game(load_story(str(story_dir)), 7)
    game.choose("ask_pass")
    store.autosave(game)
    assert game_at_risk(None, store, game.story) is not None  # unfinished: a new game would replace it
    game.choose("show_pass")
    store.autosave(game)
    assert game.state.scene == "through" and game.ending is not None
    one, two = story_dir / "one.yaml", story_dir / "two.yaml"
    one.write_text(one.read_text().replace("  - id: through\n", "  - id: passed\n    formerly: [through]\n")
                   .replace("goto: through\n", "goto: passed\n"))
    two.write_text(two.read_text().replace("{to: through}", "{to: passed}"))
    renamed = load_story(str(story_dir))
    assert "through" not in renamed.scenes
    assert game_at_risk(None, store, renamed) is None  # it ended: nothing to lose
