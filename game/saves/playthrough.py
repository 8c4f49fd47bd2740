"""Playthrough files: a seed, a list of choices and expectations, replayed headlessly as a regression test.

A playthrough is the save format cut down to what an author writes by hand (YAML; a JSON save is also a valid
playthrough, whose snapshot becomes the expectation at the end)::

    seed: 7
    choices:
      - gate.ask_pass
      - expect: {scene: gate, variables: {has_pass: true}}
      - gate.show_pass
    expect:
      ending: through
      trust: {guards: 55, villagers: [80, 100]}
      text: The gate closes behind you.

``replay_playthrough`` plays it and returns a ReplayReport whose failure names the step, the scene, what was
expected and what happened. ``transcript`` renders a playthrough as plain, deterministic text for golden
files.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..engine import ChoiceError, ChoiceView, Game, Outcome, ReplayError, Story
from ..loader.errors import did_you_mean
from ..loader.yamlsafe import compose
from ..sanitize import sanitize_line
from . import jsonio
from .atomic import atomic_write
from .hints import chance_note, closest_line, first_difference_step
from .store import MAX_SAVE_BYTES, STORY_ID, SaveData, SaveError, decode_text, read_bytes

UPDATE_ENV = "QASAS_UPDATE_GOLDEN"
MAX_NODES = 200_000
MAX_DEPTH = 32
# The YAML 1.1 standard tags, as the story loader allows: any other (!!python/..., !custom) is refused, not ignored.
_STANDARD_TAGS = frozenset(
    f"tag:yaml.org,2002:{t}" for t in ("str", "int", "bool", "null", "float", "timestamp", "seq", "map")
)

_ID = re.compile(r"[a-z][a-z0-9_]*")
_KEY = re.compile(r"([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)")
_INT = re.compile(r"[-+]?[0-9]+")
_RANGE = re.compile(r"\s*([-+]?\d+)\s*\.\.\s*([-+]?\d+)\s*")
_BOUND = re.compile(r"\s*(>=|<=|==|>|<)\s*([-+]?\d+)\s*")
_SPACES = re.compile(r"\s+")
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})

TOP_KEYS = ("seed", "scenes", "story", "transcript", "choices", "expect")
SAVE_KEYS = ("format", "version", "state", "meta")
EXPECT_KEYS = ("scene", "ending", "trust", "variables", "text", "not_text")


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

    def integer(self, what: str) -> int:
        if (
            self.kind == "scalar"
            and self.plain
            and _INT.fullmatch(str(self.value))
            and len(str(self.value)) < 30
        ):
            return int(self.value)
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
    if isinstance(value, Range):
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


# ------------------------------------------------------------------------------- the model


@dataclass(frozen=True)
class Range:
    """An inclusive range of whole numbers; either bound may be open."""

    low: int | None = None
    high: int | None = None

    def __contains__(self, value: object) -> bool:
        if not isinstance(value, int) or isinstance(value, bool):
            return False
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)

    def __str__(self) -> str:
        if self.low is not None and self.low == self.high:
            return str(self.low)
        if self.low is not None and self.high is not None:
            return f"{self.low}..{self.high}"
        if self.low is not None:
            return f">= {self.low}"
        return f"<= {self.high}"

    def to_value(self) -> int | list[int] | str:
        """How it is written in a playthrough file: 55, [40, 60] or '>= 40'."""
        if self.low is not None and self.low == self.high:
            return self.low
        if self.low is not None and self.high is not None:
            return [self.low, self.high]
        return str(self)

    @classmethod
    def parse(cls, node: _Node, what: str) -> Range:
        if node.kind == "seq":
            if len(node.value) != 2:
                raise node.fail(f"{what} as a list must be [low, high]")
            low, high = node.value[0].integer(what), node.value[1].integer(what)
            if low > high:
                raise node.fail(f"{what}: the range [{low}, {high}] is empty")
            return cls(low, high)
        if node.kind == "scalar" and node.plain and _INT.fullmatch(str(node.value)):
            v = node.integer(what)
            return cls(v, v)
        if node.kind == "scalar":
            text = str(node.value)
            m = _RANGE.fullmatch(text)
            if m:
                low, high = int(m.group(1)), int(m.group(2))
                if low > high:
                    raise node.fail(f"{what}: the range {text!r} is empty")
                return cls(low, high)
            m = _BOUND.fullmatch(text)
            if m:
                op, n = m.group(1), int(m.group(2))
                return {
                    ">=": cls(n, None),
                    ">": cls(n + 1, None),
                    "<=": cls(None, n),
                    "<": cls(None, n - 1),
                    "==": cls(n, n),
                }[op]
        raise node.fail(
            f"{what} must be a number, [low, high], 'low..high' or a bound like '>= 40' "
            f"(found {_brief(node)})"
        )


Matcher = bool | Range


@dataclass(frozen=True)
class Expect:
    """What must hold at one point of a playthrough (``no_ending``: the story has not ended yet)."""

    scene: str | None = None
    ending: str | None = None
    no_ending: bool = False
    trust: Mapping[str, Range] = field(default_factory=dict)
    variables: Mapping[str, Matcher] = field(default_factory=dict)
    text: tuple[str, ...] = ()
    not_text: tuple[str, ...] = ()
    where: str = field(default="", compare=False)

    @classmethod
    def parse(cls, node: _Node) -> Expect:
        block = node.mapping("an 'expect:' block")
        for key in block:
            if key not in EXPECT_KEYS:
                hint = did_you_mean(key, EXPECT_KEYS)
                raise PlaythroughError(
                    f"{node.key_where.get(key, node.where)}: unknown expectation {sanitize_line(key)!r}"
                    + (f" (did you mean {hint!r}?)" if hint else f"; use one of: {', '.join(EXPECT_KEYS)}")
                )
        scene = _ident(block["scene"], "scene") if "scene" in block else None
        ending, no_ending = None, False
        if "ending" in block:
            if block["ending"].is_null:
                no_ending = True
            else:
                ending = _ident(block["ending"], "ending")
        trust = (
            {_name(k, node): Range.parse(v, f"trust.{k}") for k, v in block["trust"].mapping("trust").items()}
            if "trust" in block
            else {}
        )
        variables: dict[str, Matcher] = {}
        if "variables" in block:
            for k, v in block["variables"].mapping("variables").items():
                b = v.boolean()
                variables[_name(k, node)] = b if b is not None else Range.parse(v, f"variables.{k}")
        text = block["text"].texts("text") if "text" in block else ()
        not_text = block["not_text"].texts("not_text") if "not_text" in block else ()
        return cls(scene, ending, no_ending, trust, variables, text, not_text, node.where)

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any]) -> Expect:
        """An Expect from plain values, as written in a file (``{'ending': 'through', 'trust': {...}}``)."""
        return cls.parse(_from_python(mapping, "<expect>"))

    def to_mapping(self) -> dict[str, Any]:
        """Plain values for writing back to a file."""
        out: dict[str, Any] = {}
        if self.scene is not None:
            out["scene"] = self.scene
        if self.ending is not None:
            out["ending"] = self.ending
        elif self.no_ending:
            out["ending"] = None
        if self.trust:
            out["trust"] = {k: r.to_value() for k, r in self.trust.items()}
        if self.variables:
            out["variables"] = {
                k: (m if isinstance(m, bool) else m.to_value()) for k, m in self.variables.items()
            }
        if self.text:
            out["text"] = list(self.text)
        if self.not_text:
            out["not_text"] = list(self.not_text)
        return out

    def check(self, game: Game) -> list[tuple[str, str]]:
        """Every expectation that does not hold, as (expected, actual) lines."""
        story, st = game.story, game.state
        out: list[tuple[str, str]] = []
        if self.scene is not None and st.scene != self.scene:
            unknown = "" if self.scene in story.scenes else f" (no such scene{_hint(self.scene, story.scenes)})"
            out.append((f"scene: {self.scene}{unknown}", f"scene: {st.scene}"))
        ending = game.scene.ending or None
        if self.ending is not None and ending != self.ending:
            unknown = "" if self.ending in story.endings else f" (no such ending{_hint(self.ending, story.endings)})"
            out.append((f"ending: {self.ending}{unknown}", f"ending: {ending or 'none (the story has not ended)'}"))
        if self.no_ending and ending is not None:
            out.append(("ending: none (the story has not ended)", f"ending: {ending}"))
        for name, want in self.trust.items():
            faction = story.factions.get(name)
            got = str(st.values[faction.slot]) if faction else f"(no such faction in the story{_hint(name, story.factions)})"
            if faction is None or st.values[faction.slot] not in want:
                out.append((f"trust.{name}: {want}", f"trust.{name}: {got}"))
        for name, want_v in self.variables.items():
            var = story.variables.get(name)
            if var is None:
                out.append((
                    f"variables.{name}: {_show_matcher(want_v)}",
                    f"variables.{name}: (no such variable{_hint(name, story.variables)})",
                ))
                continue
            value = st.values[var.slot]
            ok = (
                (value is want_v)
                if isinstance(want_v, bool)
                else (not isinstance(value, bool) and value in want_v)
            )
            if not ok:
                out.append(
                    (f"variables.{name}: {_show_matcher(want_v)}", f"variables.{name}: {_show_value(value)}")
                )
        if self.text or self.not_text:
            shown = _norm(screen_text(game))
            for t in self.text:
                if _norm(t) not in shown:
                    near = closest_line(screen_text(game), t)
                    out.append((
                        f"text contains: {_quote(t)}",
                        f"closest line: {_quote(near)}" if near else f"text does not contain: {_quote(t)}",
                    ))
            for t in self.not_text:
                if _norm(t) in shown:
                    out.append((f"text does not contain: {_quote(t)}", f"text contains: {_quote(t)}"))
        return out


def _hint(word: str, pool: Iterable[str]) -> str:
    best = did_you_mean(word, pool)
    return f"; did you mean {best!r}?" if best else ""


def _ident(node: _Node, what: str) -> str:
    value = node.text(what)
    if not _ID.fullmatch(value):
        raise node.fail(f"{what} must be an id like 'gate' (found {_brief(node)})")
    return value


def _name(key: str, node: _Node) -> str:
    if not _ID.fullmatch(key):
        raise PlaythroughError(f"{node.where}: {sanitize_line(key)!r} is not a faction or variable id")
    return key


def _show_matcher(m: Matcher) -> str:
    return _show_value(m) if isinstance(m, bool) else str(m)


def _show_value(v: object) -> str:
    return "true" if v is True else "false" if v is False else str(v)


def _quote(text: str) -> str:
    return json.dumps(sanitize_line(text), ensure_ascii=False)


def _norm(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def screen_text(game: Game) -> str:
    """What a player reads at this point: the scene's title and text, the ending or the choices' labels."""
    parts = [game.header().title, *game.text()]
    ending = game.ending
    if ending is not None:
        parts.append(game.ending_title())
    else:
        parts.extend(v.label for v in game.choices())
    return "\n".join(parts)


@dataclass(frozen=True)
class Step:
    """One choice of a playthrough, by its stable ids."""

    scene: str
    choice: str
    where: str = field(default="", compare=False)

    @property
    def key(self) -> str:
        return f"{self.scene}.{self.choice}"


Item = Step | Expect


@dataclass
class Playthrough:
    """A replayable playthrough: a seed, choices and expectations in order, and where it came from."""

    items: list[Item] = field(default_factory=list)
    seed: int = 0
    path: Path | None = None
    scenes: str | None = None  # a story directory, relative to the file
    story_id: str | None = None
    transcript: str | None = None  # a golden transcript file, relative to the file

    @property
    def steps(self) -> list[Step]:
        return [i for i in self.items if isinstance(i, Step)]

    @property
    def log(self) -> list[tuple[str, str]]:
        """The choice log as (scene id, choice id) pairs."""
        return [(s.scene, s.choice) for s in self.steps]

    @property
    def name(self) -> str:
        return str(self.path) if self.path is not None else "<playthrough>"

    def scenes_dir(self) -> Path | None:
        """The story directory this file names (``scenes:``), resolved against the file's folder."""
        if self.scenes is None:
            return None
        base = self.path.parent if self.path is not None else Path.cwd()
        return (base / self.scenes).resolve()

    def transcript_path(self) -> Path | None:
        """The golden transcript named by ``transcript:``, beside the file (never outside its folder)."""
        if self.transcript is None:
            return None
        base = (self.path.parent if self.path is not None else Path.cwd()).resolve()
        golden = (base / self.transcript).resolve()
        if base != golden.parent and base not in golden.parents:
            raise PlaythroughError(
                f"{self.name}: transcript {self.transcript!r} must be a file in the playthrough's folder"
            )
        return golden

    # --------------------------------------------------------------------------------- reading

    @classmethod
    def from_file(cls, path: Path | str, shown: str | None = None) -> Playthrough:
        """Read a playthrough (YAML) or a save (JSON). Raises PlaythroughError naming file:line:col.

        ``shown`` is the file's name in messages (default: the path as given).
        """
        path = Path(path)
        try:
            text = decode_text(path, read_bytes(path, MAX_SAVE_BYTES))
        except SaveError as exc:
            raise PlaythroughError(str(exc)) from None
        return cls.from_text(text, shown or str(path), path)

    @classmethod
    def from_text(cls, text: str, shown: str = "<playthrough>", path: Path | None = None) -> Playthrough:
        """Parse playthrough text; ``shown`` is the name used in messages."""
        if len(text) > MAX_SAVE_BYTES:
            raise PlaythroughError(f"{shown}: the file is too large (limit {MAX_SAVE_BYTES // 1048576} MiB)")
        if text.lstrip().startswith("{"):
            # JSON: saves, and playthroughs written by tools. Read strictly as JSON (not as YAML 1.1).
            try:
                doc = jsonio.decode(text)
            except jsonio.JsonError as exc:
                raise PlaythroughError(
                    f"{shown}:{exc.line}:{exc.column}: {exc.message}"
                    if exc.line
                    else f"{shown}: {exc.message}"
                ) from None
            root = _from_python(doc, shown)
            raw: Any = doc
        else:
            node, problems = compose(text, shown)
            if problems:
                raise PlaythroughError(str(problems[0]).replace(": error: ", ": ", 1))
            assert node is not None
            root = _YamlReader(shown).read(node)
            raw = None
        return cls._parse(root, raw, path)

    @classmethod
    def _parse(cls, root: _Node, raw: Any, path: Path | None) -> Playthrough:
        top = root.mapping("a playthrough")
        allowed = (*TOP_KEYS, *SAVE_KEYS) if "format" in top else TOP_KEYS
        for key in top:
            if key not in allowed:
                hint = did_you_mean(key, TOP_KEYS)
                raise PlaythroughError(
                    f"{root.key_where.get(key, root.where)}: unknown field {sanitize_line(key)!r}"
                    + (
                        f" (did you mean {hint!r}?)"
                        if hint
                        else f"; a playthrough has: {', '.join(TOP_KEYS)}"
                    )
                )
        pt = cls(path=path)
        end: Expect | None = None
        if "format" in top:
            # A save: validated as one; its snapshot is what the replay must reach.
            try:
                save = SaveData.from_json(raw if raw is not None else _to_python(root))
            except ValueError as exc:
                raise PlaythroughError(f"{root.where}: {exc}") from None
            pt.seed, pt.story_id = save.seed, save.story_id
            pt.items = [Step(s, c, f"{root.where}: choices[{i}]") for i, (s, c) in enumerate(save.log, 1)]
            end = Expect(
                scene=save.scene,
                trust={k: Range(v, v) for k, v in save.trust.items()},
                variables={k: (v if isinstance(v, bool) else Range(v, v)) for k, v in save.variables.items()},
                where=f"{root.where}: state",
            )
        else:
            if "seed" in top:
                pt.seed = top["seed"].integer("seed")
            if "story" in top:
                node = top["story"]
                pt.story_id = node.text("story")
                if not STORY_ID.fullmatch(pt.story_id):
                    raise node.fail(f"story must be a story id like 'jaysh-al-qasas' (found {_brief(node)})")
            if "choices" in top:
                node = top["choices"]
                if node.is_null:
                    items: list[_Node] = []
                elif node.kind == "seq":
                    items = node.value
                else:
                    raise node.fail("choices must be a list of 'scene.choice' ids and 'expect:' blocks")
                for item in items:
                    pt.items.append(_item(item))
        if "scenes" in top:
            pt.scenes = top["scenes"].text("scenes")
        if "transcript" in top:
            name = top["transcript"].text("transcript")
            if not name or "\x00" in name:
                raise top["transcript"].fail("transcript must be a file name")
            pt.transcript = name
        if "expect" in top:
            pt.items.append(Expect.parse(top["expect"]))
        if end is not None:
            pt.items.append(end)
        return pt


def _item(node: _Node) -> Item:
    if node.kind == "scalar" and not node.is_null:
        m = _KEY.fullmatch(str(node.value).strip())
        if m is None:
            raise node.fail(f"a choice is written 'scene.choice', e.g. 'gate.leave' (found {_brief(node)})")
        return Step(m.group(1), m.group(2), node.where)
    if node.kind == "map" and set(node.value) == {"expect"}:
        return Expect.parse(node.value["expect"])
    raise node.fail("each item of 'choices' is a choice ('scene.choice') or an 'expect:' block")


# ------------------------------------------------------------------------------- transcripts


class Transcript:
    """Deterministic plain text of a playthrough as played: headers, text, choices, trust changes."""

    def __init__(self, story: Story, seed: int) -> None:
        self.story = story
        self.lines: list[str] = [_line(story.render(story.title)), f"(seed {seed})"]
        self._chapter: str | None = None

    def scene(self, game: Game) -> None:
        story, scene = self.story, game.scene
        chapter = story.chapters.get(scene.chapter)
        header = game.header()
        if chapter is not None and chapter.id != self._chapter:
            self._chapter = chapter.id
            self.lines += ["", f"=== Chapter {chapter.order}: {_line(header.chapter)} ==="]
        where = ", ".join(_line(x) for x in (header.place, header.date) if x)
        self.lines += ["", f"## {_line(header.title)}" + (f" ({where})" if where else ""), ""]
        for paragraph in game.text():
            self.lines += [_line(paragraph), ""]
        ending = game.ending
        if ending is not None:
            self.lines.append(f"*** Ending: {_line(game.ending_title())} ***")
            trust = "; ".join(
                f"{_line(game.faction_name(f.id))} {game.state.values[f.slot]}" for f in story.factions.values()
            )
            self.lines.append(f"Final trust: {trust}.")
            self.lines.append(f"{game.turn} choice{'s' if game.turn != 1 else ''}.")
            return
        for v in game.choices():
            line = f"  {v.number}. {_line(v.label)}"
            if not v.enabled:
                line += f" (unavailable: {_line(v.reason)})"
            self.lines.append(line)

    def choice(self, view: ChoiceView | None, outcome: Outcome, game: Game) -> None:
        """The choice taken, its result (the aftermath the story tells) and what it changed."""
        label = f"{view.number}. {_line(view.label)}" if view is not None else outcome.choice
        self.lines += ["", f"> {label}  [{outcome.scene_from}.{outcome.choice}]"]
        for paragraph in outcome.result:
            self.lines += ["", _line(paragraph)]
        if outcome.result and (outcome.trust or outcome.names):
            self.lines.append("")
        for change in outcome.trust:
            sign = "+" if change.delta > 0 else ""
            name = _line(game.faction_name(change.faction))
            self.lines.append(f"  {name}: {sign}{change.delta}, now {change.after}.")
        for renamed in outcome.names:
            self.lines.append(f"  {_line(renamed.before)} are now {_line(renamed.after)}.")

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def _line(text: str) -> str:
    return sanitize_line(text).strip()


def transcript(story: Story, seed: int, log: Iterable[tuple[str, str] | str]) -> str:
    """The transcript of replaying ``log`` with ``seed``. Raises ReplayError naming the step that fails."""
    game = Game(story, seed)
    out = Transcript(story, seed)
    out.scene(game)
    for i, entry in enumerate(log, 1):
        scene_id, choice_id = _split(entry)
        if game.state.scene != scene_id:
            raise ReplayError(
                i,
                scene_id,
                choice_id,
                f"expected to be in scene {scene_id!r} but the story led to {game.state.scene!r}",
            )
        view = next((v for v in game.choices() if v.id == choice_id), None)
        try:
            outcome = game.choose(choice_id)
        except ChoiceError as exc:
            raise ReplayError(i, scene_id, choice_id, str(exc)) from None
        out.choice(view, outcome, game)
        out.scene(game)
    return out.text()


def _split(entry: tuple[str, str] | str) -> tuple[str, str]:
    if isinstance(entry, str):
        m = _KEY.fullmatch(entry)
        if m is None:
            raise ValueError(f"a choice is written 'scene.choice' (found {entry!r})")
        return m.group(1), m.group(2)
    return entry[0], entry[1]


# ----------------------------------------------------------------------------------- replaying


@dataclass
class ReplayFailure:
    """Why a playthrough failed: where (the step, the scene, the file position), a one-line message, and what
    was expected against what happened.

    ``kind`` is 'choice' (step ``step`` could not be taken), 'expect' (an expectation after ``step`` choices
    did not hold), 'golden' (the transcript differs from its golden file; ``diff`` holds a unified diff) or
    'story' (the playthrough is for another story).
    """

    step: int
    scene: str
    message: str
    expected: list[str] = field(default_factory=list)
    actual: list[str] = field(default_factory=list)
    where: str = ""
    diff: str = ""
    kind: str = "choice"

    def render(self) -> str:
        """Readable, multi-line, sanitised: the place, the message, then expected (-) against actual (+)."""
        if self.kind == "choice":
            head = f"step {self.step}"
        elif self.step == 0:
            head = "at the start"
        else:
            head = f"after step {self.step}"
        head += f", in scene '{self.scene}'"
        if self.where:
            head += f" ({self.where})"
        lines = [sanitize_line(f"{head}: {self.message}")]
        if self.expected or self.actual:
            lines += ["  --- expected", "  +++ actual"]
            if len(self.expected) == len(self.actual):
                for e, a in zip(self.expected, self.actual):
                    lines += [f"  - {sanitize_line(e)}", f"  + {sanitize_line(a)}"]
            else:
                lines += [f"  - {sanitize_line(e)}" for e in self.expected]
                lines += [f"  + {sanitize_line(a)}" for a in self.actual]
        if self.diff:
            lines += ["  " + sanitize_line(d) for d in self.diff.splitlines()]
        return "\n".join(lines)

    __str__ = render

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "step": self.step,
            "scene": self.scene,
            "message": self.message,
            "where": self.where,
            "expected": self.expected,
            "actual": self.actual,
            "diff": self.diff,
        }


@dataclass
class ReplayReport:
    """The result of replaying one playthrough."""

    file: str
    ok: bool
    steps: int
    ending: str | None
    failure: ReplayFailure | None
    transcript: str
    written: str = ""  # the golden transcript written (with update_golden), else ''

    def to_json(self) -> dict[str, Any]:
        out = {
            "file": self.file,
            "ok": self.ok,
            "steps": self.steps,
            "ending": self.ending,
            "failure": self.failure.to_json() if self.failure else None,
        }
        if self.written:
            out["written"] = self.written
        return out


def update_golden_requested() -> bool:
    """Whether QASAS_UPDATE_GOLDEN asks to rewrite golden transcripts instead of comparing them."""
    return os.environ.get(UPDATE_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def _choice_failure(game: Game, step: Step, number: int) -> ReplayFailure | None:
    """Why ``step`` cannot be taken now, or None when it can."""
    st, story = game.state, game.story
    offered = [f"{st.scene}.{v.id}" + ("" if v.enabled else " (disabled)") for v in game.choices()]
    if game.ending is not None:
        note = chance_note(game, step.scene) if step.scene != st.scene else ""
        return ReplayFailure(
            number,
            st.scene,
            f"the story has already ended (ending '{game.scene.ending}')" + (f": {note}" if note else ""),
            [f"choice: {step.key}"],
            [f"ending: {game.scene.ending}"],
            step.where,
        )
    if step.scene != st.scene:
        if step.scene not in story.scenes:
            why = f"does not exist{_hint(step.scene, story.scenes)}"
        else:
            why = "is not where the choices lead"
            note = chance_note(game, step.scene)
            why += f": {note}" if note else ""
        return ReplayFailure(
            number,
            st.scene,
            f"the playthrough chooses in scene '{step.scene}', which {why}",
            [f"scene: {step.scene}", f"choice: {step.key}"],
            [f"scene: {st.scene}", "choices offered: " + (", ".join(offered) or "none")],
            step.where,
        )
    if game.scene.choice(step.choice) is None:
        return ReplayFailure(
            number,
            st.scene,
            f"scene '{st.scene}' has no choice '{step.choice}'{_hint(step.choice, [c.id for c in game.scene.choices])}",
            [f"choice: {step.key}"],
            ["choices offered: " + (", ".join(offered) or "none")],
            step.where,
        )
    view = next((v for v in game.choices() if v.id == step.choice), None)
    if view is None or not view.enabled:
        why = "is hidden here" if view is None else f"is disabled: {view.reason}"
        return ReplayFailure(
            number,
            st.scene,
            f"choice '{step.key}' {why}",
            [f"choice: {step.key} can be taken"],
            [f"choice: {step.key} {why}", "choices offered: " + (", ".join(offered) or "none")],
            step.where,
        )
    return None


def replay_playthrough(pt: Playthrough, story: Story, *, update_golden: bool | None = None) -> ReplayReport:
    """Replay a playthrough headlessly, checking every expectation and the golden transcript, if any.

    With ``update_golden`` (default: the QASAS_UPDATE_GOLDEN environment variable) a golden transcript is
    (re)written instead of compared, when the replay otherwise passes.
    """
    game = Game(story, pt.seed)
    out = Transcript(story, pt.seed)
    out.scene(game)
    failure: ReplayFailure | None = None
    steps = 0
    if pt.story_id is not None and pt.story_id != story.id:
        failure = ReplayFailure(
            0,
            game.state.scene,
            f"this playthrough is for story '{pt.story_id}', not '{story.id}'",
            [f"story: {pt.story_id}"],
            [f"story: {story.id}"],
            kind="story",
        )
    for item in pt.items if failure is None else ():
        if isinstance(item, Expect):
            wrong = item.check(game)
            if wrong:
                note = chance_note(game, item.scene) if item.scene and item.scene != game.state.scene else ""
                failure = ReplayFailure(
                    steps,
                    game.state.scene,
                    ("expectation failed" if len(wrong) == 1 else f"{len(wrong)} expectations failed")
                    + (f" ({note})" if note else ""),
                    [e for e, _ in wrong],
                    [a for _, a in wrong],
                    item.where,
                    kind="expect",
                )
                break
            continue
        failure = _choice_failure(game, item, steps + 1)
        if failure is not None:
            break
        view = next(v for v in game.choices() if v.id == item.choice)
        outcome = game.choose(item.choice)
        steps += 1
        out.choice(view, outcome, game)
        out.scene(game)
    text = out.text()
    written = ""
    if failure is None and pt.transcript is not None:
        failure = _check_golden(pt, text, steps, game, update_golden)
        if failure is None and (update_golden if update_golden is not None else update_golden_requested()):
            written = str(pt.transcript_path())
    return ReplayReport(
        pt.name,
        failure is None,
        steps,
        game.scene.ending or None,
        failure,
        text,
        written,
    )


def _check_golden(
    pt: Playthrough, text: str, steps: int, game: Game, update: bool | None
) -> ReplayFailure | None:
    try:
        golden = pt.transcript_path()
    except PlaythroughError as exc:
        return ReplayFailure(steps, game.state.scene, str(exc), kind="golden")
    assert golden is not None
    if update if update is not None else update_golden_requested():
        try:
            atomic_write(golden, text.encode("utf-8"))
        except OSError as exc:
            return ReplayFailure(
                steps,
                game.state.scene,
                f"could not write the golden transcript {golden}: {exc}",
                kind="golden",
            )
        return None
    try:
        want = golden.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return ReplayFailure(
            steps,
            game.state.scene,
            f"the golden transcript {golden.name} does not exist; run with {UPDATE_ENV}=1 to create it",
            kind="golden",
        )
    except (OSError, UnicodeDecodeError) as exc:
        return ReplayFailure(
            steps, game.state.scene, f"cannot read the golden transcript {golden.name}: {exc}", kind="golden"
        )
    want = want.replace("\r\n", "\n")  # a checkout with autocrlf must not fail every golden file
    if want == text:
        return None
    diff = difflib.unified_diff(
        want.splitlines(),
        text.splitlines(),
        fromfile=f"{golden.name} (golden)",
        tofile="replayed",
        lineterm="",
    )
    lines = list(diff)
    if len(lines) > 80:
        lines = lines[:80] + [f"... ({len(lines) - 80} more diff lines)"]
    # Numbered by where the transcripts part, not by how long the replay went on after that.
    parted = first_difference_step(want, text)
    return ReplayFailure(
        parted,
        game.state.scene,
        f"the transcript differs from the golden file {golden.name} from step {parted} on "
        f"(set {UPDATE_ENV}=1 to accept the new one)",
        diff="\n".join(lines),
        kind="golden",
    )


# ------------------------------------------------------------------------------------ writing

# Conservative: characters that are never YAML indicators in a one-line plain scalar, flow context included.
_PLAIN = re.compile(r"[A-Za-z0-9_./][A-Za-z0-9_./ '()!?-]*")
_STR_TAG = "tag:yaml.org,2002:str"
_RESOLVER = yaml.resolver.Resolver()


def _plain_ok(text: str) -> bool:
    """Whether ``text`` can be written unquoted and still read back as the same string (YAML 1.1 included:
    'yes', '1.5' and '2014-01-05' must stay quoted)."""
    if not _PLAIN.fullmatch(text) or text.endswith(" ") or "  " in text or text in ("y", "Y", "n", "N"):
        return False
    tag: str = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    return tag == _STR_TAG


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if _plain_ok(text):
        return text
    # A JSON string literal with risky characters escaped is a valid YAML double-quoted scalar that reads back
    # exactly (unlike yaml.safe_dump(allow_unicode=True), which mangles U+0085).
    return jsonio.encode(text).rstrip("\n")


def _flow(value: Any) -> str:
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_scalar(k)}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return _scalar(value)


def _block(mapping: Mapping[str, Any], indent: str) -> list[str]:
    lines: list[str] = []
    for k, v in mapping.items():
        if isinstance(v, Mapping) and v:
            lines.append(f"{indent}{_scalar(k)}:")
            lines.extend(_block(v, indent + "  "))
        elif isinstance(v, (list, tuple)) and v and any(not isinstance(x, (int, bool)) for x in v):
            lines.append(f"{indent}{_scalar(k)}:")
            lines.extend(f"{indent}  - {_flow(x)}" for x in v)
        else:
            lines.append(f"{indent}{_scalar(k)}: {_flow(v)}")
    return lines


def render_playthrough(
    seed: int,
    log: Iterable[tuple[str, str] | str],
    expect: Expect | Mapping[str, Any] | None = None,
    *,
    expect_after: Mapping[int, Expect | Mapping[str, Any]] | None = None,
    scenes: str | None = None,
    story_id: str | None = None,
    transcript: str | None = None,
    comment: str | None = None,
) -> str:
    """The text ``write_playthrough`` writes (YAML that reads back exactly)."""

    def as_expect(e: Expect | Mapping[str, Any]) -> Expect:
        return e if isinstance(e, Expect) else Expect.from_mapping(e)

    after = {int(k): as_expect(v) for k, v in (expect_after or {}).items()}
    lines: list[str] = []
    for c in (comment or "").splitlines():
        lines.append(f"# {sanitize_line(c)}".rstrip())
    if story_id is not None:
        lines.append(f"story: {_scalar(story_id)}")
    if scenes is not None:
        lines.append(f"scenes: {_scalar(scenes)}")
    lines.append(f"seed: {int(seed)}")
    if transcript is not None:
        lines.append(f"transcript: {_scalar(transcript)}")
    steps = [_split(e) for e in log]
    outside = sorted(n for n in after if not 0 <= n <= len(steps))
    if outside:
        raise ValueError(f"expect_after names step {outside[0]}, but the log has {len(steps)} steps")
    body: list[str] = []
    for n in range(len(steps) + 1):
        if n in after:
            body.append(f"  - expect: {_flow(after[n].to_mapping())}")
        if n < len(steps):
            body.append(f"  - {_scalar(f'{steps[n][0]}.{steps[n][1]}')}")
    lines.append("choices:" if body else "choices: []")
    lines.extend(body)
    if expect is not None:
        mapping = as_expect(expect).to_mapping()
        if mapping:
            lines.append("expect:")
            lines.extend(_block(mapping, "  "))
    return "\n".join(lines) + "\n"


def write_playthrough(
    path: Path | str,
    seed: int,
    log: Iterable[tuple[str, str] | str],
    expect: Expect | Mapping[str, Any] | None = None,
    **options: Any,
) -> Path:
    """Write a playthrough file atomically (see ``render_playthrough`` for the options). Returns the path."""
    path = Path(path)
    atomic_write(path, render_playthrough(seed, log, expect, **options).encode("utf-8"))
    return path


def find_playthroughs(paths: Sequence[Path | str]) -> list[Path]:
    """The playthrough files named by ``paths``: files as given, folders searched for *.yaml, *.yml,
    *.json."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(
                sorted(
                    f
                    for f in p.rglob("*")
                    if f.suffix in (".yaml", ".yml", ".json")
                    and f.is_file()
                    and not any(part.startswith(".") for part in f.relative_to(p).parts)
                )
            )
        else:
            out.append(p)
    return out
