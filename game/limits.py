"""The ranges every number the game reads must lie in: seeds, trust and variable values, play time, save times.

One place, so what the game writes always lies within what it reads back: a seed given on the command line is
checked against the same range a save's seed is (``--seed 2**70`` is refused where it is typed, not accepted,
autosaved and then refused by every load). Each reader checks its numbers where it reads them, so nothing out of
range travels on to overflow later (a float conversion, a date in another time zone, a number shown as words).

No imports from the rest of the game (argparse only when a command-line type is built), so anything may use it.
"""

from __future__ import annotations

TYPE_CHECKING = False  # (not imported from typing: a start-up that needs no typing does not pay for it)

if TYPE_CHECKING:  # datetime is imported where a time is read (saves), not by every command that takes a seed
    from collections.abc import Callable
    from datetime import datetime

# A seed: any 64-bit integer, signed or not (the widest a player or a tool is likely to copy from elsewhere).
SEED_MIN, SEED_MAX = -(2**63), 2**64 - 1
# Trust and variable values in a save or a playthrough's expectations (stories themselves allow at most 10**9).
VALUE_LIMIT = 2**63
# Play time: about 31 years of play is more than any save will hold.
MAX_PLAY_SECONDS = 10**9
# Save times, in UTC: from the Unix epoch to the end of the year 9998, so the time shown in any time zone is still a
# date a datetime can hold.
EARLIEST_YEAR, LATEST_YEAR = 1970, 9998


def seed_in_range(value: int) -> bool:
    """Whether ``value`` is a seed the game reads back from its own saves."""
    return SEED_MIN <= value <= SEED_MAX


def _bounds() -> tuple[datetime, datetime]:
    from datetime import UTC, datetime

    return datetime(EARLIEST_YEAR, 1, 1, tzinfo=UTC), datetime(LATEST_YEAR + 1, 1, 1, tzinfo=UTC)


def clamp_time(moment: datetime) -> datetime:
    """A time the saves can hold (a clock set to 1969 or beyond 9998 is pulled into range)."""
    from datetime import UTC

    earliest, latest = _bounds()
    try:
        utc = moment.astimezone(UTC)
    except (OverflowError, ValueError):
        return latest.replace(year=LATEST_YEAR) if moment.year > 5000 else earliest
    if utc < earliest:
        return earliest
    if utc >= latest:
        return latest.replace(year=LATEST_YEAR)
    return moment


def time_in_range(moment: datetime) -> bool:
    """Whether an aware ``moment`` lies within the years EARLIEST_YEAR to LATEST_YEAR once in UTC."""
    from datetime import UTC

    earliest, latest = _bounds()
    try:
        return earliest <= moment.astimezone(UTC) < latest
    except (OverflowError, ValueError):
        return False


def int_argument(low: int, high: int, what: str = "a whole number") -> Callable[[str], int]:
    """An argparse ``type=`` for a whole number within [low, high]: anything else is refused with a message
    saying the range, before the command runs (never a traceback, never a number that overflows later)."""

    def parse(text: str) -> int:
        import argparse

        stripped = text.strip().replace("_", "")
        body = stripped[1:] if stripped[:1] in "+-" else stripped
        if not body.isascii() or not body.isdigit():
            raise argparse.ArgumentTypeError(f"{what} must be a whole number from {low} to {high}, not {text[:40]!r}")
        if len(body) > 30:
            raise argparse.ArgumentTypeError(f"{what} must be from {low} to {high} (this one has {len(body)} digits)")
        value = int(stripped)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{what} must be from {low} to {high}, not {value}")
        return value

    parse.__name__ = "int"  # argparse names the type in some messages
    return parse


def seed_argument() -> Callable[[str], int]:
    """The argparse ``type=`` of every ``--seed``: a whole number a save can hold."""
    return int_argument(SEED_MIN, SEED_MAX, "a seed")
