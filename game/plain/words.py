"""Small helpers that turn numbers, times and text into words a listener follows: sentences that end once, counts
with their nouns, durations and dates said as a person says them, and the folding that lets a typed "kobani"
find "Kobanî". Pure functions; no I/O.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta

from ..sanitize import sanitize_line

# A sentence already ends when its last character (before closing quotes or brackets) is one of these.
_ENDS = frozenset(".!?\u2026:;")
_CLOSERS = "\"')]}\u201d\u2019\u00bb"
# Apostrophes (and the ayn and hamza marks of transliterated Arabic) vanish from words: "baker's" -> "bakers".
_APOSTROPHES = str.maketrans("", "", "'\u2019\u02bc\u02bf\u02be`")


def line(text: str) -> str:
    """One line of story or player text, safe for a terminal, with runs of spaces made one."""
    cleaned = sanitize_line(text)
    while "  " in cleaned:  # (str methods, not a regular expression: compiling one costs start-up time)
        cleaned = cleaned.replace("  ", " ")
    return cleaned.strip()


def sentence(text: str) -> str:
    """``text`` as a sentence: a full stop added unless it already ends like one ("Ready?" stays as it is)."""
    text = line(text)
    if not text:
        return ""
    core = text.rstrip(_CLOSERS)
    return text if core and core[-1] in _ENDS else text + "."


def count(n: int, noun: str, plural: str | None = None) -> str:
    """``1 choice``, ``3 choices``."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def listing(items: list[str], last: str = "and") -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(items) <= 2:
        return f" {last} ".join(items)
    return ", ".join(items[:-1]) + f" {last} " + items[-1]


def duration(seconds: float) -> str:
    """Play time as it is said: ``under a minute``, ``12 minutes``, ``1 hour and 5 minutes``."""
    minutes = int(max(0.0, seconds)) // 60
    if minutes == 0:
        return "under a minute"
    hours, minutes = divmod(minutes, 60)
    if not hours:
        return count(minutes, "minute")
    if not minutes:
        return count(hours, "hour")
    return f"{count(hours, 'hour')} and {count(minutes, 'minute')}"


def when(moment: datetime, now: datetime | None = None) -> str:
    """A save's time in local time, in words: ``today at 14:03``, ``yesterday at 09:10``, ``4 March 2026 at 14:03``."""
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    now = now or datetime.now(moment.tzinfo)
    clock = f"{moment.hour:02d}:{moment.minute:02d}"
    day = moment.date()
    if day == now.date():
        return f"today at {clock}"
    if day == (now - timedelta(days=1)).date():
        return f"yesterday at {clock}"
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year} at {clock}"


_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


def change(delta: int, after: int) -> str:
    """A trust change in words: ``up 5 to 55``, ``down 50 to 0``."""
    return f"{'up' if delta > 0 else 'down'} {abs(delta)} to {after}"


def fold(text: str) -> list[str]:
    """The words of ``text`` for matching what a player typed: case and accents folded ("Kobanî" -> "kobani"),
    apostrophes dropped ("baker's" -> "bakers"), any other punctuation a word break ("ez-Zor" -> "ez", "zor")."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return "".join(ch if ch.isalnum() else " " for ch in bare).split()


def starts_with(words: list[str], label: list[str]) -> bool:
    """Whether ``words`` are the first words of ``label``; the last may be cut short ("ask the cl")."""
    if not words or len(words) > len(label):
        return False
    *whole, last = words
    return label[: len(whole)] == whole and label[len(whole)].startswith(last)


def quote(text: str, limit: int = 40) -> str:
    """What a player typed, quoted in a reply: one line, cut to ``limit`` characters."""
    shown = line(text)
    if len(shown) > limit:
        shown = shown[: limit - 3].rstrip() + "..."
    return f"\u201c{shown}\u201d"
