"""Records: the engine's small immutable classes, with slots, defined cheaply.

``@record`` does for a class what ``@dataclass(frozen=True, slots=True)`` does (an ``__init__`` from the annotated
fields and their defaults, equality and hashing by value, a repr, assignment refused), at a fraction of the cost of
defining it. That cost matters: a story served from the cache must be playable a few milliseconds after the
interpreter starts, and ``dataclasses`` (with the ``inspect`` machinery it imports, and several generated methods
compiled per class) took more than the rest of the engine's import together. Here nothing is compiled (no code is
made from text anywhere in the game, see SECURITY.md): each class's ``__init__`` is a closure over its slots' own
setters, so defining a class costs little, making an object costs less than a generated ``__init__`` did, and
everything else is shared.

Type checkers see records as dataclasses (``dataclass_transform``, PEP 681), so field types are checked as usual.
"""

from __future__ import annotations

from operator import attrgetter

TYPE_CHECKING = False  # (not imported from typing: a warm start does not import typing at all)
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, dataclass_transform

    _Fill = Callable[[tuple[Any, ...], dict[str, Any]], tuple[Any, ...]]
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
    in order. ``frozen=False`` allows assignment (and gives no hash). As with dataclasses, an ``__init__`` the class
    defines itself is kept. Slots the class declares itself (``__slots__``) are kept beside the fields' and are no
    fields: for what a record works out about itself on first use (set through ``object.__setattr__``)."""

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
    defaults: list[Any] = []  # per field: its default; _MISSING when it has none; its Field when a factory makes it
    compared = []
    for name in names:
        value = ns.pop(name, _MISSING)
        spec = value if isinstance(value, Field) else Field(value, _MISSING, True)
        if spec.compare:
            compared.append(name)
        if spec.default_factory is not _MISSING:
            defaults.append(spec)
        elif spec.default is not _MISSING:
            defaults.append(spec.default)
        elif defaults and defaults[-1] is not _MISSING:
            raise TypeError(f"non-default argument {name!r} follows default argument")
        else:
            defaults.append(_MISSING)
    own_init = "__init__" in ns  # as with dataclasses, a class's own __init__ is kept (see Outcome for why)
    if not own_init:
        ns["__signature__"] = _Signature(names, tuple(defaults))
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
    if not own_init:
        # Fields are stored through their slots' own setters: they get past a frozen record's __setattr__ (which
        # refuses), and cost less than object.__setattr__, which finds the slot by name first.
        setters = tuple(made.__dict__[name].__set__ for name in names)
        qualname = f"{made.__qualname__}.__init__"
        init = _init(setters, _filler(names, tuple(defaults), qualname), "__post_init__" in ns)
        init.__qualname__ = qualname  # the name Python gives in the errors it raises itself (a second 'self')
        made.__init__ = init  # type: ignore[misc]
    return made


# A record's __init__ takes its fields positionally or by name, as a function with a parameter per field would, with
# no code made at run time (no exec: see SECURITY.md). The engine gives every field positionally (a cold load makes
# tens of thousands of records, mostly of 3 to 5 fields), so that case is a length check and the stores, written out
# for up to five fields (a loop costs more than the stores). Any other call goes through fill(), which gives the
# fields' values in order, or raises the TypeError Python would for such a call.


def _init(setters: tuple[Callable[[Any, Any], None], ...], fill: _Fill, post_init: bool) -> Callable[..., None]:
    count = len(setters)
    if 1 <= count <= len(_SMALL):
        return _SMALL[count - 1](setters, fill, post_init)

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if kwargs or len(args) != count:
            args = fill(args, kwargs)
        for set_field, value in zip(setters, args):
            set_field(self, value)
        if post_init:  # as with dataclasses: called last, e.g. to tidy a field (through object.__setattr__)
            self.__post_init__()

    return __init__


def _init1(setters: tuple[Callable[[Any, Any], None], ...], fill: _Fill, post_init: bool) -> Callable[..., None]:
    (set_a,) = setters

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if kwargs or len(args) != 1:
            args = fill(args, kwargs)
        set_a(self, args[0])
        if post_init:
            self.__post_init__()

    return __init__


def _init2(setters: tuple[Callable[[Any, Any], None], ...], fill: _Fill, post_init: bool) -> Callable[..., None]:
    set_a, set_b = setters

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if kwargs or len(args) != 2:
            args = fill(args, kwargs)
        a, b = args
        set_a(self, a)
        set_b(self, b)
        if post_init:
            self.__post_init__()

    return __init__


def _init3(setters: tuple[Callable[[Any, Any], None], ...], fill: _Fill, post_init: bool) -> Callable[..., None]:
    set_a, set_b, set_c = setters

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if kwargs or len(args) != 3:
            args = fill(args, kwargs)
        a, b, c = args
        set_a(self, a)
        set_b(self, b)
        set_c(self, c)
        if post_init:
            self.__post_init__()

    return __init__


def _init4(setters: tuple[Callable[[Any, Any], None], ...], fill: _Fill, post_init: bool) -> Callable[..., None]:
    set_a, set_b, set_c, set_d = setters

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if kwargs or len(args) != 4:
            args = fill(args, kwargs)
        a, b, c, d = args
        set_a(self, a)
        set_b(self, b)
        set_c(self, c)
        set_d(self, d)
        if post_init:
            self.__post_init__()

    return __init__


def _init5(setters: tuple[Callable[[Any, Any], None], ...], fill: _Fill, post_init: bool) -> Callable[..., None]:
    set_a, set_b, set_c, set_d, set_e = setters

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if kwargs or len(args) != 5:
            args = fill(args, kwargs)
        a, b, c, d, e = args
        set_a(self, a)
        set_b(self, b)
        set_c(self, c)
        set_d(self, d)
        set_e(self, e)
        if post_init:
            self.__post_init__()

    return __init__


_SMALL = (_init1, _init2, _init3, _init4, _init5)


def _filler(names: tuple[str, ...], defaults: tuple[Any, ...], qualname: str) -> _Fill:
    """The values of a record's fields, in order, for a call that does not give each one positionally: the
    arguments, then the defaults (made afresh where a factory makes them)."""
    count = len(names)
    required = sum(d is _MISSING for d in defaults)  # the fields with no default come first
    # For each number of leading fields a call may give positionally, the defaults of the rest: a call that leaves
    # the last fields out (Template(parts)) costs a look-up more than one that gives them all.
    tails = {k: defaults[k:] for k in range(required, count)}
    plain = {k: tail for k, tail in tails.items() if not any(isinstance(d, Field) for d in tail)}
    made = {k: tail for k, tail in tails.items() if k not in plain}  # a factory makes one of their defaults
    index = {name: i for i, name in enumerate(names)}

    def fill(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
        given = len(args)
        if not kwargs:
            tail = plain.get(given)
            if tail is not None:
                return args + tail
            tail = made.get(given)
            if tail is not None:
                return args + tuple([d.default_factory() if isinstance(d, Field) else d for d in tail])
        # What Python checks, in its order: the names, then the count of positional arguments, then what is missing.
        values = [*args[:count], *[_MISSING] * (count - given)]
        for name, value in kwargs.items():
            i = index.get(name)
            if i is None:
                raise TypeError(f"{qualname}() got an unexpected keyword argument {name!r}")
            if i < given:
                raise TypeError(f"{qualname}() got multiple values for argument {name!r}")
            values[i] = value
        if given > count:  # (self counts, as Python counts it)
            takes = f"from {required + 1} to {count + 1}" if required < count else str(count + 1)
            plural = "" if takes == "1" else "s"
            raise TypeError(f"{qualname}() takes {takes} positional argument{plural} but {given + 1} were given")
        missing = [repr(names[i]) for i in range(given, required) if values[i] is _MISSING]
        if missing:
            listed = " and ".join(missing) if len(missing) < 3 else ", ".join(missing[:-1]) + ", and " + missing[-1]
            plural = "" if len(missing) == 1 else "s"
            raise TypeError(f"{qualname}() missing {len(missing)} required positional argument{plural}: {listed}")
        for i in range(required, count):
            if values[i] is _MISSING:
                default = defaults[i]
                values[i] = default.default_factory() if isinstance(default, Field) else default
        return tuple(values)

    return fill


class _Signature:
    """A record class's ``__signature__``, for ``inspect.signature`` and ``help()``: its fields as parameters, with
    their defaults (``<factory>`` where a factory makes it). Built when asked for, as ``inspect`` is slow to import;
    None on a record, so that a callable record's own signature is found as usual."""

    __slots__ = ("defaults", "names")

    def __init__(self, names: tuple[str, ...], defaults: tuple[Any, ...]) -> None:
        self.names = names
        self.defaults = defaults

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is not None:
            return None
        from inspect import Parameter, Signature

        def param(name: str, default: Any) -> Parameter:
            if default is _MISSING:
                default = Parameter.empty
            elif isinstance(default, Field):
                default = _FACTORY
            return Parameter(name, Parameter.POSITIONAL_OR_KEYWORD, default=default)

        return Signature(list(map(param, self.names, self.defaults)))


class _Factory:
    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()


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
