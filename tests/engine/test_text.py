"""Text that answers the player: spans, number forms, emphasis and interpolation everywhere, each rendered exactly
as a player reads it."""

from __future__ import annotations

from collections.abc import Callable

from game.engine import Game, Story, Styled, emphasis_of, number_words

Make = Callable[..., Story]


def loop(text: str, *, title: str = "The Gate", label: str = "Wait") -> str:
    """A scene that can be visited again and again (choice 'wait'), and a way out (choice 'go')."""
    return f"""\
chapter: one
scenes:
  - id: start
    title: "{title}"
    text: |
      {text}
    choices:
      - {{id: wait, label: "{label}", effects: {{add: {{seen: 1}}}}, goto: start}}
      - {{id: go, label: Go, goto: out}}
  - {{id: out, title: Out, ending: won, text: You are through.}}
"""


def visits(story: Story, n: int, seed: int = 1) -> list[str]:
    """The scene's text on each of ``n`` visits."""
    game = Game(story, seed)
    seen = []
    for _ in range(n):
        seen.append(" / ".join(game.text()))
        game.choose("wait")
    return seen


# ------------------------------------------------------------------------------------------------ spans


def test_a_conditional_span_with_an_else(story: Make) -> None:
    s = story(loop("The gate is {if flag: open|shut}. You hand him the register{if men > 30:, every name in it}."))
    assert Game(s).text() == ["The gate is shut. You hand him the register, every name in it."]
    game = Game(s)
    game.state.values[s.variables["flag"].slot] = True
    game.state.values[s.variables["men"].slot] = 3
    assert game.text() == ["The gate is open. You hand him the register."]


def test_a_span_that_shows_nothing_leaves_no_gap(story: Make) -> None:
    s = story(loop("{if flag: At dawn,} you wait. He stood {if flag:there}, silent. (A {if flag: long} wait.)"))
    assert Game(s).text() == ["you wait. He stood, silent. (A wait.)"]
    game = Game(s)
    game.state.values[s.variables["flag"].slot] = True
    assert game.text() == ["At dawn, you wait. He stood there, silent. (A long wait.)"]


def test_a_span_after_an_opening_quote_starts_flush_against_it(story: Make) -> None:
    # The space after the colon is the author's habit, not a space in the sentence: after an opening quotation mark
    # it would read " Rezan says. Closing quotes and apostrophes keep the space, as before.
    s = story(loop('"{if flag: Rezan says|Your men say} you came." Nesrin\'s{if flag: own} car. \u201c{if flag: Yes|No}.\u201d'))
    assert Game(s).text() == ['"Your men say you came." Nesrin\'s car. \u201cNo.\u201d']
    game = Game(s)
    game.state.values[s.variables["flag"].slot] = True
    assert game.text() == ['"Rezan says you came." Nesrin\'s own car. \u201cYes.\u201d']


def test_sequence_cycle_once_by_visit(story: Make) -> None:
    s = story(loop("{seq: First.|Again.|Still.} {cycle: Dawn.|Dusk.} {once: New.|Known.}"))
    assert visits(s, 5) == [
        "First. Dawn. New.",
        "Again. Dusk. Known.",
        "Still. Dawn.",
        "Still. Dusk.",
        "Still. Dawn.",
    ]


def test_shuffle_is_drawn_from_the_seed_so_a_replay_shows_the_same_words(story: Make) -> None:
    s = story(loop("{shuffle: Rain.|Wind.|Dust.|Sun.}"))
    first = visits(s, 12, seed=7)
    assert visits(s, 12, seed=7) == first  # the same seed, the same words
    assert set(first) <= {"Rain.", "Wind.", "Dust.", "Sun."} and len(set(first)) > 1
    assert any(visits(s, 12, seed=k) != first for k in range(8, 12))  # another seed, other words
    replayed = Game.replay(s, 7, [("start", "wait")] * 5)
    assert replayed.text() == [first[5]]


def test_spans_nest(story: Make) -> None:
    s = story(loop("{if men > 10: {seq: Forty men wait.|{if flag: They sing.|They sleep.}}|Nobody is left.}"))
    assert visits(s, 3) == ["Forty men wait.", "They sleep.", "They sleep."]


def test_number_forms(story: Make) -> None:
    s = story(loop("{men:Words} {men:man/men} wait; {men:words} in all. {seen} seen, {seen:words} {seen:time/times}."))
    game = Game(s)
    assert game.text() == ["Forty men wait; forty in all. 0 seen, zero times."]
    game.choose("wait")
    assert game.text() == ["Forty men wait; forty in all. 1 seen, one time."]
    game.state.values[s.variables["men"].slot] = 1
    assert game.text() == ["One man wait; one in all. 1 seen, one time."]


def test_numbers_in_words() -> None:
    assert number_words(0) == "zero"
    assert number_words(21) == "twenty-one"
    assert number_words(140) == "one hundred and forty"
    assert number_words(2014) == "two thousand and fourteen"
    assert number_words(1_000_001) == "one million and one"
    assert number_words(-5) == "minus five"
    assert number_words(10**13) == "10000000000000"


def test_emphasis_is_a_string_with_ranges(story: Make) -> None:
    s = story(loop("The {em: mukhtar} of the {em:hara} waits."))
    [text] = Game(s).text()
    assert text == "The mukhtar of the hara waits."
    assert isinstance(text, Styled) and isinstance(text, str)
    assert [text[a:b] for a, b in emphasis_of(text)] == ["mukhtar", "hara"]
    assert emphasis_of("plain") == ()


def test_literal_braces_and_old_interpolation_still_work(story: Make) -> None:
    s = story(loop("Trust with the guards: {guards}. A set: {{a, b}}. { men } men."))
    assert Game(s).text() == ["Trust with the guards: 50. A set: {a, b}. 40 men."]


# ---------------------------------------------------------------------------------- everywhere it is read


def test_interpolation_in_titles_places_labels_reasons_names_and_endings(story: Make) -> None:
    manifest = """\
story: {id: t, title: Test Story, start: start}
chapters:
  one: {title: "Chapter of {men:words}", order: 1}
factions:
  guards: {name: "The {men:words} guards", description: The men at the gate.}
variables:
  men: {type: int, default: 40}
endings:
  won: {title: "Through, with {men} men"}
"""
    s = story("""\
chapter: one
scenes:
  - id: start
    title: "Day {if men > 30: one|two}"
    place: "{men:Words} tents"
    date: "{seq: Monday|Tuesday}"
    text: You wait.
    choices:
      - {id: go, label: "Go with {men:words} {men:man/men}", goto: out}
      - {id: fly, label: Fly, requires: men > 100, reason: "You have only {men}.", goto: out}
  - {id: out, title: Out, ending: won, text: Done.}
""", manifest)
    game = Game(s)
    h = game.header()
    assert (h.title, h.place, h.date, h.chapter) == ("Day one", "Forty tents", "Monday", "Chapter of forty")
    assert [c.label for c in game.choices()] == ["Go with forty men", "Fly"]
    assert game.choices()[1].reason == "You have only 40."
    assert game.faction_name("guards") == "The forty guards"
    game.choose("go")
    assert game.ending_title() == "Through, with 40 men"


# ------------------------------------------------------------------------------------------------ results


def test_a_result_is_shown_after_the_choice_with_its_changes(story: Make) -> None:
    s = story("""\
chapter: one
scenes:
  - id: start
    title: The Gate
    text: The guard waits.
    choices:
      - id: bribe
        label: Pay him
        effects: {trust: {guards: -10}, add: {seen: 1}}
        result: |
          He takes the money{if guards < 45: and spits}. {seq: The first coin.|Another coin.}

          He does not look at you.
        goto: start
      - {id: go, label: Go, goto: out}
  - {id: out, title: Out, ending: won, text: Through.}
""")
    game = Game(s)
    first = game.choose("bribe")
    assert first.result == ("He takes the money and spits. The first coin.", "He does not look at you.")
    assert [(t.faction, t.delta) for t in first.trust] == [("guards", -10)]
    assert game.choose("bribe").result[0] == "He takes the money and spits. Another coin."
    assert game.choose("go").result == ()


# ------------------------------------------------------------------------------------------------ choices


def test_once_only_and_fallback_choices(story: Make) -> None:
    s = story("""\
chapter: one
scenes:
  - id: start
    title: The Gate
    text: The guard waits.
    choices:
      - {id: ask, label: Ask his name, once: true, goto: start}
      - {id: bribe, label: Pay him, if: men > 0, effects: {add: {men: -20}}, goto: start}
      - {id: leave, label: Turn back, fallback: true, goto: out}
  - {id: out, title: Out, ending: lost, text: Home.}
""")
    game = Game(s)
    assert [c.id for c in game.choices()] == ["ask", "bribe"]
    game.choose("ask")
    assert [c.id for c in game.choices()] == ["bribe"]  # asked once: gone
    game.choose("bribe")
    game.choose("bribe")
    assert [c.id for c in game.choices()] == ["leave"]  # nothing else left: the fallback appears
    assert [c.id for c in game.available()] == ["leave"]
    assert game.choose("leave").ending is not None


def test_min_and_max_in_conditions(story: Make) -> None:
    s = story(loop("{if min(men, guards) >= 40 and max(seen, 2) == 2: Both hold.|Not both.}"))
    assert visits(s, 4) == ["Both hold.", "Both hold.", "Both hold.", "Not both."]


# ------------------------------------------------------------------------------------------------ routes


SHARED = """\
story: {id: t, title: Test Story, start: start}
chapters:
  one: {title: One, order: 1}
  two: {title: Two, order: 2}
factions:
  guards: {name: The guards, description: The men at the gate.}
variables:
  men: {type: int, default: 40}
endings:
  won: {title: Through}
  lost: {title: Turned Back}
routes:
  by_trust:
    - {if: guards >= 60, to: won_scene}
    - {to: lost_scene}
"""


def test_shared_route_lists_are_declared_once_and_used_anywhere(story: Make) -> None:
    s = story("""\
chapter: one
routes:
  here:
    - {if: men > 100, to: won_scene}
    - {to: start}
scenes:
  - id: start
    title: The Gate
    text: The guard waits.
    choices:
      - {id: plead, label: Plead, effects: {trust: {guards: 20}}, goto: {use: by_trust}}
      - id: shout
        label: Shout
        goto:
          - {if: men > 30, to: lost_scene}
          - use: by_trust
      - {id: wait, label: Wait, goto: {use: here}}
  - {id: won_scene, title: Won, ending: won, text: Through.}
  - {id: lost_scene, title: Lost, ending: lost, text: Home.}
""", SHARED)
    plead = s.scenes["start"].choice("plead")
    assert plead is not None and plead.shared == "by_trust" and plead.targets == ("won_scene", "lost_scene")
    shout = s.scenes["start"].choice("shout")
    assert shout is not None and shout.targets == ("lost_scene", "won_scene", "lost_scene")
    assert set(s.routes) == {"by_trust", "here"} and s.routes["here"].chapter == "one"
    assert Game(s).choose("plead").scene_to == "won_scene"
    assert Game(s).choose("shout").scene_to == "lost_scene"


# ---------------------------------------------------------------------------------------------- renames


def test_a_faction_renamed_by_an_effect(story: Make) -> None:
    manifest = MANIFEST_RENAME
    s = story("""\
chapter: one
scenes:
  - id: start
    title: The Room
    text: The groups meet.
    choices:
      - {id: found, label: Found the operations room, effects: {rename: {volcano: room}}, goto: end}
  - {id: end, title: End, ending: won, text: Done.}
""", manifest)
    game = Game(s)
    assert game.faction_name("volcano") == "The other FSA groups"
    outcome = game.choose("found")
    assert game.faction_name("volcano") == "Euphrates Volcano"
    assert [(n.faction, n.before, n.after) for n in outcome.names] == [
        ("volcano", "The other FSA groups", "Euphrates Volcano")
    ]
    assert game.state.to_dict(s)["names"] == {"volcano": "room"}


MANIFEST_RENAME = """\
story: {id: t, title: Test Story, start: start, notice: "A story about a gate.", credits: By an author.}
chapters:
  one: {title: One, order: 1}
factions:
  volcano:
    name: The other FSA groups
    names: {room: Euphrates Volcano}
    description: The other armed groups.
endings:
  won: {title: Through}
"""


def test_the_story_has_its_own_notice_and_credits(story: Make) -> None:
    s = story("""\
chapter: one
scenes:
  - {id: start, title: End, ending: won, text: Done.}
""", MANIFEST_RENAME)
    assert s.notice == "A story about a gate." and s.credits == "By an author."


def test_former_ids_keep_old_logs_playing(story: Make) -> None:
    s = story("""\
chapter: one
scenes:
  - id: start
    formerly: [gate]
    title: The Gate
    text: The guard waits.
    choices:
      - {id: wait, formerly: loiter, label: Wait, goto: start}
      - {id: go, label: Go, goto: out}
  - {id: out, title: Out, ending: won, text: Through.}
""")
    assert s.renamed == {"gate": "start", "start.loiter": "start.wait"}
    game = Game.replay(s, 1, [("gate", "loiter"), ("start", "loiter"), ("gate", "go")])
    assert game.ending is not None and game.state.log == [("start", "wait"), ("start", "wait"), ("start", "go")]


def test_the_story_title_notice_and_credits_are_text_too(story: Make) -> None:
    manifest = MANIFEST_RENAME.replace("title: Test Story,", 'title: "The {em: Gate}",').replace(
        'notice: "A story about a gate."', 'notice: "A story about {em: one} gate."'
    )
    s = story("""\
chapter: one
scenes:
  - {id: start, title: End, ending: won, text: Done.}
""", manifest)
    title = s.render(s.title)
    assert title == "The Gate" and emphasis_of(title) == ((4, 8),)
    assert s.render(s.notice) == "A story about one gate." and s.render("no braces") == "no braces"
