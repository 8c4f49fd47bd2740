"""``qasas lint``: load a story and report every problem, as text or JSON."""

from __future__ import annotations

import argparse
import json
import sys

from ..loader import Problem, check_story, default_scenes_dir
from ..sanitize import sanitize


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dir", nargs="?", default=None, help="the story directory (default: the shipped story)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")


def lint(path: str, strict: bool = False) -> tuple[dict, list[Problem], list[Problem]]:
    """Return (stats, errors, warnings) for the story at ``path``."""
    story, problems = check_story(path)
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    if story is not None and not errors:
        warnings.extend(deep_warnings(story))
    if strict:
        errors = sorted(errors + [Problem(w.file, w.line, w.column, w.message, "error") for w in warnings])
        warnings = []
    stats = story.stats() if story is not None else {}
    return stats, errors, sorted(warnings)


def deep_warnings(story) -> list[Problem]:  # type: ignore[no-untyped-def]
    """Warnings beyond load errors (reachability, unused variables, ...)."""
    return []


def run(args: argparse.Namespace) -> int:
    path = args.dir or default_scenes_dir()
    stats, errors, warnings = lint(path, args.strict)
    ok = not errors
    if args.json:
        print(json.dumps({
            "ok": ok,
            "errors": [p.to_json() for p in errors],
            "warnings": [p.to_json() for p in warnings],
            "stats": stats,
        }, ensure_ascii=False, indent=2))
    else:
        for p in errors + warnings:
            print(sanitize(str(p)), file=sys.stderr if not ok else sys.stdout)
        if ok:
            s = stats
            print(
                f"ok: {s['scenes']} scenes, {s['choices']} choices, {s['endings']} endings, {s['factions']} factions, "
                f"{s['variables']} variables, {s['words']} words"
                + (f"; {len(warnings)} warning{'s' if len(warnings) != 1 else ''}" if warnings else "")
            )
        else:
            n = len(errors)
            print(f"{n} error{'s' if n != 1 else ''}", file=sys.stderr)
    return 0 if ok else 2
