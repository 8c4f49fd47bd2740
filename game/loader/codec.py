"""The story cache's format: a validated Story as a little JSON, a block of 32-bit integers and a block of texts,
and back (see ``cache`` for where entries live and how they are checked before they are read).

Nothing is pickled or marshalled: decoding builds the engine's model from plain data and checks every type and
cross-reference again, so a well-formed but inconsistent entry can never give a story the engine could not play.
"""

from __future__ import annotations

import operator
import os
from array import array
from collections.abc import Sequence
from functools import partial
from itertools import chain, groupby, islice

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
    RouteList,
    Scene,
    Story,
    Template,
    Variable,
)
from ..engine.text import compile_text
from .columns import CacheMiss, _build, _groups, _refs, _Tables, _types_ok
from .errors import Problem

TYPE_CHECKING = False  # (not imported from typing: a warm start does not import typing at all)
if TYPE_CHECKING:
    from typing import Any, Final

FORMAT = 3
_INT: Final = "i"  # the integer block's item type: 32-bit signed

# -------------------------------------------------------------------------------------------- encoding
#
# An entry has three parts after its header: a little JSON (the manifest's parts and how the tables are laid
# out), a block of 32-bit integers and a block of texts (every distinct text once, UTF-8, separated by NUL).
# The scenes' parts are columnar: one table per kind of element (scenes, passages, templates, choices, routes,
# effects, conditions), each column a part of the integer block, elements in story order. A parent records how
# many children it has and the children follow in the same order, so a warm load builds all the elements of a
# kind at once. A text is its number in the text block; a position is three columns: file (an index into the
# story's files, manifest first; -1 for none), line and column; an optional condition is its row in the condition
# table, or -1 for none; a route's target is a row of the scene table, its chance a row of _CHANCES; an
# effect's kind is an index into _EFFECT_KINDS, its target is its slot's name, and its amount is a whole number,
# made a yes/no where its "boolean" column says 1. A template's parts are rows of the template_parts table, each a
# text or, when negative, the slot -1 - part; its names are rows of template_names, each a slot. A template with
# spans ({if ...}, {seq: ...}, number forms...) is stored as its source text and compiled again on load, as
# conditions are; the conditions and alternatives inside spans get their positions back, in order, from spans. Templates
# are the passages' paragraphs in story order, then the choices' results. The route lists' routes follow the
# choices' routes in the routes table.
#
# A column is [start, length]: its numbers, as they lie; or [start, runs, length]: ``runs`` values, then as many
# run lengths. Most columns are a few long runs (one file for a thousand scenes, no condition, an empty text,
# one route per choice), so a warm load meets each value once and repeats it in C.

_BLOCKS = ("json", "numbers", "texts")
_POS = ("file", "line", "column")
_EFFECT_KINDS = ("trust", "fair", "set", "add", "rename")
_CHANCES = (*range(1, 100), None)  # a route's chance, 1 to 99 percent, is its row + 1; row -1: no chance
_NUMBER = "number"  # a column of the integer block
_TEXT = "text"  # a column of the integer block, each a number in the text block
# Each table's columns.
_TABLES: dict[str, dict[str, str]] = {
    "scenes": {
        "id": _TEXT, "title": _TEXT, "chapter": _TEXT, "place": _TEXT, "date": _TEXT, "location": _TEXT,
        "ending": _TEXT, "passages": _NUMBER, "choices": _NUMBER, "on_enter": _NUMBER,
    },
    "passages": {"paragraphs": _NUMBER, "if": _NUMBER},
    "templates": {"parts": _NUMBER, "names": _NUMBER, "source": _TEXT},
    "template_parts": {"part": _NUMBER},
    "template_names": {"slot": _NUMBER},
    "choices": {
        "id": _TEXT, "key": _TEXT, "label": _TEXT, "reason": _TEXT, "if": _NUMBER, "requires": _NUMBER,
        "routes": _NUMBER, "effects": _NUMBER, "result": _NUMBER, "once": _NUMBER, "fallback": _NUMBER,
        "shared": _TEXT,
    },
    "routes": {"to": _NUMBER, "if": _NUMBER, "chance": _NUMBER},
    "effects": {"kind": _NUMBER, "slot": _NUMBER, "amount": _NUMBER, "boolean": _NUMBER},
    "on_enter": {"kind": _NUMBER, "slot": _NUMBER, "amount": _NUMBER, "boolean": _NUMBER},
    "conditions": {"source": _TEXT},
    "spans": {},
}
for _name in ("scenes", "passages", "choices", "routes", "effects", "on_enter", "conditions", "spans"):
    _TABLES[_name].update({p: _NUMBER for p in _POS})


def encode(
    story: Story, problems: Sequence[Problem], shown: list[str]
) -> tuple[dict[str, Any], array[int], list[str]]:
    """The story as JSON-ready data, an integer block and a list of texts. ``shown`` lists the files as positions
    name them (manifest first). Raises CacheMiss for a story that cannot be cached (one with a NUL in a text)."""
    file_number = {name: i for i, name in enumerate(shown)}
    file_number[""] = -1

    def where(p: Pos) -> tuple[int, int, int]:
        return file_number[p.file], p.line, p.column

    # Every element of each kind, in story order (children follow their parents, as the counts say).
    scenes = list(story.scenes.values())
    passages = [p for s in scenes for p in s.text]
    choices = [c for s in scenes for c in s.choices]
    templates = [t for p in passages for t in p.paragraphs] + [t for c in choices for t in c.result]
    plain = [t for t in templates if not t.source]
    lists = list(story.routes.values())
    routes = [r for c in choices for r in c.routes] + [r for rl in lists for r in rl.routes]
    spans = [x for t in chain(templates, story.templates.values()) if t.source for x in t.positioned()]
    effects = [e for c in choices for e in c.effects]
    on_enter = [e for s in scenes for e in s.on_enter]
    conditions: list[Condition] = []

    def rows(items: list[Condition | None]) -> list[int]:
        """The condition table's rows for these conditions, adding them to it; -1 for none."""
        out = []
        for c in items:
            if c is None:
                out.append(-1)
            else:
                out.append(len(conditions))
                conditions.append(c)
        return out

    def positions(items: Sequence[Any]) -> dict[str, list[int]]:
        try:
            return {"file": [file_number[x.pos.file] for x in items], "line": [x.pos.line for x in items],
                    "column": [x.pos.column for x in items]}
        except KeyError as exc:
            raise CacheMiss(f"a position in an unknown file {exc}") from None

    kind_number = {kind: i for i, kind in enumerate(_EFFECT_KINDS)}
    slot_number = {name: i for i, name in enumerate(story.slot_names)}
    scene_number = {sid: i for i, sid in enumerate(story.scenes)}

    def effect_table(items: list[Effect]) -> dict[str, list[Any]]:
        return {"kind": [kind_number[e.kind] for e in items], "slot": [e.slot for e in items],
                "amount": [int(e.amount) for e in items], "boolean": [int(type(e.amount) is bool) for e in items],
                **positions(items)}

    columns: dict[str, dict[str, list[Any]]] = {
        "scenes": {
            "id": [s.id for s in scenes], "title": [s.title for s in scenes],
            "chapter": [s.chapter for s in scenes], "place": [s.place for s in scenes],
            "date": [s.date for s in scenes], "location": [s.location for s in scenes],
            "ending": [s.ending for s in scenes],
            "passages": [len(s.text) for s in scenes], "choices": [len(s.choices) for s in scenes],
            "on_enter": [len(s.on_enter) for s in scenes], **positions(scenes),
        },
        "passages": {
            "paragraphs": [len(p.paragraphs) for p in passages], "if": rows([p.when for p in passages]),
            **positions(passages),
        },
        "templates": {
            "parts": [0 if t.source else len(t.parts) for t in templates],
            "names": [0 if t.source else len(t.names) for t in templates],
            "source": [t.source for t in templates],
        },
        "template_parts": {"part": [p for t in plain for p in t.parts]},  # made numbers below
        "template_names": {"slot": [slot_number[n] for t in plain for n in t.names]},
        "choices": {
            "id": [c.id for c in choices], "key": [c.key for c in choices], "label": [c.label for c in choices],
            "reason": [c.reason for c in choices], "if": rows([c.visible_if for c in choices]),
            "requires": rows([c.enabled_if for c in choices]), "routes": [len(c.routes) for c in choices],
            "effects": [len(c.effects) for c in choices], "result": [len(c.result) for c in choices],
            "once": [int(c.once) for c in choices], "fallback": [int(c.fallback) for c in choices],
            "shared": [c.shared for c in choices], **positions(choices),
        },
        "routes": {
            "to": [scene_number[r.target] for r in routes], "if": rows([r.when for r in routes]),
            "chance": [-1 if r.chance is None else r.chance - 1 for r in routes], **positions(routes),
        },
        "effects": effect_table(effects),
        "on_enter": effect_table(on_enter),
        "spans": positions(spans),
    }
    columns["conditions"] = {"source": [c.source for c in conditions], **positions(conditions)}

    # Texts are numbered in the order first met; "" is always there, so joining and splitting on NUL give back
    # the same list.
    parts = columns["template_parts"]["part"]
    text_columns = [
        columns[name][column] for name, spec in _TABLES.items() for column, kind in spec.items() if kind is _TEXT
    ]
    met = dict.fromkeys(chain([""], *text_columns, (p for p in parts if isinstance(p, str))))
    texts = dict(zip(met, range(len(met))))
    # A NUL is possible through a YAML escape; such a story is not cached. (Counted in the joined texts: a pass in C
    # over 90,000 texts, where a test of each took 12 ms at 10,000 scenes.)
    if "\0".join(texts).count("\0") != len(texts) - 1:
        raise CacheMiss("a text with a NUL character")
    columns["template_parts"]["part"] = [texts[p] if isinstance(p, str) else -1 - p for p in parts]

    numbers = array(_INT)
    tables: dict[str, dict[str, Any]] = {}
    try:
        for name, spec in _TABLES.items():
            tables[name] = {}
            for column, kind in spec.items():
                values = columns[name][column]
                if kind is _TEXT:
                    values = list(map(texts.__getitem__, values))
                # (Runs counted in C first: most columns with few runs are told apart without a tuple a value.)
                count = 1 + sum(map(operator.ne, values, islice(values, 1, None))) if values else 0
                if count * 4 <= len(values):
                    runs = [(value, len(list(run))) for value, run in groupby(values)]  # mostly runs: as runs
                    tables[name][column] = [len(numbers), len(runs), len(values)]
                    numbers.fromlist([value for value, _ in runs])
                    numbers.fromlist([n for _, n in runs])
                else:
                    tables[name][column] = [len(numbers), len(values)]
                    numbers.fromlist(values)
    except OverflowError:  # a line number beyond 2**31 is absurd, but then this story is simply not cached
        raise CacheMiss("a number too large to cache") from None
    data = {
        "files": len(shown),
        "texts": len(texts),
        "story": [story.id, story.title, story.start, story.fingerprint, story.notice, story.credits],
        "chapters": [[c.id, c.title, c.order, *where(c.pos)] for c in story.chapters.values()],
        "factions": [
            [f.id, f.name, f.description, f.initial, f.low, f.high, f.slot, [list(n) for n in f.names], f.name_slot,
             *where(f.pos)]
            for f in story.factions.values()
        ],
        "strings": list(story.templates),
        "route_lists": [[rl.id, rl.chapter, len(rl.routes), *where(rl.pos)] for rl in lists],
        "renamed": list(story.renamed.items()),
        "variables": [
            [v.id, v.type.__name__, v.default, v.slot, v.description, v.low, v.high, *where(v.pos)]
            for v in story.variables.values()
        ],
        "endings": [[e.id, e.title, *where(e.pos)] for e in story.endings.values()],
        "locations": [[x.id, x.name, *where(x.pos)] for x in story.locations.values()],
        "glossary": [[g.term, g.text, g.kind, *where(g.pos)] for g in story.glossary.values()],
        "slots": [list(story.defaults), list(story.slot_names), list(story.lows), list(story.highs)],
        "tables": tables,
        "problems": [
            [file_number.get(p.file, -1), p.file, p.line, p.column, p.message, p.severity] for p in problems
        ],
    }
    return data, numbers, list(texts)


def decode(
    data: Any, numbers: Sequence[int], texts: list[str], root: str, shown: list[str],
) -> tuple[Story, list[Problem]]:
    """Rebuild the Story and its warnings from ``encode``'s data. Raises on anything unexpected, which the caller
    treats as a miss. Types and cross-references are checked again, so not even a well-formed but inconsistent
    entry can give a story the engine could not play."""
    if not isinstance(data, dict) or data.get("files") != len(shown) or data.get("texts") != len(texts):
        raise CacheMiss("the story's files changed, or the entry is incomplete")
    files = [*shown, ""]  # file -1 is the empty file of a position that has none

    def text(*values: Any) -> None:
        if not _types_ok(values, (str,)):
            raise CacheMiss("unexpected value where text belongs")

    def whole(*values: Any) -> None:
        if not _types_ok(values, (int,)):
            raise CacheMiss("unexpected value where a whole number belongs")

    def pos(fi: int, line: int, column: int) -> Pos:
        whole(fi, line, column)
        if not -1 <= fi < len(shown):
            raise CacheMiss("a position in an unknown file")
        return Pos(files[fi], line, column)

    # The manifest's parts: few, so built and checked one by one.
    story_id, title, start, fingerprint, notice, credits = data["story"]
    text(story_id, title, start, fingerprint, notice, credits)
    chapters: dict[str, Chapter] = {}
    for cid, ctitle, order, *at in data["chapters"]:
        text(cid, ctitle)
        whole(order)
        chapters[cid] = Chapter(cid, ctitle, order, pos(*at))
    factions: dict[str, Faction] = {}
    for fid, name, desc, initial, low, high, slot, other_names, name_slot, *at in data["factions"]:
        text(fid, name, desc, *chain.from_iterable(other_names))
        whole(initial, low, high, slot, name_slot)
        names_ = tuple((n, shown_as) for n, shown_as in other_names)
        factions[fid] = Faction(fid, name, desc, initial, low, high, slot, pos(*at), names_, name_slot)
    variables: dict[str, Variable] = {}
    for vid, vtype, default, slot, desc, low, high, *at in data["variables"]:
        text(vid, desc)
        kind: type[int] = {"int": int, "bool": bool}[vtype]
        if type(default) is not kind or type(slot) is not int or not _types_ok((low, high), (int, type(None))):
            raise CacheMiss("unexpected variable")
        variables[vid] = Variable(vid, kind, default, slot, desc, low, high, pos(*at))
    endings: dict[str, Ending] = {}
    for eid, etitle, *at in data["endings"]:
        text(eid, etitle)
        endings[eid] = Ending(eid, etitle, pos(*at))
    locations: dict[str, Location] = {}
    for lid, lname, *at in data["locations"]:
        text(lid, lname)
        locations[lid] = Location(lid, lname, pos(*at))
    glossary: dict[str, GlossaryEntry] = {}
    for term, gtext, gkind, *at in data["glossary"]:
        text(term, gtext, gkind)
        glossary[term] = GlossaryEntry(term, gtext, gkind, pos(*at))

    defaults, slot_names, lows, highs = (tuple(x) for x in data["slots"])
    text(*slot_names)
    slots = {name: i for i, name in enumerate(slot_names)}
    name_slots = {f"{f.id}:name": f.name_slot for f in factions.values() if f.name_slot >= 0}
    if not len(slots) == len(defaults) == len(lows) == len(highs) == len(factions) + len(variables) + len(name_slots):
        raise CacheMiss("slots do not match the factions and variables")
    if any(slots.get(name) != slot for name, slot in name_slots.items()):
        raise CacheMiss("a faction's name slot is not there")
    items: list[Faction | Variable] = [*factions.values(), *variables.values()]
    for item in items:
        if slots.get(item.id) != item.slot:
            raise CacheMiss("slots do not match the factions and variables")
    if not _types_ok((*defaults, *lows, *highs), (int, bool)):
        raise CacheMiss("unexpected slot values")

    # The scenes' parts: many, so built a whole table at a time.
    col = _Tables(data, numbers, _TABLES)

    def positions(table: str) -> list[Pos]:
        # tuple.__new__ through partial(): every Pos made in C (the integer block holds only ints).
        where = zip(col(table, "file", files), col(table, "line"), col(table, "column"))
        return list(map(partial(tuple.__new__, Pos), where))

    # Conditions are compiled again from their source; identical sources share one parse, as in a cold load.
    sources = col("conditions", "source", texts)
    compiled: dict[str, tuple[cond.Node, cond.Evaluator]] = {}

    def compile_condition(source: str) -> tuple[cond.Node, cond.Evaluator]:
        hit = compiled.get(source)
        if hit is None:
            node = cond.parse(source)
            for name in cond.names_in(node):
                if name not in slots:
                    raise CacheMiss(f"unknown name {name!r} in a cached condition")
            hit = compiled[source] = (node, cond.compile_node(node, slots))
        return hit

    nodes, tests = zip(*map(compile_condition, sources)) if sources else ((), ())
    conditions = _build(
        Condition, len(sources), source=sources, node=nodes, test=tests, pos=positions("conditions")
    )
    condition_rows = [*conditions, None]  # row -1: no condition

    def effects(table: str) -> list[Effect]:
        slots_ = col(table, "slot")
        # The one row used as an index at play time (values[slot]): never let it count from the end.
        if slots_ and min(slots_) < 0:
            raise CacheMiss("an effect on no slot")
        amounts, booleans = col(table, "amount"), col(table, "boolean")
        if not set(booleans) <= {0, 1}:
            raise CacheMiss("an amount neither a number nor a yes/no")
        if any(booleans):
            amounts = [bool(a) if b else a for a, b in zip(amounts, booleans)]
        return _build(
            Effect, col.length(table), kind=col(table, "kind", _EFFECT_KINDS),
            target=_refs(targets, slots_), slot=slots_, amount=amounts, pos=positions(table),
        )

    targets = [name.partition(":")[0] for name in slot_names]  # a faction's name slot is 'faction:name'

    # Templates: the plain ones built from their parts, those with spans compiled again from their source (the
    # conditions inside them take their positions back in order).
    rows = col("template_parts", "part")
    if rows and not -len(slot_names) <= min(rows) <= max(rows) < len(texts):
        raise CacheMiss("a part of a text that is not there")
    parts = _refs([*texts, *range(len(slot_names) - 1, -1, -1)], rows)
    names = col("template_names", "slot", slot_names)
    template_sources = col("templates", "source", texts)
    templates = _build(
        Template, col.length("templates"), parts=_groups(parts, col("templates", "parts")),
        names=_groups(names, col("templates", "names")), source=template_sources,
    )
    span_positions = iter(positions("spans"))
    text_names = cond.Names(slots, {**{f: int for f in factions}, **{v.id: v.type for v in variables.values()}},
                            frozenset(), frozenset())

    def span_condition(source: str, offset: int) -> Condition:
        return Condition(source, *compile_condition(source), next(span_positions))

    def unexpected(message: str, offset: int, name: str) -> None:
        raise CacheMiss(f"a cached text does not compile: {message}")

    def compile_rich(source: str) -> Template:
        return compile_text(source, text_names, span_condition, unexpected, lambda offset: next(span_positions))

    if any(template_sources):
        templates = [compile_rich(t.source) if t.source else t for t in templates]
    strings = data["strings"]
    text(*strings)
    story_templates = {source: compile_rich(source) for source in strings}
    if next(span_positions, None) is not None:
        raise CacheMiss("span positions left over")
    varying = {id(t) for t in templates if t.source and t.varies}
    varying_strings = {source for source, t in story_templates.items() if t.varies}

    paragraph_counts = col("passages", "paragraphs")
    n_paragraphs = sum(paragraph_counts)
    passages = _build(
        Passage, col.length("passages"), paragraphs=_groups(templates[:n_paragraphs], paragraph_counts),
        when=col("passages", "if", condition_rows), pos=positions("passages"),
    )

    scene_ids = col("scenes", "id", texts)
    all_routes = _build(
        Route, col.length("routes"), target=col("routes", "to", scene_ids),
        when=col("routes", "if", condition_rows), chance=col("routes", "chance", _CHANCES), pos=positions("routes"),
    )
    route_counts = col("choices", "routes")
    n_routes = sum(route_counts)
    keys = col("choices", "key", texts)
    results = _groups(templates[n_paragraphs:], col("choices", "result"))
    n_choices = col.length("choices")
    renamed = dict(data["renamed"])
    text(*renamed, *renamed.values())
    former: dict[str, list[str]] = {}
    for old, new in renamed.items():
        former.setdefault(new, []).append(old.rpartition(".")[2])
    flags = col("choices", "once"), col("choices", "fallback")
    if not set(chain(*flags)) <= {0, 1}:
        raise CacheMiss("a flag neither 0 nor 1")
    labels, reasons = col("choices", "label", texts), col("choices", "reason", texts)
    choices = _build(
        Choice, n_choices, id=col("choices", "id", texts), label=labels,
        routes=_groups(all_routes[:n_routes], route_counts),
        effects=_groups(effects("effects"), col("choices", "effects")),
        visible_if=col("choices", "if", condition_rows),
        enabled_if=col("choices", "requires", condition_rows),
        reason=reasons, key=keys, pos=positions("choices"),
        once=list(map(bool, flags[0])), fallback=list(map(bool, flags[1])), result=results,
        shared=col("choices", "shared", texts),
        formerly=[tuple(former[k]) if k in former else () for k in keys] if former else [()] * n_choices,
        counted=[any(id(t) in varying for t in r) for r in results] if varying else [False] * n_choices,
    )
    list_routes = iter(all_routes[n_routes:])
    route_lists: dict[str, RouteList] = {}
    for rid, chapter, count, *at in data["route_lists"]:
        text(rid, chapter)
        whole(count)
        route_lists[rid] = RouteList(rid, tuple(islice(list_routes, count)), chapter, pos(*at))
    if next(list_routes, None) is not None:
        raise CacheMiss("routes left over")

    choice_counts = col("scenes", "choices")
    choice_groups = _groups(choices, choice_counts)
    chapter_ids, location_ids, ending_ids = (col("scenes", c, texts) for c in ("chapter", "location", "ending"))
    scene_text = _groups(passages, col("scenes", "passages"))
    titles, places, dates = (col("scenes", c, texts) for c in ("title", "place", "date"))
    n_scenes = len(scene_ids)
    if varying or varying_strings:
        counted = [
            any(id(t) in varying for p in text_ for t in p.paragraphs)
            or bool(varying_strings.intersection((title_, place, date)))
            or any(c.label in varying_strings or c.reason in varying_strings for c in group)
            for text_, title_, place, date, group in zip(scene_text, titles, places, dates, choice_groups)
        ]
    else:
        counted = [False] * n_scenes
    scenes_list = _build(
        Scene, n_scenes, id=scene_ids, title=titles, chapter=chapter_ids,
        text=scene_text, choices=choice_groups,
        on_enter=_groups(effects("on_enter"), col("scenes", "on_enter")), place=places,
        date=dates, location=location_ids, ending=ending_ids, pos=positions("scenes"),
        formerly=[tuple(former[sid]) if sid in former else () for sid in scene_ids] if former else [()] * n_scenes,
        counted=counted,
        simple=[not any(c.once or c.fallback for c in group) for group in choice_groups] if any(chain(*flags))
        else [True] * n_scenes,
    )
    scenes = dict(zip(scene_ids, scenes_list))

    # The cross-checks a cold load makes, so the engine never meets a dangling reference.
    if len(scenes) != len(scenes_list) or len(set(keys)) != len(keys):
        raise CacheMiss("duplicate ids")
    if start not in scenes:
        raise CacheMiss("the start scene is not there")
    if not set(chapter_ids) <= chapters.keys() or not set(location_ids) - {""} <= locations.keys():
        raise CacheMiss("a reference to a chapter or location that is not there")
    has_ending, has_no_choices = list(map(bool, ending_ids)), list(map(operator.not_, choice_counts))
    if not set(ending_ids) - {""} <= endings.keys() or has_ending != has_no_choices:
        raise CacheMiss("an ending with choices, or a scene with neither")

    problems = []
    for fi, name, line, column, message, severity in data["problems"]:
        text(name, message, severity)
        at = pos(fi, line, column)
        problems.append(Problem(at.file if fi >= 0 else name, line, column, message, severity))
    if not set(renamed.values()) <= scenes.keys() | set(keys):
        raise CacheMiss("a former id of nothing")
    story = Story(
        story_id, title, start, chapters, factions, variables, endings, locations, glossary, scenes, fingerprint,
        os.path.abspath(root), tuple(shown[1:]), defaults, slot_names, lows, highs, notice, credits,
        story_templates, route_lists, renamed,
    )
    return story, problems
