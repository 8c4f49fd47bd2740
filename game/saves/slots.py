"""Slot names are display names; file names are derived from them and can never leave the saves folder.

A slot name is whatever the player typed ("Before the river", "قبل النهر", "../../etc/passwd"). Its file name
is built only from lower-case ASCII letters, digits, ``_`` and ``-``, at most 56 characters, plus ``.json``:

* a name that already is such a word (``autosave``, ``quick_save``) is its own file name;
* anything else becomes a readable slug plus ten hex digits of a hash of the name, so two names never
  share a file (``My save`` -> ``my-save-bf87fb4dc7.json``; ``قبل النهر`` -> ``save-<hash>.json``);
* Windows' reserved device names (``con``, ``nul``, ``com1``...) always get the hash.

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
    if _WORD.fullmatch(key) and len(key) <= _SLUG_CHARS and key not in _WINDOWS_RESERVED:
        return key
    ascii_key = unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode("ascii")
    slug = _NON_SLUG.sub("-", ascii_key).strip("-_")[:_SLUG_CHARS].strip("-_") or "save"
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:10]
    return f"{slug}-{digest}"


def file_name(slot: str) -> str:
    """``file_stem(slot) + '.json'``."""
    return file_stem(slot) + ".json"
