"""Reading YAML safely: size and encoding checks, a guard against pathological nesting, and composition to
position-carrying nodes. Nothing here constructs Python objects from tags; the story reader interprets scalars
by what each field expects.
"""

from __future__ import annotations

import os
import re

import yaml

from .errors import Problem

try:  # libyaml is much faster; fall back to the pure-Python parser where it is missing.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_NESTING = 64
MAX_ALIASES = 10_000

# libyaml's composer recurses in C and can crash the process on ~20,000-deep input, so such a document must never
# reach it. Cheap signs of deep nesting (flow brackets that stack up, long one-line runs of block indicators, very
# deep indentation) trigger a full event pass that measures the real depth; ordinary stories never pay for it.
_BRACKETS = re.compile(r"[^\[\]{}]+")
_BLOCK_HINT = re.compile(r"(?:[-?][ \t]+){8,}|^[ \t]{160,}\S", re.M)


def _might_nest_deeply(text: str) -> bool:
    depth = top = 0
    for ch in _BRACKETS.sub("", text):
        if ch in "[{":
            depth += 1
            if depth > top:
                top = depth
                if top > 16:
                    return True
        elif depth:
            depth -= 1
    return _BLOCK_HINT.search(text) is not None


def read_text(path: str, shown: str) -> tuple[str | None, list[Problem]]:
    """Read a file as UTF-8 text within the size limit. Returns (text, problems)."""
    try:
        size = os.stat(path).st_size
    except OSError as exc:
        return None, [Problem(shown, 0, 0, f"cannot read file: {exc.strerror or exc}")]
    if size > MAX_FILE_BYTES:
        mb = size / (1024 * 1024)
        return None, [
            Problem(shown, 0, 0, f"file is too large ({mb:.1f} MiB; the limit is {MAX_FILE_BYTES // (1024 * 1024)} MiB)")
        ]
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return None, [Problem(shown, 0, 0, f"cannot read file: {exc.strerror or exc}")]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [Problem(shown, 1, 1, "file is UTF-16 encoded; save it as UTF-8")]
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # a UTF-8 byte-order mark is harmless (editors on Windows add one)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [Problem(shown, line, col, f"file is not valid UTF-8 (byte 0x{data[exc.start]:02x}); save it as UTF-8")]
    if "\x00" in text:
        i = text.index("\x00")
        line = text.count("\n", 0, i) + 1
        return None, [Problem(shown, line, i - text.rfind("\n", 0, i), "file contains a NUL byte; is it a binary file?")]
    return text, []


def compose(text: str, shown: str) -> tuple[yaml.Node | None, list[Problem]]:
    """Compose YAML text into a node tree, or report why it cannot be read (with line and column)."""
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        return None, [Problem(shown, 1, 1, "file is empty")]
    try:
        if _might_nest_deeply(text):
            problem = _check_events(text, shown)
            if problem is not None:
                return None, [problem]
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        return None, [_from_yaml_error(exc, shown)]
    except yaml.YAMLError as exc:  # errors without a mark
        return None, [Problem(shown, 0, 0, f"YAML error: {exc}")]
    except RecursionError:
        return None, [Problem(shown, 0, 0, f"YAML is nested too deeply (limit {MAX_NESTING} levels)")]
    return node, []


def _check_events(text: str, shown: str) -> Problem | None:
    depth = 0
    aliases = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_NESTING:
                m = event.start_mark
                return Problem(shown, m.line + 1, m.column + 1, f"YAML is nested too deeply (limit {MAX_NESTING} levels)")
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_ALIASES:
                m = event.start_mark
                return Problem(shown, m.line + 1, m.column + 1, f"too many aliases (limit {MAX_ALIASES})")
    return None


_FRIENDLY = (
    ("found character '\\t' that cannot start any token", "a tab character; YAML indentation must use spaces"),
    ("mapping values are not allowed", "a ':' where YAML does not expect one; quote text that contains ': '"),
    ("found undefined alias", "an alias (*name) refers to no anchor (&name)"),
    ("expected a single document", "more than one YAML document ('---') in one file"),
    ("exceeded maximum nesting depth", f"YAML is nested too deeply (limit {MAX_NESTING} levels)"),
)


def _from_yaml_error(exc: yaml.MarkedYAMLError, shown: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    problem = (exc.problem or "").strip()
    context = (exc.context or "").strip()
    message = problem or context or "invalid YAML"
    for needle, better in _FRIENDLY:
        if needle in message:
            message = better
            break
    else:
        if context and problem:
            message = f"{problem} ({context}"
            if exc.context_mark is not None and exc.problem_mark is not None and exc.context_mark.line != exc.problem_mark.line:
                message += f" at line {exc.context_mark.line + 1}"
            message += ")"
    if mark is None:
        return Problem(shown, 0, 0, f"YAML error: {message}")
    return Problem(shown, mark.line + 1, mark.column + 1, f"YAML syntax: {message}")
