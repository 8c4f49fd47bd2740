"""``qasas lint [DIR]``: load a story and print every problem, as text (file:line:col) or one JSON object.

With ``--formerly-in PATH...`` a line says how many of this story's playthroughs and saves the former ids were
checked against and how many files of other stories were skipped (in JSON: ``stats.formerly``).

Exit status: 0 when the story loads (warnings alone do not fail it), 2 on errors, and on warnings with --strict.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from typing import Any

from .common import add_story_argument


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_story_argument(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.add_argument(
        "--formerly-in", nargs="+", action="extend", default=[], metavar="PATH",
        help="playthroughs and saves (files or folders) to check former ids against: warn about each 'formerly:' "
        "id none of this story's names (it can be removed); files recorded against another story (its 'story:' id, "
        "or its 'scenes:' folder) are skipped, and a summary line says how many were checked and skipped",
    )


def run(args: argparse.Namespace) -> int:
    from ..loader import default_scenes_dir
    from ..sanitize import sanitize
    from ..tools.lint import lint

    stats, errors, warnings = lint(args.dir or default_scenes_dir(), args.strict, args.formerly_in)
    ok = not errors
    if args.json:
        print(json.dumps({
            "ok": ok,
            "errors": [p.to_json() for p in errors],
            "warnings": [p.to_json() for p in warnings],
            "stats": stats,
        }, ensure_ascii=True, indent=2))
        return 0 if ok else 2
    for p in errors + warnings:
        print(sanitize(str(p)), file=sys.stderr if not ok else sys.stdout)
    if "formerly" in stats:
        print(sanitize(_formerly_line(stats["formerly"])), file=sys.stderr if not ok else sys.stdout)
    if ok:
        s = stats
        print(
            f"ok: {s['scenes']} scenes, {s['choices']} choices, {s['endings']} endings, {s['factions']} factions, "
            f"{s['variables']} variables, {s['words'] + s.get('result_words', 0)} words"
            + (f" ({s['result_words']} in choices' results)" if s.get("result_words") else "")
            + (f"; {len(warnings)} warning{'s' if len(warnings) != 1 else ''}" if warnings else "")
        )
    else:
        n = len(errors)
        print(f"{n} error{'s' if n != 1 else ''}", file=sys.stderr)
    return 0 if ok else 2


def _formerly_line(found: dict[str, Any]) -> str:
    """How many of this story's playthroughs and saves the former ids were checked against, and how many files of
    other stories were skipped, by story."""
    from ..tools.formerly import files_of_this_story

    skipped = found["skipped"]
    text = f"former ids checked against {files_of_this_story(found['checked'])}"
    if skipped:
        by_story = Counter(s["recorded_against"] for s in skipped)
        whose = ", ".join(f"{count} recorded against {other}" for other, count in sorted(by_story.items()))
        text += f"; {len(skipped)} file{'s' if len(skipped) != 1 else ''} of other stories skipped ({whose})"
    return text
