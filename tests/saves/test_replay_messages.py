"""qasas replay's failures, read by a person: the line actually shown beside the one expected, a chance roll named
when it sent the story elsewhere, a did-you-mean for misspelt ids and names, golden diffs numbered by the step
where the transcripts part, and --update-golden saying what it wrote."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.cli import main
from game.engine import Game, Story
from game.engine.chance import roll
from game.loader import load_story
from game.saves import Playthrough, replay_playthrough

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "fixtures" / "tiny"


def replay(text: str, story: Story, tmp_path: Path | None = None):  # type: ignore[no-untyped-def]
    if tmp_path is None:
        return replay_playthrough(Playthrough.from_text(text, "pt.yaml"), story)
    path = tmp_path / "pt.yaml"
    path.write_text(text, encoding="utf-8")
    return replay_playthrough(Playthrough.from_file(path), story)


def test_a_text_check_shows_the_line_that_is_there(tiny_story: Story) -> None:
    report = replay("seed: 1\nchoices:\n  - expect: {text: 'Trust with the guards: 55.'}\n", tiny_story)
    failure = report.failure
    assert failure is not None
    assert failure.expected == ['text contains: "Trust with the guards: 55."']
    assert failure.actual == ['closest line: "Trust with the guards: 50."']
    rendered = failure.render()
    assert '  - text contains: "Trust with the guards: 55."\n  + closest line: "Trust with the guards: 50."' in rendered
    # Nothing like it on screen: it says so, without inventing a near miss.
    report = replay("seed: 1\nchoices:\n  - expect: {text: The sea is calm.}\n", tiny_story)
    assert report.failure is not None and report.failure.actual == ['text does not contain: "The sea is calm."']


def seed_where(story: Story, lucky: bool) -> int:
    """A seed for which the road's 50% chance is (or is not) taken after gate.road, road.walk."""
    for seed in range(1, 1000):
        game = Game.replay(story, seed, [("gate", "road")])
        if (roll(seed, len(game.state.log), 1) < 50) == lucky:
            return seed
    raise AssertionError("no seed")


def test_a_chance_roll_that_went_the_other_way_is_named(tiny_story: Story) -> None:
    seed = seed_where(tiny_story, lucky=False)
    report = replay(f"seed: {seed}\nchoices:\n  - gate.road\n  - road.walk\n  - expect: {{scene: lucky}}\n", tiny_story)
    failure = report.failure
    assert failure is not None and failure.kind == "expect"
    assert f"a chance roll decided where 'road.walk' led (seed {seed}: 50% to 'lucky' rolled" in failure.message
    assert "(not taken)" in failure.message and "with another seed it can lead to 'lucky'" in failure.message
    # The same when the next step chooses in the scene the roll did not lead to.
    report = replay(f"seed: {seed}\nchoices:\n  - gate.road\n  - road.walk\n  - lucky.anything\n", tiny_story)
    assert report.failure is not None and "a chance roll decided where 'road.walk' led" in report.failure.message
    # A wrong scene with no chance involved says nothing of chance.
    report = replay("seed: 1\nchoices:\n  - gate.leave\n  - gate.leave\n", tiny_story)
    assert report.failure is not None and "chance" not in report.failure.message


def test_misspelt_ids_and_names_get_a_did_you_mean(tiny_story: Story) -> None:
    def failure_of(text: str) -> str:
        report = replay(text, tiny_story)
        assert report.failure is not None
        return report.failure.render()

    assert "scene 'gate' has no choice 'ask_pas'; did you mean 'ask_pass'?" in failure_of("choices: [gate.ask_pas]\n")
    assert "the playthrough chooses in scene 'gat', which does not exist; did you mean 'gate'?" in failure_of(
        "choices: [gat.leave]\n"
    )
    text = failure_of("choices:\n  - expect: {trust: {gaurds: 50}, variables: {has_pas: false}, scene: gatee}\n")
    assert "trust.gaurds: (no such faction in the story; did you mean 'guards'?)" in text
    assert "variables.has_pas: (no such variable; did you mean 'has_pass'?)" in text
    assert "scene: gatee (no such scene; did you mean 'gate'?)" in text
    assert "ending: throgh (no such ending; did you mean 'through'?)" in failure_of("choices: [gate.leave]\nexpect: {ending: throgh}\n")


def test_a_golden_diff_is_numbered_where_the_transcripts_part(tmp_path: Path, tiny_story: Story) -> None:
    text = "seed: 1\ntranscript: pt.txt\nchoices:\n  - gate.ask_pass\n  - gate.bribe\n  - gate.leave\n"
    assert replay(text, tiny_story, tmp_path) is not None
    replay_playthrough(Playthrough.from_file(_write(tmp_path, text)), tiny_story, update_golden=True)
    golden = tmp_path / "pt.txt"
    lines = golden.read_text().splitlines()
    # Change the text shown after the first choice (before the second '> ' line).
    first = next(i for i, line in enumerate(lines) if line.startswith("> "))
    second = next(i for i, line in enumerate(lines) if line.startswith("> ") and i > first)
    k = next(i for i in range(first + 1, second) if lines[i].startswith("The guard looks"))
    lines[k] = "The guard looks at someone else."
    golden.write_text("\n".join(lines) + "\n")
    report = replay_playthrough(Playthrough.from_file(tmp_path / "pt.yaml"), tiny_story)
    failure = report.failure
    assert failure is not None and failure.kind == "golden"
    assert failure.step == 1 and report.steps == 3
    assert failure.render().startswith("after step 1, in scene 'turned_back'")
    assert "differs from the golden file pt.txt from step 1 on" in failure.message


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pt.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_update_golden_says_which_files_it_wrote(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("QASAS_UPDATE_GOLDEN", raising=False)
    monkeypatch.chdir(tmp_path)
    for name in ("a", "b"):
        (tmp_path / f"{name}.yaml").write_text(
            f"scenes: {TINY}\nseed: 1\ntranscript: {name}.txt\nchoices: [gate.leave]\n", encoding="utf-8"
        )
    (tmp_path / "plain.yaml").write_text(f"scenes: {TINY}\nseed: 1\nchoices: [gate.leave]\n", encoding="utf-8")
    assert main(["replay", "--update-golden", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "  wrote the golden transcript a.txt\n" in out and "  wrote the golden transcript b.txt\n" in out
    assert out.rstrip().endswith("3 passed, 2 golden transcripts written")
    assert main(["replay", "--update-golden", "--json", str(tmp_path / "a.yaml")]) == 0
    assert '"written": "' in capsys.readouterr().out
    # Without the flag, nothing is written and nothing is said about it.
    assert main(["replay", str(tmp_path)]) == 0
    assert "written" not in capsys.readouterr().out
    assert load_story(str(TINY)).id == "tiny"
