"""Deep lint: every warning an author can get, where it points, and that each one is true (checked against an
exhaustive search of random stories)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tools_helpers import MANIFEST

from game.engine import Story
from game.loader import load_story
from game.tools.analysis import analyse, condition_sites
from game.tools.lint import deep_warnings, lint

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "fixtures" / "tiny"


def messages(story: Story) -> list[str]:
    return [p.message for p in deep_warnings(story)]


def find(story: Story, needle: str) -> list[str]:
    return [str(p) for p in deep_warnings(story) if needle in p.message]


# A clean story: every scene reachable, every variable read and written, every condition undecided.
CLEAN = """\
chapter: one
scenes:
  - id: start
    title: Start
    text: "Trust: {guards}. Count: {n}."
    choices:
      - {id: up, label: Be kind, effects: {trust: {guards: 10}, add: {n: 1}, set: {flag: true}}, goto: start}
      - {id: down, label: Be rude, effects: {trust: {guards: -10}}, goto: start}
      - {id: go, label: Leave, if: n > 1, goto: [{if: guards >= 60, to: won}, {to: lost}]}
      - {id: flagged, label: Wave the flag, requires: flag, goto: won}
  - {id: won, title: Won, ending: won, text: You won.}
  - {id: lost, title: Lost, ending: lost, text: You lost.}
"""


def test_a_clean_story_has_no_warnings(make_story) -> None:
    assert messages(make_story(CLEAN)) == []


def test_the_tiny_fixture_warns_only_about_its_unexplained_location() -> None:
    warnings = deep_warnings(load_story(str(TINY)))
    assert [p.message for p in warnings] == [
        "location 'road' ('The Road') has no glossary entry: add a glossary term that appears in its name"
    ]
    assert (warnings[0].line, warnings[0].column, warnings[0].severity) == (33, 3, "warning")


class TestReachability:
    def test_a_scene_no_choice_leads_to(self, make_story) -> None:
        story = make_story(CLEAN + "  - {id: orphan, title: Orphan, ending: won, text: Nobody comes here.}\n")
        (w,) = find(story, "orphan")
        assert w.endswith("scene 'orphan' is never reached: no path from the start scene 'start' leads to it")
        assert ":13:5: warning:" in w  # the line and column of the scene itself

    def test_a_scene_behind_a_condition_that_never_holds(self, make_story) -> None:
        story = make_story(CLEAN.replace("goto: won}\n", "goto: won}\n      - {id: never, label: Fly, if: n < 0, goto: hidden}\n", 1)
                           + "  - {id: hidden, title: Hidden, ending: won, text: x}\n")
        assert find(story, "hidden") == [
            (
                f"{story.scenes['hidden'].pos}: warning: scene 'hidden' is never reached: every way to it is a choice "
                "or route that can never be taken"
            )
        ]
        (cond,) = find(story, "'n < 0'")
        assert "can never be true (here n stays within 0..+inf): choice 'never' is never shown" in cond

    def test_a_loop_with_no_way_out(self, make_story) -> None:
        story = make_story("""\
            chapter: one
            scenes:
              - id: start
                title: Start
                text: x
                choices:
                  - {id: in, label: Go in, goto: room}
                  - {id: out, label: Leave, goto: won}
              - id: room
                title: Room
                text: x
                choices: [{id: again, label: Again, goto: hall}]
              - id: hall
                title: Hall
                text: x
                choices: [{id: again, label: Again, goto: room}]
              - {id: won, title: Won, ending: won, text: x}
              - {id: lost, title: Lost, ending: lost, text: x}
        """)
        assert find(story, "no ending can be reached") == [
            f"{story.scenes['room'].pos}: warning: no ending can be reached from scene 'room': every way on from it goes round in circles or stops at a dead end",
            f"{story.scenes['hall'].pos}: warning: no ending can be reached from scene 'hall': every way on from it goes round in circles or stops at a dead end",
        ]
        assert find(story, "ending 'lost'") == [
            f"{story.endings['lost'].pos}: warning: ending 'lost' is never reached: its scene 'lost' can never be reached"
        ]

    def test_a_dead_end(self, make_story) -> None:
        story = make_story("""\
            chapter: one
            scenes:
              - id: start
                title: Start
                text: x
                choices:
                  - {id: a, label: A, goto: stuck}
                  - {id: b, label: B, goto: won}
              - id: stuck
                title: Stuck
                text: x
                choices: [{id: fly, label: Fly, requires: guards > 100, goto: lost}]
              - {id: won, title: Won, ending: won, text: x}
              - {id: lost, title: Lost, ending: lost, text: x}
        """)
        assert any("scene 'stuck' is a dead end" in m for m in messages(story))

    def test_an_ending_no_scene_has(self, make_story) -> None:
        manifest = MANIFEST.replace("  lost: {title: Lost}\n", "  lost: {title: Lost}\n  spare: {title: Spare}\n")
        story = make_story(CLEAN, manifest)
        assert find(story, "spare") == [
            f"{story.endings['spare'].pos}: warning: ending 'spare' is never reached: no scene has 'ending: spare'"
        ]


class TestConditions:
    def test_never_true_and_always_true_with_the_ranges_that_decide_them(self, make_story) -> None:
        story = make_story(CLEAN.replace("if: n > 1", "if: n >= 0").replace("requires: flag", "requires: guards > 100"))
        assert find(story, "n >= 0")[0].endswith(
            "condition 'n >= 0' is always true (here n stays within 0..+inf): the 'if' could be left out"
        )
        assert find(story, "guards > 100")[0].endswith(
            "condition 'guards > 100' can never be true (here guards stays within 0..100): choice 'flagged' is never enabled"
        )

    def test_the_column_points_into_the_condition(self, make_story) -> None:
        text = CLEAN.replace("requires: flag", "requires: guards > 100")
        (p,) = [p for p in deep_warnings(make_story(text)) if "guards > 100" in p.message]
        line = text.splitlines()[p.line - 1]
        assert line[p.column - 1 :].startswith("guards > 100")

    def test_a_value_that_is_never_changed_decides_its_conditions(self, make_story) -> None:
        story = make_story(CLEAN.replace(", set: {flag: true}", ""))
        assert any("condition 'flag' can never be true (here flag is always false)" in m for m in messages(story))
        assert any("variable 'flag' never changes: no effect sets it, so it is always false" in m for m in messages(story))

    def test_add_effects_off_any_loop_count_once(self, make_story) -> None:
        story = make_story("""\
            chapter: one
            scenes:
              - id: start
                title: Start
                text: x
                choices:
                  - {id: a, label: A, effects: {add: {n: 2}}, goto: middle}
                  - {id: b, label: B, goto: middle}
              - id: middle
                title: Middle
                text: "{n}"
                choices:
                  - {id: big, label: Big, if: n > 2, goto: won}
                  - {id: small, label: Small, goto: lost}
              - {id: won, title: Won, ending: won, text: x}
              - {id: lost, title: Lost, ending: lost, text: x}
        """)
        assert any("condition 'n > 2' can never be true (here n stays within 0..2)" in m for m in messages(story))

    def test_a_declared_range_is_taken_at_its_word(self, make_story) -> None:
        manifest = MANIFEST.replace("n: {type: int, default: 0}", "n: {type: int, default: 0, range: [0, 3]}")
        story = make_story(CLEAN.replace("if: n > 1", "if: n > 3"), manifest)
        assert any("condition 'n > 3' can never be true (here n stays within 0..3)" in m for m in messages(story))

    def test_trust_is_clamped_to_the_factions_range(self, make_story) -> None:
        story = make_story(CLEAN.replace("if: n > 1", "if: guards - 100 > 0"))
        assert any("condition 'guards - 100 > 0' can never be true" in m for m in messages(story))

    def test_visited_a_scene_that_is_never_reached(self, make_story) -> None:
        story = make_story(CLEAN.replace("if: n > 1", "if: visited(nowhere)")
                           + "  - {id: nowhere, title: Nowhere, ending: won, text: x}\n")
        assert any("visited(nowhere) is never true (that scene is never reached)" in m for m in messages(story))

    def test_a_route_after_one_that_always_applies(self, make_story) -> None:
        story = make_story(CLEAN.replace("[{if: guards >= 60, to: won}, {to: lost}]",
                                         "[{if: guards >= 0, to: won}, {to: lost}]"))
        ms = messages(story)
        assert any("condition 'guards >= 0' is always true" in m and "the routes after it in choice" in m for m in ms)
        assert any("the route to 'lost' in choice 'go' is never taken: a route before it always applies" in m for m in ms)

    def test_undecided_conditions_are_left_alone(self, make_story) -> None:
        # guards can be anything from 0 to 100 here, so neither 'guards >= 60' nor 'n > 1' is decided.
        assert not [m for m in messages(make_story(CLEAN)) if "condition" in m]


class TestWhereConditionsAreRead:
    """Ranges are followed scene by scene: what a condition can be depends on how the player got there."""

    STORY = """\
        chapter: one
        scenes:
          - id: start
            title: Start
            text: x
            choices:
              - {id: early, label: Ask early, requires: guards > 55, goto: middle}
              - {id: on, label: Go on, goto: middle}
          - id: middle
            title: Middle
            text: x
            choices:
              - {id: befriend, label: Befriend, effects: {trust: {guards: 10}}, goto: late}
              - {id: insist, label: Insist, requires: guards >= 60, goto: sure}
              - {id: gamble, label: Gamble, goto: [{if: guards >= 55, to: sure}, {to: unsure}]}
          - id: late
            title: Late
            text: x
            choices: [{id: ask, label: Ask, requires: guards > 55, goto: won}, {id: no, label: No, goto: lost}]
          - id: sure
            title: Sure
            text:
              - x
              - {if: guards < 60, text: Only the gamble gets you here below 60.}
            choices: [{id: end, label: End, goto: won}]
          - id: unsure
            title: Unsure
            text:
              - x
              - {if: guards >= 55, text: Never shown.}
            choices: [{id: end, label: End, goto: lost}]
          - {id: won, title: Won, ending: won, text: x}
          - {id: lost, title: Lost, ending: lost, text: x}
    """

    def test_the_same_condition_is_judged_by_the_values_where_it_is_read(self, make_story) -> None:
        ms = messages(make_story(self.STORY))
        # At the start guards is 50: the early request can never be granted; later, after befriending, it can.
        assert "condition 'guards > 55' can never be true (here guards is always 50): choice 'early' is never enabled" in ms
        assert not any("guards > 55" in m and "late" in m for m in ms)
        assert "condition 'guards >= 60' can never be true (here guards is always 50): choice 'insist' is never enabled" in ms

    def test_a_route_that_did_not_apply_narrows_the_next_scene(self, make_story) -> None:
        ms = messages(make_story(self.STORY))
        assert "condition 'guards >= 55' can never be true (here guards is always 50): the passage is never shown" in ms

    def test_loops_still_end(self, make_story) -> None:
        story = make_story(CLEAN.replace("if: n > 1", "if: n > 1000"))
        assert not [m for m in messages(story) if "n > 1000" in m]  # n grows without limit around the loop


class TestUsage:
    def test_unused_unread_and_unchanged(self, make_story) -> None:
        manifest = MANIFEST.replace(
            "  n: {type: int, default: 0}\n",
            "  n: {type: int, default: 0}\n  spare: {type: int, default: 0}\n  written: {type: bool, default: false}\n",
        ).replace("  guards: {name: Guards, description: The guards.}\n",
                  "  guards: {name: Guards, description: The guards.}\n  crowd: {name: Crowd, description: People.}\n")
        story = make_story(CLEAN.replace("set: {flag: true}", "set: {flag: true, written: true}"), manifest)
        assert find(story, "'spare'") == [f"{story.variables['spare'].pos}: warning: variable 'spare' is never used: no condition or text reads it and no effect changes it"]
        assert find(story, "'written'") == [f"{story.variables['written'].pos}: warning: variable 'written' is changed but never read: no condition or text uses it"]
        assert find(story, "'crowd'") == [f"{story.factions['crowd'].pos}: warning: faction 'crowd' never changes: no 'trust' or 'fair' effect names it, so trust stays at 50"]

    def test_text_interpolation_counts_as_reading(self, make_story) -> None:
        assert not any("variable 'n'" in m for m in messages(make_story(CLEAN)))


class TestLabels:
    def test_two_choices_with_the_same_label(self, make_story) -> None:
        story = make_story(CLEAN.replace("label: Be rude", "label: be  KIND"))
        (w,) = find(story, "labelled")
        assert "scene 'start' has two choices labelled 'be  KIND' ('up' and 'down'); a player cannot tell them apart" in w

    def test_alternatives_that_are_never_shown_together_are_fine(self, make_story) -> None:
        story = make_story(CLEAN.replace("{id: up, label: Be kind,", "{id: up, label: Be kind, if: flag,")
                           .replace("{id: down, label: Be rude,", "{id: down, label: Be kind, if: not flag,"))
        assert find(story, "labelled") == []


class TestGlossary:
    MANIFEST = MANIFEST + "locations:\n  gate: {name: The Old Gate}\n  road: {name: the long road}\n" \
        "glossary:\n  Old Gate: {kind: invented, text: A gate.}\n  Kobanî: {kind: historical, text: A town.}\n"

    def test_locations_need_a_glossary_term_in_their_name(self, make_story) -> None:
        story = make_story(CLEAN, self.MANIFEST)
        assert find(story, "no glossary entry") == [
            (
                f"{story.locations['road'].pos}: warning: location 'road' ('the long road') has no glossary entry: "
                "add a glossary term that appears in its name"
            )
        ]

    def test_terms_the_story_never_mentions(self, make_story) -> None:
        story = make_story(CLEAN.replace("You won.", "You reach Kobani."), self.MANIFEST)
        assert [m for m in messages(story) if m.startswith("glossary term")] == [
            "glossary term 'Kobanî' appears nowhere in the story (check its spelling against the text)"
        ]
        story = make_story(CLEAN.replace("You won.", "You reach kobanî at last."), self.MANIFEST)
        assert not [m for m in messages(story) if m.startswith("glossary term")]  # whole words, any case


class TestCommand:
    def test_strict_turns_warnings_into_errors(self, story_dir) -> None:
        root = story_dir(CLEAN.replace("if: n > 1", "if: n >= 0"))
        _, errors, warnings = lint(str(root))
        assert not errors and len(warnings) == 1
        _, errors, warnings = lint(str(root), strict=True)
        assert [e.severity for e in errors] == ["error"] and warnings == []
        proc = subprocess.run([sys.executable, "-m", "game", "lint", "--strict", str(root)], capture_output=True, text=True, check=False)
        assert proc.returncode == 2
        assert "error: condition 'n >= 0' is always true" in proc.stderr

    def test_json_keeps_its_shape(self, story_dir) -> None:
        root = story_dir(CLEAN.replace("if: n > 1", "if: n >= 0"))
        proc = subprocess.run([sys.executable, "-m", "game", "lint", "--json", str(root)], capture_output=True, text=True, check=False)
        data = json.loads(proc.stdout)
        assert set(data) == {"ok", "errors", "warnings", "stats"} and data["ok"] is True
        (w,) = data["warnings"]
        assert set(w) == {"file", "line", "column", "message"} and w["line"] == 9


# ---------------------------------------------------------------------------------------------- soundness


def test_the_analysis_never_claims_what_play_contradicts(explored_stories) -> None:
    """Everything the analysis says 'never' about must hold in an exhaustive search of the real states."""
    for seed, story, naive in explored_stories:
        a = analyse(story)
        assert naive.scenes <= a.reachable, seed
        assert naive.choices <= a.takeable, seed
        assert naive.can_end_scenes <= a.can_end, seed
        sites = {
            (site.condition.pos.file, site.condition.pos.line, site.condition.pos.column, site.role): site
            for scene in story.scenes.values()
            for site in condition_sites(scene)
        }
        for key, outcomes in naive.outcomes.items():
            # Where it is read (per scene, after what came before), and anywhere in the story.
            assert outcomes <= a.site_verdict(sites[key]), (seed, key, outcomes)
            assert outcomes <= a.verdict(sites[key].condition), (seed, key, outcomes)
        for p in deep_warnings(story):
            if p.message.startswith("scene") and "is never reached" in p.message:
                assert p.message.split("'")[1] not in naive.scenes, (seed, p)
