"""Edits to a story's files that must respect their YAML layout: renaming a scene or a choice while keeping its
old id under ``formerly:`` (so saves and playthroughs that name the old id still load).

An edit is a range of a file (1-based, end exclusive, as the index gives ranges) and the text to put there; the
language server turns them into a WorkspaceEdit. Nothing here writes a file.
"""

from __future__ import annotations

from typing import NamedTuple

from yaml.nodes import Node, ScalarNode, SequenceNode

from .index import Slot, Span


class Edit(NamedTuple):
    """Replace ``span`` (empty: insert at its start) with ``text``."""

    span: Span
    text: str


def _at(slot: Slot, line0: int, column0: int) -> Span:
    return Span(slot.src.shown, line0 + 1, column0 + 1, line0 + 1, column0 + 1)


def _whole(slot: Slot, node: Node) -> Span:
    """A node's range, quotes included."""
    s, e = node.start_mark, node.end_mark
    return Span(slot.src.shown, s.line + 1, s.column + 1, e.line + 1, e.column + 1)


def _new_line(slot: Slot, node: Node, line_text: str) -> Edit:
    """Insert ``line_text`` as a line of its own after ``node``'s last line."""
    line = node.end_mark.line
    if node.end_mark.column == 0 and line > node.start_mark.line:
        line -= 1  # a node that ends at the start of the next line (after its line break)
    lines = slot.src.text.split("\n")
    if line + 1 < len(lines):
        return Edit(_at(slot, line + 1, 0), line_text + "\n")
    return Edit(_at(slot, line, len(lines[line])), "\n" + line_text)  # the last line, without a line break


def rename_keeping_former(slot: Slot, new: str) -> list[Edit]:
    """Rename the scene or choice written at ``slot`` to ``new``, adding its old id to its ``formerly:`` list
    (written in the style of what is there: a flow list, a block list, one id; or a new ``formerly: [old]``)."""
    if slot.id_node is None:
        return []
    old = slot.id_node.value
    former = slot.formerly
    if former is None:
        if slot.node.flow_style or slot.id_key is None:
            # {id: old, label: ...}: the former id goes beside the id, in the same replacement.
            return [Edit(_whole(slot, slot.id_node), f"{new}, formerly: [{old}]")]
        indent = " " * slot.id_key.start_mark.column
        return [Edit(_whole(slot, slot.id_node), new), _new_line(slot, slot.id_node, f"{indent}formerly: [{old}]")]
    edits = [Edit(_whole(slot, slot.id_node), new)]
    if isinstance(former, ScalarNode):
        if former.value != old:
            listed = f"[{former.value}, {old}]" if former.value else f"[{old}]"
            edits.append(Edit(_whole(slot, former), listed))
    elif isinstance(former, SequenceNode):
        items = [n.value for n in former.value if isinstance(n, ScalarNode)]
        if old not in items:
            if former.flow_style:
                end = former.end_mark
                edits.append(Edit(_at(slot, end.line, end.column - 1), f", {old}" if items else old))
            else:
                dash = " " * former.start_mark.column
                edits.append(_new_line(slot, former.value[-1] if former.value else former, f"{dash}- {old}"))
    return edits


__all__ = ["Edit", "rename_keeping_former"]
