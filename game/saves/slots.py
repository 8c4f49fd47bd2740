"""Slot names are display names; file names are derived from them and can never leave the saves folder.

A slot name is whatever the player typed ("Before the river", "قبل النهر", "../../etc/passwd"). Its file name
is built only from lower-case ASCII letters, digits, ``_`` and ``-``, at most 51 characters (105 in the rare case
below), plus ``.json``:

* a name that already is such a word (``autosave``, ``quick_save``) is its own file name;
* anything else becomes a readable slug plus ten hex digits of a hash of the name (``My save`` ->
  ``my-save-bf87fb4dc7.json``; ``قبل النهر`` -> ``save-<hash>.json``);
* Windows' reserved device names (``con``, ``nul``, ``com1``...), and words that look like a slug with its hash
  (``my-save-bf87fb4dc7``), always get the hash, so a typed name can never take another name's file.

Ten hex digits keep file names short, but two names sharing them can be found by trying a million names. So the
store never trusts a file name alone: it checks the name stored inside the file, and a name whose file holds
another save uses ``full_file_name`` (the whole SHA-256) instead. Two different slot names never share a file.

Names that differ only in case, Unicode normal form or runs of spaces are the same slot, as a player expects.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from ..sanitize import sanitize_line

MAX_NAME_CHARS = 80
AUTOSAVE = "autosave"

_WORD = re.compile(r"[a-z0-9_][a-z0-9_-]*")
_LOOKS_HASHED = re.compile(r".*-[0-9a-f]{10}")
_NON_SLUG = re.compile(r"[^a-z0-9_]+")
_SPACES = re.compile(r"\s+")
_SLUG_CHARS = 40
_WINDOWS_RESERVED = frozenset(
    ["con", "prn", "aux", "nul", "clock$"] + [f"com{i}" for i in range(10)] + [f"lpt{i}" for i in range(10)]
)


class SlotNameError(ValueError):
    """A slot name that cannot be used (empty or too long); the message is for the player."""


def display_name(slot: str) -> str:
    """The name as it is shown and stored: control characters, escapes and bidi overrides removed, trimmed.

    Raises SlotNameError when nothing is left or the name is longer than MAX_NAME_CHARS.
    """
    if not isinstance(slot, str):
        raise SlotNameError("a save's name must be text")
    name = _SPACES.sub(" ", sanitize_line(slot)).strip()
    # Lone surrogates cannot be written as UTF-8 and show as garbage; replace them visibly.
    name = name.encode("utf-8", "surrogatepass").decode("utf-8", "replace") if _has_surrogates(name) else name
    if not name:
        raise SlotNameError("a save needs a name")
    if len(name) > MAX_NAME_CHARS:
        raise SlotNameError(
            f"a save's name can be at most {MAX_NAME_CHARS} characters (this one has {len(name)})"
        )
    return name


def _has_surrogates(text: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in text)


def slot_key(slot: str) -> str:
    """The identity of a slot: the display name in NFC, case-folded, with single spaces."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", display_name(slot)).casefold()).strip()


def file_stem(slot: str) -> str:
    """The file name (without ``.json``) for a slot. Only ``[a-z0-9_-]``; never empty, never reserved."""
    key = slot_key(slot)
    if (
        _WORD.fullmatch(key)
        and len(key) <= _SLUG_CHARS
        and key not in _WINDOWS_RESERVED
        and not _LOOKS_HASHED.fullmatch(key)
    ):
        return key
    return f"{_slug(key)}-{_digest(key)[:10]}"


def full_file_stem(slot: str) -> str:
    """The file name (without ``.json``) a slot uses when another save already holds ``file_stem(slot)``: the
    slug and the whole SHA-256 of the name (longer than any plain word, so never another slot's)."""
    key = slot_key(slot)
    return f"{_slug(key)}-{_digest(key)}"


def _slug(key: str) -> str:
    ascii_key = unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode("ascii")
    return _NON_SLUG.sub("-", ascii_key).strip("-_")[:_SLUG_CHARS].strip("-_") or "save"


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def file_name(slot: str) -> str:
    """``file_stem(slot) + '.json'``."""
    return file_stem(slot) + ".json"


def full_file_name(slot: str) -> str:
    """``full_file_stem(slot) + '.json'``."""
    return full_file_stem(slot) + ".json"
