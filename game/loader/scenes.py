"""Reading scene files: scenes, their text and passages, choices, routes and effects, into raw records that
``build`` cross-checks once every file has been read."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..engine.model import Effect, Pos
from .errors import hint
from .nodes import NodeReader, _CondRef, _kind, _Src

_PARA_SPLIT = re.compile(r"\n[ \t]*\n")

SCENE_FILE_KEYS = ("chapter", "scenes")
SCENE_KEYS = ("id", "title", "chapter", "place", "date", "location", "text", "on_enter", "choices", "ending")
CHOICE_KEYS = ("id", "label", "if", "requires", "reason", "effects", "goto")
EFFECT_KEYS = ("trust", "fair", "set", "add")
ROUTE_KEYS = ("to", "if", "chance")
PASSAGE_KEYS = ("if", "text")


@dataclass(slots=True)
class RawChoice:
    id: str
    pos: Pos
    label: str
    visible: _CondRef | None
    requires: _CondRef | None
    reason: str
    effects: list[Effect]
    routes: list[tuple[str, Pos, _CondRef | None, int | None]]


@dataclass(slots=True)
class RawScene:
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
    choices: list[RawChoice] = field(default_factory=list)
    ending: str = ""
    ending_pos: Pos | None = None
    has_choices_key: bool = False



class SceneReader(NodeReader):
    """Reads scene files into ``RawScene`` records."""

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
        raw = RawScene(sid, self.pos(src, node), src, chapter=chapter, chapter_pos=chapter_pos)
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

    def read_text(self, src: _Src, node: Node, raw: RawScene) -> None:
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

    def read_choice(self, src: _Src, node: Node, sid: str) -> RawChoice | None:
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
        return RawChoice(cid, self.pos(src, node), label, visible, requires, reason, effects, routes)

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

