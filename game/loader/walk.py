"""Finding a story's files: the manifest and the scene files under a story directory.

A story is a folder with ``story.yaml`` in it. Anything else is refused before a single entry under it is read, so
``qasas lint /`` (or a playthrough saying ``scenes: /``) answers at once instead of walking the whole machine. The
walk under a real story is bounded too: links are followed (an author may link a shared chapter in) but never into
``/proc``, ``/sys`` or ``/dev``, loops are caught, and the folders and entries it reads are counted and capped.

A problem with the path itself says which problem it is: it does not exist, it is not a folder, or it cannot be
read (and then nothing else is claimed about the story, such as a start scene "missing" from a folder that could
not be listed). ``outside_story`` tells which files were reached through a link leaving the story's folder: their
content is never quoted in a message (``redact_outside``), since a link can point at anything on the machine.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable

from .errors import Problem

MAX_SCENE_FILES = 5000
MAX_DEPTH = 16
MAX_FOLDERS = 2000
MAX_ENTRIES = 50_000
# What is not a story's, whatever links say: reading there has effects, never ends, or shows the machine's secrets.
SYSTEM_FOLDERS = ("/proc", "/sys", "/dev") if os.name == "posix" else ()
_STORY = "a story is a directory with story.yaml"


def _reason(exc: OSError) -> str:
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.ELOOP:
        return "a symbolic link loop"
    text = exc.strerror or str(exc)
    return text[:1].lower() + text[1:]


def system_folder(real: str) -> str | None:
    """The system folder (``/proc``, ``/sys``, ``/dev``) a real path lies in, or None."""
    for top in SYSTEM_FOLDERS:
        if real == top or real.startswith(top + "/"):
            return top
    return None


def check_root(root: str) -> Problem | None:
    """Why ``root`` is not a story folder, before anything under it is read; None when it is one."""
    try:
        st = os.stat(root)
    except FileNotFoundError:
        if os.path.lexists(root):
            return Problem(root, 0, 0, f"is a broken symbolic link ({_STORY})")
        return Problem(root, 0, 0, f"does not exist ({_STORY})")
    except NotADirectoryError:
        return Problem(root, 0, 0, f"does not exist: a part of the path is a file ({_STORY})")
    except OSError as exc:
        return Problem(root, 0, 0, f"cannot be read: {_reason(exc)}")
    if not stat.S_ISDIR(st.st_mode):
        return Problem(root, 0, 0, f"is not a directory ({_STORY})")
    top = system_folder(os.path.realpath(root))
    if top is not None:
        return Problem(root, 0, 0, f"is inside {top}, a system directory, not a story ({_STORY})")
    try:
        with os.scandir(root) as it:
            next(it, None)  # listing the folder must work, or nothing in it can be found
    except OSError as exc:
        return Problem(root, 0, 0, f"cannot be read: {_reason(exc)}")
    manifest = os.path.join(root, "story.yaml")
    try:
        os.stat(manifest)
    except FileNotFoundError:
        if os.path.lexists(manifest):
            return None  # a broken link: reported as the manifest's own problem when it is read
        return Problem(root, 0, 0, "no story.yaml here: a story directory needs a manifest named story.yaml")
    except OSError as exc:
        return Problem(manifest, 0, 0, f"cannot be read: {_reason(exc)}")
    return None


def walk_story_files(root: str) -> tuple[str | None, list[str], list[Problem]]:
    """Find the manifest and the scene files under ``root`` (sorted; hidden entries skipped; symlink loops reported).

    A root that is not a story folder (see ``check_root``) gives no files and one problem, found without reading
    anything under it."""
    refused = check_root(root)
    if refused is not None:
        return None, [], [refused]
    problems: list[Problem] = []
    manifest = os.path.join(root, "story.yaml")
    files: list[str] = []
    seen: set[tuple[int, int]] = set()
    budget = {"folders": MAX_FOLDERS, "entries": MAX_ENTRIES}
    base = os.path.realpath(root)

    def linked_into_system(path: str) -> bool:
        top = system_folder(os.path.realpath(path))
        if top is None:
            return False
        problems.append(Problem(path, 0, 0, f"a symbolic link into {top}, a system directory; it is not followed"))
        return True

    def visit(d: str, depth: int) -> None:
        if budget["entries"] < 0 or budget["folders"] < 0:
            return
        try:
            st = os.stat(d)
        except OSError as exc:
            problems.append(Problem(d, 0, 0, f"cannot be read: {_reason(exc)}"))
            return
        key = (st.st_dev, st.st_ino)
        if key in seen:
            problems.append(Problem(d, 0, 0, "symbolic link loop: this directory leads back to one already read"))
            return
        if depth > MAX_DEPTH:
            problems.append(Problem(d, 0, 0, f"directories are nested too deeply (limit {MAX_DEPTH})"))
            return
        budget["folders"] -= 1
        if budget["folders"] < 0:
            if budget["folders"] == -1:
                problems.append(Problem(root, 0, 0, f"too many folders to be a story (over {MAX_FOLDERS}); the rest were not read"))
            return
        seen.add(key)
        try:
            with os.scandir(d) as it:
                entries = []
                for e in it:
                    budget["entries"] -= 1
                    if budget["entries"] < 0:
                        problems.append(
                            Problem(root, 0, 0, f"too many files to be a story (over {MAX_ENTRIES:,} entries); the rest were not read")
                        )
                        break
                    entries.append(e)
        except OSError as exc:
            problems.append(Problem(d, 0, 0, f"cannot be read: {_reason(exc)}"))
            return
        entries.sort(key=lambda e: e.name)
        for e in entries:
            if e.name.startswith((".", "_")):
                continue
            path = os.path.join(d, e.name)
            try:
                is_dir = e.is_dir()
            except OSError:
                is_dir = False
            is_yaml = e.name.endswith((".yaml", ".yml"))
            if (is_dir or is_yaml) and not _utf8_name(e.name):
                # Undecodable bytes come back as lone surrogates, which no UTF-8 output (or digest) can carry.
                problems.append(Problem(path, 0, 0, "the name is not valid UTF-8; rename it"))
                continue
            if not (is_dir or is_yaml) or path == manifest:
                continue
            if e.is_symlink() and linked_into_system(path):
                continue
            if is_dir:
                if e.is_symlink() and within(os.path.realpath(path), base):
                    # A link to / or to a folder above the story: a loop, and a walk of whatever else it holds.
                    problems.append(Problem(path, 0, 0, "symbolic link loop: it leads to a folder that holds the story; it is not followed"))
                    continue
                visit(path, depth + 1)
                continue
            if e.is_symlink() and not os.path.exists(path):
                problems.append(Problem(path, 0, 0, "broken symbolic link"))
                continue
            try:
                is_file = e.is_file()
            except OSError:
                is_file = False
            if not is_file:
                # A FIFO would block the first read forever, and a device (/dev/zero) never ends.
                problems.append(Problem(path, 0, 0, "not a regular file (a pipe, device or socket); a scene file must be a plain file"))
                continue
            files.append(path)

    if os.path.islink(manifest) and linked_into_system(manifest):
        return None, [], problems
    visit(root, 0)
    if len(files) > MAX_SCENE_FILES:
        problems.append(Problem(root, 0, 0, f"too many scene files ({len(files)}; the limit is {MAX_SCENE_FILES})"))
        files = files[:MAX_SCENE_FILES]
    return manifest, files, problems


def within(folder: str, path: str) -> bool:
    """Whether the real path ``path`` is the real path ``folder`` or lies under it."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _utf8_name(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def outside_story(root: str, paths: Iterable[str]) -> set[str]:
    """Those of ``paths`` (files, as given) whose real location is not inside the story folder ``root``: reached
    through a symbolic link that leaves it."""
    base = os.path.realpath(root)
    return {path for path in paths if not within(base, os.path.realpath(path))}


def redact_outside(root: str, problems: list[Problem], files: Iterable[str]) -> list[Problem]:
    """``problems`` with those in ``files`` (the story's files, as problems name them) that lie outside the story
    folder, reached through a link, replaced by one problem a file that quotes nothing: a link can lead anywhere
    (``/etc/shadow``), and a message must not print what is there."""
    outside = outside_story(root, files)
    if not outside:
        return problems
    named = {Problem(f, 0, 0, "").file for f in outside}  # as a problem spells the name (control characters escaped)
    mine: dict[str, list[Problem]] = {}
    for p in problems:
        if p.file in named:
            mine.setdefault(p.file, []).append(p)
    out: list[Problem] = []
    for p in problems:  # in the order given (the loader's: the manifest's first, then by place)
        if p.file not in named:
            out.append(p)
        elif p is mine[p.file][0]:
            theirs = mine[p.file]
            n = len(theirs)
            out.append(
                Problem(
                    p.file, p.line, p.column,
                    f"{n} problem{'s' if n != 1 else ''} in this file, which is outside the story folder (reached "
                    "through a symbolic link), so its content is not shown here; open the file itself, or copy it "
                    "into the story",
                    "error" if any(q.severity == "error" for q in theirs) else "warning",
                )
            )
    return out
