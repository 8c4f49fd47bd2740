"""What an author reads when text, choices or shared definitions are wrong: one message per mistake, at the
exact file:line:col, inside the text where the mistake is."""

from __future__ import annotations

from collections.abc import Callable

Problems = Callable[..., list[str]]


def one_scene(text: str, extra: str = "") -> str:
    return f"""\
chapter: one
scenes:
  - id: start
    title: The Gate
    text: |
      {text}
    choices:
      - {{id: go, label: Go, goto: out}}{extra}
  - {{id: out, title: Out, ending: won, text: Through.}}
"""


def test_an_unknown_name_inside_a_span_condition_points_into_the_text(problems: Problems) -> None:
    assert problems(one_scene("The gate is {if flgg: open|shut}.")) == [
        "scenes.yaml:6:23: error: in condition 'flgg': unknown name 'flgg' (did you mean 'flag'?)"
    ]


def test_an_unknown_name_in_a_later_line_of_a_block(problems: Problems) -> None:
    text = "First line of the paragraph.\n      Second line with {mne:words} men."
    assert problems(one_scene(text)) == [
        "scenes.yaml:7:24: error: unknown name {mne} in text (did you mean 'men'?) (write {{ for a literal brace)"
    ]


def test_span_mistakes(problems: Problems) -> None:
    assert problems(one_scene("He is {iff flag: angry}.")) == [
        "scenes.yaml:6:13: error: unknown span '{iff: ...}' (did you mean 'if'?)"
    ]
    assert problems(one_scene("He is {if flag angry}.")) == [
        "scenes.yaml:6:13: error: an {if ...} span needs ':' after its condition: {if condition: text}"
    ]
    assert problems(one_scene("He is {if flag: a|b|c}.")) == [
        "scenes.yaml:6:13: error: an {if ...} span has at most one '|': {if condition: then|else}"
    ]
    assert problems(one_scene("He is {seq: a|b.")) == [
        "scenes.yaml:6:13: error: unmatched '{' in text (write {{ for a literal brace)"
    ]
    assert problems(one_scene("{flag:words} of them.")) == [
        "scenes.yaml:6:8: error: {flag:words}: a number form needs a number, and 'flag' is true/false"
    ]
    assert problems(one_scene("{men:many} of them.")) == [
        (
            "scenes.yaml:6:8: error: unknown number form 'many' in {men:many} (the forms are words, Words and "
            "singular/plural, like {men:man/men})"
        )
    ]


def test_misspelled_names_anywhere_a_player_reads_text(problems: Problems) -> None:
    scenes = """\
chapter: one
scenes:
  - id: start
    title: "Day {mne}"
    text: The guard waits.
    choices:
      - {id: go, label: "Go with {men:wrds}", goto: out}
      - {id: fly, label: Fly, requires: men > 100, reason: "Only {mem} men.", goto: out}
  - {id: out, title: Out, ending: won, text: Through.}
"""
    assert problems(scenes) == [
        "scenes.yaml:4:17: error: unknown name {mne} in text (did you mean 'men'?) (write {{ for a literal brace)",
        (
            "scenes.yaml:7:35: error: unknown number form 'wrds' in {men:wrds} (the forms are words, Words and "
            "singular/plural, like {men:man/men})"
        ),
        "scenes.yaml:8:66: error: unknown name {mem} in text (did you mean 'men'?) (write {{ for a literal brace)",
    ]


def test_empty_labels_titles_and_results_are_errors(problems: Problems) -> None:
    scenes = """\
chapter: one
scenes:
  - id: start
    title: "  "
    text: The guard waits.
    choices:
      - {id: go, label: "", goto: out}
      - {id: stay, label: Stay, result: " ", goto: out}
  - {id: out, title: Out, ending: won, text: Through.}
"""
    assert problems(scenes) == [
        "scenes.yaml:4:12: error: scene title is empty",
        "scenes.yaml:7:25: error: choice label is empty",
        "scenes.yaml:8:41: error: result is empty",
    ]


def test_route_list_mistakes(problems: Problems) -> None:
    scenes = """\
chapter: one
scenes:
  - id: start
    title: The Gate
    text: The guard waits.
    choices:
      - {id: go, label: Go, goto: {use: by_trsut}}
      - id: run
        label: Run
        goto:
          - {to: out}
          - use: by_trust
  - {id: out, title: Out, ending: won, text: Through.}
"""
    manifest = """\
story: {id: t, title: Test Story, start: start}
chapters:
  one: {title: One, order: 1}
factions:
  guards: {name: The guards, description: The men at the gate.}
endings:
  won: {title: Through}
routes:
  by_trust:
    - {if: guards > 50, to: out}
    - {to: start}
"""
    assert problems(scenes, manifest) == [
        "scenes.yaml:7:41: error: unknown route list 'by_trsut' (did you mean 'by_trust'?)",
        "scenes.yaml:11:13: error: this route always applies, so the route list 'by_trust' can never be taken",
    ]


def test_a_broken_definition_leads_and_its_knock_ons_are_counted(problems: Problems) -> None:
    # (A definition with a mistake in one field is still declared, so its uses are not errors at all; one that
    # cannot be read at all, as here, leaves its uses to be counted under it.)
    manifest = """\
story: {id: t, title: Test Story, start: start}
chapters:
  one: {title: One, order: 1}
factions:
  guards: {name: The guards, description: The men at the gate.}
  crew: [The crew, Sailors.]
endings:
  won: {title: Through}
"""
    scenes = """\
chapter: one
scenes:
  - id: start
    title: The Gate
    text: The crew ({crew}) waits.
    choices:
      - {id: a, label: A, if: crew > 3, effects: {trust: {crew: 5}}, goto: out}
      - {id: b, label: B, requires: crew > 40, effects: {fair: {crew: 5}}, goto: out}
  - {id: out, title: Out, ending: won, text: Through.}
"""
    assert problems(scenes, manifest) == [
        "story.yaml:6:9: error: faction 'crew' must be a mapping (key: value), found a list",
        "story.yaml:6:9: error: 5 more errors follow from this (uses of 'crew')",
    ]


def test_former_ids_that_collide_are_refused(problems: Problems) -> None:
    scenes = """\
chapter: one
scenes:
  - id: start
    formerly: out
    title: The Gate
    text: The guard waits.
    choices:
      - {id: go, label: Go, formerly: [stay], goto: out}
      - {id: stay, label: Stay, goto: out}
  - {id: out, title: Out, ending: won, text: Through.}
"""
    assert problems(scenes) == [
        "scenes.yaml:4:15: error: former id 'out' of scene 'start' is the id of another scene (at scenes.yaml:10:5)",
        "scenes.yaml:8:40: error: former id 'stay' of choice 'go' is the id of another choice in scene 'start'",
    ]
