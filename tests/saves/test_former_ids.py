"""Renames that keep saves working: a scene or choice renamed with ``formerly:`` is the same place to every save and
playthrough made before, silently: the log replays, the snapshot fallback finds its scene, expect blocks and
transcripts read the old ids as the new."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from saves_helpers import play

from game.engine import Story
from game.loader import load_story
from game.saves import Playthrough, SaveStore, replay_log, replay_playthrough, transcript
from game.saves.store import REBUILT_NOTE

Edit = Callable[..., Story]

# The gate becomes the checkpoint, and asking for a pass becomes requesting one: both keep their old ids.
RENAME = [
    ("  - id: gate\n", "  - id: checkpoint\n    formerly: gate\n"),
    ("      - id: ask_pass\n", "      - id: request_pass\n        formerly: [ask_pass]\n"),
    ("goto: gate\n", "goto: checkpoint\n"),
]
ELSEWHERE = {"story": [("start: gate", "start: checkpoint")], "two": [("chose(gate.bribe)", "chose(checkpoint.bribe)")]}


def test_a_save_made_before_a_rename_replays_exactly(tmp_path: Path, tiny_dir: Path, edit_story: Edit) -> None:
    store = SaveStore(tmp_path / "saves")
    original = load_story(str(tiny_dir))
    store.save("before", play(original, "ask_pass", "bribe"))
    renamed = edit_story(one=RENAME, **ELSEWHERE)

    result = store.load("before", renamed)

    assert result.exact and result.notes == [REBUILT_NOTE]  # replayed, not restored from the snapshot
    assert result.game.state.scene == "checkpoint"
    assert result.game.state.chosen == {"checkpoint.request_pass", "checkpoint.bribe"}
    assert result.game.variables()["has_pass"] is True
    # The saves list shows each save's own chapter and scene titles: nothing in it reads an id.
    [info] = store.list()
    assert (info.slot, info.scene_title) == ("before", "At the Gate")


def test_the_snapshot_fallback_finds_a_renamed_scene(tmp_path: Path, tiny_dir: Path, edit_story: Edit) -> None:
    store = SaveStore(tmp_path / "saves")
    original = load_story(str(tiny_dir))
    store.save("before", play(original, "ask_pass", "bribe"))
    # Renamed, and the bribe choice is gone: the log cannot replay, so the snapshot is used.
    renamed = edit_story(one=[*RENAME, ("      - id: bribe\n", "      - id: pay\n")],
                         story=ELSEWHERE["story"], two=[("chose(gate.bribe)", "chose(checkpoint.pay)")])

    result = store.load("before", renamed)

    assert not result.exact
    assert result.game.state.scene == "checkpoint"  # not "no longer exists"
    assert "checkpoint.request_pass" in result.game.state.chosen
    assert "checkpoint" in result.game.state.visited
    assert not any("no longer exists either" in note for note in result.notes)


def test_a_playthrough_with_old_ids_in_choices_and_expect_blocks_passes(tiny_dir: Path, edit_story: Edit) -> None:
    renamed = edit_story(one=RENAME, **ELSEWHERE)
    pt = Playthrough.from_text(
        "seed: 7\nchoices:\n  - expect: {scene: gate}\n  - gate.ask_pass\n  - expect: {scene: gate}\n"
        "  - gate.show_pass\nexpect: {scene: through, ending: through}\n"
    )
    report = replay_playthrough(pt, renamed)
    assert report.ok, report.failure and report.failure.render()
    assert "request_pass" in report.transcript  # the transcript names ids as they are now


def test_replay_log_and_transcripts_follow_former_ids(tiny_dir: Path, edit_story: Edit) -> None:
    renamed = edit_story(one=RENAME, **ELSEWHERE)
    game, stop = replay_log(renamed, 7, [("gate", "ask_pass"), ("gate", "show_pass")])
    assert stop is None and game.scene.ending == "through"
    text = transcript(renamed, 7, ["gate.ask_pass", "gate.show_pass"])
    assert "Through the Gate" in text
