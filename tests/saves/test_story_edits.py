"""Saves that survive story edits: the log is replayed when it still applies; when it does not, the player is
told the exact step and keeps their place from the snapshot. Never a silent load into a wrong state."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from saves_helpers import play

from game.engine import Story
from game.loader import load_story
from game.saves import SaveError, SaveStore
from game.saves.store import REBUILT_NOTE

Edit = Callable[..., Story]


@pytest.fixture
def original(tiny_dir: Path) -> Story:
    return load_story(str(tiny_dir))


def _unchanged_file(store: SaveStore, slot: str) -> bytes:
    return store.path_for(slot).read_bytes()


def test_unchanged_story_loads_exactly(store: SaveStore, original: Story) -> None:
    store.save("s", play(original, "ask_pass"))
    result = store.load("s", load_story(original.root))
    assert result.exact and result.notes == []


def test_an_edit_that_keeps_the_log_valid_loads_with_a_note_only(
    store: SaveStore, original: Story, edit_story: Edit
) -> None:
    store.save("s", play(original, "ask_pass", "bribe"))
    # Reworded text and a new, unrelated choice: the log still applies.
    story = edit_story(
        one=[
            ("The guard looks at your papers", "The guard studies your papers"),
            (
                "      - id: leave\n",
                ("      - id: wait\n        label: Wait\n        goto: gate\n      - id: leave\n"),
            ),
        ]
    )
    result = store.load("s", story)
    assert result.exact
    assert result.game.state.log == [("gate", "ask_pass"), ("gate", "bribe")]
    assert result.notes == [REBUILT_NOTE]
    assert REBUILT_NOTE.startswith("The story has changed since this save was made; its choices still apply")
    assert result.game.text()[0] == "The guard studies your papers and then at you."


def test_a_changed_effect_is_replayed_and_the_difference_noted(
    store: SaveStore, original: Story, edit_story: Edit
) -> None:
    store.save("s", play(original, "ask_pass", "bribe"))  # guards 55 - 60 -> 0
    story = edit_story(one=[("trust: {guards: -60}", "trust: {guards: -40}")])
    result = store.load("s", story)
    assert result.exact
    assert result.game.trust()["guards"] == 15
    assert "Trust with The guards is now 15 (it was 0 when saved)." in result.notes


def test_a_removed_choice_names_the_step_and_falls_back_to_the_snapshot(
    store: SaveStore, original: Story, edit_story: Edit
) -> None:
    saved = play(original, "ask_pass", "bribe", "bribe")
    store.save("s", saved)
    before = _unchanged_file(store, "s")
    story = edit_story(
        one=[
            (
                (
                    "      - id: bribe\n        label: Offer him money\n        effects:\n"
                    "          trust: {guards: -60}\n          add: {bribes: 1}\n        goto: gate\n"
                ),
                "",
            )
        ],
        two=[("chose(gate.bribe)", "chose(gate.charm)")],
    )
    result = store.load("s", story)
    assert not result.exact
    assert result.notes[0] == (
        "The story has changed since this save was made, and its choices no longer apply: "
        "step 2: scene 'gate' no longer has choice 'bribe'."
    )
    assert "restored from the save's snapshot" in result.notes[1]
    game = result.game
    assert game.state.scene == "gate"
    assert game.trust() == {"guards": 0, "villagers": 90}
    assert game.variables() == {"has_pass": True, "bribes": 2}
    assert game.state.log == saved.state.log  # history kept: chance rolls count its steps
    assert (
        "gate.bribe" not in game.state.chosen
    )  # a choice that no longer exists cannot be remembered as taken
    assert "gate.ask_pass" in game.state.chosen
    assert [c.id for c in game.choices()] == ["show_pass", "charm", "road", "leave"]  # playable from here
    assert _unchanged_file(store, "s") == before


def test_a_removed_scene_in_the_log_names_it(store: SaveStore, original: Story, edit_story: Edit) -> None:
    game = play(original, "road", "walk", seed=4)
    assert game.state.scene == "lucky"
    store.save("s", game)
    # 'road' is renamed 'highway' (and the gate leads there): step 2 was taken in a scene that is gone.
    story = edit_story(one=[("goto: road", "goto: highway")], two=[("  - id: road", "  - id: highway")])
    result = store.load("s", story)
    assert not result.exact
    assert "step 2: scene 'road' no longer exists" in result.notes[0]
    assert result.game.state.scene == "lucky" and result.game.ending is not None
    assert "road" not in result.game.state.visited  # unknown scenes dropped from the snapshot


def test_when_the_saved_scene_is_gone_too_the_game_resumes_where_the_log_still_leads(
    store: SaveStore, original: Story, edit_story: Edit
) -> None:
    store.save("s", play(original, "ask_pass", "road"))
    # The long road is cut: gate.road is removed and the road scene renamed, so neither the log's step 2 nor
    # the saved scene exists any more.
    story = edit_story(
        one=[("      - id: road\n        label: Take the long road\n        goto: road\n", "")],
        two=[("  - id: road", "  - id: highway")],
    )
    result = store.load("s", story)
    assert not result.exact
    assert "step 2: scene 'gate' no longer has choice 'road'" in result.notes[0]
    assert result.notes[1] == (
        "The saved scene 'road' no longer exists either, so the game resumes where the choices still lead: "
        "after step 1, in scene 'gate'."
    )
    assert result.game.state.scene == "gate"
    assert result.game.state.log == [("gate", "ask_pass")]
    assert result.game.variables()["has_pass"] is True


def test_a_log_that_now_leads_elsewhere_says_so(store: SaveStore, original: Story, edit_story: Edit) -> None:
    store.save("s", play(original, "road", "walk", seed=1))  # seed 1: through
    story = edit_story(
        one=[
            (
                "        label: Take the long road\n        goto: road",
                "        label: Take the long road\n        goto: turned_back",
            )
        ]
    )
    result = store.load("s", story)
    assert "step 2: the choices now lead to scene 'turned_back', not to scene 'road'" in result.notes[0]
    assert result.game.state.scene == "through"  # the snapshot's scene still exists


def test_a_new_variable_is_filled_with_its_default(
    store: SaveStore, original: Story, edit_story: Edit
) -> None:
    store.save("s", play(original, "ask_pass"))
    story = edit_story(story=[("variables:\n", "variables:\n  courage: {type: int, default: 3}\n")])
    result = store.load("s", story)
    assert result.exact  # the log still applies: rebuilt from it, new variable at its default
    assert result.game.variables()["courage"] == 3


def test_in_the_snapshot_fallback_unknown_values_are_dropped_and_new_ones_defaulted(
    store: SaveStore, original: Story, edit_story: Edit
) -> None:
    store.save("s", play(original, "ask_pass", "bribe"))
    story = edit_story(
        story=[
            (
                '  has_pass: {type: bool, default: false, description: "You carry a pass."}\n',
                "  has_papers: {type: bool, default: true}\n",
            ),
            (
                "  villagers:\n",
                (
                    "  clerks:\n    name: The clerks\n    description: Paper people.\n"
                    "    initial: 33\n  villagers:\n"
                ),
            ),
        ],
        one=[
            ("requires: has_pass", "requires: has_papers"),
            ("if: not has_pass", "if: not has_papers"),
            ("set: {has_pass: true}", "set: {has_papers: true}"),
        ],
    )
    result = store.load("s", story)
    # has_pass is gone, so ask_pass is hidden at step 1 (has_papers defaults to true): the log stops there.
    assert "step 1" in result.notes[0]
    game = result.game
    assert game.variables() == {"has_papers": True, "bribes": 1}
    assert game.trust() == {"guards": 0, "clerks": 33, "villagers": 90}
    joined = " ".join(result.notes)
    assert "no longer uses were dropped: has_pass" in joined
    assert "New values start at their defaults: clerks, has_papers" in joined


def test_trust_outside_a_new_range_is_clamped_with_a_note(
    store: SaveStore, original: Story, edit_story: Edit
) -> None:
    store.save("s", play(original, "ask_pass", "bribe", "bribe"))  # villagers 90
    story = edit_story(
        story=[("    initial: 90\n    range: [0, 100]", "    initial: 50\n    range: [0, 60]")],
        one=[("      - id: bribe\n", "      - id: pay\n")],
        two=[("chose(gate.bribe)", "chose(gate.pay)")],
    )
    result = store.load("s", story)
    assert not result.exact
    assert result.game.trust()["villagers"] == 60
    assert any("outside its new range; it is now 60" in n for n in result.notes)


def test_another_story_is_refused(store: SaveStore, original: Story, edit_story: Edit) -> None:
    store.save("s", play(original))
    story = edit_story(story=[("  id: tiny", "  id: other")])
    with pytest.raises(SaveError, match="belongs to another story"):
        store.load("s", story)


def test_story_ids_with_dashes(store: SaveStore, edit_story: Edit, tmp_path: Path) -> None:
    from game.saves import Playthrough, replay_playthrough

    story = edit_story(story=[("  id: tiny", "  id: jaysh-al-qasas")])
    info = store.save("s", play(story, "road"))
    assert store.load("s", story).exact
    pt_path = tmp_path / "pt.yaml"
    pt_path.write_text("story: jaysh-al-qasas\nchoices: [gate.road]\n", encoding="utf-8")
    assert replay_playthrough(Playthrough.from_file(pt_path), story).ok
    assert replay_playthrough(Playthrough.from_file(info.path), story).ok


def test_a_game_restored_from_its_snapshot_saves_again_and_loads_again(
    store: SaveStore, original: Story, edit_story: Edit
) -> None:
    store.save("s", play(original, "ask_pass", "charm"))
    story = edit_story(one=[("id: charm", "id: win_over")])
    restored = store.load("s", story)
    assert not restored.exact  # the player is told once, when the snapshot is first used
    game = restored.game
    game.choose("bribe")  # play goes on after the restore
    store.save("again", game)
    assert '"restored": true' in store.path_for("again").read_text()
    # Loading it again takes the snapshot as the truth, with nothing new to tell the player.
    again = store.load("again", story)
    assert again.exact and again.notes == []
    assert again.game.state == game.state
    # A save whose log replays says nothing of the kind.
    store.save("plain", play(story, "ask_pass"))
    assert '"restored"' not in store.path_for("plain").read_text()


def test_restored_must_be_true_or_false(store: SaveStore, original: Story) -> None:
    store.save("s", play(original, "ask_pass"))
    path = store.path_for("s")
    path.write_text(path.read_text().replace('"chosen"', '"restored": "yes",\n    "chosen"'))
    with pytest.raises(SaveError, match="state.restored"):
        store.load("s", original)
