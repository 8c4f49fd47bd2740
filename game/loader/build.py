"""Building the Story: cross-checking everything the reader collected (ids, references, conditions, text and its
spans, route lists, former ids) and making the engine's immutable model."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from yaml.nodes import ScalarNode

from ..engine import conditions as cond
from ..engine.model import Choice, Condition, Passage, Pos, Route, RouteList, Scene, Story
from ..engine.text import Template, compile_text
from .errors import FOLLOW, Problem, did_you_mean, hint, sort_problems
from .nodes import NodeReader, _CondRef, _Src
from .scenes import Para, RawChoice, RawRoute, RawScene


class CompiledConditions:
    """Conditions compiled by one build, kept for the next (an editor's workspace builds the story again after
    every edit): good while the names they were compiled against stay the same. Only conditions that compiled are
    kept, so a mistake is reported by every build that meets it."""

    def __init__(self) -> None:
        self.names: cond.Names | None = None
        self.compiled: dict[str, tuple[cond.Node, cond.Evaluator]] = {}


class StoryBuilder(NodeReader):
    """Turns the raw records into a Story once every file has been read."""

    _manifest_shown = "story.yaml"
    compiled_before: CompiledConditions | None = None  # conditions a previous build compiled, to reuse

    def compiled_conditions(self) -> dict[str, tuple[cond.Node, cond.Evaluator] | None]:
        """Every condition source met in the last build, parsed and compiled (None: it did not compile)."""
        return self._compiled

    def report(self, where: Pos, message: str) -> None:
        self.problems.append(Problem(where.file, where.line, where.column, message))

    def build(self, root: str, fingerprint: str, files: tuple[str, ...]) -> Story | None:
        """Cross-check everything read and build the Story; None when any error was found."""
        by_id = self._scene_ids()
        # (A scene file that could not be read may hold the start scene: then saying it is missing would be false.)
        if self.manifest_ok and self.start and self.start_pos and self.start not in by_id and not self.files_failed:
            self.report(self.start_pos, f"start scene {self.start!r} does not exist{hint(self.start, by_id)}")
        self._names = cond.Names(
            slots={**{f.id: f.slot for f in self.factions.values()}, **{v.id: v.slot for v in self.variables.values()}},
            types={**{f: int for f in self.factions}, **{v.id: v.type for v in self.variables.values()}},
            # When a file could not be read, any scene or choice may be in it: claim none is unknown.
            scenes=_Anything() if self.files_failed else frozenset(by_id),
            choices=_Anything() if self.files_failed else frozenset(f"{s.id}.{c.id}" for s in by_id.values() for c in s.choices),
            suggest=did_you_mean,
        )
        self._compiled: dict[str, tuple[cond.Node, cond.Evaluator] | None] = {}
        keep = self.compiled_before
        if keep is not None:
            if keep.names != self._names:
                keep.names, keep.compiled = self._names, {}
            self._compiled.update(keep.compiled)
        self._by_id = by_id
        templates = self._templates()
        route_lists = {
            rid: RouteList(rid, tuple(self._route(r) for r in raw.routes), raw.chapter, raw.pos)
            for rid, raw in self.route_lists.items()
        }
        scenes: dict[str, Scene] = {}
        for raw in by_id.values():
            scenes[raw.id] = self._scene(raw, route_lists, templates)
        renamed = self._former_ids(by_id)
        if keep is not None:
            keep.compiled.update((source, hit) for source, hit in self._compiled.items() if hit is not None)

        for name, count in self.knock_ons.items():
            cause = self.broken[name]
            s = "s" if count != 1 else ""
            self.problems.append(
                Problem(cause.file, cause.line, cause.column, f"{count} more error{s}{FOLLOW} (uses of {name!r})")
            )
        self.problems = sort_problems(self.problems, self._manifest_shown)
        if any(p.severity == "error" for p in self.problems):
            return None
        if self.start not in scenes:
            # Checks above stay quiet about the start when a file failed to read; that failure must have been
            # reported, but a story without its start scene must never be built whatever the reason.
            where = self.start_pos or Pos(self._manifest_shown, 0, 0)
            self.report(where, f"start scene {self.start!r} does not exist")
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
            if f.name_slot >= 0:
                names_by_slot[f.name_slot] = f"{f.id}:name"
        for v in self.variables.values():
            defaults[v.slot] = v.default
            names_by_slot[v.slot] = v.id
        return Story(
            self.story_id, self.title, self.start, dict(sorted(self.chapters.items(), key=lambda kv: kv[1].order)),
            self.factions, self.variables, self.endings, self.locations, self.glossary, scenes, fingerprint, root,
            files, tuple(defaults), tuple(names_by_slot), tuple(lows), tuple(highs), self.notice, self.credits,
            templates, route_lists, renamed,
        )

    # --------------------------------------------------------------------------------- parts

    def _scene_ids(self) -> dict[str, RawScene]:
        by_id: dict[str, RawScene] = {}
        for raw in self.scenes:
            first = by_id.get(raw.id)
            if first is not None and first.pos == raw.pos:
                # The same scene node read twice: an alias (*name) repeats it in the list.
                self.report(raw.pos, f"scene {raw.id!r} is listed twice (an alias repeats it)")
                continue
            if first is not None:
                self.report(raw.pos, f"duplicate scene id {raw.id!r} (also at {first.pos})")
                self.report(first.pos, f"duplicate scene id {raw.id!r} (also at {raw.pos})")
                continue
            by_id[raw.id] = raw
        return by_id

    def _scene(self, raw: RawScene, route_lists: dict[str, RouteList], templates: dict[str, Template]) -> Scene:
        if self.manifest_ok:
            for value, at, table, what in (
                (raw.chapter, raw.chapter_pos, self.chapters, "chapter"),
                (raw.location, raw.location_pos, self.locations, "location"),
                (raw.ending, raw.ending_pos, self.endings, "ending"),
            ):
                if value and value not in table and at and not self.knock_on(value):
                    self.report(at, f"unknown {what} {value!r}{hint(value, table)}")
        if raw.ending and raw.choices:
            self.report(raw.pos, f"ending scene {raw.id!r} has choices; an ending has none")
        elif not raw.ending and not raw.choices:
            what = "an empty choices list" if raw.has_choices_key else "no choices"
            self.report(raw.pos, f"scene {raw.id!r} has {what} and is not an ending (add choices, or 'ending: <id>')")
        passages = []
        for when_ref, paras, ppos in raw.text:
            when = self._condition(when_ref)
            passages.append(Passage(tuple(self._paragraph(p) for p in paras), when, ppos))
        choices = tuple(self._choice(raw, rc, route_lists) for rc in raw.choices)

        def varies(source: str) -> bool:
            t = templates.get(source)
            return t is not None and t.varies

        counted = (
            any(t.varies for p in passages for t in p.paragraphs)
            or any(map(varies, (raw.title, raw.place, raw.date)))
            or any(varies(c.label) or varies(c.reason) for c in choices)
        )
        simple = not any(c.once or c.fallback for c in choices)
        return Scene(
            raw.id, raw.title, raw.chapter, tuple(passages), choices, tuple(raw.on_enter), raw.place, raw.date,
            raw.location, raw.ending, raw.pos, tuple(f for f, _ in raw.formerly), counted, simple,
        )

    def _choice(self, raw: RawScene, rc: RawChoice, route_lists: dict[str, RouteList]) -> Choice:
        routes = [self._route(r) for r in rc.routes]
        shared = ""
        if rc.use is not None:
            name, at = rc.use
            found = route_lists.get(name)
            if found is None:
                self.report(at, f"unknown route list {name!r}{hint(name, route_lists)}")
            elif found.chapter and found.chapter != raw.chapter:
                self.report(
                    at, f"route list {name!r} belongs to chapter {found.chapter!r} (declared at {found.pos}); "
                    "declare it in story.yaml to use it in every chapter",
                )
            else:
                routes.extend(found.routes)
                shared = name
        result = tuple(self._paragraph(p) for p in rc.result)
        return Choice(
            rc.id, rc.label, tuple(routes), tuple(rc.effects), self._condition(rc.visible),
            self._condition(rc.requires), rc.reason, f"{raw.id}.{rc.id}", rc.pos, rc.once, rc.fallback, result,
            shared, tuple(f for f, _ in rc.formerly), any(t.varies for t in result),
        )

    def _route(self, raw: RawRoute) -> Route:
        target, at, when_ref, chance = raw
        scene = self._by_id.get(target)
        if scene is None:
            if not self.files_failed:
                self.report(at, f"unknown scene {target!r}{hint(target, self._by_id)}")
        else:
            # The scene's own id object, not an equal string from another YAML scalar: the engine looks scenes up
            # by it on every step, and a dict finds an identical key without comparing characters (a warm load
            # shares these objects the same way).
            target = scene.id
        return Route(target, self._condition(when_ref), chance, at)

    def _former_ids(self, by_id: dict[str, RawScene]) -> dict[str, str]:
        """Former ids -> ids now (scenes by id, choices as 'scene.choice'), refusing any that collide."""
        renamed: dict[str, str] = {}
        for raw in by_id.values():
            for old, at in raw.formerly:
                if old in by_id:
                    self.report(at, f"former id {old!r} of scene {raw.id!r} is the id of another scene (at {by_id[old].pos})")
                elif old in renamed:
                    self.report(at, f"former id {old!r} is claimed by scenes {renamed[old]!r} and {raw.id!r}")
                else:
                    renamed[old] = raw.id
            ids = {c.id for c in raw.choices}
            for rc in raw.choices:
                for old, at in rc.formerly:
                    key = f"{raw.id}.{old}"
                    if old in ids:
                        self.report(at, f"former id {old!r} of choice {rc.id!r} is the id of another choice in scene {raw.id!r}")
                    elif key in renamed:
                        self.report(at, f"former id {old!r} is claimed by choices {renamed[key].split('.')[1]!r} and {rc.id!r}")
                    else:
                        renamed[key] = f"{raw.id}.{rc.id}"
        return renamed

    # --------------------------------------------------------------------------- conditions

    def _condition(self, ref: _CondRef | None) -> Condition | None:
        if ref is None:
            return None
        if ref.offset < 0:
            pos = self.pos(ref.src, ref.node)
        else:
            line, col = _locate(ref.src, ref.node, ref.offset)
            pos = Pos(ref.src.shown, line, col)
        if ref.source in self._compiled:
            hit = self._compiled[ref.source]
        else:
            try:
                parsed = cond.parse(ref.source)
                if cond.check(parsed, self._names) is not bool:
                    raise cond.ConditionError("a condition must be true or false, but this is a number", 1)
                hit = (parsed, cond.compile_node(parsed, self._names.slots))
            except cond.ConditionError as exc:
                hit = None
                if not self.knock_on(exc.name):
                    line, col = _locate(ref.src, ref.node, max(ref.offset, 0) + exc.column - 1)
                    self.problems.append(Problem(ref.src.shown, line, col, f"in condition {ref.source!r}: {exc.message}"))
            self._compiled[ref.source] = hit
        if hit is None:
            return None
        return Condition(ref.source, hit[0], hit[1], pos)

    # --------------------------------------------------------------------------------- text

    def _paragraph(self, para: Para) -> Template:
        text = para.text
        if "{" not in text and "}" not in text:  # plain prose (most of a story): nothing to compile or locate
            if ":" in text:
                self._check_structure(para)
            return Template((text,) if text else ("",))

        node = para.node
        assert node is not None  # (a paragraph keeps its node whenever it holds a brace or a colon)

        def condition(source: str, offset: int) -> Condition | None:
            return self._condition(_CondRef(source, para.src, node, para.at(offset)))

        def locate(offset: int) -> Pos:
            return Pos(para.src.shown, *_locate(para.src, node, para.at(offset)))

        def error(message: str, offset: int, name: str) -> None:
            if name and self.knock_on(name):
                return
            where = locate(offset)
            self.problems.append(Problem(where.file, where.line, where.column, message))

        template = compile_text(text, self._names, condition, error, locate)
        if ":" in text:
            self._check_structure(para)
        return template

    def _check_structure(self, para: Para) -> None:
        """Warn about YAML structure swallowed by the text above it (a passage or key indented too far)."""
        text = para.text
        # (Every pattern holds a ':', tested first; the plain substring tests run in C; the regex, which tries every
        # position, runs only when one of them hits.)
        found = _STRUCTURE_IN_TEXT.search(text) if any(k in text for k in _STRUCTURE_KEYS) else None
        if found is not None and para.node is not None:
            where = Pos(para.src.shown, *_locate(para.src, para.node, para.at(found.start(1))))
            self.problems.append(Problem(
                where.file, where.line, where.column,
                f"the text holds what looks like YAML structure ({found.group(1).strip()!r}): a passage or key "
                "indented too far becomes part of the text above it; check its indentation",
                "warning",
            ))

    def _templates(self) -> dict[str, Template]:
        """Every text outside scene bodies that holds braces (titles, labels, reasons, names...), compiled."""
        out: dict[str, Template] = {}
        for ref in self.texts:
            src, node = ref.src, ref.node

            def condition(source: str, offset: int, src: _Src = src, node: ScalarNode = node) -> Condition | None:
                return self._condition(_CondRef(source, src, node, offset))

            def locate(offset: int, src: _Src = src, node: ScalarNode = node) -> Pos:
                return Pos(src.shown, *_locate(src, node, offset))

            def error(message: str, offset: int, name: str, locate: Callable[[int], Pos] = locate) -> None:
                if name and self.knock_on(name):
                    return
                where = locate(offset)
                self.problems.append(Problem(where.file, where.line, where.column, message))

            template = compile_text(ref.source, self._names, condition, error, locate)
            out.setdefault(ref.source, template)
        return out


# A key of the scene format inside prose: what an over-indented passage or key turns into ("- if: x", "text: |").
# Narrow on purpose: words a sentence could hold ("the reason: ...") are not matched.
_STRUCTURE_KEYS = ("- if", "- text", "- id", "text", "result", "goto", "effects", "choices", "passages")
_STRUCTURE_IN_TEXT = re.compile(
    r"(?:^|\s)(- (?:if|text|id) *: |(?:text|result) *: *[|>][-+]?(?=\s|$)|(?:goto|effects|choices|passages) *:(?=\s|$))"
)


def _locate(src: _Src, node: ScalarNode, offset: int) -> tuple[int, int]:
    """(line, column), 1-based, of ``offset`` characters into a scalar's value, as exactly as its style allows:
    exact for one-line values and literal blocks, and found line by line for folded and multi-line ones."""
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
    # Folded (>) and multi-line plain or quoted values: walk the source lines, finding each one's words in the
    # value in order, until the line that holds the offset.
    first = m.line + 1 if style == ">" else m.line
    found = 0
    for n in range(first, node.end_mark.line + 1):
        raw = src.line(n)
        if n == m.line:
            raw = " " * (m.column + (1 if style in ('"', "'") else 0)) + raw[m.column + (1 if style in ('"', "'") else 0) :]
        content = raw.strip().rstrip("\"'") if n == node.end_mark.line else raw.strip()
        if not content:
            continue
        k = value.find(content, found)
        if k < 0:
            break
        if offset < k + len(content) or n == node.end_mark.line:
            column = len(raw) - len(raw.lstrip()) + max(offset - k, 0)
            return n + 1, column + 1
        found = k + len(content)
    return m.line + 1, m.column + 1


class _Anything(frozenset[str]):
    """A set of names that holds every name (for checks made while part of the story could not be read)."""

    def __contains__(self, item: object) -> bool:
        return True
