"""Schema modelines: the first-line comment that points an editor's YAML language server at a schema::

    # yaml-language-server: $schema=schemas/scenes.schema.json

``add_modelines`` gives every YAML file of a story its modeline, rewriting authors' files with care: only a real
comment in the file's leading comment block is ever replaced (a line inside a block scalar that looks like a
modeline is scene text, not a comment), a file reached through a symbolic link is left alone (writing it would
either replace the link with a copy or change a file elsewhere), and every other byte is kept (line endings and a
byte-order mark included). By default the schemas are copied into the story itself (``DIR/schemas/``), so the
modelines' relative paths keep working wherever the story is moved or copied.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from .schema import FILES, render, schema_for

MODELINE = "# yaml-language-server: $schema="
SCHEMAS_FOLDER = "schemas"  # inside the story, by default
_MODELINE_RE = re.compile(r"^[ \t]*#[ \t]*yaml-language-server:[ \t]*\$schema=(?P<target>\S*)[ \t]*$")
_COMMENT_OR_BLANK = re.compile(r"^[ \t]*(?:#.*)?$")


def default_schemas_dir() -> str:
    """``schemas/`` at the project root (beside ``game/`` and ``scenes/``): where the repository keeps them."""
    return os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "schemas")


def modeline_for(yaml_path: str, schema_path: str) -> str:
    """The modeline pointing from ``yaml_path`` to ``schema_path``, relative and with forward slashes."""
    rel = os.path.relpath(os.path.abspath(schema_path), os.path.dirname(os.path.abspath(yaml_path)))
    return MODELINE + rel.replace(os.sep, "/")


def with_modeline(text: str, modeline: str) -> str:
    """``text`` with ``modeline`` as its schema modeline: one in the leading comment block (the comments and blank
    lines before the first line of YAML) is replaced where it stands; otherwise the modeline is inserted as the
    first line. A line further down is never touched, even if it reads like a modeline: there it is either inside a
    block scalar (text) or a comment the language server does not look for. Everything else is kept byte for byte
    (line endings included)."""
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        bare = line.rstrip("\r\n")
        if _MODELINE_RE.match(bare):
            lines[i] = modeline + (line[len(bare):] or newline)
            return "".join(lines)
        if not _COMMENT_OR_BLANK.match(bare):
            break
    return modeline + newline + text


@dataclass
class ModelineResult:
    """What ``add_modelines`` did: the files changed, the schema files written, problems (each a line for the
    author, naming the file), and notes (the schemas lie outside the story)."""

    changed: list[str] = field(default_factory=list)
    schemas_written: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def add_modelines(story_dir: str, schemas_dir: str | None = None) -> ModelineResult:
    """Give every YAML file of the story in ``story_dir`` its schema modeline (the manifest the manifest schema,
    scene files the scenes schema). Without ``schemas_dir`` the schemas are written into ``story_dir/schemas/``
    first (kept current), so the story carries them. Idempotent."""
    from ..loader.reader import walk_story_files
    from .files import write_text_atomic

    result = ModelineResult()
    manifest, files, problems = walk_story_files(story_dir)
    result.problems += [str(p) for p in problems]
    if manifest is None:
        return result
    if schemas_dir is None:
        schemas_dir = os.path.join(story_dir, SCHEMAS_FOLDER)
        if not _write_schemas(schemas_dir, result):
            return result
    elif not _inside(schemas_dir, story_dir):
        result.notes.append(
            f"the schemas in {schemas_dir} are outside the story: the modelines point there relatively, so they "
            "break if the story is moved without them"
        )
    targets = [(manifest, "manifest")] + [(f, "scenes") for f in files]
    for path, kind in targets:
        if os.path.islink(path):
            result.problems.append(
                f"{path}: a symbolic link; not changed (add the modeline to the file it points to, or replace the "
                "link with a copy)"
            )
            continue
        try:
            with open(path, "rb") as fh:
                raw = fh.read()
            bom = raw.startswith(b"\xef\xbb\xbf")
            text = raw[3 if bom else 0 :].decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            result.problems.append(f"{path}: cannot read: {getattr(exc, 'strerror', None) or exc}")
            continue
        new = with_modeline(text, modeline_for(path, os.path.join(schemas_dir, FILES[kind])))
        if new == text:
            continue
        try:
            write_text_atomic(path, ("\ufeff" if bom else "") + new)
        except OSError as exc:
            result.problems.append(f"{path}: cannot write: {exc.strerror or exc}")
            continue
        result.changed.append(path)
    return result


def _write_schemas(directory: str, result: ModelineResult) -> bool:
    """Write both schema files into ``directory`` where they differ from the current ones."""
    from .files import write_text_atomic

    for kind, name in FILES.items():
        path = os.path.join(directory, name)
        text = render(schema_for(kind))
        try:
            with open(path, encoding="utf-8") as fh:
                if fh.read() == text:
                    continue
        except (OSError, UnicodeDecodeError):
            pass
        if os.path.islink(path) or (os.path.exists(path) and not os.path.isfile(path)):
            result.problems.append(f"{path}: not a plain file; the schema was not written there")
            return False
        try:
            write_text_atomic(path, text)
        except OSError as exc:
            result.problems.append(f"{path}: cannot write: {exc.strerror or exc}")
            return False
        result.schemas_written.append(path)
    return True


def _inside(path: str, directory: str) -> bool:
    real, root = os.path.realpath(path), os.path.realpath(directory)
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)
