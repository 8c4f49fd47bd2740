"""What a story file expects at the cursor, for completion: a scene id after ``goto:``, a name in a condition or in
``{...}`` text, a choice after ``chose(scene.``, a faction under ``trust:``...

Completion is asked for while a line is half typed, when the file is often not valid YAML, so this reads the
lines around the cursor (the key on the line, the key a block belongs to) rather than the composed YAML. It
knows the story format's keys; it is here, in the loader, because it is knowledge of how a story is written.
"""

from __future__ import annotations

import re
from typing import NamedTuple


class Expected(NamedTuple):
    """What fits at the cursor. ``kind``: ``scene``, ``choice``, ``name`` (a variable or faction), ``faction``,
    ``variable``, ``number`` (an int variable), ``faction_name`` (one of ``owner``'s names), ``chapter``,
    ``location``, ``ending``, ``routes`` or ``form`` (a number form). ``prefix`` is what is typed of it so far,
    starting at 1-based ``column``. ``owner``: the scene of a choice, the faction of a name. ``condition``: the
    cursor is in a condition (keywords and functions fit too); ``span``: in ``{...}`` text (span kinds fit too).
    """

    kind: str
    prefix: str
    column: int
    owner: str = ""
    condition: bool = False
    span: bool = False


_TEXT_KEYS = "text|title|label|place|date|reason|result|name|description"
_VALUE_KEYS = {"goto": "scene", "to": "scene", "start": "scene", "chapter": "chapter", "location": "location",
               "ending": "ending", "use": "routes"}
_EFFECT_KINDS = {"trust": "faction", "fair": "faction", "rename": "faction", "set": "variable", "add": "number"}

_KEY_LINE = re.compile(r"^(\s*)(?:-\s+)*([A-Za-z_][A-Za-z0-9_]*)\s*:(.*)$")
_TEXT_KEY = re.compile(rf"(?:^|[\s{{,])(?:{_TEXT_KEYS})\s*:\s")
_COND_KEY = re.compile(r"(?:^|[\s{,])(?:if|requires)\s*:\s*")
_VALUE_KEY = re.compile(r"(?:^|[\s{,\[])(goto|to|start|chapter|location|ending|use)\s*:\s*[\"']?([a-z0-9_]*)$")
_FLOW_EFFECT = re.compile(r"(trust|fair|set|add|rename)\s*:\s*\{([^{}]*)$")
_WORD_END = re.compile(r"[A-Za-z_][A-Za-z0-9_]*$")
_NEXT_KEY = re.compile(r",\s*[A-Za-z_][A-Za-z0-9_]*\s*:")


def expected_at(text: str, line: int, column: int) -> Expected | None:
    """What fits at 1-based (``line``, ``column``) of a story file's ``text`` (None: nothing the story names)."""
    lines = text.split("\n")
    if not 1 <= line <= len(lines):
        return None
    before = lines[line - 1][: max(column - 1, 0)].rstrip("\r")
    if before.lstrip().startswith("#"):
        return None
    brace = _open_brace(before)
    if brace >= 0 and _in_text(lines, line - 1, before[:brace]):
        return _in_braces(before, brace)
    cond = _condition_text(before)
    if cond is not None:
        return _in_condition(cond, len(before))
    m = _VALUE_KEY.search(before)
    if m:
        return Expected(_VALUE_KEYS[m.group(1)], m.group(2), len(before) - len(m.group(2)) + 1)
    return _effect_target(lines, line - 1, before)


# ---------------------------------------------------------------------------------------------- text


def _open_brace(before: str) -> int:
    """The position of the innermost '{' not yet closed before the cursor (-1: none). ``{{`` is a literal."""
    stack: list[int] = []
    i = 0
    while i < len(before):
        ch = before[i]
        if ch == "{":
            if before.startswith("{{", i) and not stack:
                i += 2
                continue
            stack.append(i)
        elif ch == "}" and stack:
            stack.pop()
        i += 1
    return stack[-1] if stack else -1


def _in_text(lines: list[str], row: int, before_brace: str) -> bool:
    """True when the brace is in text a player reads, not a YAML flow mapping: a text key comes before it on the
    line (and no other key after that), or the line continues a text value begun above (a block, or plain text
    over several lines, perhaps an item of a ``text:`` list)."""
    end = _last(_TEXT_KEY, before_brace)
    if end:
        return not _NEXT_KEY.search(before_brace[end:])
    here = lines[row]
    if _KEY_LINE.match(here) or here.lstrip().startswith(("{", "- {", "[")):
        return False
    indent = len(here) - len(here.lstrip())
    for r in range(row - 1, -1, -1):
        above = lines[r]
        depth = len(above) - len(above.lstrip())
        if not above.strip() or depth >= indent:
            continue
        m = _KEY_LINE.match(above)
        if m is not None:
            return m.group(2) in _TEXT_KEYS.split("|")
        if not above.lstrip().startswith("-"):
            return False
        indent = depth  # an item of a list ('- |', '- plain text'): the list's key decides
    return False


def _last(pattern: re.Pattern[str], text: str) -> int:
    end = 0
    for m in pattern.finditer(text):
        end = m.end()
    return end


def _in_braces(before: str, brace: int) -> Expected | None:
    inside = before[brace + 1 :]
    m = re.match(r"\s*if\s+([^:{}|]*)$", inside)
    if m:
        return _in_condition(m.group(1), len(before))
    m = re.match(r"\s*([A-Za-z_][A-Za-z0-9_]*)?$", inside)
    if m:
        prefix = m.group(1) or ""
        return Expected("name", prefix, len(before) - len(prefix) + 1, span=True)
    m = re.match(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([A-Za-z]*)$", inside)
    if m and m.group(1) not in ("if", "seq", "cycle", "once", "shuffle", "em"):
        return Expected("form", m.group(2), len(before) - len(m.group(2)) + 1, owner=m.group(1))
    return None


# ------------------------------------------------------------------------------------------ conditions


def _condition_text(before: str) -> str | None:
    """The condition typed so far, when the cursor is in the value of ``if:`` or ``requires:``."""
    end = _last(_COND_KEY, before)
    if not end:
        return None
    cond = before[end:]
    if _NEXT_KEY.search(cond) or cond.count('"') > 1 or cond.count("'") > 1:
        return None
    return cond.lstrip("\"'")


def _in_condition(cond: str, column: int) -> Expected | None:
    """``column``: the cursor's 0-based column, where ``cond`` ends."""
    m = re.search(r"visited\(\s*([a-z0-9_]*)$", cond)
    if m:
        return Expected("scene", m.group(1), column - len(m.group(1)) + 1, condition=True)
    m = re.search(r"chose\(\s*([a-z0-9_]+)\.([a-z0-9_]*)$", cond)
    if m:
        return Expected("choice", m.group(2), column - len(m.group(2)) + 1, owner=m.group(1), condition=True)
    m = re.search(r"chose\(\s*([a-z0-9_]*)$", cond)
    if m:
        return Expected("scene", m.group(1), column - len(m.group(1)) + 1, condition=True)
    m = _WORD_END.search(cond)
    prefix = m.group() if m else ""
    head = cond[: len(cond) - len(prefix)].rstrip()
    if head and head[-1].isalnum() and not head.endswith(("and", "or", "not")):
        return None  # after a complete operand: an operator comes next, not a name
    return Expected("name", prefix, column - len(prefix) + 1, condition=True)


# -------------------------------------------------------------------------------------------- effects


def _effect_target(lines: list[str], row: int, before: str) -> Expected | None:
    m = _FLOW_EFFECT.search(before)
    if m:
        segment = re.split(r"[{,]", m.group(2))[-1]
        if ":" not in segment:
            prefix = segment.strip()
            return Expected(_EFFECT_KINDS[m.group(1)], prefix, len(before) - len(prefix) + 1)
        if m.group(1) == "rename":
            owner, _, typed = segment.partition(":")
            typed = typed.strip()
            return Expected("faction_name", typed, len(before) - len(typed) + 1, owner=owner.strip())
        return None
    m = re.fullmatch(r"(\s*)([a-z0-9_]*)", before)
    if m is None:
        m2 = re.fullmatch(r"(\s*)([a-z0-9_]+)\s*:\s*([a-z0-9_]*)", before)
        if m2 is None:
            return None
        parent = _parent_key(lines, row, len(m2.group(1)))
        if parent == "rename":
            return Expected("faction_name", m2.group(3), len(before) - len(m2.group(3)) + 1, owner=m2.group(2))
        return None
    parent = _parent_key(lines, row, len(m.group(1)))
    if parent in _EFFECT_KINDS:
        return Expected(_EFFECT_KINDS[parent], m.group(2), len(m.group(1)) + 1)
    return None


def _parent_key(lines: list[str], row: int, indent: int) -> str:
    """The key of the nearest line above that is indented less than ``indent`` ('' if it is none)."""
    for r in range(row - 1, -1, -1):
        above = lines[r]
        if not above.strip() or above.lstrip().startswith("#"):
            continue
        if len(above) - len(above.lstrip()) < indent:
            m = _KEY_LINE.match(above)
            return m.group(2) if m and not m.group(3).strip() else ""
    return ""


__all__ = ["Expected", "expected_at"]
