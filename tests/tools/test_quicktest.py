"""quicktest: a verdict on every scene, choice and ending (a playable path, or a proof there is none), dead ends,
traps, and conditions that always come out the same way."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from tools_helpers import MANIFEST

from game.commands.quicktest import format_report
from game.engine import Game
from game.loader import load_story
from game.saves import Playthrough, replay_playthrough
from game.tools.quicktest import Settings, find_seed, quicktest

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "fixtures" / "tiny"
# Budgets that leave the exact search out, so what decides is play and the searches over smaller views.
WITHOUT_EXACT = Settings(exact_states=1, runs=40, batch=10)


def run_qasas(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "game", *args], capture_output=True, text=True, check=False, cwd=ROOT)


def verdicts(findings: list) -> dict[str, str]:
    return {f.id: f.verdict for f in findings}


def plays_to(story, path, scene: str) -> bool:
    """The path, replayed with its own seed, arrives in ``scene``."""
    game = Game.replay(story, path.seed, [(s.scene, s.choice) for s in path.steps])
    return game.state.scene == scene


def test_the_tiny_story_gets_every_verdict_with_shortest_paths() -> None:
    story = load_story(str(TINY))
    result = quicktest(story)
    assert result.ok and result.complete and result.method.exact_complete
    endings = {f.id: f.path.choices() for f in result.endings}
    assert endings == {
        "turned_back": ["gate.leave"],
        "lucky": ["gate.road", "road.walk"],
        "through": ["gate.ask_pass", "gate.show_pass"],
    }
    for f in result.scenes + result.choices + result.endings:
        assert f.verdict == "reachable" and f.path.shortest, f.id
        assert plays_to(story, f.path, f.scene), f.id
    assert result.traps.verdict == "none"
    assert all(d.verdict == "unreachable" for d in result.dead_ends)


def test_unreachable_content_dead_ends_traps_and_decided_conditions(make_story) -> None:
    story = make_story("""\
        chapter: one
        scenes:
          - id: start
            title: Start
            text:
              - x
              - {if: n > 5, text: Never shown.}
            choices:
              - {id: count, label: Count, if: n < 2, effects: {add: {n: 1}}, goto: start}
              - {id: stuck, label: Get stuck, goto: stuck}
              - {id: trap, label: Walk in circles, goto: circle}
              - {id: win, label: Win, requires: n >= 2, goto: won}
              - {id: lose, label: Lose, requires: n > 3, goto: lost}
          - id: stuck
            title: Stuck
            text: x
            choices: [{id: fly, label: Fly, requires: n > 2, goto: won}]
          - id: circle
            title: Circle
            text: x
            choices: [{id: again, label: Again, goto: circle}]
          - {id: won, title: Won, ending: won, text: x}
          - {id: lost, title: Lost, ending: lost, text: x}
    """)
    for settings in (Settings(), WITHOUT_EXACT):
        result = quicktest(story, settings)
        assert result.complete, settings
        assert verdicts(result.scenes)["lost"] == "unreachable"
        assert [f.id for f in result.unreachable("choice")] == ["start.lose", "stuck.fly"]
        assert verdicts(result.endings) == {"won": "reachable", "lost": "unreachable"}
        assert [d.scene for d in result.found_dead_ends()] == ["stuck"]
        assert result.found_dead_ends()[0].path.choices() == ["start.stuck"]
        assert result.traps.verdict == "found"
        decided = {(c.role, c.source): c.always for c in result.decided_conditions()}
        assert decided == {("passage", "n > 5"): False, ("requires", "n > 3"): False, ("requires", "n > 2"): False}
        assert not result.ok and result.problems
    # As an author reads it: the trap, the conditions in a line, then each one that never comes out otherwise.
    text = format_report(story, result)
    assert "Traps: there are states from which no ending can be reached" in text
    assert "Conditions: 2 of 5 can come out either way where they are read; 3 always the same way." in text
    assert "requires 'n > 3' is never true" in text


def test_a_story_that_starts_at_an_ending_reaches_that_ending(make_story) -> None:
    story = make_story("""\
        chapter: one
        scenes:
          - {id: start, title: The End Already, ending: won, text: It is over before it began.}
          - id: other
            title: Elsewhere
            text: x
            choices: [{id: go, label: Go, goto: lost_scene}]
          - {id: lost_scene, title: Lost, ending: lost, text: x}
    """)
    for settings in (Settings(), WITHOUT_EXACT):
        result = quicktest(story, settings)
        assert verdicts(result.endings) == {"won": "reachable", "lost": "unreachable"}
        won = next(f for f in result.endings if f.id == "won")
        assert won.path.steps == () and won.path.shortest and won.scene == "start"
        assert verdicts(result.scenes) == {"start": "reachable", "other": "unreachable", "lost_scene": "unreachable"}
        assert result.traps.verdict == "none"


def test_a_story_of_one_scene(story_dir) -> None:
    manifest = """\
        story: {id: one, title: One Scene, start: only}
        chapters: {one: {title: One, order: 1}}
        factions: {guards: {name: Guards, description: The guards.}}
        endings: {done: {title: Done}}
    """
    ending = story_dir("chapter: one\nscenes:\n  - {id: only, title: Only, ending: done, text: Just this.}\n", manifest)
    result = quicktest(load_story(str(ending)))
    assert result.ok and verdicts(result.endings) == {"done": "reachable"}
    # One scene that only goes round: its ending is never reached, and every state is a trap.
    looping = story_dir(
        "chapter: one\nscenes:\n  - id: only\n    title: Only\n    text: Again.\n"
        "    choices: [{id: again, label: Again, goto: only}]\n", manifest
    )
    result = quicktest(load_story(str(looping)))
    assert verdicts(result.endings) == {"done": "unreachable"}
    assert result.traps.verdict == "found" and result.traps.path.steps == ()
    assert not result.ok


def test_chance_routes_branch_both_ways_and_every_path_gets_a_seed_that_plays_it(make_story) -> None:
    story = make_story("""\
        chapter: one
        scenes:
          - id: start
            title: Start
            text: x
            choices:
              - id: roll
                label: Roll
                goto: [{chance: 1, to: lucky}, {chance: 99, to: middle}, {to: lost}]
          - id: lucky
            title: Lucky
            text: x
            choices:
              - {id: again, label: Again, goto: [{chance: 20, to: won}, {to: lost}]}
          - {id: middle, title: Middle, ending: lost, text: x}
          - {id: won, title: Won, ending: won, text: x}
          - {id: lost, title: Lost, ending: lost, text: x}
    """)
    for settings in (Settings(), WITHOUT_EXACT):
        result = quicktest(story, settings)
        assert result.ok, settings
        won = next(f for f in result.endings if f.id == "won")
        assert [(s.scene, s.choice, s.target) for s in won.path.steps] == [("start", "roll", "lucky"), ("lucky", "again", "won")]
        assert won.path.seed is not None and plays_to(story, won.path, "won")
        for f in result.scenes:
            assert plays_to(story, f.path, f.id), f.id
    assert find_seed(story, won.path.steps, first=1, tries=1) in (None, 1)  # a budget is respected


def test_chances_of_0_and_100_are_load_errors(story_dir) -> None:
    for chance in (0, 100):
        root = story_dir(f"""\
            chapter: one
            scenes:
              - id: start
                title: Start
                text: x
                choices:
                  - {{id: roll, label: Roll, goto: [{{chance: {chance}, to: won}}, {{to: lost}}]}}
              - {{id: won, title: Won, ending: won, text: x}}
              - {{id: lost, title: Lost, ending: lost, text: x}}
        """)
        proc = run_qasas("quicktest", str(root))
        assert proc.returncode == 2
        assert f"chance is a percentage from 1 to 99, not {chance}" in proc.stderr


def test_once_only_and_fallback_choices(make_story) -> None:
    # The hub: ask each question once, then the fallback leads on. 'wait' is shown only while questions remain.
    story = make_story("""\
        chapter: one
        scenes:
          - id: start
            title: The Hub
            text: x
            choices:
              - {id: ask_a, label: Ask A, once: true, effects: {add: {n: 1}}, goto: start}
              - {id: ask_b, label: Ask B, once: true, effects: {add: {n: 1}}, goto: start}
              - {id: boast, label: Boast, once: true, if: n >= 3, goto: start}
              - {id: leave, label: Leave, fallback: true, goto: out}
              - {id: hide, label: Hide, fallback: true, requires: n > 5, goto: lost}
          - id: out
            title: Out
            text: x
            choices: [{id: win, label: Win, requires: n == 2, goto: won}, {id: lose, label: Lose, goto: lost}]
          - {id: won, title: Won, ending: won, text: x}
          - {id: lost, title: Lost, ending: lost, text: x}
    """)
    for settings in (Settings(), WITHOUT_EXACT):
        result = quicktest(story, settings)
        assert result.complete, settings
        assert verdicts(result.choices) == {
            "start.ask_a": "reachable", "start.ask_b": "reachable", "start.boast": "unreachable",
            "start.leave": "reachable", "start.hide": "unreachable", "out.win": "reachable", "out.lose": "reachable",
        }
        leave = next(f for f in result.choices if f.id == "start.leave")
        assert leave.path.choices() == ["start.ask_a", "start.ask_b"] and leave.path.shortest
        assert result.traps.verdict == "none"
        decided = {(c.role, c.source): c.always for c in result.decided_conditions()}
        assert decided[("requires", "n == 2")] is True  # 'out' is reached only once both questions are asked
        assert decided[("if", "n >= 3")] is False


def test_min_and_max_in_conditions(make_story) -> None:
    story = make_story("""\
        chapter: one
        scenes:
          - id: start
            title: Start
            text: ["{if max(guards, n) > 60: Unlikely.|Likely.}"]
            choices:
              - {id: up, label: Up, effects: {trust: {guards: 5}}, goto: middle}
              - {id: down, label: Down, effects: {trust: {guards: -5}}, goto: middle}
          - id: middle
            title: Middle
            text: x
            choices:
              - {id: win, label: Win, requires: "min(guards, 60) >= 55", goto: won}
              - {id: lose, label: Lose, requires: "max(guards, n) < 40", goto: lost}
              - {id: wait, label: Wait, goto: lost}
          - {id: won, title: Won, ending: won, text: x}
          - {id: lost, title: Lost, ending: lost, text: x}
    """)
    for settings in (Settings(), WITHOUT_EXACT):
        result = quicktest(story, settings)
        assert result.complete
        assert verdicts(result.choices)["middle.win"] == "reachable"
        assert verdicts(result.choices)["middle.lose"] == "unreachable"  # guards is 45 or 55 there
        decided = {(c.role, c.source): c.always for c in result.decided_conditions()}
        assert decided[("text", "max(guards, n) > 60")] is False


def test_conditions_in_text_are_judged_where_they_are_read(make_story) -> None:
    story = make_story("""\
        chapter: one
        scenes:
          - id: start
            title: Start
            text: ["You have {if flag: a pass|no pass}."]
            choices:
              - id: get
                label: "Get a pass {if n > 0: again|}"
                effects: {set: {flag: true}}
                result: "{if flag: You have it now.|Nothing happens.}"
                goto: won
              - {id: leave, label: Leave, goto: lost}
          - {id: won, title: Won, ending: won, text: x}
          - {id: lost, title: Lost, ending: lost, text: x}
    """)
    result = quicktest(story)
    decided = {(c.role, c.source): c.always for c in result.decided_conditions()}
    assert decided == {("text", "flag"): False, ("label", "n > 0"): False, ("result", "flag"): True}
    assert result.ok  # a condition that always comes out the same way is worth knowing, not a problem


def test_an_undecided_verdict_is_never_called_unreachable(make_story) -> None:
    # Deep in the story behind a counter: with budgets this small nothing can be proven, or found.
    scenes = ["chapter: one\nscenes:\n"]
    for i in range(8):
        scenes.append(
            f"  - id: s{i}\n    title: S{i}\n    text: x\n    choices:\n"
            f"      - {{id: a, label: A, effects: {{trust: {{guards: 5}}}}, goto: s{i + 1}}}\n"
            f"      - {{id: b, label: B, effects: {{trust: {{guards: -5}}}}, goto: s{i + 1}}}\n"
        )
    scenes.append("  - id: s8\n    title: S8\n    text: x\n    choices:\n"
                  "      - {id: win, label: Win, requires: guards >= 90, goto: won}\n"
                  "      - {id: lose, label: Lose, goto: lost}\n")
    scenes.append("  - {id: won, title: Won, ending: won, text: x}\n  - {id: lost, title: Lost, ending: lost, text: x}\n")
    text = "".join(scenes).replace("id: s0\n", "id: start\n").replace("goto: s0}", "goto: start}")
    story = make_story(text)
    tiny = Settings(max_states=3, runs=1, batch=1, aim_states=2, rounds=1)
    result = quicktest(story, tiny)
    assert verdicts(result.choices)["s8.win"] == "undecided"
    assert verdicts(result.endings)["won"] == "undecided"
    assert not result.complete and not result.problems and not result.ok
    assert quicktest(story).ok  # with the default budgets it is found: eight choices up


def test_written_paths_replay_as_playthroughs(tmp_path: Path) -> None:
    out = tmp_path / "paths"
    proc = run_qasas("quicktest", str(TINY), "--write-paths", str(out))
    assert proc.returncode == 0, proc.stderr
    files = sorted(p.name for p in out.iterdir())
    assert files == ["lucky.yaml", "through.yaml", "turned_back.yaml"]
    story = load_story(str(TINY))
    for name in files:
        pt = Playthrough.from_file(out / name)
        report = replay_playthrough(pt, story)
        assert report.ok, (name, report)
        assert report.ending == name.removesuffix(".yaml")
    assert "seed:" in (out / "lucky.yaml").read_text()
    assert f"wrote {out / 'lucky.yaml'}" in proc.stdout or "lucky.yaml" in proc.stdout


def test_json_report_and_exit_status(story_dir) -> None:
    proc = run_qasas("quicktest", str(TINY), "--json")
    assert proc.returncode == 0
    data = json.loads(proc.stdout)
    assert data["complete"] is True and data["ok"] is True
    lucky = next(e for e in data["endings"] if e["id"] == "lucky")
    assert lucky["path"] == ["gate.road", "road.walk"] and lucky["shortest"] is True
    assert isinstance(lucky["seed"], int)
    assert {s["verdict"] for s in data["scenes"]} == {"reachable"}
    assert data["traps"]["verdict"] == "none"
    broken = story_dir("chapter: one\nscenes:\n  - {id: start, title: S, text: x, choices: [{id: a, label: A, goto: nowhere}]}\n")
    assert run_qasas("quicktest", str(broken)).returncode == 2
    assert run_qasas("quicktest", str(TINY), "--max-states", "0").returncode == 2
    assert run_qasas("quicktest", str(ROOT / "no-such-story")).returncode == 2
    unreachable = story_dir("""\
        chapter: one
        scenes:
          - {id: start, title: S, text: x, choices: [{id: a, label: A, goto: won}]}
          - {id: won, title: Won, ending: won, text: x}
          - {id: lost, title: Lost, ending: lost, text: x}
    """)
    proc = run_qasas("quicktest", str(unreachable))
    assert proc.returncode == 1
    assert "Scenes never reached (1), proven:" in proc.stdout and "problems found" in proc.stdout


def test_the_guides_example_is_what_quicktest_prints(tmp_path: Path) -> None:
    from test_guide import GUIDE, blocks
    from tools_helpers import write_story

    from game.commands.quicktest import format_report

    examples = [b for b in blocks() if b.kind in ("manifest", "scenes")]
    root = write_story(tmp_path / "first", examples[0].text, examples[1].text)
    story = load_story(str(root))
    printed = format_report(story, quicktest(story)).replace(f"{root}/", "")
    printed = re.sub(r"in \d+\.\d\d s$", "in 0.00 s", printed, count=1, flags=re.MULTILINE)
    section = GUIDE.read_text(encoding="utf-8").split("### `qasas quicktest`", 1)[1]
    shown = next(b.text for b in blocks() if b.lang == "text" and b.text.startswith("quicktest:") and b.text in section)
    assert printed == shown, "run quicktest on the guide's first example and paste its report into the guide"


def rare_threshold_story(days: int) -> str:
    """A march of ``days`` days. Each day: three kind choices (n up 2), brooding (you grow angry), or, when angry,
    the whip (n down 3, and the anger is spent); each notes the day in a flag of its own that the camp reads. At
    the camp something is said only when n is below -3 * days // 2 + 1: brood and whip, day after day, a path
    random play takes about once in 5 ** days runs."""
    out = ["chapter: one\nscenes:\n"]
    for i in range(days):
        nxt = f"s{i + 1}" if i + 1 < days else "camp"
        out.append(f"  - id: {'start' if i == 0 else f's{i}'}\n    title: Day {i}\n    text: x\n    choices:\n")
        for name, n, angry in (("share", 2, ""), ("rest", 2, ""), ("sing", 2, ""), ("brood", 0, "angry: true, "), ("whip", -3, "angry: false, ")):
            needs = ", requires: angry" if name == "whip" else ""
            effects = f"add: {{n: {n}}}, set: {{{angry}d{i}_{name}: true}}"
            out.append(f"      - {{id: {name}, label: {name}{needs}, effects: {{{effects}}}, goto: {nxt}}}\n")
    memories = "".join(f"{{if d{i}_{name}: {name} on day {i}. |}}" for i in range(days) for name in ("whip", "share"))
    out.append(
        f"  - id: camp\n    title: Camp\n    text:\n      - \"{memories}\"\n"
        f"      - if: n < {-3 * days // 2 + 1}\n        text: Nobody speaks to you at the fire.\n"
        "    choices:\n      - {id: on, label: On, goto: won}\n"
        "  - {id: won, title: Won, ending: won, text: x}\n  - {id: lost, title: Lost, ending: lost, text: x}\n"
    )
    return "".join(out)


def test_a_condition_met_only_along_a_rare_path_is_found_and_played(make_story) -> None:
    # Brood and whip, twelve days in turn: random play would need about 5 ** 12 runs, the flags the camp reads make
    # real states too many to search, and these budgets leave every search over a smaller view incomplete. Aimed
    # play searches for the least n instead (a threshold goal), keeping the best state per scene and anger.
    days = 12
    flags = "".join(f"  d{i}_{name}: {{type: bool, default: false}}\n" for i in range(days) for name in ("share", "rest", "sing", "brood", "whip"))
    manifest = MANIFEST.replace("  n: {type: int, default: 0}\n", "  n: {type: int, default: 0}\n  angry: {type: bool, default: false}\n" + flags)
    story = make_story(rare_threshold_story(days), manifest)
    result = quicktest(story, Settings(exact_states=1, max_states=50, runs=40, batch=10))
    rare = next(c for c in result.conditions if c.source == f"n < {-3 * days // 2 + 1}")
    assert (rare.true, rare.false) == ("reachable", "reachable")
    path = rare.paths[0]
    assert path is not None and result.complete
    game = Game.replay(story, 0, [(s.scene, s.choice) for s in path.steps])
    assert game.state.scene == "camp" and game.state.values[story.variables["n"].slot] == -3 * days // 2


def mutiny_story(days: int) -> tuple[str, str]:
    """A season of ``days`` days (manifest, scenes). Each day: drill the men (fighters' trust down 6, the YPG's up
    4), liaise with the YPG (the other way round, and the town warms by 1), or rest them (both down 4); drilling
    and liaising are noted in flags of their own, which the season's end reads. The unit mutinies only if both
    trusts fell below 30 (nearly every day spent resting), and at the mutiny the town's mood is read: civilians <
    60, true from the very start, so how near a state is to that threshold says nothing about where the mutiny is."""
    flags = [f"d{i}_{name}" for i in range(days) for name in ("drill", "liaise")]
    manifest = MANIFEST.replace(
        "  n: {type: int, default: 0}\n",
        "  n: {type: int, default: 0}\n  fighters: {type: int, default: 60}\n  ypg: {type: int, default: 60}\n"
        "  civilians: {type: int, default: 50}\n" + "".join(f"  {f}: {{type: bool, default: false}}\n" for f in flags),
    )
    out = ["chapter: one\nscenes:\n"]
    for i in range(days):
        end = (
            "\n          - {if: fighters < 30 and ypg < 30, to: mutiny}\n"
            f"          - {{if: {' or '.join(flags)}, to: calm}}\n          - {{to: calm}}\n"
        )
        out.append(f"  - id: {'start' if i == 0 else f's{i}'}\n    title: Day {i}\n    text: x\n    choices:\n")
        for name, fighters, ypg, town in (("drill", -6, 4, 0), ("liaise", 4, -6, 1), ("rest", -4, -4, 0)):
            noted = f", set: {{d{i}_{name}: true}}" if name != "rest" else ""
            effects = f"{{add: {{fighters: {fighters}, ypg: {ypg}, civilians: {town}}}{noted}}}"
            goto = end if i + 1 == days else f" s{i + 1}\n"
            out.append(f"      - id: {name}\n        label: {name}\n        effects: {effects}\n        goto:{goto}")
    out.append(
        "  - id: mutiny\n    title: Mutiny\n    text:\n      - x\n"
        "      - if: civilians < 60\n        text: The town shuts its doors.\n"
        "    choices:\n      - {id: on, label: On, goto: won}\n"
        "  - {id: calm, title: Calm, ending: lost, text: x}\n  - {id: won, title: Won, ending: won, text: x}\n"
    )
    return manifest, "".join(out)


def test_a_threshold_met_from_the_start_is_sought_where_its_scene_can_be_entered(make_story) -> None:
    # The mutiny needs both trusts below 30: ten days of which at least eight are rest, 111 paths in 3 ** 10, and
    # the flags the season's end reads make nearly every one of them a state of its own. Its condition, civilians <
    # 60, holds from the start, so ordering states by how near civilians is to 60 left the search to chance (the
    # shipped story's conditions of this kind were found in 200 states or missed after 20,000, by seed). Aimed
    # play goes nearest first by the goal's whole distance, the way into its scene included: with budgets that
    # leave random play and every search over a view short of it, it finds the mutiny, and the same path
    # whatever the seed.
    manifest, scenes = mutiny_story(10)
    story = make_story(scenes, manifest)
    paths = []
    for seed in (1, 2, 3):
        result = quicktest(story, Settings(exact_states=1, max_states=50, runs=40, batch=10, aim_states=100, seed=seed))
        town = next(c for c in result.conditions if c.source == "civilians < 60")
        assert town.true == "reachable" and verdicts(result.scenes)["mutiny"] == "reachable"
        path = town.paths[0]
        assert path is not None
        game = Game.replay(story, 0, [(s.scene, s.choice) for s in path.steps])
        assert game.state.scene == "mutiny" and game.state.values[story.variables["civilians"].slot] < 60
        paths.append(path.steps)
    assert paths[0] == paths[1] == paths[2]
