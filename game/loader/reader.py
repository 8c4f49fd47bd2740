"""The story reader: YAML nodes -> the engine's model, reporting every problem with file:line:col.

Scalars are read by what each field expects (text, whole number, true/false, id), never by YAML 1.1's implicit
typing, so ``title: no`` is the text "no" and ``date: 1:30`` the text "1:30".
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..engine import conditions as cond
from ..engine.model import (
    Chapter,
    Choice,
    Condition,
    Effect,
    Ending,
    Faction,
    GlossaryEntry,
    Location,
    Passage,
    Pos,
    Route,
    Scene,
    Story,
    Template,
    Variable,
)
from .errors import Problem, did_you_mean, hint

ID_RE = re.compile(r"[a-z][a-z0-9_]*\Z")
INT_RE = re.compile(r"[+-]?(0|[1-9][0-9]*)\Z")
MAX_INT = 10**9
MAX_TEXT = 100_000
_STD = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {_STD + t for t in ("str", "int", "bool", "null", "float", "timestamp", "seq", "map")}
_PARA_SPLIT = re.compile(r"\n[ \t]*\n")
_HOLE = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")

MANIFEST_KEYS = ("story", "chapters", "factions", "variables", "endings", "locations", "glossary")
STORY_KEYS = ("id", "title", "start")
SCENE_FILE_KEYS = ("chapter", "scenes")
SCENE_KEYS = ("id", "title", "chapter", "place", "date", "location", "text", "on_enter", "choices", "ending")
CHOICE_KEYS = ("id", "label", "if", "requires", "reason", "effects", "goto")
EFFECT_KEYS = ("trust", "fair", "set", "add")
ROUTE_KEYS = ("to", "if", "chance")
PASSAGE_KEYS = ("if", "text")


def _kind(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    if node.tag == _STD + "null":
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
    source: str
    src: _Src
    node: ScalarNode


@dataclass(slots=True)
class _RawChoice:
    id: str
    pos: Pos
    label: str
    visible: _CondRef | None
    requires: _CondRef | None
    reason: str
    effects: list[Effect]
    routes: list[tuple[str, Pos, _CondRef | None, int | None]]


@dataclass(slots=True)
class _RawScene:
    id: str
    pos: Pos
    src: _Src
    title: str = ""
    chapter: str = ""
    chapter_pos: Pos | None = None
    place: str = ""
    date: str = ""
    location: str = ""
    location_pos: Pos | None = None
    text: list[tuple[_CondRef | None, list[tuple[str, ScalarNode, int]], Pos]] = field(default_factory=list)
    on_enter: list[Effect] = field(default_factory=list)
    choices: list[_RawChoice] = field(default_factory=list)
    ending: str = ""
    ending_pos: Pos | None = None
    has_choices_key: bool = False


class Reader:
    """Reads a manifest and scene files; collects problems rather than stopping at the first."""

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
        self.manifest_ok = False
        # Set when a scene file could not be read at all: references into it would be reported falsely.
        self.files_failed = False
        self.scenes: list[_RawScene] = []
        self._slot = 0

    # ------------------------------------------------------------------------------- helpers

    def error(self, src: _Src, node: Node | None, message: str, line: int = 0, col: int = 0) -> None:
        if node is not None:
            line, col = node.start_mark.line + 1, node.start_mark.column + 1
        self.problems.append(Problem(src.shown, line, col, message))

    @staticmethod
    def pos(src: _Src, node: Node) -> Pos:
        m = node.start_mark
        return Pos(src.shown, m.line + 1, m.column + 1)

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
            if not isinstance(knode, ScalarNode):
                self.error(src, knode, f"a key in {what} must be a plain name, found {_kind(knode)}")
                continue
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
        if isinstance(node, ScalarNode) and not node.style and node.value in ("true", "false"):
            return _CondRef(node.value, src, node)
        v = self.text(src, node, what)
        if v is None or not isinstance(node, ScalarNode):  # (text() gives None for anything but a scalar)
            return None
        return _CondRef(v, src, node)

    # ------------------------------------------------------------------------------ manifest

    def read_manifest(self, src: _Src, root: Node) -> None:
        top = self.mapping(src, root, "the manifest", MANIFEST_KEYS, ("story", "factions"))
        if top is None:
            return
        if "story" in top:
            story = self.mapping(src, top["story"][1], "'story'", STORY_KEYS, STORY_KEYS)
            if story:
                if "id" in story:
                    sid = self.text(src, story["id"][1], "story id")
                    if sid is not None and not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", sid):
                        self.error(src, story["id"][1], f"story id {sid!r} may use only lower-case letters, digits, '-' and '_'")
                    self.story_id = sid or ""
                if "title" in story:
                    self.title = self.text(src, story["title"][1], "story title") or ""
                if "start" in story:
                    self.start = self.ident(src, story["start"][1], "start scene") or ""
                    self.start_pos = self.pos(src, story["start"][1])
        if "chapters" in top:
            orders: dict[int, str] = {}
            for knode, vnode in self.entries(src, top["chapters"][1], "'chapters'"):
                cid = self.ident(src, knode, "chapter id")
                m = self.mapping(src, vnode, f"chapter {knode.value!r}", ("title", "order"), ("title", "order"))
                if cid is None or m is None:
                    continue
                title = self.text(src, m["title"][1], "chapter title") if "title" in m else None
                order = self.integer(src, m["order"][1], "chapter order") if "order" in m else None
                if order is not None and order in orders:
                    self.error(src, m["order"][1], f"chapter order {order} is used twice ({orders[order]!r} and {cid!r})")
                if title is not None and order is not None:
                    orders[order] = cid
                    self.chapters[cid] = Chapter(cid, title, order, self.pos(src, knode))
        if "factions" in top:
            fnode = top["factions"][1]
            if isinstance(fnode, MappingNode) and not fnode.value:
                self.error(src, fnode, "the story declares no factions (trust needs at least one)")
            for knode, vnode in self.entries(src, fnode, "'factions'"):
                self.read_faction(src, knode, vnode)
        if "variables" in top:
            for knode, vnode in self.entries(src, top["variables"][1], "'variables'"):
                self.read_variable(src, knode, vnode)
        if "endings" in top:
            for knode, vnode in self.entries(src, top["endings"][1], "'endings'"):
                eid = self.ident(src, knode, "ending id")
                m = self.mapping(src, vnode, f"ending {knode.value!r}", ("title",), ("title",))
                if eid and m and "title" in m:
                    t = self.text(src, m["title"][1], "ending title")
                    if t is not None:
                        self.endings[eid] = Ending(eid, t, self.pos(src, knode))
        if "locations" in top:
            for knode, vnode in self.entries(src, top["locations"][1], "'locations'"):
                lid = self.ident(src, knode, "location id")
                m = self.mapping(src, vnode, f"location {knode.value!r}", ("name",), ("name",))
                if lid and m and "name" in m:
                    t = self.text(src, m["name"][1], "location name")
                    if t is not None:
                        self.locations[lid] = Location(lid, t, self.pos(src, knode))
        if "glossary" in top:
            for knode, vnode in self.entries(src, top["glossary"][1], "'glossary'"):
                term = self.text(src, knode, "glossary term")
                m = self.mapping(src, vnode, f"glossary entry {knode.value!r}", ("text", "kind"), ("text", "kind"))
                if term is None or m is None or "text" not in m or "kind" not in m:
                    continue
                body = self.text(src, m["text"][1], "glossary text")
                kind = self.text(src, m["kind"][1], "glossary kind")
                if kind is not None and kind not in ("historical", "invented", "mixed"):
                    kinds = ("historical", "invented", "mixed")
                    self.error(src, m["kind"][1], f"glossary kind must be historical, invented or mixed, not {kind!r}{hint(kind, kinds)}")
                    continue
                if body is not None and kind is not None:
                    self.glossary[term] = GlossaryEntry(term, body, kind, self.pos(src, knode))
        self.manifest_ok = True

    def read_faction(self, src: _Src, knode: ScalarNode, vnode: Node) -> None:
        fid = self.ident(src, knode, "faction id")
        m = self.mapping(src, vnode, f"faction {knode.value!r}", ("name", "description", "initial", "range"), ("name", "description"))
        if fid is None or m is None:
            return
        name = self.text(src, m["name"][1], "faction name") if "name" in m else None
        desc = self.text(src, m["description"][1], "faction description") if "description" in m else None
        low, high = 0, 100
        if "range" in m:
            r = self.int_range(src, m["range"][1], "faction range")
            if r is None:
                return
            low, high = r
        initial = 50 if low <= 50 <= high else low
        if "initial" in m:
            i = self.integer(src, m["initial"][1], "initial trust")
            if i is None:
                return
            if not low <= i <= high:
                self.error(src, m["initial"][1], f"initial trust {i} is outside the range {low}..{high}")
                return
            initial = i
        if name is None or desc is None:
            return
        self.factions[fid] = Faction(fid, name, desc, initial, low, high, self._slot, self.pos(src, knode))
        self._slot += 1

    def int_range(self, src: _Src, node: Node, what: str) -> tuple[int, int] | None:
        if not isinstance(node, SequenceNode) or len(node.value) != 2 or not self.tag_ok(src, node):
            self.error(src, node, f"{what} must be a list of two numbers, like [0, 100]")
            return None
        lo = self.integer(src, node.value[0], f"{what} low end")
        hi = self.integer(src, node.value[1], f"{what} high end")
        if lo is None or hi is None:
            return None
        if lo >= hi:
            self.error(src, node, f"{what} [{lo}, {hi}] is empty: the low end must be below the high end")
            return None
        return lo, hi

    def read_variable(self, src: _Src, knode: ScalarNode, vnode: Node) -> None:
        vid = self.ident(src, knode, "variable id")
        m = self.mapping(src, vnode, f"variable {knode.value!r}", ("type", "default", "range", "description"), ("type", "default"))
        if vid is None or m is None or "type" not in m or "default" not in m:
            return
        if vid in self.factions:
            self.error(src, knode, f"variable {vid!r} has the same name as a faction; factions and variables share names in conditions")
            return
        t = self.text(src, m["type"][1], "variable type")
        if t not in ("bool", "int"):
            if t is not None:
                self.error(src, m["type"][1], f"variable type must be bool or int, not {t!r}{hint(t, ('bool', 'int'))}")
            return
        desc = (self.text(src, m["description"][1], "variable description", empty_ok=True) or "") if "description" in m else ""
        low = high = None
        if "range" in m:
            if t == "bool":
                self.error(src, m["range"][0], "only int variables have a range")
                return
            r = self.int_range(src, m["range"][1], "variable range")
            if r is None:
                return
            low, high = r
        default: bool | int | None
        if t == "bool":
            default = self.boolean(src, m["default"][1], "default")
        else:
            default = self.integer(src, m["default"][1], "default")
            if default is not None and low is not None and high is not None and not low <= default <= high:
                self.error(src, m["default"][1], f"default {default} is outside the range {low}..{high}")
                return
        if default is None:
            return
        # Variables take the slots after the factions' (factions are read first), in manifest order.
        self.variables[vid] = Variable(vid, bool if t == "bool" else int, default, self._slot, desc, low, high, self.pos(src, knode))
        self._slot += 1

    # ---------------------------------------------------------------------------- scene files

    def read_scene_file(self, src: _Src, root: Node) -> None:
        if isinstance(root, SequenceNode):
            self.error(src, root, "a scene file must be a mapping with 'scenes:' (and usually 'chapter:'), found a list")
            self.files_failed = True
            return
        top = self.mapping(src, root, "the scene file", SCENE_FILE_KEYS, ("scenes",))
        if top is None:
            self.files_failed = True
            return
        chapter = ""
        chapter_pos = None
        if "chapter" in top:
            chapter = self.ident(src, top["chapter"][1], "chapter") or ""
            chapter_pos = self.pos(src, top["chapter"][1])
        if "scenes" not in top:
            return
        scenes = top["scenes"][1]
        if not isinstance(scenes, SequenceNode):
            self.error(src, scenes, f"'scenes' must be a list of scenes (each starting with '- id:'), found {_kind(scenes)}")
            return
        if not self.tag_ok(src, scenes):
            return
        for snode in scenes.value:
            self.read_scene(src, snode, chapter, chapter_pos)

    def read_scene(self, src: _Src, node: Node, chapter: str, chapter_pos: Pos | None) -> None:
        label = "a scene"
        if isinstance(node, MappingNode):
            for k, v in node.value:
                if isinstance(k, ScalarNode) and k.value == "id" and isinstance(v, ScalarNode):
                    label = f"scene {v.value!r}"
                    break
        m = self.mapping(src, node, label, SCENE_KEYS, ("id", "title", "text"))
        if m is None or "id" not in m:
            return
        sid = self.ident(src, m["id"][1], "scene id")
        if sid is None:
            return
        raw = _RawScene(sid, self.pos(src, node), src, chapter=chapter, chapter_pos=chapter_pos)
        if "title" in m:
            raw.title = self.text(src, m["title"][1], "scene title") or ""
        if "chapter" in m:
            raw.chapter = self.ident(src, m["chapter"][1], "chapter") or ""
            raw.chapter_pos = self.pos(src, m["chapter"][1])
        if not raw.chapter:
            self.error(src, node, f"scene {sid!r} has no chapter: add 'chapter:' to the scene or at the top of the file")
        for key in ("place", "date"):
            if key in m:
                setattr(raw, key, self.text(src, m[key][1], f"scene {key}", empty_ok=True) or "")
        if "location" in m:
            raw.location = self.ident(src, m["location"][1], "location") or ""
            raw.location_pos = self.pos(src, m["location"][1])
        if "text" in m:
            self.read_text(src, m["text"][1], raw)
        if "on_enter" in m:
            raw.on_enter = self.effects(src, m["on_enter"][1], f"on_enter of scene {sid!r}")
        if "ending" in m:
            raw.ending = self.ident(src, m["ending"][1], "ending") or ""
            raw.ending_pos = self.pos(src, m["ending"][1])
        if "choices" in m:
            raw.has_choices_key = True
            cnode = m["choices"][1]
            if not isinstance(cnode, SequenceNode):
                self.error(src, cnode, f"'choices' must be a list, found {_kind(cnode)}")
            elif self.tag_ok(src, cnode):
                seen: dict[str, int] = {}
                for ch in cnode.value:
                    c = self.read_choice(src, ch, sid)
                    if c is None:
                        continue
                    if c.id in seen:
                        self.error(src, ch, f"scene {sid!r} has two choices with id {c.id!r} (first at line {seen[c.id]})")
                        continue
                    seen[c.id] = c.pos.line
                    raw.choices.append(c)
        self.scenes.append(raw)

    def read_text(self, src: _Src, node: Node, raw: _RawScene) -> None:
        if isinstance(node, MappingNode):
            self.error(src, node, "text must be text, or a list of paragraphs and {if, text} passages; found a mapping")
            return
        if not self.tag_ok(src, node):
            return
        items = node.value if isinstance(node, SequenceNode) else [node]
        if isinstance(node, SequenceNode) and not items:
            self.error(src, node, "text is an empty list")
        for item in items:
            if isinstance(item, MappingNode):
                m = self.mapping(src, item, "a passage", PASSAGE_KEYS, PASSAGE_KEYS)
                if m is None or "if" not in m or "text" not in m:
                    continue
                when = self.condition(src, m["if"][1], "passage condition")
                body = m["text"][1]
                v = self.text(src, body, "passage text")
                if v is not None and isinstance(body, ScalarNode):
                    raw.text.append((when, self.paragraphs(v, body), self.pos(src, item)))
            else:
                v = self.text(src, item, "text")
                if v is not None and isinstance(item, ScalarNode):
                    raw.text.append((None, self.paragraphs(v, item), self.pos(src, item)))

    @staticmethod
    def paragraphs(value: str, node: ScalarNode) -> list[tuple[str, ScalarNode, int]]:
        """Split on blank lines; lines within a paragraph are joined with spaces. Keeps offsets for errors."""
        out = []
        offset = 0
        for chunk in _PARA_SPLIT.split(value):
            start = value.find(chunk, offset) if chunk else offset
            offset = start + len(chunk)
            para = " ".join(line.strip() for line in chunk.split("\n") if line.strip())
            if para:
                out.append((para, node, start))
        return out

    def read_choice(self, src: _Src, node: Node, sid: str) -> _RawChoice | None:
        m = self.mapping(src, node, f"a choice in scene {sid!r}", CHOICE_KEYS, ("id", "label", "goto"))
        if m is None or "id" not in m:
            return None
        cid = self.ident(src, m["id"][1], "choice id")
        if cid is None:
            return None
        label = (self.text(src, m["label"][1], "choice label") or "") if "label" in m else ""
        visible = self.condition(src, m["if"][1], "condition") if "if" in m else None
        requires = self.condition(src, m["requires"][1], "condition") if "requires" in m else None
        reason = (self.text(src, m["reason"][1], "reason") or "") if "reason" in m else ""
        if reason and requires is None:
            self.error(src, m["reason"][0], "'reason' explains a disabled choice, so it needs 'requires'")
        effects = self.effects(src, m["effects"][1], f"effects of choice {cid!r}") if "effects" in m else []
        routes = self.routes(src, m["goto"][1]) if "goto" in m else []
        return _RawChoice(cid, self.pos(src, node), label, visible, requires, reason, effects, routes)

    def routes(self, src: _Src, node: Node) -> list[tuple[str, Pos, _CondRef | None, int | None]]:
        if isinstance(node, ScalarNode):
            t = self.ident(src, node, "goto target")
            return [(t, self.pos(src, node), None, None)] if t else []
        if not isinstance(node, SequenceNode) or not node.value:
            self.error(src, node, "goto must be a scene id or a list of routes ({to: scene, if: ..., chance: ...})")
            return []
        if not self.tag_ok(src, node):
            return []
        out: list[tuple[str, Pos, _CondRef | None, int | None]] = []
        last = len(node.value) - 1
        for i, rnode in enumerate(node.value):
            m = self.mapping(src, rnode, "a route", ROUTE_KEYS, ("to",))
            if m is None or "to" not in m:
                continue
            target = self.ident(src, m["to"][1], "route target")
            when = self.condition(src, m["if"][1], "route condition") if "if" in m else None
            chance = None
            if "chance" in m:
                chance = self.integer(src, m["chance"][1], "chance")
                if chance is not None and not 1 <= chance <= 99:
                    self.error(src, m["chance"][1], f"chance is a percentage from 1 to 99, not {chance}")
                    chance = None
            if i == last and ("if" in m or "chance" in m):
                self.error(src, rnode, "the last route must have no 'if' or 'chance': it is the fallback when no other applies")
            elif i < last and "if" not in m and "chance" not in m:
                self.error(src, rnode, "this route always applies, so the routes after it can never be taken")
            if target:
                out.append((target, self.pos(src, m["to"][1]), when, chance))
        return out

    def effects(self, src: _Src, node: Node, what: str) -> list[Effect]:
        m = self.mapping(src, node, what, EFFECT_KEYS)
        if not m:
            return []
        out: list[Effect] = []
        for kind in EFFECT_KEYS:
            if kind not in m:
                continue
            for knode, vnode in self.entries(src, m[kind][1], f"'{kind}'"):
                name = knode.value
                if kind in ("trust", "fair"):
                    faction = self.factions.get(name)
                    if faction is None:
                        if self.manifest_ok:
                            extra = " (it is a variable: use 'set' or 'add')" if name in self.variables else hint(name, self.factions)
                            self.error(src, knode, f"unknown faction {name!r}{extra}")
                        continue
                    amount = self.integer(src, vnode, f"{kind} change for {name!r}")
                    if amount is None:
                        continue
                    if kind == "fair" and not -100 <= amount <= 100:
                        self.error(src, vnode, f"a fair change is a percentage from -100 to +100, not {amount}")
                        continue
                    out.append(Effect(kind, name, faction.slot, amount, self.pos(src, knode)))
                    continue
                var = self.variables.get(name)
                if var is None:
                    if self.manifest_ok:
                        extra = " (it is a faction: use 'trust' or 'fair')" if name in self.factions else hint(name, self.variables)
                        self.error(src, knode, f"unknown variable {name!r}{extra}")
                    continue
                value: int | bool | None
                if kind == "add":
                    if var.type is not int:
                        self.error(src, knode, f"'add' needs an int variable; {name!r} is a bool (use 'set')")
                        continue
                    value = self.integer(src, vnode, f"amount to add to {name!r}")
                elif var.type is bool:
                    value = self.boolean(src, vnode, f"value for {name!r}")
                else:
                    value = self.integer(src, vnode, f"value for {name!r}")
                if value is not None:
                    out.append(Effect(kind, name, var.slot, value, self.pos(src, knode)))
        return out

    # --------------------------------------------------------------------------------- build

    def build(self, root: str, fingerprint: str, files: tuple[str, ...]) -> Story | None:
        """Cross-check everything read and build the Story; None when any error was found."""
        variables = self.variables
        by_id: dict[str, _RawScene] = {}
        for raw in self.scenes:
            first = by_id.get(raw.id)
            if first is not None and first.pos == raw.pos:
                # The same scene node read twice: an alias (*name) repeats it in the list.
                self.problems.append(
                    Problem(raw.pos.file, raw.pos.line, raw.pos.column, f"scene {raw.id!r} is listed twice (an alias repeats it)")
                )
                continue
            if first is not None:
                self.problems.append(
                    Problem(raw.pos.file, raw.pos.line, raw.pos.column, f"duplicate scene id {raw.id!r} (also at {first.pos})")
                )
                self.problems.append(
                    Problem(first.pos.file, first.pos.line, first.pos.column, f"duplicate scene id {raw.id!r} (also at {raw.pos})")
                )
                continue
            by_id[raw.id] = raw

        # (A scene file that could not be read may hold the start scene: then saying it is missing would be false.)
        if self.manifest_ok and self.start and self.start_pos and self.start not in by_id and not self.files_failed:
            p = self.start_pos
            self.problems.append(Problem(p.file, p.line, p.column, f"start scene {self.start!r} does not exist{hint(self.start, by_id)}"))

        names = cond.Names(
            slots={**{f.id: f.slot for f in self.factions.values()}, **{v.id: v.slot for v in variables.values()}},
            types={**{f: int for f in self.factions}, **{v.id: v.type for v in variables.values()}},
            scenes=frozenset(by_id),
            choices=frozenset(f"{s.id}.{c.id}" for s in by_id.values() for c in s.choices),
            suggest=did_you_mean,
        )
        compiled: dict[str, tuple[cond.Node, cond.Evaluator] | None] = {}

        def compile_ref(ref: _CondRef | None) -> Condition | None:
            if ref is None:
                return None
            pos = self.pos(ref.src, ref.node)
            if ref.source in compiled:
                hit = compiled[ref.source]
            else:
                try:
                    parsed = cond.parse(ref.source)
                    if cond.check(parsed, names) is not bool:
                        raise cond.ConditionError("a condition must be true or false, but this is a number", 1)
                    hit = (parsed, cond.compile_node(parsed, names.slots))
                except cond.ConditionError as exc:
                    hit = None
                    line, col = _locate(ref.src, ref.node, exc.column - 1)
                    self.problems.append(Problem(ref.src.shown, line, col, f"in condition {ref.source!r}: {exc.message}"))
                compiled[ref.source] = hit
            if hit is None:
                return None
            return Condition(ref.source, hit[0], hit[1], pos)

        def template(para: str, src: _Src, node: ScalarNode, offset: int) -> Template:
            if "{" not in para and "}" not in para:
                return Template((para,))
            parts: list[str | int] = []
            used: list[str] = []
            last = 0
            buf = ""
            for mm in _HOLE.finditer(para):
                buf += para[last : mm.start()]
                last = mm.end()
                tok = mm.group()
                if tok == "{{":
                    buf += "{"
                elif tok == "}}":
                    buf += "}"
                elif mm.group(1) is not None:
                    name = mm.group(1).strip()
                    slot_ = names.slots.get(name)
                    if slot_ is None:
                        line, col = _locate(src, node, _raw_offset(node, offset, para, mm.start()))
                        self.problems.append(
                            Problem(src.shown, line, col, f"unknown name {{{name}}} in text{hint(name, names.slots)} (write {{{{ for a literal brace)")
                        )
                        continue
                    if buf:
                        parts.append(buf)
                        buf = ""
                    parts.append(slot_)
                    used.append(name)
                else:
                    line, col = _locate(src, node, _raw_offset(node, offset, para, mm.start()))
                    self.problems.append(Problem(src.shown, line, col, f"unmatched {tok!r} in text (write {tok}{tok} for a literal brace)"))
            buf += para[last:]
            if buf:
                parts.append(buf)
            return Template(tuple(parts) or ("",), tuple(used))

        scenes: dict[str, Scene] = {}
        for raw in by_id.values():
            src = raw.src
            if self.manifest_ok:
                if raw.chapter and raw.chapter not in self.chapters and raw.chapter_pos:
                    p = raw.chapter_pos
                    self.problems.append(Problem(p.file, p.line, p.column, f"unknown chapter {raw.chapter!r}{hint(raw.chapter, self.chapters)}"))
                if raw.location and raw.location not in self.locations and raw.location_pos:
                    p = raw.location_pos
                    self.problems.append(Problem(p.file, p.line, p.column, f"unknown location {raw.location!r}{hint(raw.location, self.locations)}"))
                if raw.ending and raw.ending not in self.endings and raw.ending_pos:
                    p = raw.ending_pos
                    self.problems.append(Problem(p.file, p.line, p.column, f"unknown ending {raw.ending!r}{hint(raw.ending, self.endings)}"))
            if raw.ending and raw.choices:
                self.problems.append(Problem(raw.pos.file, raw.pos.line, raw.pos.column, f"ending scene {raw.id!r} has choices; an ending has none"))
            elif not raw.ending and not raw.choices:
                what = "an empty choices list" if raw.has_choices_key else "no choices"
                self.problems.append(
                    Problem(raw.pos.file, raw.pos.line, raw.pos.column, f"scene {raw.id!r} has {what} and is not an ending (add choices, or 'ending: <id>')")
                )
            passages = []
            for when_ref, paras, ppos in raw.text:
                when = compile_ref(when_ref)
                temps = tuple(template(p, src, n, off) for p, n, off in paras)
                passages.append(Passage(temps, when, ppos))
            choices = []
            for rc in raw.choices:
                routes = []
                for target, tpos, when_ref, chance in rc.routes:
                    if target not in by_id and not self.files_failed:
                        self.problems.append(Problem(tpos.file, tpos.line, tpos.column, f"unknown scene {target!r}{hint(target, by_id)}"))
                    routes.append(Route(target, compile_ref(when_ref), chance, tpos))
                choice = Choice(
                    rc.id, rc.label, tuple(routes), tuple(rc.effects), compile_ref(rc.visible), compile_ref(rc.requires),
                    rc.reason, f"{raw.id}.{rc.id}", rc.pos,
                )
                choices.append(choice)
            scenes[raw.id] = Scene(
                raw.id, raw.title, raw.chapter, tuple(passages), tuple(choices), tuple(raw.on_enter), raw.place,
                raw.date, raw.location, raw.ending, raw.pos,
            )

        # Drop repeats keeping the reading order: a nearly sorted list sorts in linear time, a set's order would
        # cost a full sort (minutes of comparisons for a file with hundreds of thousands of errors).
        self.problems = sorted(dict.fromkeys(self.problems))
        if any(p.severity == "error" for p in self.problems):
            return None
        if self.start not in scenes:
            # Checks above stay quiet about the start when a file failed to read; that failure must have been
            # reported, but a story without its start scene must never be built whatever the reason.
            where = self.start_pos or Pos(self._manifest_shown, 0, 0)
            self.problems.append(Problem(where.file, where.line, where.column, f"start scene {self.start!r} does not exist"))
            return None
        n = self._slot
        defaults: list[Any] = [0] * n
        names_by_slot = [""] * n
        lows = [-(10**18)] * n
        highs = [10**18] * n
        for f in self.factions.values():
            defaults[f.slot] = f.initial
            names_by_slot[f.slot] = f.id
            lows[f.slot], highs[f.slot] = f.low, f.high
        for v in variables.values():
            defaults[v.slot] = v.default
            names_by_slot[v.slot] = v.id
        return Story(
            self.story_id, self.title, self.start, dict(sorted(self.chapters.items(), key=lambda kv: kv[1].order)),
            self.factions, variables, self.endings, self.locations, self.glossary, scenes, fingerprint, root, files,
            tuple(defaults), tuple(names_by_slot), tuple(lows), tuple(highs),
        )

    _manifest_shown = "story.yaml"


def _raw_offset(node: ScalarNode, para_offset: int, para: str, in_para: int) -> int:
    """Best-effort offset into the scalar's value for a position inside a re-joined paragraph."""
    value = node.value
    needle = para[in_para : in_para + 20]
    found = value.find(needle.split(" ")[0], para_offset)
    return found if found >= 0 else para_offset


def _locate(src: _Src, node: ScalarNode, offset: int) -> tuple[int, int]:
    """(line, column), 1-based, of ``offset`` characters into a scalar's value, as exactly as its style allows."""
    m = node.start_mark
    style = node.style
    value = node.value
    if style in (None, "", '"', "'") and "\n" not in value[:offset] and m.line == node.end_mark.line:
        return m.line + 1, m.column + 1 + offset + (1 if style else 0)
    if style == "|":
        before = value[:offset]
        line = m.line + 1 + before.count("\n")
        raw = src.line(line)
        indent = len(raw) - len(raw.lstrip(" "))
        return line + 1, indent + 1 + (offset - (before.rfind("\n") + 1))
    return m.line + 1, m.column + 1


def walk_story_files(root: str) -> tuple[str | None, list[str], list[Problem]]:
    """Find the manifest and the scene files under ``root`` (sorted; hidden entries skipped; symlink loops reported)."""
    problems: list[Problem] = []
    if not os.path.isdir(root):
        return None, [], [Problem(root, 0, 0, "not a directory (a story is a directory with story.yaml)")]
    manifest = os.path.join(root, "story.yaml")
    if not os.path.isfile(manifest):
        problems.append(Problem(root, 0, 0, "no story.yaml here: a story directory needs a manifest named story.yaml"))
        manifest_path = None
    else:
        manifest_path = manifest
    files: list[str] = []
    seen: set[tuple[int, int]] = set()

    def visit(d: str, depth: int) -> None:
        try:
            st = os.stat(d)
        except OSError as exc:
            problems.append(Problem(d, 0, 0, f"cannot read directory: {exc.strerror or exc}"))
            return
        key = (st.st_dev, st.st_ino)
        if key in seen:
            problems.append(Problem(d, 0, 0, "symbolic link loop: this directory leads back to one already read"))
            return
        if depth > 16:
            problems.append(Problem(d, 0, 0, "directories are nested too deeply (limit 16)"))
            return
        seen.add(key)
        try:
            entries = sorted(os.scandir(d), key=lambda e: e.name)
        except OSError as exc:
            problems.append(Problem(d, 0, 0, f"cannot read directory: {exc.strerror or exc}"))
            return
        for e in entries:
            if e.name.startswith((".", "_")):
                continue
            path = os.path.join(d, e.name)
            try:
                is_dir = e.is_dir()
            except OSError:
                is_dir = False
            if (is_dir or e.name.endswith((".yaml", ".yml"))) and not _utf8_name(e.name):
                # Undecodable bytes come back as lone surrogates, which no UTF-8 output (or digest) can carry.
                problems.append(Problem(path, 0, 0, "the name is not valid UTF-8; rename it"))
                continue
            if is_dir:
                visit(path, depth + 1)
            elif e.name.endswith((".yaml", ".yml")) and path != manifest:
                if e.is_symlink() and not os.path.exists(path):
                    problems.append(Problem(path, 0, 0, "broken symbolic link"))
                    continue
                try:
                    is_file = e.is_file()
                except OSError:
                    is_file = False
                if not is_file:
                    # A FIFO would block the first read forever, and a device (/dev/zero) never ends.
                    problems.append(Problem(path, 0, 0, "not a regular file (a pipe, device or socket); a scene file must be a plain file"))
                    continue
                files.append(path)

    visit(root, 0)
    if len(files) > 5000:
        problems.append(Problem(root, 0, 0, f"too many scene files ({len(files)}; the limit is 5000)"))
        files = files[:5000]
    return manifest_path, files, problems


def _utf8_name(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True

