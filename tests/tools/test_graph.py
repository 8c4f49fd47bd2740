"""qasas graph: the story map as Mermaid or DOT, by chapter, deterministic."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from game.commands.graph import render, to_dot, to_mermaid
from game.loader import load_story
from game.tools.graph import story_map

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "fixtures" / "tiny"


def test_mermaid_groups_scenes_by_chapter_marks_endings_and_labels_edges() -> None:
    text = to_mermaid(story_map(load_story(str(TINY))))
    assert text.startswith("flowchart TD\n")
    one = text.index('subgraph c_one["The Gate"]')
    two = text.index('subgraph c_two["The Road"]')
    assert one < text.index('s_gate["At the Gate"]') < two < text.index('s_road["The Long Road"]')
    # Long captions and labels are wrapped: the title or label first, what it leads to or needs on lines of its own.
    assert 's_through(["Through<br>(ending: Through the<br>Gate)"])' in text
    assert '  s_gate -->|"Show the pass<br>[requires has_pass]"| s_through' in text
    assert '  s_gate -->|"Ask the clerk for a pass<br>[if not has_pass]"| s_gate' in text
    assert '  s_gate -->|"Win the villagers over<br>[requires guards #gt;= 50]"| s_gate' in text
    assert '  s_road -->|"Walk on<br>[when chose(gate.bribe)]"| s_turned_back' in text
    assert '  s_road -->|"Walk on [50%]"| s_lucky' in text
    assert '  s_road -->|"Walk on [otherwise]"| s_through' in text
    assert "  class s_through,s_turned_back,s_lucky ending" in text
    assert "  class s_gate start" in text


def test_dot_has_a_cluster_per_chapter_and_escapes_its_strings() -> None:
    text = to_dot(story_map(load_story(str(TINY))))
    assert text.startswith('digraph "tiny" {') and text.rstrip().endswith("}")
    assert 'subgraph "cluster_one" {' in text and 'subgraph "cluster_two" {' in text
    assert '"lucky" [label="Lucky\\n(ending: A Lucky Road)", shape=doubleoctagon' in text
    assert '"gate" -> "through" [label="Show the pass\\n[requires has_pass]"];' in text
    # Every statement line ends as DOT requires; braces balance.
    body = [ln.strip() for ln in text.splitlines()[1:-1]]
    assert all(ln.endswith((";", "{", "}")) for ln in body)
    assert text.count("{") == text.count("}")


def test_one_chapter_shows_where_it_is_entered_from_and_leads_to() -> None:
    story = load_story(str(TINY))
    text = to_mermaid(story_map(story, "two"))
    assert "c_one" not in text and 'subgraph c_two["The Road"]' in text
    assert 's_gate["At the Gate<br>(The Gate)"]' in text  # outside the chapter, named with its chapter
    assert '  s_gate -->|"Take the long road"| s_road' in text
    assert "class s_gate,s_turned_back,s_through outside" in text
    dot = to_dot(story_map(story, "two"))
    assert '"gate" [label="At the Gate\\n(The Gate)", style=dashed];' in dot


def test_output_is_deterministic() -> None:
    assert render(story_map(load_story(str(TINY))), "dot") == render(story_map(load_story(str(TINY))), "dot")
    assert render(story_map(load_story(str(TINY)))) == render(story_map(load_story(str(TINY))))


def test_labels_with_quotes_markup_and_reserved_ids_are_safe(make_story) -> None:
    story = make_story("""\
        chapter: one
        scenes:
          - id: start
            title: 'The "Start" <b>'
            text: x
            choices:
              - {id: go, label: 'Say "hello" | wave #1 & <run>', requires: guards > 3, goto: end}
          - {id: end, title: End, ending: won, text: x}
          - {id: lost, title: "Back\\\\slash", ending: lost, text: x}
    """)
    mermaid = to_mermaid(story_map(story))
    assert 's_end(["End (ending: Won)"])' in mermaid  # 'end' is a Mermaid keyword; ids are prefixed
    edge = next(ln for ln in mermaid.splitlines() if "-->" in ln)
    label = re.fullmatch(r'  s_start -->\|"(.*)"\| s_end', edge)
    assert label is not None
    assert not set(label.group(1).replace("<br>", "")) & set('"<>|`')
    assert label.group(1) == "Say #quot;hello#quot; #124; wave #35;1 #amp;<br>#lt;run#gt;<br>[requires guards #gt; 3]"
    dot = to_dot(story_map(story))
    assert '"start" [label="The \\"Start\\" <b>", penwidth=3];' in dot
    assert 'label="Back\\\\slash\\n(ending: Lost)"' in dot


def test_command_writes_a_file_and_rejects_an_unknown_chapter(tmp_path: Path) -> None:
    out = tmp_path / "map.mmd"
    proc = subprocess.run([sys.executable, "-m", "game", "graph", str(TINY), "--output", str(out)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and proc.stdout == ""
    assert out.read_text() == render(story_map(load_story(str(TINY))))
    bad = subprocess.run([sys.executable, "-m", "game", "graph", str(TINY), "--chapter", "tow"],
                         capture_output=True, text=True, check=False)
    assert bad.returncode == 2
    assert "unknown chapter 'tow' (did you mean 'two'?); the chapters are: one, two" in bad.stderr


def test_a_long_label_is_wrapped_and_a_long_word_stays_whole(make_story) -> None:
    story = make_story("""\
        chapter: one
        scenes:
          - id: start
            title: A scene whose title goes on and on for quite a while
            text: x
            choices:
              - {id: go, label: Walk through the whole of the old city to the river, goto: end}
              - {id: url, label: Supercalifragilisticexpialidociousness, goto: end}
          - {id: end, title: End, ending: won, text: x}
          - {id: lost, title: Lost, ending: lost, text: x}
    """)
    m = story_map(story)
    assert m.nodes["start"].lines() == ["A scene whose title goes", "on and on for quite a", "while"]
    walk, word = m.edges
    assert walk.lines() == ["Walk through the whole of", "the old city to the river"]
    assert word.lines() == ["Supercalifragilisticexpialidociousness"]
    assert all(len(line) <= 28 for line in walk.lines())
    assert '"start" -> "end" [label="Walk through the whole of\\nthe old city to the river"];' in to_dot(m)


def test_the_overview_has_one_node_per_chapter_and_counts_the_choices_between_them() -> None:
    from game.tools.graph import overview_map

    m = overview_map(load_story(str(TINY)))
    assert list(m.nodes) == ["one", "two"]
    assert m.nodes["one"].caption == "The Gate (3 scenes; endings: Through the Gate, Turned Back)"
    assert m.nodes["one"].start and not m.nodes["two"].start
    assert [(e.source, e.target, e.label) for e in m.edges] == [("one", "two", "1 choice"), ("two", "one", "1 choice")]
    text = to_mermaid(m)
    assert '  c_one -->|"1 choice"| c_two' in text and "class c_one start" in text and "subgraph" not in text
    proc = subprocess.run([sys.executable, "-m", "game", "graph", str(TINY), "--overview", "--format", "dot"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and proc.stdout == to_dot(m)


def test_svg_through_graphviz_or_a_clear_message_without_it(tmp_path: Path) -> None:
    import shutil

    proc = subprocess.run([sys.executable, "-m", "game", "graph", str(TINY), "--format", "svg"],
                          capture_output=True, check=False)
    if shutil.which("dot"):
        assert proc.returncode == 0 and proc.stdout.lstrip().startswith(b"<?xml") and b"</svg>" in proc.stdout
        assert proc.stdout.count(b'class="node"') == 5
    else:
        assert proc.returncode == 2 and b"needs Graphviz's 'dot' program" in proc.stderr
    # Without dot on the PATH, whatever the machine has.
    bare = subprocess.run([sys.executable, "-m", "game", "graph", str(TINY), "--format", "svg"],
                          capture_output=True, text=True, check=False, env={"PATH": str(tmp_path), "PYTHONPATH": str(ROOT)})
    assert bare.returncode == 2 and bare.stdout == ""
    assert "needs Graphviz's 'dot' program, which is not installed" in bare.stderr and "Traceback" not in bare.stderr


SHARED = """\
    chapter: one
    routes:
      by_the_guards:
        - {if: guards >= 70, to: won}
        - {to: lost}
    scenes:
      - id: start
        title: Start
        text: x
        choices:
          - {id: plead, label: Plead, effects: {trust: {guards: 10}}, goto: {use: by_the_guards}}
          - id: run
            label: Run
            goto:
              - {chance: 50, to: won}
              - {use: by_the_guards}
          - {id: wait, label: Wait, goto: middle}
      - id: middle
        title: Middle
        text: x
        choices:
          - {id: shrug, label: Shrug, goto: {use: by_the_guards}}
      - {id: won, title: Won, ending: won, text: x}
      - {id: lost, title: Lost, ending: lost, text: x}
"""


def test_a_shared_route_list_is_drawn_once_as_a_node(make_story) -> None:
    m = story_map(make_story(SHARED))
    assert m.clusters[0].nodes == ("start", "middle", "won", "lost", "routes:by_the_guards")
    assert m.nodes["routes:by_the_guards"].kind == "routes"
    into = [(e.source, e.label) for e in m.edges if e.target == "routes:by_the_guards"]
    assert into == [("start", "Plead"), ("start", "Run [otherwise]"), ("middle", "Shrug")]
    out = [(e.target, e.notes) for e in m.edges if e.source == "routes:by_the_guards"]
    assert out == [("won", "[when guards >= 70]"), ("lost", "[otherwise]")]  # once, however many choices use it
    assert ("start", "won", "Run [50%]") in [(e.source, e.target, e.label) for e in m.edges]
    mermaid = to_mermaid(m)
    assert '    r_by_the_guards{{"route list by_the_guards"}}' in mermaid
    assert '  s_middle -->|"Shrug"| r_by_the_guards' in mermaid and '  r_by_the_guards -->|"[otherwise]"| s_lost' in mermaid
    dot = to_dot(m)
    assert '"routes:by_the_guards" [label="route list by_the_guards", shape=hexagon' in dot
    assert dot.count('"routes:by_the_guards" -> ') == 2
