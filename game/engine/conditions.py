"""The condition language: a small, bounded expression language parsed by our own Pratt parser.

Grammar (lowest to highest precedence)::

    expr    := or
    or      := and ('or' and)*
    and     := not ('and' not)*
    not     := 'not' not | compare
    compare := sum (('=='|'!='|'<'|'<='|'>'|'>=') sum)?
    sum     := unary (('+'|'-') unary)*
    unary   := '-' unary | atom
    atom    := INT | 'true' | 'false' | NAME | NAME '(' ARG ')' | ('min'|'max') '(' sum ',' sum ')' | '(' expr ')'

Expressions are parsed once, type-checked against the story's names, and compiled into closures over a
``values`` list (factions' trust and variables by slot), a ``visited`` set and a ``chosen`` set. Nothing is ever
passed to ``eval``.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping

from .records import record

MAX_LENGTH = 500
MAX_DEPTH = 32
MAX_INT = 10**9

Value = int | bool


class ConditionError(Exception):
    """A problem in a condition; ``column`` is 1-based inside the expression text; ``name`` is the unknown name
    (or scene, or choice) when that is the problem."""

    def __init__(self, message: str, column: int, name: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.column = column
        self.name = name


# ---------------------------------------------------------------------------------------------- AST


@record
class Num:
    value: int
    col: int


@record
class Bool:
    value: bool
    col: int


@record
class Name:
    name: str
    col: int


@record
class Call:
    func: str  # 'visited' or 'chose'
    arg: str  # 'scene' or 'scene.choice'
    col: int
    arg_col: int


@record
class Func:
    """``min(a, b)`` or ``max(a, b)``: a number from two numbers."""

    func: str  # 'min' or 'max'
    args: tuple[Node, ...]
    col: int


@record
class Unary:
    op: str  # 'not' or '-'
    operand: Node
    col: int


@record
class Binary:
    op: str
    left: Node
    right: Node
    col: int


Node = Num | Bool | Name | Call | Func | Unary | Binary

COMPARISONS = ("==", "!=", "<", "<=", ">", ">=")
FUNCTIONS = ("visited", "chose")  # take an id
NUMBER_FUNCTIONS = ("min", "max")  # take two numbers
KEYWORDS = ("and", "or", "not", "true", "false")

# ------------------------------------------------------------------------------------------- lexer

_TOKEN = re.compile(
    r"(?P<ws>\s+)|(?P<int>[0-9]+)|(?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)"
    r"|(?P<op>==|!=|<=|>=|<|>|\+|-|\(|\)|,)"
)


@record
class Token:
    kind: str  # 'int', 'name', 'op', 'end'
    text: str
    col: int


def tokenize(source: str) -> list[Token]:
    """Split ``source`` into tokens; raise ConditionError at the first character that fits no token."""
    tokens: list[Token] = []
    pos = 0
    n = len(source)
    while pos < n:
        m = _TOKEN.match(source, pos)
        if m is None:
            ch = source[pos]
            hint = ""
            if ch == "=":
                hint = " (use == to compare)"
            elif ch == "!":
                hint = " (use 'not')"
            elif ch in "&|":
                hint = " (use 'and' / 'or')"
            raise ConditionError(f"unexpected character {ch!r}{hint}", pos + 1)
        kind = m.lastgroup or ""
        if kind != "ws":
            tokens.append(Token(kind, m.group(), pos + 1))
        pos = m.end()
    tokens.append(Token("end", "", n + 1))
    return tokens


# ------------------------------------------------------------------------------------------ parser

_BINARY_POWER = {"or": 1, "and": 2, **{op: 4 for op in COMPARISONS}, "+": 5, "-": 5}


class _Parser:
    def __init__(self, source: str) -> None:
        self.tokens = tokenize(source)
        self.i = 0
        self.depth = 0

    def peek(self) -> Token:
        return self.tokens[self.i]

    def advance(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def expect(self, text: str) -> Token:
        tok = self.peek()
        if tok.text != text or tok.kind not in ("op", "name"):
            raise ConditionError(f"expected {text!r}, found {_describe(tok)}", tok.col)
        return self.advance()

    def parse(self) -> Node:
        node = self.expr(0)
        tok = self.peek()
        if tok.kind != "end":
            raise ConditionError(f"unexpected {_describe(tok)}", tok.col)
        return node

    def expr(self, min_power: int) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ConditionError(f"expression is nested too deeply (limit {MAX_DEPTH})", self.peek().col)
        left = self.prefix()
        while True:
            tok = self.peek()
            power = _BINARY_POWER.get(tok.text) if tok.kind in ("op", "name") else None
            if power is None or power <= min_power:
                break
            self.advance()
            right = self.expr(power)
            if tok.text in COMPARISONS and self.peek().text in COMPARISONS:
                nxt = self.peek()
                raise ConditionError("comparisons cannot be chained; join them with 'and'", nxt.col)
            left = Binary(tok.text, left, right, tok.col)
        self.depth -= 1
        return left

    def prefix(self) -> Node:
        tok = self.advance()
        if tok.kind == "int":
            value = int(tok.text) if len(tok.text) <= 10 else MAX_INT + 1
            if value > MAX_INT:
                raise ConditionError(f"number is too large (limit {MAX_INT})", tok.col)
            return Num(value, tok.col)
        if tok.kind == "name":
            if tok.text == "true":
                return Bool(True, tok.col)
            if tok.text == "false":
                return Bool(False, tok.col)
            if tok.text == "not":
                return Unary("not", self.expr(3), tok.col)
            if tok.text in ("and", "or"):
                raise ConditionError(f"'{tok.text}' needs something on its left", tok.col)
            if self.peek().text == "(" and self.peek().kind == "op":
                return self.call(tok)
            if "." in tok.text:
                raise ConditionError(f"unknown name {tok.text!r} ('scene.choice' is only used inside chose())", tok.col)
            return Name(tok.text, tok.col)
        if tok.text == "(":
            node = self.expr(0)
            self.expect(")")
            return node
        if tok.text == "-":
            return Unary("-", self.expr(6), tok.col)
        if tok.kind == "end":
            raise ConditionError("expression ends too early", tok.col)
        raise ConditionError(f"unexpected {_describe(tok)}", tok.col)

    def call(self, func: Token) -> Node:
        if func.text in NUMBER_FUNCTIONS:
            return self.number_call(func)
        if func.text not in FUNCTIONS:
            hint = " (the functions are visited(), chose(), min() and max())"
            raise ConditionError(f"unknown function {func.text!r}{hint}", func.col)
        self.expect("(")
        arg = self.advance()
        if arg.kind != "name" or arg.text in KEYWORDS:
            raise ConditionError(f"{func.text}() takes a scene id, found {_describe(arg)}", arg.col)
        if func.text == "chose" and "." not in arg.text:
            raise ConditionError("chose() takes scene_id.choice_id", arg.col)
        if func.text == "visited" and "." in arg.text:
            raise ConditionError("visited() takes a scene id (use chose() for scene.choice)", arg.col)
        self.expect(")")
        return Call(func.text, arg.text, func.col, arg.col)

    def number_call(self, func: Token) -> Node:
        self.expect("(")
        args = [self.expr(4)]  # above the comparisons: an argument is a number, not a test
        while self.peek().text == "," and self.peek().kind == "op":
            self.advance()
            args.append(self.expr(4))
        if len(args) != 2:
            raise ConditionError(f"{func.text}() takes two numbers, found {len(args)}", func.col)
        self.expect(")")
        return Func(func.text, tuple(args), func.col)


def _describe(tok: Token) -> str:
    return "end of expression" if tok.kind == "end" else repr(tok.text)


def parse(source: str) -> Node:
    """Parse a condition into an AST, raising ConditionError with a 1-based column."""
    if len(source) > MAX_LENGTH:
        raise ConditionError(f"condition is too long ({len(source)} characters, limit {MAX_LENGTH})", MAX_LENGTH + 1)
    if not source.strip():
        raise ConditionError("condition is empty", 1)
    return _Parser(source).parse()


def to_source(node: Node) -> str:
    """Render an AST back to source text, fully parenthesised where precedence needs it."""
    if isinstance(node, Num):
        return str(node.value)
    if isinstance(node, Bool):
        return "true" if node.value else "false"
    if isinstance(node, Name):
        return node.name
    if isinstance(node, Call):
        return f"{node.func}({node.arg})"
    if isinstance(node, Func):
        return f"{node.func}({', '.join(map(to_source, node.args))})"
    if isinstance(node, Unary):
        inner = to_source(node.operand)
        if not isinstance(node.operand, (Num, Bool, Name, Call, Func)):
            inner = f"({inner})"
        # Parenthesise the whole unary: 'not a == b' would otherwise read back as 'not (a == b)'.
        return f"(not {inner})" if node.op == "not" else f"(-{inner})"
    return f"({to_source(node.left)} {node.op} {to_source(node.right)})"


# ----------------------------------------------------------------------------------- type checking


@record
class Names:
    """What a condition may refer to: slot and type of each name, and the story's scenes and choices."""

    slots: Mapping[str, int]
    types: Mapping[str, type]  # int or bool
    scenes: frozenset[str]
    choices: frozenset[str]  # 'scene.choice'
    suggest: Callable[[str, list[str]], str | None] | None = None


def check(node: Node, names: Names) -> type:
    """Return the type of ``node`` (int or bool) or raise ConditionError for unknown names and type errors."""
    if isinstance(node, Num):
        return int
    if isinstance(node, Bool):
        return bool
    if isinstance(node, Name):
        if node.name not in names.types:
            hint = _hint(node.name, list(names.types), names)
            raise ConditionError(f"unknown name {node.name!r}{hint}", node.col, node.name)
        return names.types[node.name]
    if isinstance(node, Call):
        pool = names.scenes if node.func == "visited" else names.choices
        if node.arg not in pool:
            what = "scene" if node.func == "visited" else "choice"
            hint = _hint(node.arg, sorted(pool), names)
            raise ConditionError(f"unknown {what} {node.arg!r}{hint}", node.arg_col, node.arg)
        return bool
    if isinstance(node, Func):
        for arg in node.args:
            t = check(arg, names)
            if t is not int:
                raise ConditionError(f"{node.func}() takes numbers, not {_tname(t)}", _col(arg))
        return int
    if isinstance(node, Unary):
        t = check(node.operand, names)
        want = bool if node.op == "not" else int
        if t is not want:
            raise ConditionError(f"'{node.op}' needs {_tname(want)}, not {_tname(t)}", node.col)
        return want
    lt = check(node.left, names)
    rt = check(node.right, names)
    if node.op in ("and", "or"):
        for side, t in ((node.left, lt), (node.right, rt)):
            if t is not bool:
                raise ConditionError(f"'{node.op}' needs true/false on both sides, not {_tname(t)}", _col(side))
        return bool
    if node.op in ("+", "-"):
        for side, t in ((node.left, lt), (node.right, rt)):
            if t is not int:
                raise ConditionError(f"'{node.op}' needs numbers, not {_tname(t)}", _col(side))
        return int
    if node.op in ("==", "!="):
        if lt is not rt:
            raise ConditionError(f"cannot compare {_tname(lt)} with {_tname(rt)}", node.col)
        return bool
    for side, t in ((node.left, lt), (node.right, rt)):
        if t is not int:
            raise ConditionError(f"'{node.op}' compares numbers, not {_tname(t)}", _col(side))
    return bool


def _col(node: Node) -> int:
    if isinstance(node, Binary):
        return _col(node.left)
    return node.col


def _tname(t: type) -> str:
    return "a number" if t is int else "true/false"


def _hint(name: str, pool: list[str], names: Names) -> str:
    if names.suggest is None:
        return ""
    best = names.suggest(name, pool)
    return f" (did you mean {best!r}?)" if best else ""


# --------------------------------------------------------------------------------------- compiling

Evaluator = Callable[[list, set, set], Value]
"""A compiled condition: called with (values, visited, chosen)."""

_OPS: dict[str, Callable[[Value, Value], Value]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "+": operator.add,
    "-": operator.sub,
}


def compile_node(node: Node, slots: Mapping[str, int]) -> Evaluator:
    """Compile a checked AST into a closure ``f(values, visited, chosen)``; constants are folded."""
    if isinstance(node, (Num, Bool)):
        const = node.value
        return lambda v, s, c: const
    if isinstance(node, Name):
        i = slots[node.name]
        return lambda v, s, c: v[i]
    if isinstance(node, Call):
        key = node.arg
        if node.func == "visited":
            return lambda v, s, c: key in s
        return lambda v, s, c: key in c
    if isinstance(node, Func):
        af, bf = (compile_node(arg, slots) for arg in node.args)
        pick = min if node.func == "min" else max
        return lambda v, s, c: pick(af(v, s, c), bf(v, s, c))
    if isinstance(node, Unary):
        f = compile_node(node.operand, slots)
        if node.op == "not":
            return lambda v, s, c: not f(v, s, c)
        return lambda v, s, c: -f(v, s, c)
    # Specialised shapes for the commonest conditions: NAME op CONST.
    if node.op in _OPS and isinstance(node.left, Name) and isinstance(node.right, (Num, Bool)):
        i = slots[node.left.name]
        k = node.right.value
        op = node.op
        if op == ">":
            return lambda v, s, c: v[i] > k
        if op == ">=":
            return lambda v, s, c: v[i] >= k
        if op == "<":
            return lambda v, s, c: v[i] < k
        if op == "<=":
            return lambda v, s, c: v[i] <= k
        if op == "==":
            return lambda v, s, c: v[i] == k
        if op == "!=":
            return lambda v, s, c: v[i] != k
    lf = compile_node(node.left, slots)
    rf = compile_node(node.right, slots)
    if node.op == "and":
        return lambda v, s, c: lf(v, s, c) and rf(v, s, c)
    if node.op == "or":
        return lambda v, s, c: lf(v, s, c) or rf(v, s, c)
    fn = _OPS[node.op]
    return lambda v, s, c: fn(lf(v, s, c), rf(v, s, c))


def evaluate(node: Node, env: Mapping[str, Value], visited: set[str], chosen: set[str]) -> Value:
    """Reference interpreter (slow, obvious); the compiled form is tested against it."""
    if isinstance(node, (Num, Bool)):
        return node.value
    if isinstance(node, Name):
        return env[node.name]
    if isinstance(node, Call):
        return node.arg in (visited if node.func == "visited" else chosen)
    if isinstance(node, Func):
        a, b = (evaluate(arg, env, visited, chosen) for arg in node.args)
        return min(a, b) if node.func == "min" else max(a, b)  # type: ignore[type-var]
    if isinstance(node, Unary):
        x = evaluate(node.operand, env, visited, chosen)
        return (not x) if node.op == "not" else -x  # type: ignore[operator]
    if node.op == "and":
        return bool(evaluate(node.left, env, visited, chosen)) and bool(evaluate(node.right, env, visited, chosen))
    if node.op == "or":
        return bool(evaluate(node.left, env, visited, chosen)) or bool(evaluate(node.right, env, visited, chosen))
    return _OPS[node.op](evaluate(node.left, env, visited, chosen), evaluate(node.right, env, visited, chosen))


def names_in(node: Node) -> set[str]:
    """Every variable or faction name a condition reads."""
    if isinstance(node, Name):
        return {node.name}
    if isinstance(node, Unary):
        return names_in(node.operand)
    if isinstance(node, Binary):
        return names_in(node.left) | names_in(node.right)
    if isinstance(node, Func):
        return names_in(node.args[0]) | names_in(node.args[1])
    return set()
