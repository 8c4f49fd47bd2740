"""``qasas bench``: measure start-up, loading, playthroughs, replays and key presses beside their baselines.

    qasas bench [DIR]                  the full bench (a few minutes): a table of medians and the targets
    qasas bench --quick                one sample of each (well under a minute): a smoke test, not a measurement
    qasas bench --json                 one JSON object instead of the table
    qasas bench --only load,play_1000_text   just these figures (a name, or the start of names), and their targets
    qasas bench --write-synthetic N DIR   write the synthetic story of N scenes the bench uses, to run elsewhere

Exit status: 0 when everything was measured (whether or not each target was met), 2 when a figure could not be
measured or the arguments are wrong.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from .common import UsageError, add_story_argument, story_dir


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_story_argument(parser, scenes_alias=True)
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    parser.add_argument("--quick", action="store_true", help="one sample of each figure: fast, but noisy")
    parser.add_argument(
        "--runs", type=int, default=None, metavar="N", help="samples per figure (default 5; 1 with --quick)"
    )
    parser.add_argument(
        "--only", action="append", default=[], metavar="FIGURE",
        help="measure only this figure, or every figure whose name starts with it (load, play_1000, lsp...); "
        "repeatable, or comma-separated; the targets judged are those on the figures measured",
    )
    parser.add_argument(
        "--write-synthetic", nargs=2, metavar=("N", "DIR"), default=None,
        help="write the seeded synthetic story of N scenes into DIR and exit (no measuring)",
    )


def run(args: argparse.Namespace) -> int:
    if args.write_synthetic is not None:
        return _write_synthetic(*args.write_synthetic)
    from ..bench.suite import FULL, QUICK, format_table, run_bench, select
    from ..loader import default_scenes_dir
    from ..sanitize import sanitize

    try:
        given = story_dir(args, "bench")
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return 2
    settings = QUICK if args.quick else FULL
    if args.runs is not None:
        if args.runs < 1:
            print("qasas bench: --runs must be at least 1", file=sys.stderr)
            return 2
        settings = type(settings)(**{**settings.__dict__, "runs": args.runs})
    only = tuple(name.strip() for item in args.only for name in item.split(",") if name.strip())
    try:
        select(only)
    except ValueError as exc:
        print(f"qasas bench: {exc}", file=sys.stderr)
        return 2
    scenes = os.path.abspath(given or default_scenes_dir())
    show = sys.stderr.isatty()

    def progress(step: str) -> None:
        if show:
            print(f"bench: {step} ...", file=sys.stderr, flush=True)

    data = run_bench(settings, scenes, progress, shipped=given is None, only=only)
    if args.json:
        print(json.dumps(data, indent=2))
    else:
        print(sanitize(format_table(data)))
    failed = [key for key, fig in data["figures"].items() if "error" in fig]
    if failed and not args.json:
        for key in failed:
            print(sanitize(f"bench: {key} was not measured: {data['figures'][key]['error']}"), file=sys.stderr)
    return 2 if failed else 0


def _write_synthetic(count: str, directory: str) -> int:
    from ..bench.synthetic import write_synthetic

    try:
        n = int(count)
    except ValueError:
        print(f"qasas bench: --write-synthetic needs a number of scenes, not {count!r}", file=sys.stderr)
        return 2
    if not 2 <= n <= 1_000_000:
        print("qasas bench: the synthetic story needs between 2 and 1,000,000 scenes", file=sys.stderr)
        return 2
    if os.path.exists(os.path.join(directory, "story.yaml")) and not _ours(directory):
        print(f"qasas bench: {directory} already holds a story; choose an empty directory", file=sys.stderr)
        return 2
    try:
        paths = write_synthetic(n, directory)
    except OSError as exc:
        print(f"qasas bench: cannot write {directory}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(f"wrote a synthetic story of {n:,} scenes in {len(paths)} files to {directory}")
    return 0


def _ours(directory: str) -> bool:
    """True when ``directory`` holds a synthetic story written before (so writing again may replace it)."""
    try:
        with open(os.path.join(directory, "story.yaml"), encoding="utf-8") as fh:
            return fh.read(64).startswith("story: {id: synthetic-")
    except OSError:
        return False
