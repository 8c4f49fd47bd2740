"""``qasas report [DIR] -o report.html``: one self-contained HTML page about a story, for an author to look at.

The story map chapter by chapter (each scene shaded by the share of random playthroughs that visit it, each way by
how often it is taken, what is never reached marked; click a scene for its file, line and text), ending shares and
trust at each ending, playthrough lengths and words read, quicktest's verdicts and lint's warnings, each linking
to its scene. The data comes from ``game.tools.report``; the page from ``game.report``. No network is needed to
view it.

Exit status: 0 when the page was written, 1 when it could not be, 2 for a story that does not load, arguments
that cannot be run, or a missing ``report`` extra.
"""

from __future__ import annotations

import argparse
import sys

from ..limits import seed_argument
from .common import OutputError, add_story_argument, load_or_report, write_output


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_story_argument(parser)
    parser.add_argument(
        "--output", "-o", metavar="FILE", default="report.html", help="where to write the page (default report.html; '-': stdout)"
    )
    parser.add_argument("--runs", type=int, default=2000, metavar="N", help="random playthroughs to play (default 2000)")
    parser.add_argument("--seed", type=seed_argument(), default=1, metavar="S", help="run i uses seed S+i (default 1)")
    parser.add_argument("--jobs", "-j", type=int, default=1, metavar="J", help="worker processes for the playthroughs and quicktest (0: one per core)")
    parser.add_argument("--max-states", type=int, default=None, metavar="N", help="quicktest's budget of states (default: quicktest's own)")
    parser.add_argument("--no-quicktest", action="store_true", help="leave quicktest's verdicts out (faster)")


def run(args: argparse.Namespace) -> int:
    from ..loader import default_scenes_dir

    for name, value, low in (("--runs", args.runs, 1), ("--jobs", args.jobs, 0), ("--max-states", args.max_states or 1, 1)):
        if value < low:
            print(f"qasas report: {name} must be at least {low}", file=sys.stderr)
            return 2
    from ..report.page import MissingExtra, build_page, plotly_js

    try:
        plotly_js()  # say at once when the report extra is missing, before any work
    except MissingExtra as exc:
        print(f"qasas report: {exc}", file=sys.stderr)
        return 2
    path = args.dir or default_scenes_dir()
    story = load_or_report(path)
    if story is None:
        return 2
    from ..tools.report import build_report
    from ..tools.workers import StoryChanged, WorkerLost, usable_jobs
    from .randomtest import Terminated, sigterm_stops

    jobs, why = usable_jobs(args.jobs)
    if why and args.jobs:
        print(f"qasas report: --jobs {args.jobs:,} is more than this machine allows ({why}); running {jobs}", file=sys.stderr)
    show = sys.stderr.isatty()

    def progress(step: str) -> None:
        if show:
            print(f"report: {step} ...", file=sys.stderr, flush=True)

    try:
        with sigterm_stops():
            report = build_report(
                story, path, args.runs, args.seed, jobs, args.max_states, not args.no_quicktest, progress
            )
            page = build_page(report)
    except (StoryChanged, WorkerLost) as exc:
        print(f"qasas report: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("qasas report: interrupted", file=sys.stderr)
        return 130
    except Terminated:
        print("qasas report: terminated", file=sys.stderr)
        return 143
    try:
        where = write_output(args.output, page)
    except OutputError as exc:
        print(f"qasas report: {exc}", file=sys.stderr)
        return 1
    if args.output != "-":
        print(f"wrote {where}", file=sys.stderr)
    return 0
