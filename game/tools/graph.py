"""``qasas graph``: the story map as Mermaid (renders on GitHub) or Graphviz DOT.

Scenes are grouped by chapter, endings are drawn as rounded/double-bordered nodes, the start scene is marked, and
each edge carries its choice's label plus any condition (``if``, ``requires``, a route's ``if`` or chance). With
``--chapter`` only that chapter's scenes are drawn, with the scenes it leads to (or comes from) in other chapters
shown as dashed outside nodes. The output is deterministic: chapters by order, scenes and choices as written.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass

from ..engine import Choice, Route, Scene, Story
from ..sanitize import sanitize_line

FORMATS = ("mermaid", "dot")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dir", nargs="?", default=None, help="the story directory (default: the shipped story)")
    parser.add_argument("--format", choices=FORMATS, default="mermaid", help="mermaid (default) or dot")
    parser.add_argument("--chapter", metavar="ID", default=None, help="draw only this chapter")
    parser.add_argument("--output", "-o", metavar="FILE", default=None, help="write to FILE instead of stdout")


@dataclass(frozen=True, slots=True)
class GraphEdge:
    source: str
    target: str
    label: str


def edge_label(choice: Choice, route: Route, routes: int) -> str:
    """What an edge says: the choice's label, then its conditions in brackets."""
    notes = []
    if choice.visible_if is not None:
        notes.append(f"if {choice.visible_if.source}")
    if choice.enabled_if is not None:
        notes.append(f"requires {choice.enabled_if.source}")
    if routes > 1:
        if route.when is not None:
            notes.append(f"when {route.when.source}")
        if route.chance is not None:
            notes.append(f"{route.chance}%")
        if route.when is None and route.chance is None:
            notes.append("otherwise")
    label = sanitize_line(choice.label)
    return label + (f" [{'; '.join(sanitize_line(n) for n in notes)}]" if notes else "")


def story_edges(story: Story, scenes: list[Scene]) -> list[GraphEdge]:
    """The edges out of ``scenes``, one per (choice, route), in the order written."""
    out = []
    for scene in scenes:
        for choice in scene.choices:
            for route in choice.routes:
                out.append(GraphEdge(scene.id, route.target, edge_label(choice, route, len(choice.routes))))
    return out


def _select(story: Story, chapter: str | None) -> tuple[list[Scene], list[GraphEdge], list[str]]:
    """Scenes drawn inside chapters, the edges, and the outside scenes (another chapter's) they touch."""
    if chapter is None:
        scenes = list(story.scenes.values())
        return scenes, story_edges(story, scenes), []
    inside = [s for s in story.scenes.values() if s.chapter == chapter]
    ids = {s.id for s in inside}
    edges = story_edges(story, inside)
    # Scenes in other chapters that lead into this one, so the reader sees where the chapter is entered from.
    outside_sources = [s for s in story.scenes.values() if s.id not in ids]
    incoming = [e for e in story_edges(story, outside_sources) if e.target in ids]
    edges = incoming + edges
    outside: list[str] = []
    for e in edges:
        for sid in (e.source, e.target):
            if sid not in ids and sid not in outside:
                outside.append(sid)
    return inside, edges, outside


def _scene_caption(story: Story, scene: Scene) -> str:
    caption = sanitize_line(scene.title) or scene.id
    if scene.ending:
        ending = story.endings.get(scene.ending)
        caption += f" (ending: {sanitize_line(ending.title) if ending else scene.ending})"
    return caption


def _chapters_in_order(story: Story, scenes: list[Scene]) -> list[tuple[str, str, list[Scene]]]:
    groups: dict[str, list[Scene]] = {}
    for s in scenes:
        groups.setdefault(s.chapter, []).append(s)
    order = {cid: (c.order, cid) for cid, c in story.chapters.items()}
    out = []
    for cid in sorted(groups, key=lambda c: order.get(c, (10**9, c))):
        ch = story.chapters.get(cid)
        out.append((cid, sanitize_line(ch.title) if ch else cid, groups[cid]))
    return out


# ------------------------------------------------------------------------------------------- mermaid

_MERMAID_ESCAPES = {'"': "#quot;", "<": "#lt;", ">": "#gt;", "#": "#35;", "|": "#124;", "&": "#amp;", "`": "#96;"}


def _mq(text: str) -> str:
    """Text inside a Mermaid quoted label: entity codes for the characters Mermaid or HTML would interpret."""
    return '"' + "".join(_MERMAID_ESCAPES.get(ch, ch) for ch in text) + '"'


def to_mermaid(story: Story, chapter: str | None = None) -> str:
    """The story map as a Mermaid flowchart (GitHub renders ```mermaid blocks)."""
    scenes, edges, outside = _select(story, chapter)
    # Node ids are prefixed: Mermaid reserves some words ('end', 'graph', ...) that are valid scene ids.
    lines = ["flowchart TD"]
    for cid, title, members in _chapters_in_order(story, scenes):
        lines.append(f"  subgraph c_{cid}[{_mq(title)}]")
        for s in members:
            caption = _mq(_scene_caption(story, s))
            shape = f"([{caption}])" if s.ending else f"[{caption}]"
            lines.append(f"    s_{s.id}{shape}")
        lines.append("  end")
    for sid in outside:
        s = story.scenes[sid]
        ch = story.chapters.get(s.chapter)
        where = f" - {sanitize_line(ch.title)}" if ch else ""
        lines.append(f"  s_{sid}[{_mq(_scene_caption(story, s) + where)}]")
    for e in edges:
        lines.append(f"  s_{e.source} -->|{_mq(e.label)}| s_{e.target}")
    lines.append("  classDef ending stroke-width:3px")
    lines.append("  classDef start stroke-width:3px,stroke-dasharray:4 2")
    lines.append("  classDef outside stroke-dasharray:5 5")
    endings = [s.id for s in scenes if s.ending]
    if endings:
        lines.append("  class " + ",".join(f"s_{sid}" for sid in endings) + " ending")
    if any(s.id == story.start for s in scenes):
        lines.append(f"  class s_{story.start} start")
    if outside:
        lines.append("  class " + ",".join(f"s_{sid}" for sid in outside) + " outside")
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------------------------- dot


def _dq(text: str) -> str:
    """A DOT double-quoted string; a newline becomes DOT's centred line break."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(story: Story, chapter: str | None = None) -> str:
    """The story map as a Graphviz digraph (``dot -Tsvg``)."""
    scenes, edges, outside = _select(story, chapter)
    lines = [
        f"digraph {_dq(story.id or 'story')} {{",
        f"  label={_dq(sanitize_line(story.title))};",
        "  labelloc=t;",
        "  rankdir=TB;",
        '  node [shape=box, style=rounded, fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=10];',
    ]
    for cid, title, members in _chapters_in_order(story, scenes):
        lines.append(f"  subgraph {_dq('cluster_' + cid)} {{")
        lines.append(f"    label={_dq(title)};")
        for s in members:
            attrs = [f"label={_dq(_scene_caption(story, s))}"]
            if s.ending:
                attrs.append('shape=doubleoctagon, style="filled", fillcolor="#eeeeee"')
            if s.id == story.start:
                attrs.append("penwidth=3")
            lines.append(f"    {_dq(s.id)} [{', '.join(attrs)}];")
        lines.append("  }")
    for sid in outside:
        s = story.scenes[sid]
        ch = story.chapters.get(s.chapter)
        where = f"\n({sanitize_line(ch.title)})" if ch else ""
        lines.append(f"  {_dq(sid)} [label={_dq(_scene_caption(story, s) + where)}, style=dashed];")
    for e in edges:
        lines.append(f"  {_dq(e.source)} -> {_dq(e.target)} [label={_dq(e.label)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def render(story: Story, fmt: str = "mermaid", chapter: str | None = None) -> str:
    """The story map in ``fmt`` ('mermaid' or 'dot'), for the whole story or one chapter."""
    if chapter is not None and chapter not in story.chapters and not any(s.chapter == chapter for s in story.scenes.values()):
        raise KeyError(chapter)
    return to_dot(story, chapter) if fmt == "dot" else to_mermaid(story, chapter)


def run(args: argparse.Namespace) -> int:
    from ..commands.common import load_or_report
    from ..loader.errors import did_you_mean

    story = load_or_report(args.dir)
    if story is None:
        return 2
    try:
        text = render(story, args.format, args.chapter)
    except KeyError:
        best = did_you_mean(args.chapter, story.chapters)
        hint = f" (did you mean {best!r}?)" if best else ""
        known = ", ".join(story.chapters)
        print(sanitize_line(f"qasas graph: unknown chapter {args.chapter!r}{hint}; the chapters are: {known}"), file=sys.stderr)
        return 2
    if args.output:
        from .files import write_text_atomic

        try:
            write_text_atomic(args.output, text)
        except OSError as exc:
            print(sanitize_line(f"qasas graph: cannot write {args.output}: {exc.strerror or exc}"), file=sys.stderr)
            return 1
        print(f"wrote {sanitize_line(os.path.relpath(args.output))}", file=sys.stderr)
        return 0
    sys.stdout.write(text)
    return 0
