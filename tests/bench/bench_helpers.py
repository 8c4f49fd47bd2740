"""Helpers shared by the bench tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from game.engine.records import fields, is_record

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "fixtures" / "tiny"
RICH = ROOT / "tests" / "fixtures" / "rich"  # every form of the format


def as_data(value: Any) -> Any:
    """A value as plain data, field by field, for comparing two loads of a story. A compiled condition's closure
    cannot be compared, so it is left out here; the tests compare how the stories play instead."""
    if is_record(value):
        named = [(name, getattr(value, name)) for name in fields(value)]
        kept = [(name, as_data(v)) for name, v in named if isinstance(v, type) or not callable(v)]
        return (type(value).__name__, kept)
    if isinstance(value, dict):  # as a list of pairs: the order of scenes, chapters and factions counts
        return [(k, as_data(v)) for k, v in value.items()]
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # a named tuple (Pos), field by field
        return (type(value).__name__, [(name, as_data(getattr(value, name))) for name in value._fields])
    if isinstance(value, (list, tuple)):
        return type(value)(as_data(v) for v in value)
    return value
