"""Reading the manifest, ``story.yaml``: the story's id, start, notice and credits, chapters, factions,
variables, endings, locations, glossary and story-wide route lists."""

from __future__ import annotations

import re
import unicodedata

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..engine.model import Chapter, Ending, Faction, GlossaryEntry, Location, Variable
from ..engine.records import replace
from .errors import did_you_mean, hint
from .nodes import NodeReader, _Src

MANIFEST_KEYS = ("story", "chapters", "factions", "variables", "endings", "locations", "glossary", "routes")
STORY_KEYS = ("id", "title", "start", "notice", "credits")
FACTION_KEYS = ("name", "description", "initial", "range", "names")


class ManifestReader(NodeReader):
    """Reads the manifest into the reader's tables (factions and variables take their slots here)."""

    def read_manifest(self, src: _Src, root: Node) -> None:
        top = self.mapping(src, root, "the manifest", MANIFEST_KEYS, ("story", "factions"))
        if top is None:
            return
        if "story" in top:
            story = self.mapping(src, top["story"][1], "'story'", STORY_KEYS, ("id", "title", "start"))
            if story:
                if "id" in story:
                    sid = self.text(src, story["id"][1], "story id")
                    if sid is not None and not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", sid):
                        self.error(src, story["id"][1], f"story id {sid!r} may use only lower-case letters, digits, '-' and '_'")
                    self.story_id = sid or ""
                if "title" in story:
                    self.title = self.player_text(src, story["title"][1], "story title") or ""
                if "start" in story:
                    self.start = self.ident(src, story["start"][1], "start scene") or ""
                    self.start_pos = self.pos(src, story["start"][1])
                for key in ("notice", "credits"):
                    if key in story:
                        setattr(self, key, self.player_text(src, story[key][1], f"story {key}", empty_ok=True) or "")
        if "chapters" in top:
            orders: dict[int, str] = {}
            for knode, vnode in self.entries(src, top["chapters"][1], "'chapters'"):
                cid = self.ident(src, knode, "chapter id")
                m = self.mapping(src, vnode, f"chapter {knode.value!r}", ("title", "order"), ("title", "order"))
                if cid is None or m is None:
                    continue
                before = len(self.problems)
                title = self.player_text(src, m["title"][1], "chapter title") if "title" in m else None
                order = self.integer(src, m["order"][1], "chapter order") if "order" in m else None
                if order is not None and order in orders:
                    self.error(src, m["order"][1], f"chapter order {order} is used twice ({orders[order]!r} and {cid!r})")
                if title is not None and order is not None:
                    orders[order] = cid
                    self.chapters[cid] = Chapter(cid, title, order, self.pos(src, knode))
                else:
                    self.mark_broken(cid, before)
        if "factions" in top:
            fnode = top["factions"][1]
            if isinstance(fnode, MappingNode) and not fnode.value:
                self.error(src, fnode, "the story declares no factions (trust needs at least one)")
            for knode, vnode in self.entries(src, fnode, "'factions'"):
                self.read_faction(src, knode, vnode)
        if "variables" in top:
            for knode, vnode in self.entries(src, top["variables"][1], "'variables'"):
                self.read_variable(src, knode, vnode)
        self.name_slots()
        if "endings" in top:
            for knode, vnode in self.entries(src, top["endings"][1], "'endings'"):
                eid = self.ident(src, knode, "ending id")
                before = len(self.problems)
                m = self.mapping(src, vnode, f"ending {knode.value!r}", ("title",), ("title",))
                t = self.player_text(src, m["title"][1], "ending title") if eid and m and "title" in m else None
                if eid and t is not None:
                    self.endings[eid] = Ending(eid, t, self.pos(src, knode))
                elif eid:
                    self.mark_broken(eid, before)
        if "locations" in top:
            for knode, vnode in self.entries(src, top["locations"][1], "'locations'"):
                lid = self.ident(src, knode, "location id")
                before = len(self.problems)
                m = self.mapping(src, vnode, f"location {knode.value!r}", ("name",), ("name",))
                t = self.text(src, m["name"][1], "location name") if lid and m and "name" in m else None
                if lid and t is not None and m is not None:
                    self.note_prose(src, m["name"][1])
                    self.locations[lid] = Location(lid, t, self.pos(src, knode))
                elif lid:
                    self.mark_broken(lid, before)
        if "glossary" in top:
            first_at: dict[str, tuple[str, int]] = {}
            for knode, vnode in self.entries(src, top["glossary"][1], "'glossary'"):
                term = self.text(src, knode, "glossary term")
                if term is not None:
                    # 'é' typed as one character (NFC) or as e + a combining accent (NFD) is one term: kept as NFC.
                    term = unicodedata.normalize("NFC", term)
                    if term in first_at:
                        spelled, line = first_at[term]
                        how = " (the same letters, with accents encoded differently)" if spelled != knode.value else ""
                        self.error(src, knode, f"duplicate glossary term {term!r}{how} (first at line {line})")
                        continue
                    first_at[term] = (knode.value, knode.start_mark.line + 1)
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
                    self.note_prose(src, m["text"][1])
                    self.glossary[term] = GlossaryEntry(term, body, kind, self.pos(src, knode))
        if "routes" in top:
            self.read_route_lists(src, top["routes"][1], "")
        self.manifest_ok = True

    def mark_broken(self, name: str, problems_before: int) -> None:
        """Note that ``name``'s definition failed (with the first problem since ``problems_before``), so the errors
        that only follow from it are counted under it rather than listed."""
        if len(self.problems) > problems_before and name not in self.broken:
            self.broken[name] = self.problems[problems_before]

    def read_faction(self, src: _Src, knode: ScalarNode, vnode: Node) -> None:
        fid = self.ident(src, knode, "faction id")
        before = len(self.problems)
        self._read_faction(src, knode, vnode, fid)
        if fid is not None and fid not in self.factions:
            self.mark_broken(fid, before)

    def _read_faction(self, src: _Src, knode: ScalarNode, vnode: Node, fid: str | None) -> None:
        m = self.mapping(src, vnode, f"faction {knode.value!r}", FACTION_KEYS, ("name", "description"))
        if fid is None or m is None:
            return
        name = self.player_text(src, m["name"][1], "faction name") if "name" in m else None
        desc = self.text(src, m["description"][1], "faction description") if "description" in m else None
        if desc is not None:
            self.note_prose(src, m["description"][1])
        names: list[tuple[str, str]] = []
        if "names" in m:
            for nk, nv in self.entries(src, m["names"][1], f"'names' of faction {fid!r}"):
                nid = self.ident(src, nk, "name id")
                other = self.player_text(src, nv, "faction name")
                if nid is not None and other is not None:
                    names.append((nid, other))
        low, high = 0, 100
        if "range" in m:
            r = self.int_range(src, m["range"][1], "faction range")
            if r is not None:
                low, high = r
        initial = 50 if low <= 50 <= high else low
        if "initial" in m:
            i = self.integer(src, m["initial"][1], "initial trust")
            if i is not None and not low <= i <= high:
                self.error(src, m["initial"][1], f"initial trust {i} is outside the range {low}..{high}")
            elif i is not None:
                initial = i
        # A faction with a mistake in its fields is still declared (the mistake is reported above, so the story does
        # not load): one mistake, one message, not also "unknown faction" wherever it is used.
        self.factions[fid] = Faction(
            fid, name or fid, desc or "", initial, low, high, self._slot, self.pos(src, knode), tuple(names),
            -1 if not names else 0,
        )
        self._slot += 1

    def name_slots(self) -> None:
        """Give each faction with other names a slot for which name it has now, after the variables' slots (so
        they keep the numbers they always had)."""
        for fid, faction in self.factions.items():
            if faction.names:
                self.factions[fid] = replace(faction, name_slot=self._slot)
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
        before = len(self.problems)
        self._read_variable(src, knode, vnode, vid)
        if vid is not None and vid not in self.variables:
            self.mark_broken(vid, before)

    def _read_variable(self, src: _Src, knode: ScalarNode, vnode: Node, vid: str | None) -> None:
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
            # A near miss ('boolean') is declared as what it was surely meant to be, so its uses are not also errors.
            t = did_you_mean(t, ("bool", "int")) if t is not None else None
            if t is None:
                return
        desc = (self.text(src, m["description"][1], "variable description", empty_ok=True) or "") if "description" in m else ""
        low = high = None
        if "range" in m:
            if t == "bool":
                self.error(src, m["range"][0], "only int variables have a range")
            else:
                r = self.int_range(src, m["range"][1], "variable range")
                if r is not None:
                    low, high = r
        default: bool | int | None
        if t == "bool":
            default = self.boolean(src, m["default"][1], "default")
        else:
            default = self.integer(src, m["default"][1], "default")
            if default is not None and low is not None and high is not None and not low <= default <= high:
                self.error(src, m["default"][1], f"default {default} is outside the range {low}..{high}")
                default = None
        if default is None:
            # The mistake is reported above (so the story does not load), but the variable is still declared with a
            # stand-in default: one mistake, one message, not also "unknown name" wherever the variable is used.
            default = False if t == "bool" else (low if low is not None else 0)
        # Variables take the slots after the factions' (factions are read first), in manifest order.
        self.variables[vid] = Variable(vid, bool if t == "bool" else int, default, self._slot, desc, low, high, self.pos(src, knode))
        self._slot += 1
