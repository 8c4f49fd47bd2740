"""Lint understands the text forms: span conditions judged where they are read, alternatives that can never show,
route lists nothing uses, and names that only text reads."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from game.tools.lint import lint

StoryDir = Callable[..., Path]


def warnings(root: Path) -> list[str]:
    _, errors, found = lint(str(root))
    assert not errors, errors
    return [f"{Path(w.file).name}:{w.line}:{w.column}: {w.message}" for w in found]


def test_a_span_condition_that_can_never_hold_where_it_is_read(story_dir: StoryDir) -> None:
    root = story_dir("""\
        chapter: one
        scenes:
          - id: start
            title: The Gate
            text: |
              The guard {if guards > 100: salutes|shrugs}.
            choices:
              - id: pay
                label: Pay
                effects: {trust: {guards: 10}}
                result: "He counts it{if guards < 40:, scowling}."
                goto: won_scene
          - {id: won_scene, title: Won, ending: won, text: Through.}
          - {id: lost_scene, title: Lost, ending: lost, text: Home., }
        """)
    found = warnings(root)
    assert "scenes.yaml:6:21: condition 'guards > 100' can never be true (here guards is always 50): the span never shows its first part" in found
    assert "scenes.yaml:11:34: condition 'guards < 40' can never be true (here guards is always 60): the span never shows its first part" in found


def test_alternatives_in_text_read_only_once(story_dir: StoryDir) -> None:
    root = story_dir("""\
        chapter: one
        scenes:
          - id: start
            title: The Gate
            text: |
              {seq: You arrive.|You are back.} {shuffle: A dog barks.|Rain.}
            choices:
              - {id: go, label: "Go {cycle: now|again}", goto: yard}
          - id: yard
            title: The Yard
            text: "{seq: A yard.|The yard again.}"
            choices:
              - {id: back, label: Back, goto: yard, result: "{once: You turn.|You turn again.}"}
              - {id: end, label: End, goto: won_scene}
          - {id: won_scene, title: Won, ending: won, text: Through.}
        """)
    found = [w for w in warnings(root) if "alternative" in w]
    assert found == [
        "scenes.yaml:6:7: only the first alternative of this {seq: ...} can ever show: the text is read at most once in a playthrough",
        "scenes.yaml:8:29: only the first alternative of this {cycle: ...} can ever show: the text is read at most once in a playthrough",
    ]


def test_route_lists_nothing_uses_and_names_only_text_reads(story_dir: StoryDir) -> None:
    manifest = """\
        story: {id: t, title: Test Story, start: start}
        chapters:
          one: {title: One, order: 1}
        factions:
          guards: {name: Guards, description: The guards.}
        variables:
          n: {type: int, default: 0}
        endings:
          won: {title: Won}
        routes:
          spare:
            - {to: start}
        """
    root = story_dir("""\
        chapter: one
        scenes:
          - id: start
            title: The Gate
            text: You have been here {n:words} {n:time/times}.
            choices:
              - {id: wait, label: Wait, effects: {add: {n: 1}, trust: {guards: 1}}, goto: start}
              - {id: go, label: Go, goto: won_scene}
          - {id: won_scene, title: Won, ending: won, text: Through.}
        """, manifest)
    found = warnings(root)
    assert "story.yaml:11:3: route list 'spare' is never used: no goto says {use: spare}" in found
    assert not any("variable 'n'" in w for w in found)  # {n:words} reads it


def test_a_yaml_node_repeated_by_an_alias_is_reported_once(story_dir: StoryDir) -> None:
    root = story_dir("""\
        chapter: one
        scenes:
          - id: start
            title: Start
            text: x
            choices:
              - &bad {id: fly, label: Fly, if: n > 10, goto: won_scene}
              - {id: go, label: Go, effects: {add: {n: 1}}, goto: yard}
          - id: yard
            title: Yard
            text: y
            choices:
              - *bad
              - {id: go, label: Go, goto: won_scene}
          - {id: won_scene, title: Won, ending: won, text: Through.}
        """)
    found = [w for w in warnings(root) if "n > 10" in w]
    assert found == [
        (
            "scenes.yaml:7:40: condition 'n > 10' can never be true (in scene 'start': n is always 0; in scene 'yard':"
            " n is always 1): choice 'fly' is never shown"
        )
    ]


def test_a_passage_indented_into_the_text_above_it_is_caught(story_dir: StoryDir) -> None:
    # The shipped story had one: the passage's "- if:" line sat four spaces too deep, so it and its text became part
    # of the paragraph above and were shown on every path. YAML accepts it; the warning points at the line.
    root = story_dir("""\
        chapter: one
        scenes:
          - id: start
            title: The Gate
            text:
              - |
                Washing hangs on the roof.
                    - if: guards > 10
                text: |
                  You think of the names.
            choices:
              - {id: go, label: Go, goto: won_scene, result: "The reason: you are tired. Go on, then."}
          - {id: won_scene, title: Won, ending: won, text: Through.}
          - {id: lost_scene, title: Lost, ending: lost, text: Home.}
        """)
    found = [w for w in warnings(root) if "YAML structure" in w]
    assert found == [
        (
            "scenes.yaml:8:17: the text holds what looks like YAML structure ('- if:'): a passage or key indented "
            "too far becomes part of the text above it; check its indentation"
        )
    ]
