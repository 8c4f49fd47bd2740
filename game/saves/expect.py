"""What a playthrough expects: ``Range`` (an inclusive range of whole numbers) and ``Expect`` (the scene, the
ending, trust, variables and text at one point of a playthrough), and ``screen_text``, what a player reads there.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..engine import Game
from ..limits import VALUE_LIMIT
from ..loader.errors import did_you_mean
from ..sanitize import sanitize_line
from .hints import closest_line
from .nodes import _INT, PlaythroughError, _brief, _from_python, _Node, bounded

_ID = re.compile(r"[a-z][a-z0-9_]*")
_RANGE = re.compile(r"\s*([-+]?\d+)\s*\.\.\s*([-+]?\d+)\s*")
_BOUND = re.compile(r"\s*(>=|<=|==|>|<)\s*([-+]?\d+)\s*")
_SPACES = re.compile(r"\s+")
EXPECT_KEYS = ("scene", "ending", "trust", "variables", "text", "not_text")


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
                low, high = (bounded(m.group(i), what, -VALUE_LIMIT, VALUE_LIMIT, node) for i in (1, 2))
                if low > high:
                    raise node.fail(f"{what}: the range {text!r} is empty")
                return cls(low, high)
            m = _BOUND.fullmatch(text)
            if m:
                op, n = m.group(1), bounded(m.group(2), what, -VALUE_LIMIT, VALUE_LIMIT, node)
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
        if self.scene is not None and st.scene != story.current_scene(self.scene):
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

