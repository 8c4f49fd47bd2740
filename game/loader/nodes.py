"""Reading YAML nodes by what a field expects: the primitives every part of the story reader uses.

Scalars are read by what each field expects (text, whole number, true/false, id), never by YAML 1.1's implicit
typing, so ``title: no`` is the text "no" and ``date: 1:30`` the text "1:30". Every problem is collected with
file:line:col rather than raised, so one pass reports them all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..engine.model import Chapter, Ending, Faction, GlossaryEntry, Location, Pos, Variable
from .errors import Problem, did_you_mean, hint

if TYPE_CHECKING:
    from .scenes import RawRouteList, RawScene

ID_RE = re.compile(r"[a-z][a-z0-9_]*\Z")
INT_RE = re.compile(r"[+-]?(0|[1-9][0-9]*)\Z")
MAX_INT = 10**9
MAX_TEXT = 100_000
_STD = "tag:yaml.org,2002:"
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_new_pos = tuple.__new__
_ALLOWED_TAGS = {_STD + t for t in ("str", "int", "bool", "null", "float", "timestamp", "seq", "map")}


def _kind(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    if node.tag == _STD + "null" and node.value in _NULLS:
        return "nothing"
    return f"the text {node.value[:40]!r}"


@dataclass(slots=True)
class _Src:
    """One source file: its path as shown to the author and its text (for locating columns)."""

    shown: str
    text: str
    _lines: list[str] | None = None

    def line(self, n: int) -> str:
        if self._lines is None:
            self._lines = self.text.split("\n")
        return self._lines[n] if 0 <= n < len(self._lines) else ""


@dataclass(slots=True)
class _CondRef:
    """A condition to compile once every name is known. ``offset`` is where it starts inside the node's value
    when it sits inside text (``{if cond: ...}``); -1 for a condition that is the whole value."""

    source: str
    src: _Src
    node: ScalarNode
    offset: int = -1
    segments: tuple[tuple[int, int], ...] = ()  # for text: (offset in the paragraph, offset in the value) pairs


@dataclass(slots=True)
class _TextRef:
    """A text the player reads outside a scene's body (a title, a label, a name...) that holds braces: compiled
    into a template once every name is known. ``what`` names it in messages."""

    source: str
    src: _Src
    node: ScalarNode
    what: str


class NodeReader:
    """The reader's shared state and its node-reading primitives; problems are collected, never raised."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.factions: dict[str, Faction] = {}
        self.variables: dict[str, Variable] = {}
        self.chapters: dict[str, Chapter] = {}
        self.endings: dict[str, Ending] = {}
        self.locations: dict[str, Location] = {}
        self.glossary: dict[str, GlossaryEntry] = {}
        self.story_id = ""
        self.title = ""
        self.start = ""
        self.start_pos: Pos | None = None
        self.notice = ""
        self.credits = ""
        self.manifest_ok = False
        # Set when a scene file could not be read at all: references into it would be reported falsely.
        self.files_failed = False
        self.scenes: list[RawScene] = []
        self._slot = 0
        self.texts: list[_TextRef] = []
        self.route_lists: dict[str, RawRouteList] = {}
        # Names whose definition is broken (id -> where): errors that only repeat "unknown name" for them are
        # counted under the cause instead of burying it (see ``knock_on``).
        self.broken: dict[str, Problem] = {}
        self.knock_ons: dict[str, int] = {}
        # Every text a player reads, as written, when the story index asks for it (None: not kept).
        self.prose: list[tuple[_Src, ScalarNode]] | None = None

    def read_route_lists(self, src: _Src, node: Node, chapter: str) -> None:
        """Read named route lists (the manifest's, or a scene file's for its chapter); see ``SceneReader``."""
        raise NotImplementedError

    # ------------------------------------------------------------------------------- helpers

    def knock_on(self, name: str) -> bool:
        """True (and counted) when an error about ``name`` only follows from its broken definition."""
        if name in self.broken:
            self.knock_ons[name] = self.knock_ons.get(name, 0) + 1
            return True
        return False

    def player_text(self, src: _Src, node: Node, what: str, *, empty_ok: bool = False) -> str | None:
        """Text a player reads (a title, a label...): never blank, and noted for compiling when it has braces."""
        v = self.text(src, node, what, empty_ok=empty_ok)
        if v is None or not isinstance(node, ScalarNode):
            return v
        if not v.strip() and not (empty_ok and not v):
            self.error(src, node, f"{what} is empty")
            return None
        if "{" in v or "}" in v:
            self.texts.append(_TextRef(v, src, node, what))
        if self.prose is not None:
            self.prose.append((src, node))
        return v

    def note_prose(self, src: _Src, node: Node) -> None:
        """Keep a text a player reads that is not read with ``player_text`` (a description, a location's name)."""
        if self.prose is not None and isinstance(node, ScalarNode):
            self.prose.append((src, node))

    def error(self, src: _Src, node: Node | None, message: str, line: int = 0, col: int = 0) -> None:
        if node is not None:
            line, col = node.start_mark.line + 1, node.start_mark.column + 1
        self.problems.append(Problem(src.shown, line, col, message))

    @staticmethod
    def pos(src: _Src, node: Node) -> Pos:
        m = node.start_mark
        return _new_pos(Pos, (src.shown, m.line + 1, m.column + 1))  # (Pos(...) runs a Python-level __new__)

    def tag_ok(self, src: _Src, node: Node) -> bool:
        if node.tag in _ALLOWED_TAGS:
            return True
        self.error(src, node, f"YAML tag {node.tag!r} is not allowed in a story")
        return False

    def mapping(
        self, src: _Src, node: Node, what: str, keys: tuple[str, ...], required: tuple[str, ...] = ()
    ) -> dict[str, tuple[ScalarNode, Node]] | None:
        # The tag first: a python/object tag says more about the file than "must be a mapping" would.
        if not self.tag_ok(src, node):
            return None
        if not isinstance(node, MappingNode):
            self.error(src, node, f"{what} must be a mapping (key: value), found {_kind(node)}")
            return None
        out: dict[str, tuple[ScalarNode, Node]] = {}
        for knode, vnode in node.value:
            if knode.__class__ is not ScalarNode:
                self.error(src, knode, f"a key in {what} must be a plain name, found {_kind(knode)}")
                continue
            # A tag on a key is refused as on a value (!!python/... never loads). The key is then read on as if
            # untagged (nothing is ever built from a tag), so this one mistake is not also a missing key, chapter,
            # ending or choice further on.
            if knode.tag not in _ALLOWED_TAGS:
                self.tag_ok(src, knode)
            key = knode.value
            if key in out:
                first = out[key][0].start_mark.line + 1
                self.error(src, knode, f"duplicate key {key!r} in {what} (first at line {first}); YAML would keep only the last")
                continue
            if key not in keys:
                if key == "<<":
                    self.error(src, knode, "merge keys (<<) are not supported; write the keys out")
                else:
                    self.error(src, knode, f"unknown key {key!r} in {what}{hint(key, keys)}")
                continue
            out[key] = (knode, vnode)
        for key in required:
            if key not in out and not any(did_you_mean(k.value, (key,)) for k, _ in node.value if isinstance(k, ScalarNode) and k.value not in keys):
                self.error(src, node, f"{what} is missing required key {key!r}")
        return out

    def sequence(self, src: _Src, node: Node, what: str) -> list[Node] | None:
        if not self.tag_ok(src, node):
            return None
        if not isinstance(node, SequenceNode):
            self.error(src, node, f"{what} must be a list, found {_kind(node)}")
            return None
        return node.value

    def entries(self, src: _Src, node: Node, what: str) -> list[tuple[ScalarNode, Node]]:
        """Entries of an id-keyed mapping (factions, chapters, ...), with duplicate ids reported."""
        if not isinstance(node, MappingNode):
            self.error(src, node, f"{what} must be a mapping of id: fields, found {_kind(node)}")
            return []
        if not self.tag_ok(src, node):
            return []
        seen: dict[str, int] = {}
        out = []
        for knode, vnode in node.value:
            if not isinstance(knode, ScalarNode):
                self.error(src, knode, f"an id in {what} must be a plain name, found {_kind(knode)}")
                continue
            self.tag_ok(src, knode)  # refused, then read on as if untagged (see mapping)
            if knode.value in seen:
                self.error(src, knode, f"duplicate id {knode.value!r} in {what} (first at line {seen[knode.value]})")
                continue
            seen[knode.value] = knode.start_mark.line + 1
            out.append((knode, vnode))
        return out

    def text(self, src: _Src, node: Node, what: str, *, empty_ok: bool = False) -> str | None:
        if not self.tag_ok(src, node):
            return None
        if not isinstance(node, ScalarNode):
            self.error(src, node, f"{what} must be text, found {_kind(node)}")
            return None
        if node.tag == _STD + "null" and not node.style:
            if node.value not in _NULLS:  # '!!null Hello': the tag, not the text, says "nothing"
                self.error(src, node, f"{what} has the YAML tag !!null (nothing) on the text {node.value[:40]!r}; remove the tag")
                return None
            if empty_ok:
                return ""
            self.error(src, node, f"{what} is empty")
            return None
        if len(node.value) > MAX_TEXT:
            self.error(src, node, f"{what} is too long ({len(node.value)} characters; the limit is {MAX_TEXT})")
            return None
        return node.value

    def integer(self, src: _Src, node: Node, what: str) -> int | None:
        if not isinstance(node, ScalarNode) or not self.tag_ok(src, node):
            if isinstance(node, (MappingNode, SequenceNode)):
                self.error(src, node, f"{what} must be a whole number, found {_kind(node)}")
            return None
        v = node.value
        if not node.style and INT_RE.match(v):
            n = int(v) if len(v) <= 11 else MAX_INT + 1
            if abs(n) > MAX_INT:
                self.error(src, node, f"{what} is too large (limit {MAX_INT})")
                return None
            return n
        if not node.style and re.fullmatch(r"[+-]?0[0-9]+", v):
            self.error(src, node, f"{what}: {v!r} has a leading zero; write {int(v)} (YAML may read it as octal)")
            return None
        self.error(src, node, f"{what} must be a whole number, found {_kind(node)}")
        return None

    def boolean(self, src: _Src, node: Node, what: str) -> bool | None:
        if isinstance(node, ScalarNode) and not node.style and self.tag_ok(src, node):
            if node.value in ("true", "True"):
                return True
            if node.value in ("false", "False"):
                return False
            if node.value.lower() in ("yes", "no", "on", "off", "y", "n"):
                self.error(src, node, f"{what}: write true or false, not {node.value!r}")
                return None
        self.error(src, node, f"{what} must be true or false, found {_kind(node)}")
        return None

    def ident(self, src: _Src, node: Node, what: str) -> str | None:
        v = self.text(src, node, what)
        if v is None:
            return None
        if not ID_RE.match(v):
            self.error(src, node, f"{what} {v!r} is not a valid id (lower-case letters, digits and _, starting with a letter)")
            return None
        return v

    def condition(self, src: _Src, node: Node, what: str) -> _CondRef | None:
        if not self.tag_ok(src, node):
            return None
        if isinstance(node, ScalarNode) and not node.style and node.value in ("true", "false"):
            return _CondRef(node.value, src, node)
        v = self.text(src, node, what)
        if v is None or not isinstance(node, ScalarNode):  # (text() gives None for anything but a scalar)
            return None
        return _CondRef(v, src, node)

