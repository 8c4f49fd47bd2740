"""Engine semantics, played as a player would: guards, disabled reasons, clamping, fair changes, chance, endings."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from game.engine import ChoiceError, Game, ReplayError, Story
from game.loader import load_story

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def ids(game: Game) -> list[str]:
    return [c.id for c in game.choices()]


def test_new_game_starts_in_the_start_scene_with_initial_trust(tiny_story: Story) -> None:
    game = Game(tiny_story, seed=1)
    assert game.scene.id == "gate"
    assert game.trust() == {"guards": 50, "villagers": 90}
    assert game.text() == ["The guard looks at your papers and then at you.", "Trust with the guards: 50."]
    assert game.ending is None


def test_hidden_and_disabled_choices(tiny_story: Story) -> None:
    game = Game(tiny_story)
    views = {c.id: c for c in game.choices()}
    assert not views["show_pass"].enabled
    assert views["show_pass"].reason == "You have no pass to show."
    assert views["ask_pass"].enabled
    with pytest.raises(ChoiceError, match="disabled"):
        game.choose("show_pass")
    game.choose("ask_pass")
    assert "ask_pass" not in ids(game)  # hidden once you have a pass
    assert {c.id: c.enabled for c in game.choices()}["show_pass"] is True
    with pytest.raises(ChoiceError, match="hidden"):
        game.choose("ask_pass")
    assert game.choose("show_pass").ending.id == "through"


def test_flat_trust_is_clamped_and_reported_with_before_and_after(tiny_story: Story) -> None:
    game = Game(tiny_story)
    outcome = game.choose("bribe")
    (change,) = outcome.trust
    assert (change.faction, change.before, change.after, change.delta) == ("guards", 50, 0, -50)
    assert [(v.name, v.before, v.after) for v in outcome.variables] == [("bribes", 0, 1)]
    game.choose("bribe")
    assert game.trust()["guards"] == 0
    # The automatic reason names the faction and the threshold.
    charm = {c.id: c for c in game.choices()}["charm"]
    assert not charm.enabled and charm.reason == "Needs the guards at 50 or more."


def test_fair_change_moves_a_share_of_the_remaining_distance(tiny_story: Story) -> None:
    game = Game(tiny_story)
    game.choose("charm")  # villagers 90 -> 90 + (100 - 90) * 50% = 95
    assert game.trust()["villagers"] == 95
    game.choose("charm")  # 95 + 2.5 rounds to 98
    game.choose("charm")
    game.choose("charm")
    assert 95 < game.trust()["villagers"] < 100  # approaches the top, never pins


def test_passages_and_interpolation_follow_state(tiny_story: Story) -> None:
    game = Game(tiny_story)
    game.choose("bribe")
    assert game.text()[-1] == "He remembers your money. Bribes so far 1."
    assert "Trust with the guards: 0." in game.text()


def test_on_enter_effects_and_literal_braces(tiny_story: Story) -> None:
    game = Game(tiny_story)
    outcome = game.choose("road")
    assert outcome.scene_to == "road"
    assert [(c.faction, c.delta) for c in outcome.trust] == [("villagers", -5)]
    assert game.text() == ["The road is long. {Braces} stay literal."]


def test_conditional_route_uses_chose(tiny_story: Story) -> None:
    game = Game(tiny_story)
    game.choose("bribe")
    game.choose("road")
    assert game.choose("walk").ending.id == "turned_back"


def test_chance_is_seeded_and_both_branches_happen(tiny_story: Story) -> None:
    endings = {}
    for seed in range(60):
        game = Game(tiny_story, seed)
        game.choose("road")
        endings[seed] = game.choose("walk").ending.id
        again = Game(tiny_story, seed)
        again.choose("road")
        assert again.choose("walk").ending.id == endings[seed]  # same seed, same branch
    counts = {e: list(endings.values()).count(e) for e in set(endings.values())}
    assert set(counts) == {"lucky", "through"}
    assert 15 <= counts["lucky"] <= 45


def test_ending_has_no_choices_and_refuses_more(tiny_story: Story) -> None:
    game = Game(tiny_story)
    game.choose("leave")
    assert game.ending.title == "Turned Back"
    assert game.choices() == []
    with pytest.raises(ChoiceError, match="ended"):
        game.choose("leave")


def test_replay_is_deterministic_and_names_the_failing_step(tiny_story: Story) -> None:
    game = Game(tiny_story, seed=5)
    for cid in ("bribe", "ask_pass", "road"):
        game.choose(cid)
    again = Game.replay(tiny_story, 5, game.state.log)
    assert again.state == game.state
    with pytest.raises(ReplayError) as info:
        Game.replay(tiny_story, 5, [("gate", "bribe"), ("gate", "fly")])
    assert info.value.step == 2 and "no choice 'fly'" in str(info.value)
    with pytest.raises(ReplayError, match="step 1: scene 'moon' no longer exists"):
        Game.replay(tiny_story, 5, [("moon", "x")])


def test_snapshot_is_independent_of_later_play(tiny_story: Story) -> None:
    game = Game(tiny_story)
    snap = game.snapshot()
    game.choose("bribe")
    assert snap.values != game.state.values and snap.log == []
    assert game.state.to_dict(tiny_story)["log"] == ["gate.bribe"]


def test_a_scene_finds_its_choices_by_id_and_nothing_else(tiny_story: Story) -> None:
    gate = tiny_story.scenes["gate"]
    for choice in gate.choices:
        assert gate.choice(choice.id) is choice
    assert gate.choice("no_such_choice") is None
    assert gate.choice(gate.choices[0].key) is None  # a key ('scene.choice') is not an id
    with pytest.raises(ChoiceError, match="has no choice 'no_such_choice'"):
        Game(tiny_story).choose("no_such_choice")



@pytest.mark.parametrize(
    ("requires", "reason"),
    [
        ("guards > 60", "Needs the guards above 60."),
        ("guards < 20", "Needs the guards below 20."),
        ("guards <= 20", "Needs the guards at 20 or less."),
        ("guards == 40", "Needs the guards at exactly 40."),
        ("guards != 50", "Needs the guards at anything but 50."),
        ("95 < villagers", "Needs the villagers above 95."),
        ("max(guards, villagers) >= 95", "Needs the higher of the guards and the villagers at 95 or more."),
        ("guards > 60 and has_pass", "Needs the guards above 60 and 'You carry a pass'."),
        ("guards > 10 and has_pass", "Needs 'You carry a pass'."),
    ],
)
def test_a_generated_reason_reads_as_a_sentence(tmp_path: Path, requires: str, reason: str) -> None:
    """Without an author's reason, the player reads what fails of the requirement in words: a faction named "The
    guards" is "the guards" inside the sentence, and a threshold is "at 50 or more" or "above 60", never "at above
    60"."""
    story = tmp_path / "tiny"
    shutil.copytree(FIXTURES / "tiny", story)
    one = story / "one.yaml"
    one.write_text(one.read_text().replace("requires: guards >= 50", f"requires: {requires}", 1))
    charm = {c.id: c for c in Game(load_story(str(story))).choices()}["charm"]
    assert not charm.enabled and charm.reason == reason
