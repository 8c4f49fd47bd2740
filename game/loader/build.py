"""Building the Story: cross-checking everything the reader collected (ids, references, conditions, text
holes) and making the engine's immutable model."""

from __future__ import annotations

import re
from typing import Any

from yaml.nodes import ScalarNode

from ..engine import conditions as cond
from ..engine.model import (
    Choice,
    Condition,
    Passage,
    Pos,
    Route,
    Scene,
    Story,
    Template,
)
from .errors import Problem, did_you_mean, hint
from .nodes import NodeReader, _CondRef, _Src
from .scenes import RawScene

_HOLE = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


class StoryBuilder(NodeReader):
    """Turns the raw records into a Story once every file has been read."""

    def build(self, root: str, fingerprint: str, files: tuple[str, ...]) -> Story | None:
        """Cross-check everything read and build the Story; None when any error was found."""
        variables = self.variables
        by_id: dict[str, RawScene] = {}
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
            # When a file could not be read, any scene or choice may be in it: claim none is unknown.
            scenes=_Anything() if self.files_failed else frozenset(by_id),
            choices=_Anything() if self.files_failed else frozenset(f"{s.id}.{c.id}" for s in by_id.values() for c in s.choices),
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


class _Anything(frozenset[str]):
    """A set of names that holds every name (for checks made while part of the story could not be read)."""

    def __contains__(self, item: object) -> bool:
        return True


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

