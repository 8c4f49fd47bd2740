"""Why a choice is disabled, in words: the parts of its requirement that fail now, never the ones that hold.

An author's ``reason:`` always wins; this is what a player reads when there is none: "Needs Arab civilians at 50
or more.", "Needs the coalition above 60." Factions are named by their display name now, variables by their
description.
"""

from __future__ import annotations

from collections.abc import Callable

from .conditions import Binary, Bool, Call, Func, Name, Node, Num, Unary, evaluate, to_source

TYPE_CHECKING = False  # (not imported from typing: a warm start does not import typing at all)

if TYPE_CHECKING:
    from .game import State
    from .model import Choice, Story

_OPS = {
    ">=": "at {} or more", ">": "above {}", "<=": "at {} or less", "<": "below {}", "==": "at exactly {}",
    "!=": "at anything but {}",
}
_FLIP = {">=": "<=", ">": "<", "<=": ">=", "<": ">", "==": "==", "!=": "!="}


def describe_requirement(
    story: Story, choice: Choice, state: State | None = None, faction_name: Callable[[str], str] | None = None
) -> str:
    """A readable reason for a disabled choice when the author gave none. With ``state``, only the parts of the
    requirement that fail in it are named."""
    cond = choice.enabled_if
    if cond is None:
        return ""
    name = faction_name or (lambda fid: story.factions[fid].name)
    nodes = [cond.node]
    if state is not None:
        env = {**{f.id: state.values[f.slot] for f in story.factions.values()},
               **{v.id: state.values[v.slot] for v in story.variables.values()}}

        def holds(node: Node) -> bool:
            return bool(evaluate(node, env, state.visited, state.chosen))

        nodes = _failing(cond.node, holds) or nodes
    return "Needs " + " and ".join(_phrase(story, node, name) for node in nodes) + "."


def _failing(node: Node, holds: Callable[[Node], bool]) -> list[Node]:
    """The conjuncts of ``node`` that fail (an 'and' is looked into; anything else is one part)."""
    if isinstance(node, Binary) and node.op == "and":
        return _failing(node.left, holds) + _failing(node.right, holds)
    return [] if holds(node) else [node]


def _phrase(story: Story, node: Node, faction_name: Callable[[str], str]) -> str:
    if isinstance(node, Binary):
        if node.op == "or":
            return f"either {_phrase(story, node.left, faction_name)} or {_phrase(story, node.right, faction_name)}"
        if node.op == "and":
            return f"{_phrase(story, node.left, faction_name)} and {_phrase(story, node.right, faction_name)}"
        if node.op in _OPS:
            left, right, op = node.left, node.right, node.op
            if isinstance(left, Num) and not isinstance(right, Num):
                left, right, op = right, left, _FLIP[op]
            if isinstance(right, Num):
                quantity = _quantity(story, left, faction_name)
                if quantity:
                    return f"{quantity} {_OPS[op].format(right.value)}"
            if isinstance(right, Bool) and isinstance(left, Name) and op in ("==", "!="):
                positive = right.value == (op == "==")
                return _flag(story, left.name, positive)
    if isinstance(node, Name):
        return _flag(story, node.name, True)
    if isinstance(node, Unary) and node.op == "not" and isinstance(node.operand, Name):
        return _flag(story, node.operand.name, False)
    if isinstance(node, Unary) and node.op == "not" and isinstance(node.operand, Call):
        return "not " + _call(story, node.operand)
    if isinstance(node, Call):
        return _call(story, node)
    source = to_source(node)
    return source[1:-1] if source.startswith("(") and source.endswith(")") else source


def _quantity(story: Story, node: Node, faction_name: Callable[[str], str]) -> str:
    """A number in words a player reads: a faction's name, a variable's description, 'the higher of A and B',
    'A and B together'; '' when it reads no better than the source."""
    if isinstance(node, Name):
        return _in_sentence(faction_name(node.name)) if node.name in story.factions else _variable(story, node.name)
    if isinstance(node, Func):
        a, b = (_quantity(story, arg, faction_name) for arg in node.args)
        if a and b:
            return f"the {'lower' if node.func == 'min' else 'higher'} of {a} and {b}"
    if isinstance(node, Binary) and node.op == "+":
        a, b = _quantity(story, node.left, faction_name), _quantity(story, node.right, faction_name)
        if a and b:
            return f"{a} and {b} together"
    return ""


def _in_sentence(name: str) -> str:
    """A faction's name as it reads after "Needs": "The coalition" is "the coalition" there."""
    return "the " + name[4:] if name.startswith("The ") else name


def _variable(story: Story, name: str) -> str:
    var = story.variables.get(name)
    return var.description.rstrip(".") if var is not None and var.description else name.replace("_", " ")


def _flag(story: Story, name: str, positive: bool) -> str:
    words = f"'{_variable(story, name)}'"
    return words if positive else f"not {words}"


def _call(story: Story, node: Call) -> str:
    if node.func == "visited":
        scene = story.scenes.get(node.arg)
        title = scene.title if scene is not None and "{" not in scene.title else node.arg
        return f"to have been at '{title}'"
    scene_id, _, choice_id = node.arg.partition(".")
    scene = story.scenes.get(scene_id)
    choice = scene.choice(choice_id) if scene is not None else None
    label = choice.label if choice is not None and "{" not in choice.label else node.arg
    return f"to have chosen '{label}'"
