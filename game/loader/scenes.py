"""Reading scene files: scenes, their text and passages, choices, routes and effects, and named route lists,
into raw records that ``build`` cross-checks once every file has been read."""

from __future__ import annotations

from dataclasses import dataclass, field

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..engine.model import Effect, Pos
from .errors import hint
from .nodes import NodeReader, _CondRef, _kind, _Src

SCENE_FILE_KEYS = ("chapter", "scenes", "routes")
SCENE_KEYS = ("id", "title", "chapter", "place", "date", "location", "text", "on_enter", "choices", "ending", "formerly")
CHOICE_KEYS = (
    "id", "label", "if", "requires", "reason", "effects", "goto", "result", "once", "fallback", "formerly",
)
EFFECT_KEYS = ("trust", "fair", "set", "add", "rename")
ROUTE_KEYS = ("to", "if", "chance")
PASSAGE_KEYS = ("if", "text")

RawRoute = tuple[str, Pos, _CondRef | None, int | None]


@dataclass(slots=True)
class Para:
    """A paragraph of text as shown (its lines joined by single spaces), with where it came from: ``segments``
    pair offsets in ``text`` with offsets in the YAML value, so a problem inside it is placed exactly."""

    text: str
    src: _Src
    node: ScalarNode | None  # None for plain prose read for a one-off load: nothing in it is located
    segments: tuple[tuple[int, int], ...]

    def at(self, offset: int) -> int:
        """The offset in the YAML value of ``offset`` in the paragraph."""
        best = self.segments[0] if self.segments else (0, 0)
        for seg in self.segments:
            if seg[0] > offset:
                break
            best = seg
        return best[1] + offset - best[0]


@dataclass(slots=True)
class RawChoice:
    id: str
    pos: Pos
    label: str
    visible: _CondRef | None
    requires: _CondRef | None
    reason: str
    effects: list[Effect]
    routes: list[RawRoute]
    use: tuple[str, Pos] | None = None  # a named route list, spliced in after ``routes``
    result: list[Para] = field(default_factory=list)
    once: bool = False
    fallback: bool = False
    formerly: list[tuple[str, Pos]] = field(default_factory=list)
    node: Node | None = None  # where it was written, for the story index (kept only when indexing: see prose)


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
    text: list[tuple[_CondRef | None, list[Para], Pos]] = field(default_factory=list)
    on_enter: list[Effect] = field(default_factory=list)
    choices: list[RawChoice] = field(default_factory=list)
    ending: str = ""
    ending_pos: Pos | None = None
    has_choices_key: bool = False
    formerly: list[tuple[str, Pos]] = field(default_factory=list)
    node: Node | None = None  # where it was written, for the story index (kept only when indexing: see prose)


@dataclass(slots=True)
class RawRouteList:
    id: str
    pos: Pos
    chapter: str  # '' for a story-wide list
    routes: list[RawRoute]


def declared_twice(rid: str, first: RawRouteList) -> str:
    """The error for a route list declared again (in the same file, or in another: see ``assemble``)."""
    return f"route list {rid!r} is declared twice (also at {first.pos})"


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
        if "routes" in top:
            if chapter:
                self.read_route_lists(src, top["routes"][1], chapter)
            else:
                self.error(src, top["routes"][0], "route lists in a scene file belong to its chapter: add 'chapter:' at the top (or declare them in story.yaml)")
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
        raw = RawScene(sid, self.pos(src, node), src, chapter=chapter, chapter_pos=chapter_pos,
                       node=node if self.prose is not None else None)
        if "title" in m:
            raw.title = self.player_text(src, m["title"][1], "scene title") or ""
        if "formerly" in m:
            raw.formerly = self.former_ids(src, m["formerly"][1], "scene id")
        if "chapter" in m:
            raw.chapter = self.ident(src, m["chapter"][1], "chapter") or ""
            raw.chapter_pos = self.pos(src, m["chapter"][1])
        if not raw.chapter:
            self.error(src, node, f"scene {sid!r} has no chapter: add 'chapter:' to the scene or at the top of the file")
        for key in ("place", "date"):
            if key in m:
                setattr(raw, key, self.player_text(src, m[key][1], f"scene {key}", empty_ok=True) or "")
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
                    raw.text.append((when, self.paragraphs(src, v, body), self.pos(src, item)))
            else:
                v = self.text(src, item, "text")
                if v is not None and isinstance(item, ScalarNode):
                    raw.text.append((None, self.paragraphs(src, v, item), self.pos(src, item)))

    def paragraphs(self, src: _Src, value: str, node: ScalarNode) -> list[Para]:
        """Split on blank lines; the lines within a paragraph are joined with single spaces. A paragraph keeps its
        YAML node and segments (to place a problem in it) only when it can have one, or for an editor's index:
        plain prose (most of a story) lets its node go with its file's tree, rather than hold it until the story
        is built (a fifth of a cold load's memory)."""
        out: list[Para] = []
        parts: list[str] = []
        segments: list[tuple[int, int]] = []
        length = offset = 0
        for line in value.split("\n"):
            stripped = line.strip()
            if stripped:
                if parts:
                    length += 1  # the space that joins it to the line before
                # (Its first character is the line's when nothing is stripped before it.)
                segments.append((length, offset if line[0] == stripped[0] else offset + line.index(stripped[0])))
                parts.append(stripped)
                length += len(stripped)
            elif parts and not line.strip(" \t"):  # a blank line (spaces and tabs at most) ends a paragraph
                out.append(self._para(" ".join(parts), src, node, segments))
                parts, segments, length = [], [], 0
            offset += len(line) + 1
        if parts:
            out.append(self._para(" ".join(parts), src, node, segments))
        return out

    def _para(self, text: str, src: _Src, node: ScalarNode, segments: list[tuple[int, int]]) -> Para:
        if self.prose is None and "{" not in text and "}" not in text and ":" not in text:
            return Para(text, src, None, ())  # (see Builder._paragraph: nothing in it is ever located)
        return Para(text, src, node, tuple(segments))

    def former_ids(self, src: _Src, node: Node, what: str) -> list[tuple[str, Pos]]:
        """``formerly:``: one former id or a list of them."""
        items = node.value if isinstance(node, SequenceNode) and self.tag_ok(src, node) else [node]
        out = []
        for item in items:
            fid = self.ident(src, item, f"former {what}")
            if fid is not None:
                out.append((fid, self.pos(src, item)))
        return out

    def read_route_lists(self, src: _Src, node: Node, chapter: str) -> None:
        """Named route lists: ``name: [routes]``, each ending with a fallback, used by ``goto: {use: name}``."""
        for knode, vnode in self.entries(src, node, "'routes'"):
            rid = self.ident(src, knode, "route list id")
            if rid is None:
                continue
            routes, _ = self.routes(src, vnode, shared=True)
            first = self.route_lists.get(rid)
            if first is not None:
                self.error(src, knode, declared_twice(rid, first))
                continue
            self.route_lists[rid] = RawRouteList(rid, self.pos(src, knode), chapter, routes)

    def read_choice(self, src: _Src, node: Node, sid: str) -> RawChoice | None:
        m = self.mapping(src, node, f"a choice in scene {sid!r}", CHOICE_KEYS, ("id", "label", "goto"))
        if m is None or "id" not in m:
            return None
        cid = self.ident(src, m["id"][1], "choice id")
        if cid is None:
            return None
        label = (self.player_text(src, m["label"][1], "choice label") or "") if "label" in m else ""
        visible = self.condition(src, m["if"][1], "condition") if "if" in m else None
        requires = self.condition(src, m["requires"][1], "condition") if "requires" in m else None
        reason = (self.player_text(src, m["reason"][1], "reason") or "") if "reason" in m else ""
        if reason and requires is None:
            self.error(src, m["reason"][0], "'reason' explains a disabled choice, so it needs 'requires'")
        effects = self.effects(src, m["effects"][1], f"effects of choice {cid!r}") if "effects" in m else []
        routes, use = self.routes(src, m["goto"][1]) if "goto" in m else ([], None)
        choice = RawChoice(cid, self.pos(src, node), label, visible, requires, reason, effects, routes, use,
                           node=node if self.prose is not None else None)
        if "result" in m:
            rnode = m["result"][1]
            v = self.text(src, rnode, "result")
            if v is not None and isinstance(rnode, ScalarNode):
                if not v.strip():
                    self.error(src, rnode, "result is empty")
                choice.result = self.paragraphs(src, v, rnode)
        for key in ("once", "fallback"):
            if key in m:
                flag = self.boolean(src, m[key][1], f"'{key}'")
                setattr(choice, key, bool(flag))
        if "formerly" in m:
            choice.formerly = self.former_ids(src, m["formerly"][1], "choice id")
        return choice

    def routes(self, src: _Src, node: Node, *, shared: bool = False) -> tuple[list[RawRoute], tuple[str, Pos] | None]:
        """A goto: a scene id, a list of routes (perhaps ending with ``{use: name}``), or ``{use: name}``. Gives the
        routes read and the named list to splice in after them, if any."""
        if isinstance(node, ScalarNode):
            t = self.ident(src, node, "goto target")
            return ([(t, self.pos(src, node), None, None)] if t else []), None
        if isinstance(node, MappingNode) and not shared:
            use = self.use(src, node)
            return [], use
        if not isinstance(node, SequenceNode) or not node.value:
            what = "a route list" if shared else "goto"
            self.error(src, node, f"{what} must be a scene id, a list of routes ({{to: scene, if: ..., chance: ...}}) or {{use: a_route_list}}")
            return [], None
        if not self.tag_ok(src, node):
            return [], None
        out: list[RawRoute] = []
        items = list(node.value)
        use = None
        tail = items[-1]
        if not shared and isinstance(tail, MappingNode) and any(isinstance(k, ScalarNode) and k.value == "use" for k, _ in tail.value):
            use = self.use(src, tail)
            items.pop()
        last = len(items) - 1
        for i, rnode in enumerate(items):
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
            if i == last and use is None and ("if" in m or "chance" in m):
                self.error(src, rnode, "the last route must have no 'if' or 'chance': it is the fallback when no other applies")
            elif (i < last or use is not None) and "if" not in m and "chance" not in m:
                after = "the routes after it" if i < last or use is None else f"the route list {use[0]!r}"
                self.error(src, rnode, f"this route always applies, so {after} can never be taken")
            if target:
                out.append((target, self.pos(src, m["to"][1]), when, chance))
        return out, use

    def use(self, src: _Src, node: Node) -> tuple[str, Pos] | None:
        m = self.mapping(src, node, "a goto that uses a route list", ("use",), ("use",))
        if not m or "use" not in m:
            return None
        name = self.ident(src, m["use"][1], "route list id")
        return (name, self.pos(src, m["use"][1])) if name else None

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
                if kind == "rename":
                    self.rename(src, knode, vnode, out)
                    continue
                if kind in ("trust", "fair"):
                    faction = self.factions.get(name)
                    if faction is None:
                        if self.manifest_ok and not self.knock_on(name):
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
                    if self.manifest_ok and not self.knock_on(name):
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

    def rename(self, src: _Src, knode: ScalarNode, vnode: Node, out: list[Effect]) -> None:
        """``rename: {faction: name_id}``: the faction is shown by another of its names from now on."""
        fid = knode.value
        faction = self.factions.get(fid)
        if faction is None:
            if self.manifest_ok and not self.knock_on(fid):
                self.error(src, knode, f"unknown faction {fid!r}{hint(fid, self.factions)}")
            return
        nid = self.ident(src, vnode, "name id")
        if nid is None:
            return
        ids = [faction.id, *(n for n, _ in faction.names)]
        if nid == faction.id:
            number = 0
        elif nid in ids:
            number = ids.index(nid)
        else:
            where = f"; its names are {', '.join(ids[1:])} (and {faction.id} for its first)" if faction.names else (
                "; give it other names first, under 'names:' in story.yaml")
            self.error(src, vnode, f"faction {fid!r} has no name {nid!r}{hint(nid, ids)}{where}")
            return
        out.append(Effect("rename", fid, faction.name_slot, number, self.pos(src, knode)))
