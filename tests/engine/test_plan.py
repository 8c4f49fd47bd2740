"""The screen of a scene as the player reads it, on every visit and in every game of a story: what the engine works
out once per story (``game.engine.plan``) must never show one game's or one moment's words in another."""

from __future__ import annotations

from collections.abc import Callable

from game.engine import Game, Story
from game.engine.records import replace

Make = Callable[..., Story]

ROAD = """\
chapter: one
scenes:
  - id: start
    title: "Day {seen}"
    place: The road
    text: |
      You are 100% sure of the road; %s is not a word. The guards trust you at {guards}.

      {men} men, {flag} flag.
    choices:
      - {id: scout, label: "Send {men} men ahead", if: men > 20, effects: {add: {men: -25}}, goto: start}
      - {id: wait, label: Wait, effects: {add: {seen: 1}, trust: {guards: 5}}, goto: start}
      - {id: bribe, label: Pay the guards, requires: guards > 60, effects: {trust: {guards: -10, town: 5}}, goto: camp}
      - {id: rest, label: Rest, effects: {set: {flag: true}}, goto: camp}
  - id: camp
    title: The Camp
    text: The fires are lit.
    on_enter: {trust: {town: 3}, add: {seen: 1}}
    choices:
      - {id: back, label: Back to the road, goto: start}
      - {id: stay, label: Stay, effects: {trust: {guards: 1}}, goto: camp}
"""


def screen(game: Game) -> tuple[tuple[str, ...], list[str], list[tuple[str, str, bool, str, int]]]:
    return tuple(game.header()), game.text(), [tuple(view) for view in game.choices()]  # type: ignore[misc]


def test_values_fill_the_text_and_a_literal_percent_sign_stays(story: Make) -> None:
    game = Game(story(ROAD))
    assert game.text() == [
        "You are 100% sure of the road; %s is not a word. The guards trust you at 50.",
        "40 men, no flag.",
    ]
    game.choose("rest")
    game.choose("back")
    assert game.text()[1] == "40 men, yes flag."


def test_a_heading_with_a_value_follows_it_and_one_without_stays_as_written(story: Make) -> None:
    game = Game(story(ROAD))
    assert tuple(game.header()) == ("Day 0", "The road", "", "One")
    game.choose("wait")
    assert tuple(game.header()) == ("Day 1", "The road", "", "One")
    game.choose("rest")
    assert tuple(game.header()) == ("The Camp", "", "", "One")


def test_choices_are_numbered_among_those_shown_and_labels_follow_values(story: Make) -> None:
    game = Game(story(ROAD))
    assert [tuple(v) for v in game.choices()] == [
        ("scout", "Send 40 men ahead", True, "", 1),
        ("wait", "Wait", True, "", 2),
        ("bribe", "Pay the guards", False, "Needs the guards above 60.", 3),
        ("rest", "Rest", True, "", 4),
    ]
    game.choose("scout")  # 15 men: scouting is hidden, and every choice after it moves up
    assert [tuple(v) for v in game.choices()] == [
        ("wait", "Wait", True, "", 1),
        ("bribe", "Pay the guards", False, "Needs the guards above 60.", 2),
        ("rest", "Rest", True, "", 3),
    ]
    for _ in range(3):
        game.choose("wait")
    assert [tuple(v) for v in game.choices()][1] == ("bribe", "Pay the guards", True, "", 2)


def test_games_of_one_story_never_see_each_others_screens(story: Make) -> None:
    s = story(ROAD)
    ahead, fresh = Game(s), Game(s)
    ahead.choose("scout")
    ahead.choose("wait")
    before = screen(fresh)
    assert screen(ahead) != before
    assert screen(Game(s)) == before  # and a new game shows what the first game showed at the start
    assert screen(ahead.fork()) == screen(ahead)


def test_a_choice_reports_every_change_it_and_the_next_scene_made(story: Make) -> None:
    game = Game(story(ROAD))
    outcome = game.choose("wait")  # two effects
    assert [tuple(t) for t in outcome.trust] == [("guards", 50, 55)]
    assert [tuple(v) for v in outcome.variables] == [("seen", 0, 1)]
    for _ in range(2):
        game.choose("wait")
    outcome = game.choose("bribe")  # two trust effects, then the camp's own on entering it
    assert [tuple(t) for t in outcome.trust] == [("guards", 65, 55), ("town", 50, 58)]
    assert [tuple(v) for v in outcome.variables] == [("seen", 3, 4)]
    outcome = game.choose("stay")  # one effect, and the camp's again
    assert [tuple(t) for t in outcome.trust] == [("guards", 55, 56), ("town", 58, 61)]
    outcome = game.choose("back")  # no effect of its own
    assert (outcome.trust, outcome.variables) == ((), ())


def test_changes_follow_the_factions_order_whatever_their_slots(story: Make) -> None:
    s = story(ROAD)
    # A story built by hand may list its factions in another order than their slots: changes still follow the list.
    reordered = replace(s, factions={"town": s.factions["town"], "guards": s.factions["guards"]})
    for _ in range(3):
        Game(s).choose("wait")  # the first story's plan is made; the other story must make its own
    game = Game(reordered)
    for _ in range(3):
        game.choose("wait")
    outcome = game.choose("bribe")
    assert [t.faction for t in outcome.trust] == ["town", "guards"]


def test_a_story_made_from_another_shows_its_own_words(story: Make) -> None:
    s = story(ROAD)
    assert Game(s).header().chapter == "One"
    renamed = replace(s, chapters={"one": replace(s.chapters["one"], title="The First Day")})
    assert Game(renamed).header().chapter == "The First Day"
    assert Game(s).header().chapter == "One"


def test_a_renamed_faction_is_reported_by_its_names_as_shown(story: Make) -> None:
    manifest = """\
story: {id: t, title: Test Story, start: start}
chapters:
  one: {title: One, order: 1}
factions:
  volcano: {name: The other groups, names: {room: "Euphrates Volcano ({men} men)"}, description: The groups.}
  town: {name: The town, names: {council: The council}, description: The people.}
variables:
  men: {type: int, default: 40}
endings:
  won: {title: Through}
"""
    s = story("""\
chapter: one
scenes:
  - id: start
    title: Tal Abyad, the school
    text: The commanders sit at the pupils' desks and argue about the map.
    choices:
      - {id: found, label: Found the room, effects: {rename: {volcano: room, town: council}}, goto: start}
      - {id: recruit, label: Recruit, effects: {add: {men: 5}}, goto: start}
      - {id: split, label: Split, effects: {rename: {volcano: volcano}}, goto: start}
""", manifest)
    game = Game(s)
    assert game.choose("recruit").names == ()
    outcome = game.choose("found")
    assert [tuple(n) for n in outcome.names] == [
        ("volcano", "The other groups", "Euphrates Volcano (45 men)"), ("town", "The town", "The council"),
    ]
    # A name that shows a value changes with it, and is reported so.
    assert [tuple(n) for n in game.choose("recruit").names] == [
        ("volcano", "Euphrates Volcano (45 men)", "Euphrates Volcano (50 men)"),
    ]
    assert [tuple(n) for n in game.choose("split").names] == [("volcano", "Euphrates Volcano (50 men)", "The other groups")]
