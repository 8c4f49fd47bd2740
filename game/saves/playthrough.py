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

This module reads one (``Playthrough.from_file``) and finds them in folders (``find_playthroughs``). The parts
live beside it: ``nodes`` (values with positions), ``expect`` (expectations), ``replay`` (``replay_playthrough``:
a ReplayReport whose failure names the step, the scene, what was expected and what happened), ``transcript``
(plain, deterministic text for golden files) and ``render`` (``write_playthrough``). Their public names are
re-exported here.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..limits import SEED_MAX, SEED_MIN
from ..loader.errors import did_you_mean
from ..loader.yamlsafe import compose
from ..sanitize import sanitize_line
from . import jsonio
from .expect import Expect, Matcher, Range, _brief, screen_text
from .nodes import PlaythroughError, _from_python, _Node, _to_python, _YamlReader
from .render import render_playthrough, write_playthrough
from .replay import ReplayFailure, ReplayReport, replay_playthrough, update_golden_requested
from .savedata import MAX_SAVE_BYTES, STORY_ID, SaveData, SaveError, decode_text, read_bytes
from .transcript import Transcript, transcript

__all__ = [
    "Expect",
    "Item",
    "Matcher",
    "Playthrough",
    "PlaythroughError",
    "Range",
    "ReplayFailure",
    "ReplayReport",
    "Step",
    "Transcript",
    "find_playthroughs",
    "render_playthrough",
    "replay_playthrough",
    "screen_text",
    "search_playthroughs",
    "transcript",
    "update_golden_requested",
    "write_playthrough",
]

_KEY = re.compile(r"([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)")
TOP_KEYS = ("seed", "scenes", "story", "transcript", "choices", "expect")
SAVE_KEYS = ("format", "version", "state", "meta")



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
                pt.seed = top["seed"].integer("seed", SEED_MIN, SEED_MAX)
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


MAX_SEARCH_ENTRIES = 100_000
MAX_SEARCH_DEPTH = 32
_SUFFIXES = (".yaml", ".yml", ".json")


def find_playthroughs(paths: Sequence[Path | str]) -> list[Path]:
    """The playthrough files named by ``paths``: files as given, folders searched for *.yaml, *.yml,
    *.json (see ``search_playthroughs``, which also says what could not be searched)."""
    return search_playthroughs(paths)[0]


def search_playthroughs(paths: Sequence[Path | str]) -> tuple[list[Path], list[tuple[str, str]]]:
    """The playthrough files named by ``paths`` and, as (path, message), what was left out and why.

    A file is taken as given. A folder is searched (hidden entries skipped, sorted), but bounded: links to folders
    are not followed, a file reached through a link that leaves the folder is left out (it could be anything on the
    machine, and a message about it would quote it; name it directly to replay it), ``/proc``, ``/sys`` and ``/dev``
    are never searched, nor is the root of the file system (``qasas replay /`` is a slip, not a request to read the
    whole machine, however few files it holds), and a folder holding more than MAX_SEARCH_ENTRIES entries is
    refused whole."""
    from ..loader.walk import system_folder, within

    out: list[Path] = []
    problems: list[tuple[str, str]] = []
    for p in map(Path, paths):
        if not p.is_dir():
            out.append(p)
            continue
        real = os.path.realpath(p)
        top = system_folder(real)
        if top is not None:
            problems.append((str(p), f"is inside {top}, a system folder; it holds no playthroughs"))
            continue
        if os.path.dirname(real) == real:
            problems.append((str(p), "is the root of the file system; name the folder that holds the playthroughs"))
            continue
        found: list[Path] = []
        budget = MAX_SEARCH_ENTRIES
        stack: list[tuple[Path, int]] = [(p, 0)]
        while stack and budget > 0:
            folder, depth = stack.pop()
            try:
                with os.scandir(folder) as it:
                    entries = []
                    for e in it:
                        budget -= 1
                        if budget < 0:
                            break
                        entries.append(e)
            except OSError as exc:
                problems.append((str(folder), f"cannot be read: {exc.strerror or exc}"))
                continue
            for e in entries:
                if e.name.startswith("."):
                    continue
                path = folder / e.name
                if e.is_dir(follow_symlinks=False):
                    if depth < MAX_SEARCH_DEPTH and system_folder(os.path.realpath(path)) is None:
                        stack.append((path, depth + 1))
                elif path.suffix in _SUFFIXES:
                    if e.is_symlink() and not within(real, os.path.realpath(path)):
                        problems.append(
                            (str(path), "a link to a file outside this folder; name the file itself to replay it")
                        )
                        continue
                    found.append(path)  # a FIFO or a device is refused, unopened, when it is read
        if budget < 0:  # an incomplete search replays nothing: which files were found would be an accident
            problems.append(
                (str(p), f"holds too many files to search (over {MAX_SEARCH_ENTRIES:,}); name a smaller folder")
            )
            continue
        out.extend(sorted(found))
    return out, problems
