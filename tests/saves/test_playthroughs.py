"""Playthrough files: reading them, replaying them against the tiny story, failures that say where and what,
golden transcripts, and writing them back exactly."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from saves_helpers import TINY, play

from game.engine import Game, ReplayError, Story
from game.saves import (
    Expect,
    Playthrough,
    PlaythroughError,
    Range,
    SaveStore,
    find_playthroughs,
    render_playthrough,
    replay_playthrough,
    transcript,
    write_playthrough,
)

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "playthroughs"


def _pt(tmp_path: Path, text: str, name: str = "pt.yaml") -> Playthrough:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return Playthrough.from_file(path)


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.yaml")), ids=lambda p: p.name)
def test_fixture_playthroughs_pass(path: Path, tiny_story: Story) -> None:
    pt = Playthrough.from_file(path)
    assert pt.scenes_dir() == TINY
    report = replay_playthrough(pt, tiny_story, update_golden=False)
    assert report.ok, report.failure and report.failure.render()
    assert report.ending is not None


def test_reading_a_playthrough(tmp_path: Path) -> None:
    pt = _pt(
        tmp_path,
        """
seed: 9
story: tiny
scenes: ../somewhere
choices:
  - gate.ask_pass
  - expect: {scene: gate, trust: {guards: 40..60, villagers: ">= 50"}, variables: {has_pass: true, bribes: 0}}
  - gate.show_pass
expect:
  ending: through
  text: [The gate closes]
  not_text: Lucky
""",
    )
    assert pt.seed == 9 and pt.story_id == "tiny"
    assert pt.log == [("gate", "ask_pass"), ("gate", "show_pass")]
    assert pt.scenes_dir() == (tmp_path / "../somewhere").resolve()
    mid = pt.items[1]
    assert isinstance(mid, Expect)
    assert mid.trust == {"guards": Range(40, 60), "villagers": Range(50, None)}
    assert mid.variables == {"has_pass": True, "bribes": Range(0, 0)}
    end = pt.items[-1]
    assert isinstance(end, Expect) and end.ending == "through" and end.not_text == ("Lucky",)


def test_minimal_playthrough_and_defaults(tmp_path: Path, tiny_story: Story) -> None:
    pt = _pt(tmp_path, "choices: [gate.leave]\n")
    assert pt.seed == 0 and pt.scenes is None and pt.transcript is None
    report = replay_playthrough(pt, tiny_story)
    assert report.ok and report.steps == 1 and report.ending == "turned_back"


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("seed: seven\n", "pt.yaml:1:7: seed must be a whole number (found 'seven')"),
        ("seed: 0x10\n", "seed must be a whole number"),
        ("choices: [gate-leave]\n", "pt.yaml:1:11: a choice is written 'scene.choice'"),
        ("choices: gate.leave\n", "choices must be a list"),
        ("choices:\n  - {expect: {scene: gate}, extra: 1}\n", "pt.yaml:2:5: each item of 'choices'"),
        ("expect: {scnee: gate}\n", "pt.yaml:1:10: unknown expectation 'scnee' (did you mean 'scene'?)"),
        ("expect: {trust: {guards: [60, 40]}}\n", "is empty"),
        ("expect: {trust: {guards: lots}}\n", "trust.guards must be a number, [low, high]"),
        ("expect: {ending: Through}\n", "ending must be an id"),
        ("chioces: []\n", "unknown field 'chioces' (did you mean 'choices'?)"),
        ("state: {scene: gate}\n", "pt.yaml:1:1: unknown field 'state'"),
        ("story: Tiny Story\n", "story must be a story id"),
        ("seed: 1\nseed: 2\n", "pt.yaml:2:1: the key 'seed' appears twice"),
        ("- a\n- b\n", "a playthrough must be a mapping"),
        ("seed: [1\n", "pt.yaml:2:1: YAML syntax"),
        ("# nothing\n", "file is empty"),
        ("a: &a [*a, *a]\nb: " + "[" * 200 + "]" * 200 + "\n", "nested too deeply"),
    ],
)
def test_bad_playthroughs_say_where(tmp_path: Path, text: str, fragment: str) -> None:
    with pytest.raises(PlaythroughError) as err:
        _pt(tmp_path, text)
    assert fragment in str(err.value)


def test_billion_laughs_is_refused(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    lines.append("choices: *a8")
    with pytest.raises(PlaythroughError):
        _pt(tmp_path, "\n".join(lines) + "\n")


def test_a_choice_that_is_no_longer_there_names_step_and_scene(tmp_path: Path, tiny_story: Story) -> None:
    pt = _pt(tmp_path, "choices:\n  - gate.ask_pass\n  - gate.fly\n")
    report = replay_playthrough(pt, tiny_story)
    assert not report.ok and report.steps == 1
    failure = report.failure
    assert failure is not None and failure.kind == "choice" and failure.step == 2 and failure.scene == "gate"
    assert failure.where.endswith("pt.yaml:3:5")
    text = failure.render()
    assert text.splitlines()[0].startswith("step 2, in scene 'gate' (")
    assert "scene 'gate' has no choice 'fly'" in text
    assert "  - choice: gate.fly" in text
    assert "  + choices offered: gate.show_pass, gate.bribe, gate.charm, gate.road, gate.leave" in text


def test_a_disabled_choice_and_a_wrong_scene(tmp_path: Path, tiny_story: Story) -> None:
    report = replay_playthrough(_pt(tmp_path, "choices: [gate.show_pass]\n"), tiny_story)
    assert report.failure is not None
    assert "choice 'gate.show_pass' is disabled: You have no pass to show." in report.failure.render()
    report = replay_playthrough(_pt(tmp_path, "choices: [gate.road, gate.leave]\n"), tiny_story)
    assert report.failure is not None and report.failure.step == 2
    rendered = report.failure.render()
    assert "the playthrough chooses in scene 'gate', which is not where the choices lead" in rendered
    assert "  - scene: gate\n  + scene: road" in rendered
    report = replay_playthrough(_pt(tmp_path, "choices: [gate.leave, gate.leave]\n"), tiny_story)
    assert (
        report.failure is not None
        and "the story has already ended (ending 'turned_back')" in report.failure.message
    )


def test_failed_expectations_show_a_diff(tmp_path: Path, tiny_story: Story) -> None:
    pt = _pt(
        tmp_path,
        """choices:
  - gate.bribe
  - expect:
      scene: road
      ending: through
      trust: {guards: [40, 60], villagers: 90, nobody: 1}
      variables: {has_pass: true, bribes: ">= 2", ghost: false}
      text: [He remembers your money, The sea]
      not_text: Bribes so far
  - gate.leave
""",
    )
    report = replay_playthrough(pt, tiny_story)
    failure = report.failure
    assert failure is not None and failure.kind == "expect" and failure.step == 1 and failure.scene == "gate"
    assert failure.where.endswith("pt.yaml:4:7")
    pairs = list(zip(failure.expected, failure.actual))
    assert pairs == [
        ("scene: road", "scene: gate"),
        ("ending: through", "ending: none (the story has not ended)"),
        ("trust.guards: 40..60", "trust.guards: 0"),
        ("trust.nobody: 1", "trust.nobody: (no such faction in the story)"),
        ("variables.has_pass: true", "variables.has_pass: false"),
        ("variables.bribes: >= 2", "variables.bribes: 1"),
        ("variables.ghost: false", "variables.ghost: (no such variable)"),
        ('text contains: "The sea"', 'text does not contain: "The sea"'),
        ('text does not contain: "Bribes so far"', 'text contains: "Bribes so far"'),
    ]
    rendered = failure.render()
    assert rendered.startswith("after step 1, in scene 'gate' (")
    assert "9 expectations failed" in rendered
    assert "  - trust.guards: 40..60\n  + trust.guards: 0" in rendered
    assert report.steps == 1  # the replay stops at the first failing block


def test_ending_null_asserts_the_story_goes_on(tmp_path: Path, tiny_story: Story) -> None:
    assert replay_playthrough(_pt(tmp_path, "choices: [gate.road]\nexpect: {ending: null}\n"), tiny_story).ok
    report = replay_playthrough(_pt(tmp_path, "choices: [gate.leave]\nexpect: {ending: ~}\n"), tiny_story)
    assert report.failure is not None and report.failure.actual == ["ending: turned_back"]


def test_text_matching_ignores_line_wrapping(tmp_path: Path, tiny_story: Story) -> None:
    pt = _pt(tmp_path, 'expect:\n  text: "papers and\\n   then at   you. Trust with the guards: 50."\n')
    assert replay_playthrough(pt, tiny_story).ok


def test_a_playthrough_for_another_story(tmp_path: Path, tiny_story: Story) -> None:
    report = replay_playthrough(_pt(tmp_path, "story: kobani\nchoices: [gate.leave]\n"), tiny_story)
    assert report.failure is not None and report.failure.kind == "story"
    assert "for story 'kobani', not 'tiny'" in report.failure.message


def test_every_save_is_a_playthrough_and_its_snapshot_is_checked(tmp_path: Path, tiny_story: Story) -> None:
    store = SaveStore(tmp_path / "saves")
    info = store.save("checkpoint", play(tiny_story, "ask_pass", "bribe", "road"))
    pt = Playthrough.from_file(info.path)
    assert pt.seed == 7 and pt.log == [("gate", "ask_pass"), ("gate", "bribe"), ("gate", "road")]
    report = replay_playthrough(pt, tiny_story)
    assert report.ok and report.steps == 3
    # Hand-edit the expected snapshot: the replay must now fail on it, naming the field.
    doc = json.loads(info.path.read_text(encoding="utf-8"))
    doc["state"]["trust"]["villagers"] = 99
    info.path.write_text(json.dumps(doc), encoding="utf-8")
    report = replay_playthrough(Playthrough.from_file(info.path), tiny_story)
    assert report.failure is not None and report.failure.expected == ["trust.villagers: 99"]
    assert report.failure.actual == ["trust.villagers: 85"]


def test_a_save_with_expectations_added_by_hand(tmp_path: Path, tiny_story: Story) -> None:
    store = SaveStore(tmp_path / "saves")
    info = store.save("checkpoint", play(tiny_story, "road"))
    doc = json.loads(info.path.read_text(encoding="utf-8"))
    doc["expect"] = {"text": "The road is long."}
    info.path.write_text(json.dumps(doc), encoding="utf-8")
    assert replay_playthrough(Playthrough.from_file(info.path), tiny_story).ok
    assert store.load("checkpoint", tiny_story).exact  # and it is still a loadable save


def test_transcript_is_deterministic_and_sanitised(tiny_story: Story) -> None:
    log = [("gate", "ask_pass"), ("gate", "road"), ("road", "walk")]
    text = transcript(tiny_story, 4, log)
    assert text == transcript(tiny_story, 4, ["gate.ask_pass", "gate.road", "road.walk"])
    lines = text.splitlines()
    assert lines[:2] == ["A Tiny Story", "(seed 4)"]
    assert "=== Chapter 1: The Gate ===" in lines and "=== Chapter 2: The Road ===" in lines
    assert "## At the Gate (A gate in a wall, a year the records leave blank)" in lines
    assert "  1. Show the pass (unavailable: You have no pass to show.)" in lines
    assert "> 2. Ask the clerk for a pass  [gate.ask_pass]" in lines
    assert "  The guards: +5, now 55." in lines
    assert "*** Ending: A Lucky Road ***" in lines
    assert lines[-2:] == ["Final trust: The guards 55; The villagers 85.", "3 choices."]
    with pytest.raises(ReplayError) as err:
        transcript(tiny_story, 4, [("gate", "fly")])
    assert err.value.step == 1


def test_transcript_strips_terminal_escapes(tmp_path: Path) -> None:
    from game.loader import load_story

    story_dir = tmp_path / "story"
    story_dir.mkdir()
    (story_dir / "story.yaml").write_text(
        'story: {id: esc, title: "Esc\\e[31mape", start: a}\nchapters: {one: {title: "C\\x85h", order: 1}}\n'
        'factions: {f: {name: "F\\e[2Jx", description: d}}\nendings: {e: {title: End}}\n',
        encoding="utf-8",
    )
    (story_dir / "a.yaml").write_text(
        'chapter: one\nscenes:\n  - id: a\n    title: "T\\e]0;pwned\\a"\n'
        '    text: "x\\u202ey"\n    ending: e\n',
        encoding="utf-8",
    )
    text = transcript(load_story(str(story_dir)), 0, [])
    assert "\x1b" not in text and "\x85" not in text and "\u202e" not in text and "\x07" not in text


def test_golden_transcripts(tmp_path: Path, tiny_story: Story, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QASAS_UPDATE_GOLDEN", raising=False)
    pt = _pt(tmp_path, "transcript: golden.txt\nchoices: [gate.ask_pass, gate.show_pass]\n")
    golden = tmp_path / "golden.txt"
    report = replay_playthrough(pt, tiny_story)
    assert report.failure is not None and "golden.txt does not exist" in report.failure.message
    assert "QASAS_UPDATE_GOLDEN=1" in report.failure.message and not golden.exists()

    monkeypatch.setenv("QASAS_UPDATE_GOLDEN", "1")
    assert replay_playthrough(pt, tiny_story).ok
    monkeypatch.delenv("QASAS_UPDATE_GOLDEN")
    assert golden.read_text(encoding="utf-8") == report.transcript
    assert replay_playthrough(pt, tiny_story).ok

    golden.write_text(report.transcript.replace("\n", "\r\n"), encoding="utf-8", newline="")
    assert replay_playthrough(pt, tiny_story).ok  # a CRLF checkout is not a difference

    golden.write_text(report.transcript.replace("now 55", "now 56"), encoding="utf-8")
    failed = replay_playthrough(pt, tiny_story)
    assert failed.failure is not None and failed.failure.kind == "golden"
    assert "differs from the golden file golden.txt" in failed.failure.message
    assert "-  The guards: +5, now 56." in failed.failure.diff
    assert "+  The guards: +5, now 55." in failed.failure.diff
    assert "--- golden.txt (golden)" in failed.failure.render()

    assert replay_playthrough(pt, tiny_story, update_golden=True).ok  # the explicit flag rewrites it
    assert golden.read_text(encoding="utf-8") == report.transcript


def test_golden_is_not_rewritten_when_the_replay_fails(tmp_path: Path, tiny_story: Story) -> None:
    pt = _pt(tmp_path, "transcript: golden.txt\nchoices: [gate.fly]\n")
    assert not replay_playthrough(pt, tiny_story, update_golden=True).ok
    assert not (tmp_path / "golden.txt").exists()


def test_golden_cannot_escape_the_playthrough_folder(tmp_path: Path, tiny_story: Story) -> None:
    (tmp_path / "sub").mkdir()
    pt = _pt(tmp_path / "sub", "transcript: ../../escaped.txt\nchoices: []\n")
    report = replay_playthrough(pt, tiny_story, update_golden=True)
    assert (
        report.failure is not None and "must be a file in the playthrough's folder" in report.failure.message
    )
    assert not (tmp_path.parent / "escaped.txt").exists()


def test_write_playthrough_round_trips(tmp_path: Path, tiny_story: Story) -> None:
    game = play(tiny_story, "ask_pass", "bribe", "road", "walk")
    path = write_playthrough(
        tmp_path / "out.yaml",
        game.state.seed,
        game.state.log,
        {"ending": "turned_back", "trust": {"guards": 0, "villagers": [80, 90]}, "text": "You walk back"},
        expect_after={0: {"scene": "gate"}, 3: Expect(scene="road")},
        scenes="../tiny",
        story_id="tiny",
        transcript="out.txt",
        comment="Shortest path to 'turned_back'.",
    )
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Shortest path to 'turned_back'.\nstory: tiny\nscenes: ../tiny\nseed: 7\n")
    assert "  - expect: {scene: road}\n  - road.walk\n" in text
    pt = Playthrough.from_file(path)
    assert pt.log == game.state.log and pt.seed == 7 and pt.transcript == "out.txt" and pt.story_id == "tiny"
    assert replay_playthrough(pt, tiny_story, update_golden=True).ok


_texts = st.text(
    st.characters(blacklist_categories=("Cs",))
    | st.sampled_from(["\x85", "\u2028", "\ufeff", "'", '"', "\\", "#"]),
    min_size=1,
    max_size=30,
)


@settings(max_examples=200, deadline=None)
@given(
    texts=st.lists(_texts, min_size=1, max_size=3),
    seed=st.integers(-(2**63), 2**64 - 1),
    low=st.integers(-1000, 1000),
    width=st.integers(0, 1000),
    flag=st.booleans(),
)
def test_written_playthroughs_read_back_exactly(
    texts: list[str], seed: int, low: int, width: int, flag: bool
) -> None:
    # Expected text comes from scene text and may hold anything, U+0085 included: yaml.safe_dump with
    # allow_unicode=True would turn that into a line break. What is written must read back as written.
    expect = Expect(
        scene="gate",
        trust={"guards": Range(low, low + width), "villagers": Range(low, None)},
        variables={"has_pass": flag, "bribes": Range(None, low)},
        text=tuple(texts),
        not_text=tuple(texts[:1]),
    )
    text = render_playthrough(seed, [("gate", "road")], expect, expect_after={0: expect}, scenes="../x y/'z'")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pt.yaml"
        path.write_text(text, encoding="utf-8")
        pt = Playthrough.from_file(path)
    assert pt.seed == seed and pt.log == [("gate", "road")] and pt.scenes == "../x y/'z'"
    assert pt.items[0] == expect and pt.items[-1] == expect


def test_find_playthroughs(tmp_path: Path) -> None:
    for name in ["b.yaml", "a.json", "c.yml", "notes.md", "golden.txt", ".hidden.yaml", "sub/d.yaml"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("", encoding="utf-8")
    found = [p.relative_to(tmp_path).as_posix() for p in find_playthroughs([tmp_path])]
    assert found == ["a.json", "b.yaml", "c.yml", "sub/d.yaml"]


def test_a_folder_over_the_search_limit_is_refused_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # An incomplete search replays nothing: which files it happened to reach would be an accident of the walk.
    from game.saves import playthrough

    for i in range(12):
        (tmp_path / f"sub{i % 3}" / f"p{i}.yaml").parent.mkdir(exist_ok=True)
        (tmp_path / f"sub{i % 3}" / f"p{i}.yaml").write_text("", encoding="utf-8")
    monkeypatch.setattr(playthrough, "MAX_SEARCH_ENTRIES", 15)  # 3 folders + 12 files: exactly at the limit
    assert len(playthrough.search_playthroughs([tmp_path])[0]) == 12
    monkeypatch.setattr(playthrough, "MAX_SEARCH_ENTRIES", 14)
    found, problems = playthrough.search_playthroughs([tmp_path, tmp_path / "sub0" / "p0.yaml"])
    assert found == [tmp_path / "sub0" / "p0.yaml"]  # a file named outright is still taken
    assert problems == [(str(tmp_path), "holds too many files to search (over 14); name a smaller folder")]


def test_a_game_made_by_replay_equals_the_played_one(tiny_story: Story) -> None:
    # The API the explorer uses: replay a log, write it, read it back, replay it again.
    game = play(tiny_story, "bribe", "road", "walk", seed=11)
    again = Game.replay(tiny_story, 11, game.state.log)
    assert again.state == game.state


def _block(readme: Path, lang: str) -> str:
    text = readme.read_text(encoding="utf-8")
    start = text.index(f"```{lang}\n") + len(lang) + 4
    return text[start : text.index("```", start)]


def test_the_playthrough_readme_example_replays(tiny_story: Story) -> None:
    from saves_helpers import ROOT

    readme = ROOT / "tests" / "playthroughs" / "README.md"
    pt = Playthrough.from_text(
        _block(readme, "yaml"), "README.md", ROOT / "tests" / "playthroughs" / "example.yaml"
    )
    assert pt.scenes_dir() == TINY and pt.transcript == "course.txt"
    pt.transcript = None  # the example names a golden file that does not exist
    report = replay_playthrough(pt, tiny_story)
    assert report.ok, report.failure and report.failure.render()


def test_the_saves_readme_example_is_a_valid_save(tmp_path: Path, tiny_story: Story) -> None:
    from saves_helpers import ROOT

    path = tmp_path / "example.json"
    path.write_text(_block(ROOT / "saves" / "README.md", "json"), encoding="utf-8")
    result = SaveStore(tmp_path).load_path(path, tiny_story)
    assert result.exact and result.game.state.log == [("gate", "ask_pass"), ("gate", "bribe")]
    assert replay_playthrough(Playthrough.from_file(path), tiny_story).ok


def test_write_playthrough_refuses_expectations_after_missing_steps(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="names step 3, but the log has 1 steps"):
        write_playthrough(tmp_path / "x.yaml", 0, ["gate.road"], expect_after={3: {"scene": "road"}})
    assert not (tmp_path / "x.yaml").exists()
