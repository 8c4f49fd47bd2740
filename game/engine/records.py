"""Records: the engine's small immutable classes, with slots, defined cheaply.

``@record`` does for a class what ``@dataclass(frozen=True, slots=True)`` does (an ``__init__`` from the annotated
fields and their defaults, equality and hashing by value, a repr, assignment refused), at a fraction of the cost of
defining it. That cost matters: a story served from the cache must be playable a few milliseconds after the
interpreter starts, and ``dataclasses`` (with the ``inspect`` machinery it imports, and several generated methods
compiled per class) took more than the rest of the engine's import together. Here one small ``__init__`` is
compiled per class, so making objects stays as fast as with dataclasses, and everything else is shared.

Type checkers see records as dataclasses (``dataclass_transform``, PEP 681), so field types are checked as usual.
"""

from __future__ import annotations

from operator import attrgetter

TYPE_CHECKING = False  # (not imported from typing: a warm start does not import typing at all)
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, dataclass_transform
else:

    def dataclass_transform(**_kwargs):  # type: ignore[no-redef]
        return lambda f: f


_MISSING = object()
_FIELDS = "__record_fields__"


class Field:
    """What ``field()`` declares: a default made by ``default_factory`` (a fresh one per object), or a field left
    out of equality (``compare=False``)."""

    __slots__ = ("compare", "default", "default_factory")

    def __init__(self, default: Any, default_factory: Any, compare: bool) -> None:
        self.default = default
        self.default_factory = default_factory
        self.compare = compare


def field(*, default: Any = _MISSING, default_factory: Any = _MISSING, compare: bool = True) -> Any:
    """A field's default made fresh for each object (``default_factory=dict``), or one left out of equality."""
    return Field(default, default_factory, compare)


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def record(cls: Any = None, /, *, frozen: bool = True, order: bool = False) -> Any:
    """Make ``cls`` a record: slots for its annotated fields, an ``__init__`` taking them in order (with their
    defaults), value equality and hashing (frozen records), a repr, and (``order=True``) ordering by the fields
    in order. ``frozen=False`` allows assignment (and gives no hash)."""

    def wrap(cls: Any) -> Any:
        return _make(cls, frozen, order)

    return wrap if cls is None else wrap(cls)


def _make(cls: type, frozen: bool, order: bool) -> type:
    names = tuple(cls.__dict__.get("__annotations__", {}))  # noqa: RUF063 - inspect would cost more than it saves
    ns = {k: v for k, v in cls.__dict__.items() if k not in ("__dict__", "__weakref__")}
    # Slots the class declares itself are kept besides the fields': not fields (not compared, shown, made by
    # __init__ or copied by replace), for what a record works out about itself on first use.
    own = ns.pop("__slots__", ())
    own = (own,) if isinstance(own, str) else tuple(own)
    for name in own:
        ns.pop(name, None)  # the class statement's slot descriptor; the record's class makes its own
    env: dict[str, Any] = {"_set": object.__setattr__, "_MISSING": _MISSING}
    params, lines, compared = [], [], []
    for name in names:
        value = ns.pop(name, _MISSING)
        spec = value if isinstance(value, Field) else Field(value, _MISSING, True)
        if spec.compare:
            compared.append(name)
        if spec.default_factory is not _MISSING:
            env[f"_f_{name}"] = spec.default_factory
            params.append(f"{name}=_MISSING")
            lines.append(f"    if {name} is _MISSING: {name} = _f_{name}()")
        elif spec.default is not _MISSING:
            env[f"_d_{name}"] = spec.default
            params.append(f"{name}=_d_{name}")
        else:
            params.append(name)
        lines.append(f"    _set(self, {name!r}, {name})" if frozen else f"    self.{name} = {name}")
    if "__post_init__" in ns:  # as with dataclasses: called last, e.g. to tidy a field (through object.__setattr__)
        lines.append("    self.__post_init__()")
    source = f"def __init__(self, {', '.join(params)}):\n" + ("\n".join(lines) or "    pass") + "\n"
    exec(source, env)  # noqa: S102 - our own field names, checked to be identifiers by the class statement
    ns["__init__"] = env["__init__"]
    ns["__slots__"] = names + own
    ns["__match_args__"] = names
    ns[_FIELDS] = names
    key = _getter(tuple(compared))
    ns["__eq__"] = _eq(key)
    ns["__hash__"] = _hash(key) if frozen else None
    if "__repr__" not in ns:
        ns["__repr__"] = _repr(names)
    if frozen:
        ns["__setattr__"] = _refuse
        ns["__delattr__"] = _refuse
    if order:
        for op in ("__lt__", "__le__", "__gt__", "__ge__"):
            ns[op] = _compare(key, op)
    made = type(cls)(cls.__name__, cls.__bases__, ns)
    made.__qualname__ = cls.__qualname__
    return made


def _getter(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    if not names:
        return lambda obj: ()
    if len(names) == 1:
        one = attrgetter(names[0])
        return lambda obj: (one(obj),)
    return attrgetter(*names)  # type: ignore[return-value]


def _eq(key: Callable[[Any], tuple[Any, ...]]) -> Callable[[Any, Any], Any]:
    def __eq__(self: Any, other: Any) -> Any:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return key(self) == key(other)

    return __eq__


def _hash(key: Callable[[Any], tuple[Any, ...]]) -> Callable[[Any], int]:
    return lambda self: hash(key(self))


def _repr(names: tuple[str, ...]) -> Callable[[Any], str]:
    def __repr__(self: Any) -> str:
        inside = ", ".join(f"{n}={getattr(self, n)!r}" for n in names)
        return f"{self.__class__.__qualname__}({inside})"

    return __repr__


def _refuse(self: Any, name: str, value: Any = None) -> None:
    raise AttributeError(f"cannot assign to field {name!r} of a {self.__class__.__name__}: it is immutable")


def _compare(key: Callable[[Any], tuple[Any, ...]], op: str) -> Callable[[Any, Any], Any]:
    test = getattr(tuple, op)

    def compare(self: Any, other: Any) -> Any:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return test(key(self), key(other))

    compare.__name__ = op
    return compare


def fields(cls_or_record: Any) -> tuple[str, ...]:
    """The field names of a record class (or of a record), in order."""
    return getattr(cls_or_record, _FIELDS)  # type: ignore[no-any-return]


def is_record(value: Any) -> bool:
    """True for a record (not a record class)."""
    return hasattr(type(value), _FIELDS) and not isinstance(value, type)


def replace(obj: Any, **changes: Any) -> Any:
    """A copy of the record ``obj`` with some fields changed."""
    values = {name: getattr(obj, name) for name in fields(obj)}
    values.update(changes)
    return type(obj)(**values)
