"""Stakes: the trust levels where the story turns ahead of a scene (game.tools.stakes)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from game.engine import Story
from game.engine.conditions import parse
from game.loader import load_story
from game.tools.stakes import Crossing, comparisons, stakes

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

SCENES = """\
chapter: one
scenes:
  - id: start
    title: Start
    text:
      - Words.
      - {if: guards > 90, text: Only words change here.}
    choices:
      - {id: plead, label: Plead, requires: guards >= 40, goto: middle}
      - {id: wait, label: Wait, effects: {trust: {guards: -10}}, goto: start}
      - {id: never, label: Never, if: guards > 500, goto: won}
  - id: middle
    title: Middle
    text: Middle.
    choices:
      - id: on
        label: Go on
        goto:
          - {if: guards < 20, to: lost}
          - {to: won}
  - {id: won, title: Won, ending: won, text: Won.}
  - {id: lost, title: Lost, ending: lost, text: Lost.}
"""


def test_a_comparison_turns_at_the_level_a_meter_must_reach() -> None:
    assert list(comparisons(parse("guards >= 40"))) == [("guards", 40)]
    assert list(comparisons(parse("guards > 40"))) == [("guards", 41)]
    assert list(comparisons(parse("guards < 20 or 70 <= town"))) == [("guards", 20), ("town", 70)]
    assert list(comparisons(parse("min(a, b) >= 45"))) == [("a", 45), ("b", 45)]
    assert list(comparisons(parse("a + b >= 45 and visited(x)"))) == []


def test_levels_ahead_of_each_scene(make_story: Callable[..., Story]) -> None:
    story = make_story(SCENES)
    found = stakes(story)
    # From the start: plead (40) and, ahead, the route to the lost ending (20); not the text's 91, and not a
    # level no play can reach (500).
    assert found.ahead("start") == {"guards": (20, 40)}
    assert found.ahead("middle") == {"guards": (20,)}
    assert found.ahead("won") == {}


def test_crossing_a_level_in_either_direction(make_story: Callable[..., Story]) -> None:
    found = stakes(make_story(SCENES))
    assert found.crossed("start", {"guards": 50}, {"guards": 40}) == []  # 40 is still at the level
    assert found.crossed("start", {"guards": 40}, {"guards": 30}) == [Crossing("guards", 40, False)]
    assert found.crossed("start", {"guards": 10}, {"guards": 45}) == [
        Crossing("guards", 20, True),
        Crossing("guards", 40, True),
    ]


def test_the_fixtures() -> None:
    tiny = load_story(str(FIXTURES / "tiny"))
    assert stakes(tiny).ahead("gate") == {"guards": (50,)}
    rich = load_story(str(FIXTURES / "rich"))
    ahead = stakes(rich).ahead("square")
    # "found" requires max(town, groups) >= N (N for both); the shared route "by_trust" turns at min(...) >= 45.
    (found,) = ahead["town"]
    assert ahead["groups"] == (45, found)
