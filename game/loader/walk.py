"""Finding a story's files: the manifest and the scene files under a story directory."""

from __future__ import annotations

import os

from .errors import Problem


def walk_story_files(root: str) -> tuple[str | None, list[str], list[Problem]]:
    """Find the manifest and the scene files under ``root`` (sorted; hidden entries skipped; symlink loops reported)."""
    problems: list[Problem] = []
    if not os.path.isdir(root):
        return None, [], [Problem(root, 0, 0, "not a directory (a story is a directory with story.yaml)")]
    manifest = os.path.join(root, "story.yaml")
    if not os.path.isfile(manifest):
        problems.append(Problem(root, 0, 0, "no story.yaml here: a story directory needs a manifest named story.yaml"))
        manifest_path = None
    else:
        manifest_path = manifest
    files: list[str] = []
    seen: set[tuple[int, int]] = set()

    def visit(d: str, depth: int) -> None:
        try:
            st = os.stat(d)
        except OSError as exc:
            problems.append(Problem(d, 0, 0, f"cannot read directory: {exc.strerror or exc}"))
            return
        key = (st.st_dev, st.st_ino)
        if key in seen:
            problems.append(Problem(d, 0, 0, "symbolic link loop: this directory leads back to one already read"))
            return
        if depth > 16:
            problems.append(Problem(d, 0, 0, "directories are nested too deeply (limit 16)"))
            return
        seen.add(key)
        try:
            entries = sorted(os.scandir(d), key=lambda e: e.name)
        except OSError as exc:
            problems.append(Problem(d, 0, 0, f"cannot read directory: {exc.strerror or exc}"))
            return
        for e in entries:
            if e.name.startswith((".", "_")):
                continue
            path = os.path.join(d, e.name)
            try:
                is_dir = e.is_dir()
            except OSError:
                is_dir = False
            if (is_dir or e.name.endswith((".yaml", ".yml"))) and not _utf8_name(e.name):
                # Undecodable bytes come back as lone surrogates, which no UTF-8 output (or digest) can carry.
                problems.append(Problem(path, 0, 0, "the name is not valid UTF-8; rename it"))
                continue
            if is_dir:
                visit(path, depth + 1)
            elif e.name.endswith((".yaml", ".yml")) and path != manifest:
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

    visit(root, 0)
    if len(files) > 5000:
        problems.append(Problem(root, 0, 0, f"too many scene files ({len(files)}; the limit is 5000)"))
        files = files[:5000]
    return manifest_path, files, problems


def _utf8_name(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True

