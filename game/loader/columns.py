"""Reading the story cache's columns back: a whole table of model objects built at once, and the integer
block's columns and groups, each checked as it is read (see ``codec`` for the format)."""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from itertools import chain, groupby, islice, repeat

from ..engine.records import fields

TYPE_CHECKING = False  # (not imported from typing: a warm start does not import typing at all)
if TYPE_CHECKING:
    from typing import Any, TypeVar

    _T = TypeVar("_T")


class CacheMiss(Exception):
    """The cache cannot serve this story (absent, stale, corrupt or unexpected); load it from YAML."""


# -------------------------------------------------------------------------------------------- decoding
#
# Rebuilding 10,000 scenes makes about 250,000 model objects, and making them is most of a warm load. A frozen
# dataclass's __init__ assigns each field through object.__setattr__, a Python call per object and then some. Here
# a whole table's objects are made at once, field by field: map() sets one field on every object through the
# field's slot descriptor, a loop that stays in C. The objects are the very same (the tests compare a warm story
# with a cold one field by field, and play them side by side); they are built in half the time.


def _build(cls: type[_T], count: int, **columns: Sequence[Any]) -> list[_T]:
    """``count`` new instances of a record class, each field set from its column (all of them)."""
    names = fields(cls)
    if columns.keys() != set(names):
        raise CacheMiss(f"the cache does not describe {cls.__name__} as the model does")
    objects: list[_T] = list(map(object.__new__, repeat(cls, count)))
    for name in names:
        values = columns[name]
        if len(values) != count:
            raise CacheMiss(f"{cls.__name__}.{name}: {len(values)} values for {count} objects")
        deque(map(getattr(cls, name).__set__, objects, values), maxlen=0)
    return objects


def _types_ok(values: Sequence[Any], allowed: tuple[type, ...]) -> bool:
    return set(map(type, values)) <= set(allowed)


class _Tables:
    """The entry's tables, checked for their columns and for equal lengths; a column is read when asked for."""

    def __init__(self, data: dict[str, Any], numbers: Sequence[int], tables: dict[str, dict[str, str]]) -> None:
        raw = data["tables"]
        if type(raw) is not dict or raw.keys() != tables.keys():
            raise CacheMiss("unexpected tables")
        for name, spec in tables.items():
            columns = raw[name]
            if type(columns) is not dict or columns.keys() != spec.keys():
                raise CacheMiss(f"table {name!r} has unexpected columns")
            lengths = set()
            for where in columns.values():
                if type(where) is not list or len(where) not in (2, 3) or not _types_ok(where, (int,)):
                    raise CacheMiss(f"table {name!r} has a column of an unknown shape")
                lengths.add(where[-1])
            if len(lengths) != 1:
                raise CacheMiss(f"the columns of table {name!r} differ in length")
        self._raw, self._numbers = raw, numbers

    def length(self, table: str) -> int:
        return next(iter(self._raw[table].values()))[-1]  # type: ignore[no-any-return]

    def __call__(self, table: str, column: str, lookup: Sequence[_T] | None = None) -> Sequence[Any]:
        """A column's numbers; with ``lookup``, the item of ``lookup`` each number picks (for a text column, pass
        the texts). A column of runs looks each run's value up once."""
        where = self._raw[table][column]
        if len(where) == 2:
            rows = _block(self._numbers, *where)
            return rows if lookup is None else _refs(lookup, rows)
        start, runs, length = where
        values: Sequence[Any] = _block(self._numbers, start, runs)
        counts = _block(self._numbers, start + runs, runs)
        if sum(counts) != length or (runs and min(counts) < 0):
            raise CacheMiss("runs that do not add up")
        if lookup is not None:
            values = _refs(lookup, values)
        return list(chain.from_iterable(map(repeat, values, counts)))


def _block(numbers: Sequence[int], start: int, length: int) -> Sequence[int]:
    """``length`` numbers of the integer block from ``start`` (a view: compact, and iterated only once or twice,
    so its numbers need not all exist as Python objects at once)."""
    if not 0 <= start <= start + length <= len(numbers):
        raise CacheMiss("a column outside the integer block")
    return numbers[start : start + length]


def _groups(items: Sequence[_T], counts: Sequence[int]) -> list[tuple[_T, ...]]:
    """Split ``items`` into consecutive tuples of the given sizes (which must use every item exactly once)."""
    if sum(counts) != len(items):  # (a negative size makes islice() raise ValueError: a miss too)
        raise CacheMiss("children do not add up")
    # Runs of equal sizes (most choices have one route) are cut in one go: zip() over k references to one
    # iterator takes k consecutive items per tuple.
    out: list[tuple[_T, ...]] = []
    it = iter(items)
    for size, run in groupby(counts):
        n = len(list(run))  # (counted in C: a generator here cost a tenth of a warm load)
        if size == 0:
            out.extend([()] * n)
        else:
            chunk = islice(it, n * size)
            out.extend(zip(*[chunk] * size))
    return out


def _refs(items: Sequence[_T], rows: Sequence[int]) -> list[_T]:
    """The item of each row: IndexError (a miss) for a row past the end. An entry's rows are never negative
    except the -1 of an optional reference (give a list ending with what -1 means); a negative row could only come
    from a forged entry, which the MAC keeps out, and could only pick another item, never break the engine, so the
    columns are not walked to look for one (min() over each column would cost a tenth of the whole load)."""
    return list(map(items.__getitem__, rows))
