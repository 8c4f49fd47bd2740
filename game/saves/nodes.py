"""A playthrough's values with their positions: the primitives the playthrough reader is built on.

A playthrough is YAML written by hand (or JSON: a save is a playthrough too). Either way it becomes a tree of
``_Node``s, each a mapping, a list or a scalar kept exactly as written, with ``file:line:col`` for messages. YAML is
composed by the story loader's guarded composer, then walked here with a budget (``MAX_NODES``, ``MAX_DEPTH``) so
aliases cannot blow up, and with every tag checked, on keys as on values.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..limits import VALUE_LIMIT
from ..sanitize import sanitize_line

MAX_NODES = 200_000
MAX_DEPTH = 32
# The YAML 1.1 standard tags, as the story loader allows: any other (!!python/..., !custom) is refused, not ignored.
_STANDARD_TAGS = frozenset(
    f"tag:yaml.org,2002:{t}" for t in ("str", "int", "bool", "null", "float", "timestamp", "seq", "map")
)
_INT = re.compile(r"[-+]?[0-9]+")
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})


class PlaythroughError(ValueError):
    """A playthrough file that cannot be read; ``str(e)`` is ``file:line:col: message``."""


# ---------------------------------------------------------------------------------- reading nodes


@dataclass
class _Node:
    """A parsed value with its position: a mapping, a list or a scalar (kept as written)."""

    kind: str  # 'map', 'seq' or 'scalar'
    value: Any  # dict[str, _Node] | list[_Node] | str
    where: str
    plain: bool = True  # an unquoted scalar (YAML), or a JSON number/bool/null
    key_where: dict[str, str] = field(default_factory=dict)

    def fail(self, message: str) -> PlaythroughError:
        return PlaythroughError(f"{self.where}: {message}")

    @property
    def is_null(self) -> bool:
        return self.kind == "scalar" and self.plain and self.value in _NULLS

    def text(self, what: str) -> str:
        if self.kind != "scalar" or self.is_null:
            raise self.fail(f"{what} must be text")
        return str(self.value)

    def integer(self, what: str, low: int = -VALUE_LIMIT, high: int = VALUE_LIMIT) -> int:
        """A whole number within [low, high] (checked here, where it is read, so it cannot overflow later)."""
        if self.kind == "scalar" and self.plain and _INT.fullmatch(str(self.value)):
            return bounded(str(self.value), what, low, high, self)
        raise self.fail(f"{what} must be a whole number (found {_brief(self)})")

    def boolean(self) -> bool | None:
        if self.kind == "scalar" and self.plain and self.value in ("true", "false", "True", "False"):
            return self.value in ("true", "True")
        return None

    def mapping(self, what: str) -> dict[str, _Node]:
        if self.kind != "map":
            raise self.fail(f"{what} must be a mapping (key: value)")
        return self.value  # type: ignore[no-any-return]

    def texts(self, what: str) -> tuple[str, ...]:
        """One string or a list of strings."""
        if self.kind == "seq":
            return tuple(item.text(f"each item of {what}") for item in self.value)
        return (self.text(what),)


def bounded(text: str, what: str, low: int, high: int, node: _Node) -> int:
    """The whole number ``text`` (digits with an optional sign), refused unless within [low, high]."""
    digits = text.lstrip("+-")
    if len(digits) > 40 or not low <= int(text) <= high:
        raise node.fail(f"{what} must be a whole number from {low} to {high} (found {_brief(node)})")
    return int(text)


def _brief(node: _Node) -> str:
    if node.kind == "map":
        return "a mapping"
    if node.kind == "seq":
        return "a list"
    text = sanitize_line(str(node.value))
    return repr(text if len(text) <= 40 else text[:37] + "...")


class _YamlReader:
    """Turns composed YAML nodes into _Nodes, with a budget so aliases cannot blow up (billion laughs)."""

    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.count = 0

    def where(self, node: yaml.Node) -> str:
        m = node.start_mark
        return f"{self.shown}:{m.line + 1}:{m.column + 1}"

    def read(self, node: yaml.Node, depth: int = 0) -> _Node:
        self.count += 1
        if self.count > MAX_NODES or depth > MAX_DEPTH:
            raise PlaythroughError(f"{self.where(node)}: the file is too large or nested too deeply")
        if node.tag not in _STANDARD_TAGS:
            raise PlaythroughError(f"{self.where(node)}: YAML tag {sanitize_line(node.tag)!r} is not allowed in a playthrough")
        if isinstance(node, yaml.MappingNode):
            out: dict[str, _Node] = {}
            wheres: dict[str, str] = {}
            for k, v in node.value:
                if not isinstance(k, yaml.ScalarNode):
                    raise PlaythroughError(f"{self.where(k)}: a key must be a plain name")
                if k.tag not in _STANDARD_TAGS:  # a tag on a key is refused as on a value
                    raise PlaythroughError(
                        f"{self.where(k)}: YAML tag {sanitize_line(k.tag)!r} is not allowed in a playthrough"
                    )
                if k.value in out:
                    raise PlaythroughError(f"{self.where(k)}: the key {k.value!r} appears twice")
                out[k.value] = self.read(v, depth + 1)
                wheres[k.value] = self.where(k)
            return _Node("map", out, self.where(node), key_where=wheres)
        if isinstance(node, yaml.SequenceNode):
            return _Node("seq", [self.read(v, depth + 1) for v in node.value], self.where(node))
        assert isinstance(node, yaml.ScalarNode)
        return _Node("scalar", node.value, self.where(node), plain=not node.style)


def _from_python(value: Any, where: str) -> _Node:
    """A _Node for plain Python/JSON values (used for JSON files and for write_playthrough's arguments)."""
    if isinstance(value, Mapping):
        items = {str(k): _from_python(v, where) for k, v in value.items()}
        return _Node("map", items, where, key_where={k: where for k in items})
    if isinstance(value, (list, tuple)):
        return _Node("seq", [_from_python(v, where) for v in value], where)
    if hasattr(value, "to_value"):  # a Range (expect.py): written as it is in a file
        return _from_python(value.to_value(), where)
    if value is None:
        return _Node("scalar", "null", where)
    if isinstance(value, bool):
        return _Node("scalar", "true" if value else "false", where)
    if isinstance(value, int):
        return _Node("scalar", str(value), where)
    if isinstance(value, float):
        return _Node("scalar", repr(value), where)
    return _Node("scalar", str(value), where, plain=False)


def _to_python(node: _Node) -> Any:
    """Plain values from a _Node, for a save written as YAML (rare; saves are JSON)."""
    if node.kind == "map":
        return {k: _to_python(v) for k, v in node.value.items()}
    if node.kind == "seq":
        return [_to_python(v) for v in node.value]
    if node.plain:
        if node.is_null:
            return None
        b = node.boolean()
        if b is not None:
            return b
        if _INT.fullmatch(node.value):
            return int(node.value)
    return node.value

