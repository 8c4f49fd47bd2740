"""``qasas replay``: replay playthrough files (and saves) headlessly; PASS/FAIL per file.

Exit status: 0 when every file passes, 1 when any fails, 2 when any input cannot be read (a missing or
malformed file, a story that does not load).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from .common import add_scenes_argument, shown_path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="FILE_OR_DIR",
        help="playthrough files (YAML), saves (JSON), or folders searched for *.yaml, *.yml and *.json",
    )
    add_scenes_argument(parser)
    parser.epilog = (
        "A file's own 'scenes:' (relative to the file) wins over --scenes. "
        "Set QASAS_UPDATE_GOLDEN=1 (or pass --update-golden) to rewrite golden transcripts."
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help='one JSON object per file: {"file","ok","steps","ending","failure"}',
    )
    parser.add_argument(
        "--transcript",
        action="store_true",
        help="print each file's full transcript as played (to stdout; PASS/FAIL lines go to stderr)",
    )
    parser.add_argument(
        "--update-golden",
        action="store_true",
        help="write golden transcripts ('transcript:' files) instead of comparing them",
    )


class _Stories:
    """Each story directory is loaded once, however many playthroughs use it."""

    def __init__(self) -> None:
        self.cache: dict[str, Any] = {}

    def get(self, directory: str) -> tuple[Any, str | None]:
        from ..loader import StoryError, load_story

        if directory not in self.cache:
            try:
                self.cache[directory] = load_story(directory)
            except StoryError as exc:
                self.cache[directory] = StoryError(exc.problems)
        value = self.cache[directory]
        if isinstance(value, StoryError):
            return None, f"the story in {directory} does not load:\n{value.report()}"
        return value, None


def run(args: argparse.Namespace) -> int:
    from ..loader import default_scenes_dir
    from ..sanitize import sanitize, sanitize_line
    from ..saves import Playthrough, PlaythroughError, replay_playthrough, search_playthroughs

    out = sys.stdout
    status_out = sys.stderr if args.transcript and not args.json else sys.stdout
    passed = failed = unreadable = written = 0
    stories = _Stories()
    default_dir = args.scenes or default_scenes_dir()

    def emit_error(name: str, message: str) -> None:
        if args.json:
            out.write(
                json.dumps(
                    {
                        "file": name,
                        "ok": False,
                        "steps": 0,
                        "ending": None,
                        "failure": None,
                        "error": message,
                    },
                    ensure_ascii=True,
                )
                + "\n"
            )
        else:
            status_out.write(f"ERROR {sanitize_line(name)}\n")
            status_out.write("".join(f"  {sanitize_line(line)}\n" for line in message.splitlines()))

    files: list[Path] = []
    for given in args.paths:
        path = Path(given)
        if not os.path.lexists(path):
            unreadable += 1
            emit_error(given, "does not exist (no such file or folder)")
            continue
        found, left_out = search_playthroughs([path])
        for name, why in left_out:
            unreadable += 1
            emit_error(name, why)
        if not found and not left_out:
            unreadable += 1
            emit_error(given, "no playthrough files (*.yaml, *.yml, *.json) in this folder")
        files.extend(found)

    for path in files:
        name = str(path)
        try:
            pt = Playthrough.from_file(path)
        except PlaythroughError as exc:
            unreadable += 1
            emit_error(name, str(exc))
            continue
        scenes = pt.scenes_dir()
        story, problem = stories.get(str(scenes) if scenes is not None else default_dir)
        if story is None:
            unreadable += 1
            emit_error(name, problem or "the story does not load")
            continue
        report = replay_playthrough(pt, story, update_golden=True if args.update_golden else None)
        if report.ok:
            passed += 1
        else:
            failed += 1
        if args.json:
            obj = report.to_json()
            if args.transcript:
                obj["transcript"] = report.transcript
            out.write(json.dumps(obj, ensure_ascii=True) + "\n")
            continue
        if args.transcript:
            if len(files) > 1:
                out.write(f"==> {sanitize_line(name)} <==\n")
            out.write(sanitize(report.transcript))
            if len(files) > 1:
                out.write("\n")
        if report.ok:
            steps = f"{report.steps} step{'s' if report.steps != 1 else ''}"
            ending = f", ending: {report.ending}" if report.ending else ""
            status_out.write(f"PASS {sanitize_line(name)} ({steps}{ending})\n")
            if report.written:
                written += 1
                status_out.write(f"  wrote the golden transcript {shown_path(report.written)}\n")
        else:
            status_out.write(f"FAIL {sanitize_line(name)}\n")
            assert report.failure is not None
            status_out.write("".join(f"  {line}\n" for line in report.failure.render().splitlines()))
    if not args.json:
        parts = [f"{passed} passed"]
        if failed:
            parts.append(f"{failed} failed")
        if unreadable:
            parts.append(f"{unreadable} unreadable")
        if args.update_golden or written:
            parts.append(f"{written} golden transcript{'s' if written != 1 else ''} written")
        status_out.write(", ".join(parts) + "\n")
    out.flush()
    if unreadable:
        return 2
    return 1 if failed else 0
