"""Writing playthrough files: YAML that reads back exactly (``render_playthrough``, ``write_playthrough``)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from ..sanitize import sanitize_line
from . import jsonio
from .atomic import atomic_write
from .expect import Expect
from .transcript import _split

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

