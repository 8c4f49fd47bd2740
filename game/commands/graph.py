"""``qasas graph [DIR]``: the story map as Mermaid (renders on GitHub), Graphviz DOT, or SVG (through Graphviz).

Scenes are grouped by chapter, endings are drawn as rounded/double-bordered nodes, the start scene is marked, and
each edge carries its choice's label plus any condition (``if``, ``requires``, a route's ``if`` or chance). Long
labels are wrapped. ``--chapter ID`` draws one chapter, with the scenes it is entered from and leads to as dashed
outside nodes; ``--overview`` draws one node per chapter. The map itself comes from ``game.tools.graph``; this
module only renders it, escaping the story's text for each format.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys

from ..sanitize import sanitize_line
from ..tools.graph import LIST_PREFIX, StoryMap, overview_map, story_map
from .common import OutputError, UsageError, add_story_argument, load_or_report, write_output

FORMATS = ("mermaid", "dot", "svg")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_story_argument(parser)
    parser.add_argument(
        "--format", choices=FORMATS, default="mermaid", help="mermaid (default), dot, or svg (needs Graphviz's dot)"
    )
    view = parser.add_mutually_exclusive_group()
    view.add_argument("--chapter", metavar="ID", default=None, help="draw only this chapter")
    view.add_argument("--overview", action="store_true", help="one node per chapter, and the choices between them")
    parser.add_argument("--output", "-o", metavar="FILE", default=None, help="write to FILE ('-': stdout) instead of stdout")


# ------------------------------------------------------------------------------------------- mermaid

_MERMAID_ESCAPES = {'"': "#quot;", "<": "#lt;", ">": "#gt;", "#": "#35;", "|": "#124;", "&": "#amp;", "`": "#96;"}


def _mq(lines: list[str]) -> str:
    """A Mermaid quoted label of these lines, with entity codes for the characters Mermaid or HTML would interpret."""
    lines = [sanitize_line(line) for line in lines]
    return '"' + "<br>".join("".join(_MERMAID_ESCAPES.get(ch, ch) for ch in line) for line in lines) + '"'


def _mid(m: StoryMap, node_id: str) -> str:
    """A node's Mermaid id, prefixed: Mermaid reserves some words ('end', 'graph', ...) that are valid scene ids."""
    if node_id.startswith(LIST_PREFIX):
        return "r_" + node_id[len(LIST_PREFIX):]
    return ("c_" if m.overview else "s_") + node_id


def to_mermaid(m: StoryMap) -> str:
    """The map as a Mermaid flowchart (GitHub renders ```mermaid blocks)."""
    lines = ["flowchart TD"]

    def node(sid: str, indent: str) -> str:
        n = m.nodes[sid]
        caption = _mq(n.lines() + ([f"({n.outside_chapter})"] if n.outside and n.outside_chapter else []))
        shape = f"{{{{{caption}}}}}" if n.kind == "routes" else f"([{caption}])" if n.ending and not n.outside else f"[{caption}]"
        return f"{indent}{_mid(m, sid)}{shape}"

    for c in m.clusters:
        lines.append(f"  subgraph c_{c.id}[{_mq([c.title])}]")
        lines.extend(node(sid, "    ") for sid in c.nodes)
        lines.append("  end")
    if m.overview:
        lines.extend(node(sid, "  ") for sid in m.nodes)
    lines.extend(node(sid, "  ") for sid in m.lists + m.outside)
    for e in m.edges:
        lines.append(f"  {_mid(m, e.source)} -->|{_mq(e.lines())}| {_mid(m, e.target)}")
    lines.append("  classDef ending stroke-width:3px")
    lines.append("  classDef start stroke-width:3px,stroke-dasharray:4 2")
    lines.append("  classDef outside stroke-dasharray:5 5")
    endings = [n.id for n in m.nodes.values() if n.ending and not n.outside]
    if endings:
        lines.append("  class " + ",".join(_mid(m, sid) for sid in endings) + " ending")
    start = [n.id for n in m.nodes.values() if n.start and not n.outside]
    if start:
        lines.append(f"  class {_mid(m, start[0])} start")
    if m.outside:
        lines.append("  class " + ",".join(_mid(m, sid) for sid in m.outside) + " outside")
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------------------------- dot


def _dq(text: str | list[str]) -> str:
    """A DOT double-quoted string; a list of lines becomes centred lines (DOT's \\n)."""
    lines = [sanitize_line(x) for x in ([text] if isinstance(text, str) else text)]
    return '"' + "\\n".join(line.replace("\\", "\\\\").replace('"', '\\"') for line in lines) + '"'


def to_dot(m: StoryMap) -> str:
    """The map as a Graphviz digraph (``dot -Tsvg``)."""
    lines = [
        f"digraph {_dq(m.id or 'story')} {{",
        f"  label={_dq(m.title)};",
        "  labelloc=t;",
        "  rankdir=TB;",
        '  node [shape=box, style=rounded, fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=10];',
    ]

    def node(sid: str, indent: str) -> str:
        n = m.nodes[sid]
        if n.outside:
            caption = _dq(n.lines() + ([f"({n.outside_chapter})"] if n.outside_chapter else []))
            return f"{indent}{_dq(sid)} [label={caption}, style=dashed];"
        attrs = [f"label={_dq(n.lines())}"]
        if n.kind == "routes":
            attrs.append('shape=hexagon, style="filled", fillcolor="#f3f4f6"')
        if n.ending:
            attrs.append('shape=doubleoctagon, style="filled", fillcolor="#eeeeee"')
        if n.start:
            attrs.append("penwidth=3")
        return f"{indent}{_dq(sid)} [{', '.join(attrs)}];"

    for c in m.clusters:
        lines.append(f"  subgraph {_dq('cluster_' + c.id)} {{")
        lines.append(f"    label={_dq(c.title)};")
        lines.extend(node(sid, "    ") for sid in c.nodes)
        lines.append("  }")
    if m.overview:
        lines.extend(node(sid, "  ") for sid in m.nodes)
    lines.extend(node(sid, "  ") for sid in m.lists + m.outside)
    for e in m.edges:
        width = f", penwidth={min(1 + e.count / 2, 6):g}" if m.overview and e.count > 1 else ""
        lines.append(f"  {_dq(e.source)} -> {_dq(e.target)} [label={_dq(e.lines())}{width}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_svg(dot: str) -> bytes:
    """The DOT text laid out and drawn by Graphviz. Raises UsageError when Graphviz is not installed."""
    exe = shutil.which("dot")
    if exe is None:
        raise UsageError(
            "qasas graph: --format svg needs Graphviz's 'dot' program, which is not installed "
            "(Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz); "
            "or use --format dot and draw it elsewhere"
        )
    proc = subprocess.run([exe, "-Tsvg"], input=dot.encode("utf-8"), capture_output=True, timeout=300, check=False)
    if proc.returncode != 0:
        message = sanitize_line(proc.stderr.decode("utf-8", "replace").strip())
        raise UsageError(f"qasas graph: Graphviz could not draw the map: {message}")
    return proc.stdout


def render(m: StoryMap, fmt: str = "mermaid") -> str:
    """The map as text: 'mermaid' or 'dot'."""
    return to_dot(m) if fmt == "dot" else to_mermaid(m)


def run(args: argparse.Namespace) -> int:
    from ..loader.errors import did_you_mean

    story = load_or_report(args.dir)
    if story is None:
        return 2
    try:
        m = overview_map(story) if args.overview else story_map(story, args.chapter)
    except KeyError:
        best = did_you_mean(args.chapter, story.chapters)
        hint = f" (did you mean {best!r}?)" if best else ""
        known = ", ".join(story.chapters)
        print(sanitize_line(f"qasas graph: unknown chapter {args.chapter!r}{hint}; the chapters are: {known}"), file=sys.stderr)
        return 2
    try:
        data: str | bytes = to_svg(to_dot(m)) if args.format == "svg" else render(m, args.format)
    except UsageError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if args.output and args.output != "-":
        try:
            where = write_output(args.output, data)
        except OutputError as exc:
            print(f"qasas graph: {exc}", file=sys.stderr)
            return 1
        print(f"wrote {where}", file=sys.stderr)
        return 0
    write_output("-", data)
    return 0
