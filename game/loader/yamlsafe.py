"""Reading YAML safely: size and encoding checks, a guard against pathological nesting, and composition to
position-carrying nodes. Nothing here constructs Python objects from tags; the story reader interprets scalars
by what each field expects.
"""

from __future__ import annotations

import operator
import re
import unicodedata

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .. import smallfile
from .errors import Problem

try:  # libyaml is much faster; fall back to the pure-Python parser where it is missing.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

_STD = "tag:yaml.org,2002:"
_NULL_TAG, _STR_TAG, _SEQ_TAG, _MAP_TAG = _STD + "null", _STD + "str", _STD + "seq", _STD + "map"
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))


class _NodeLoader(_Loader):  # type: ignore[misc, valid-type]
    """libyaml's safe composer with a lean resolver. Readers of these nodes interpret every scalar by what its field
    expects, so YAML 1.1's implicit typing (int, bool, float, timestamp: regular expressions run in Python on every
    scalar) would be wasted work; a plain scalar is only ever null or text here. Explicit tags (``!!python/...``)
    never reach ``resolve`` and are kept as written, so the readers still refuse them."""

    # libyaml's composer calls these two around every node, for path resolvers, which nothing here adds (PyYAML's
    # own methods return at once when there are none). A builtin taking the same arguments costs no Python frame:
    # two frames a node were about a twentieth of a cold load.
    descend_resolver = staticmethod(operator.is_)  # type: ignore[assignment]  # (a result nobody reads)
    ascend_resolver = staticmethod(tuple)  # type: ignore[assignment]

    def resolve(self, kind: type, value: str | None, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode:
            return _NULL_TAG if implicit[0] and value in _NULLS else _STR_TAG
        return _SEQ_TAG if kind is SequenceNode else _MAP_TAG


MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_NESTING = 64
MAX_ALIASES = 10_000
# How many nodes aliases may add to a document when expanded. The composed tree shares one node per anchor, but the
# story reader walks an aliased node once per alias, so "billion laughs" (anchors of lists of aliases of lists of
# aliases...) would cost it exponential time. Sharing an effect or two between choices adds a handful.
MAX_ALIAS_EXPANSION = 100_000
# An anchor ('&name' after a space, a flow indicator or at the start of a line): only documents with one can alias.
_ANCHOR = re.compile(r"(?:^|[\s,\[{])&[^\s,\[\]{}]", re.MULTILINE)

# libyaml's composer recurses in C and can crash the process on ~20,000-deep input, so such a document must never
# reach it. Cheap signs of deep nesting (flow brackets that stack up, long one-line runs of block indicators, very
# deep indentation) trigger a full event pass that measures the real depth; ordinary stories never pay for it.
# Only the four flow brackets survive this translation (UTF-8 never hides an ASCII byte inside another character).
_KEEP = bytes(range(256))
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
# A run of block indicators ('- - - -', '? ? ?') can only begin a line (after indentation or '---'): lines that
# start with two indicators are rare, and only then is the unanchored run pattern (costly: it is tried at every
# '-') searched. A deep indent is one at the start of a line. Both line patterns are searched in the text after a
# '\n' (a literal first character lets the search skip to each line), and their quantifiers are possessive: no
# backtracking through an indent that cannot match, which made the first pattern a tenth of a cold load.
_BLOCK_LINE = re.compile(r"\n(?:---)?[ \t]*+[-?][ \t]++[-?][ \t]")
_BLOCK_RUN = re.compile(r"[-?][ \t]+(?:[-?][ \t]+){7,}")
_DEEP_INDENT = re.compile(r"\n[ \t]{160,}+\S")


def _might_nest_deeply(text: str) -> bool:
    if text.count("[") + text.count("{") > 16:  # (else brackets cannot nest past 16, whatever their order)
        depth = top = 0
        for ch in text.encode("utf-8", "surrogatepass").translate(_KEEP, _NOT_BRACKETS):
            if ch == 91 or ch == 123:  # '[' or '{'
                depth += 1
                if depth > top:
                    top = depth
                    if top > 16:
                        return True
            elif depth:
                depth -= 1
    lines = "\n" + text
    if _BLOCK_LINE.search(lines) is not None and _BLOCK_RUN.search(text) is not None:
        return True
    return _DEEP_INDENT.search(lines) is not None


def read_text(path: str, shown: str) -> tuple[str | None, list[Problem]]:
    """Read a file as UTF-8 text within the size limit. Returns (text, problems)."""
    data, problems = read_data(path, shown)
    return (None, problems) if data is None else decode_text(data, shown)


def read_data(path: str, shown: str) -> tuple[bytes | None, list[Problem]]:
    """A file's bytes within the size limit, for ``decode_text``. Returns (bytes, problems).

    The bytes come through the game's one reader for small files (``game.smallfile``): anything but a regular
    file is refused before it is opened (opening a FIFO blocks until a writer comes; a device such as /dev/zero
    never ends), and so is a file over the limit, checked again on the open file.
    """
    try:
        return smallfile.read_bytes(path, MAX_FILE_BYTES), []
    except smallfile.FileRefused as exc:
        if exc.kind == "kind":
            return None, [Problem(shown, 0, 0, "not a regular file (a pipe, device or socket)")]
        if exc.kind == "size":
            return None, [Problem(shown, 0, 0, f"file is too large{exc.reason.removeprefix('it is too large')}")]
        return None, [Problem(shown, 0, 0, f"cannot be read: {exc.reason}")]


def text_bytes(data: bytes) -> bytes:
    """The bytes a file's text is decoded from: its bytes without a UTF-8 byte-order mark. For a file
    ``decode_text`` accepts, they are exactly its text encoded as UTF-8 (what the story's digest hashes)."""
    return data[3:] if data.startswith(b"\xef\xbb\xbf") else data


def decode_text(data: bytes, shown: str) -> tuple[str | None, list[Problem]]:
    """A file's bytes as text: UTF-8 (a byte-order mark is dropped), without NUL. Returns (text, problems)."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return None, [Problem(shown, 1, 1, "file is UTF-32 encoded; save it as UTF-8")]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [Problem(shown, 1, 1, "file is UTF-16 encoded; save it as UTF-8")]
    data = text_bytes(data)  # a UTF-8 byte-order mark is harmless (editors on Windows add one)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [Problem(shown, line, col, f"file is not valid UTF-8 (byte 0x{data[exc.start]:02x}); save it as UTF-8")]
    if "\x00" in text:
        i = text.index("\x00")
        line = text.count("\n", 0, i) + 1
        return None, [Problem(shown, line, i - text.rfind("\n", 0, i), "file contains a NUL byte; is it a binary file?")]
    return text, []


def compose(text: str, shown: str) -> tuple[yaml.Node | None, list[Problem]]:
    """Compose YAML text into a node tree, or report why it cannot be read (with line and column)."""
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        return None, [Problem(shown, 1, 1, "file is empty")]
    try:
        if _might_nest_deeply(text):
            problem = _check_events(text, shown)
            if problem is not None:
                return None, [problem]
        node = yaml.compose(text, Loader=_NodeLoader)
    except yaml.MarkedYAMLError as exc:
        return None, [_from_yaml_error(exc, shown, text)]
    except yaml.reader.ReaderError as exc:
        return None, [_from_reader_error(exc, text, shown)]
    except yaml.YAMLError as exc:  # errors without a mark
        return None, [Problem(shown, 0, 0, f"YAML error: {' '.join(str(exc).split())}")]
    except RecursionError:
        return None, [Problem(shown, 0, 0, f"YAML is nested too deeply (limit {MAX_NESTING} levels)")]
    if node is None:
        # No document at all (a lone byte-order mark, say): a caller must never take "no node" for "no problem".
        return None, [Problem(shown, 1, 1, "file is empty")]
    if "&" in text and _ANCHOR.search(text):  # the quick test first: the pattern is tried at every position
        problem = _check_aliases(node, shown)
        if problem is not None:
            return None, [problem]
    return node, []


def _check_aliases(root: Node, shown: str) -> Problem | None:
    """Refuse a document whose aliases form a loop (``&a [*a]``) or expand to more than MAX_ALIAS_EXPANSION nodes.

    One iterative depth-first pass, memoising each node's expanded size, so the check itself is linear in the
    document however much its aliases would expand.
    """
    on_path = -1
    size: dict[int, int] = {id(root): on_path}
    extra = 0  # nodes added by reaching an already-counted node again, i.e. through an alias
    stack: list[tuple[Node, list[Node], int, int]] = [(root, _children(root), 0, 1)]
    while stack:
        node, kids, i, total = stack[-1]
        if i == len(kids):
            stack.pop()
            size[id(node)] = total
            if stack:
                parent, pkids, pi, ptotal = stack[-1]
                stack[-1] = (parent, pkids, pi, ptotal + total)
            continue
        child = kids[i]
        stack[-1] = (node, kids, i + 1, total)
        known = size.get(id(child))
        if known is None:
            size[id(child)] = on_path
            stack.append((child, _children(child), 0, 1))
        elif known == on_path:
            m = child.start_mark
            return Problem(
                shown, m.line + 1, m.column + 1,
                "this anchor (&name) is used inside itself through an alias (*name); a story cannot contain a loop",
            )
        else:
            extra += known
            if extra > MAX_ALIAS_EXPANSION:
                m = node.start_mark
                return Problem(
                    shown, m.line + 1, m.column + 1,
                    f"aliases (*name) here repeat too much: expanded, the file would have over {MAX_ALIAS_EXPANSION:,} "
                    "more values; write the repeated parts out",
                )
            stack[-1] = (node, kids, i + 1, total + known)
    return None


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return node.value
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _from_reader_error(exc: yaml.reader.ReaderError, text: str, shown: str) -> Problem:
    """A character YAML refuses (control characters, non-characters): where it is and what it is.

    The first occurrence of the character is where the reader stopped (it stops at the first unacceptable one), which
    avoids the C and Python readers' different offsets (bytes or characters).
    """
    ch = exc.character if isinstance(exc.character, str) else chr(exc.character)
    i = text.find(ch)
    what = "a control character" if unicodedata.category(ch) == "Cc" else "a character YAML does not allow"
    message = f"{what} (U+{ord(ch):04X}) is in the file; remove it"
    if i < 0:
        return Problem(shown, 0, 0, message)
    line = text.count("\n", 0, i) + 1
    return Problem(shown, line, i - text.rfind("\n", 0, i), message)


def _check_events(text: str, shown: str) -> Problem | None:
    depth = 0
    aliases = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_NESTING:
                line, column = _where(event)
                return Problem(shown, line, column, f"YAML is nested too deeply (limit {MAX_NESTING} levels)")
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_ALIASES:
                line, column = _where(event)
                return Problem(shown, line, column, f"too many aliases (limit {MAX_ALIASES})")
    return None


_FRIENDLY = (
    ("found character '\\t' that cannot start any token", "a tab character; YAML indentation must use spaces"),
    ("mapping values are not allowed", "a ':' where YAML does not expect one; quote text that contains ': '"),
    ("found undefined alias", "an alias (*name) refers to no anchor (&name)"),
    ("expected a single document", "more than one YAML document ('---') in one file"),
    ("exceeded maximum nesting depth", f"YAML is nested too deeply (limit {MAX_NESTING} levels)"),
    ("found duplicate anchor", "an anchor (&name) is defined twice; give each anchor its own name"),
    ("expected <block end>, but found '?'", "a key whose indentation fits no mapping here; line it up with the other keys of the mapping it belongs to"),
)


def _where(event: yaml.Event) -> tuple[int, int]:
    """An event's 1-based line and column (0, 0 if the parser gave it no mark)."""
    m = event.start_mark
    return (m.line + 1, m.column + 1) if m is not None else (0, 0)


_SPAN = re.compile(r"\{\s*(if\s|seq\s*:|cycle\s*:|once\s*:|shuffle\s*:|em\s*:)")
_KEY = re.compile(r"\s*(?:-\s+)*[^\s#'\"{\[][^:#]*?:(?:\s|$)")


def _colon_hint(text: str, line: int, column: int) -> str:
    """What an unexpected ':' means on its line: inside a span, inside plain text, or a key indented wrongly."""
    lines = text.split("\n")
    here = lines[line] if 0 <= line < len(lines) else ""
    if _SPAN.search(here[:column]):
        return "a ':' inside a span ({if ...: ...}) ends YAML's plain text: quote the value (\"...\") or write it as a block (|)"
    key = _KEY.match(here)
    if key is not None and column < key.end() - 1:
        return "a key where YAML does not expect one: this line is indented deeper than the key above it; line it up with the other keys of its mapping"
    return "a ':' where YAML does not expect one; quote text that contains ': '"


def _from_yaml_error(exc: yaml.MarkedYAMLError, shown: str, text: str = "") -> Problem:
    mark = exc.problem_mark or exc.context_mark
    problem = (exc.problem or "").strip()
    context = (exc.context or "").strip()
    message = problem or context or "invalid YAML"
    if "mapping values are not allowed" in message and exc.problem_mark is not None:
        message = _colon_hint(text, exc.problem_mark.line, exc.problem_mark.column)
        return Problem(shown, exc.problem_mark.line + 1, exc.problem_mark.column + 1, f"YAML syntax: {message}")
    for needle, better in _FRIENDLY:
        if needle in message or needle in context:
            message = better
            break
    else:
        if context and problem:
            message = f"{problem} ({context}"
            if exc.context_mark is not None and exc.problem_mark is not None and exc.context_mark.line != exc.problem_mark.line:
                message += f" at line {exc.context_mark.line + 1}"
            message += ")"
    if mark is None:
        return Problem(shown, 0, 0, f"YAML error: {message}")
    return Problem(shown, mark.line + 1, mark.column + 1, f"YAML syntax: {message}")
