"""``qasas randomtest [DIR]``: play the story thousands of times at random and print what happened.

The playing is ``game.tools.randomtest``; this module parses the arguments, shows a progress bar when stderr is a
terminal, and prints the results as text or one JSON object. Ctrl-C or SIGTERM stops the workers and ends with one
line and exit status 130 or 143. Exit status: 0 when no loop or dead end was found, 1 when one was, 2 for a story
that does not load or arguments that cannot be run.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ..limits import SEED_MAX, seed_argument
from ..sanitize import sanitize_line
from .common import add_story_argument, load_or_report

if TYPE_CHECKING:
    from ..engine import Story

MODES = ("random", "coverage")
MAX_PROBLEMS_SHOWN = 20


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_story_argument(parser)
    parser.add_argument("--runs", type=int, default=10_000, metavar="N", help="number of playthroughs (default 10000)")
    parser.add_argument("--seed", type=seed_argument(), default=1, metavar="S", help="run i uses seed S+i (default 1)")
    parser.add_argument("--mode", choices=MODES, default="random", help="random choices, or prefer the least-taken")
    parser.add_argument(
        "--jobs", "-j", type=int, default=1, metavar="J",
        help="worker processes (0: one per core; more than the machine can use is capped, with a message)",
    )
    parser.add_argument(
        "--max-steps", type=int, default=10_000, metavar="N", help="a run longer than this is reported as a loop"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object (for CI) instead of text")


class Terminated(Exception):
    """SIGTERM arrived: the run stops as it would on Ctrl-C, with exit status 143."""


_terminated: list[bool] = []  # set once SIGTERM has arrived (the workers may die of it before we hear of it)


@contextmanager
def sigterm_stops() -> Iterator[None]:
    """Turn SIGTERM into Terminated for the duration, so that the workers are stopped and nothing is left behind."""

    def handler(signum: int, frame: Any) -> None:
        _terminated.append(True)
        raise Terminated

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread: leave the default
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class _Bar:
    """A progress bar on stderr, drawn only when stderr is a terminal, at most ten times a second."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.last = 0.0
        self.started = time.perf_counter()

    def __call__(self, done: int, total: int) -> None:
        now = time.perf_counter()
        if not self.enabled or (now - self.last < 0.1 and done < total):
            return
        self.last = now
        width = 30
        filled = width * done // max(total, 1)
        rate = done / max(now - self.started, 1e-9)
        sys.stderr.write(f"\r[{'#' * filled}{'-' * (width - filled)}] {done:,}/{total:,} runs  {rate:,.0f}/s ")
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()


def run(args: argparse.Namespace) -> int:
    from ..loader import default_scenes_dir
    from ..tools.randomtest import randomtest, replay_path, report_data
    from ..tools.workers import StoryChanged, WorkerLost, usable_jobs

    for name, value, low in (("--runs", args.runs, 1), ("--max-steps", args.max_steps, 1), ("--jobs", args.jobs, 0)):
        if value < low:
            print(f"qasas randomtest: {name} must be at least {low}", file=sys.stderr)
            return 2
    if args.seed + args.runs - 1 > SEED_MAX:  # the last run's seed must be one --seed accepts, to repeat it
        print(f"qasas randomtest: --seed {args.seed} with --runs {args.runs} goes past the largest seed, {SEED_MAX}", file=sys.stderr)
        return 2
    path = args.dir or default_scenes_dir()
    story = load_or_report(path)
    if story is None:
        return 2
    jobs, why = usable_jobs(args.jobs)
    if why and args.jobs:
        print(f"qasas randomtest: --jobs {args.jobs:,} is more than this machine allows ({why}); running {jobs}",
              file=sys.stderr)
    bar = _Bar(sys.stderr.isatty() and not args.json)
    failure = ""
    try:
        with sigterm_stops():
            res = randomtest(story, args.runs, args.seed, args.mode, args.max_steps, jobs, path, bar)
    except (StoryChanged, WorkerLost) as exc:
        if _terminated:  # a SIGTERM to the whole process group ended the workers first
            print("qasas randomtest: terminated", file=sys.stderr)
            return 143
        failure = str(exc)
    except KeyboardInterrupt:
        bar.close()
        print("qasas randomtest: interrupted", file=sys.stderr)
        return 130
    except Terminated:
        bar.close()
        print("qasas randomtest: terminated", file=sys.stderr)
        return 143
    finally:
        bar.close()
    if failure:
        print(sanitize_line(f"qasas randomtest: {failure}"), file=sys.stderr)
        return 2
    data = report_data(story, res, runs=args.runs, seed=args.seed, mode=args.mode, jobs=jobs, max_steps=args.max_steps)
    if args.runs == 1:
        data["path"] = replay_path(story, args.seed, args.mode, args.max_steps)
    if args.json:
        print(json.dumps(data, ensure_ascii=True, indent=2))
    else:
        sys.stdout.write(format_report(story, data))
        if "path" in data:
            shown = data["path"] if len(data["path"]) <= 200 else data["path"][:200] + ["..."]
            lines = "\n".join(f"  {sanitize_line(p)}" for p in shown)
            sys.stdout.write(f"\nPath of seed {args.seed}:\n{lines}\n")
    return 0 if data["ok"] else 1


def format_report(story: Story, data: dict[str, Any]) -> str:
    """The results (``report_data``) as text for a terminal."""
    out: list[str] = []
    t = data["throughput"]
    first, last = data["seeds"]
    out.append(
        f"randomtest: {data['runs']:,} playthrough{'s' if data['runs'] != 1 else ''} of {sanitize_line(story.title)!r} ({data['mode']} mode, "
        f"seeds {first}..{last}, {data['jobs']} job{'s' if data['jobs'] != 1 else ''}) in {data['elapsed_s']:.2f} s"
    )
    out.append(f"  {t['playthroughs_per_s']:,.0f} playthroughs/s, {t['choices_per_s']:,.0f} choices/s")
    length = data["length"]
    out.append(
        f"  length: {length['average']:.1f} choices on average, longest {length['longest']:,} (seed {length['longest_seed']})"
    )
    unseen, untaken = data["scenes_never_visited"], data["choices_never_taken"]
    cov = data["coverage"]
    out.append(
        f"  coverage: {cov['scenes_visited']}/{cov['scenes']} scenes visited, "
        f"{cov['choices_taken']}/{cov['choices']} choices taken"
    )
    out.append("")
    endings = data["endings"]
    out.append(f"Endings reached ({len(endings)} of {len(story.endings)}):")
    width = max((len(e) for e in endings), default=0)
    runs = max(data["runs"], 1)
    for eid, e in sorted(endings.items(), key=lambda kv: (-kv[1]["count"], kv[0])):
        out.append(
            f"  {eid:<{width}}  {e['count']:>8,}  {100 * e['count'] / runs:5.1f}%  "
            f"{sanitize_line(e['title'])!r} (first at seed {e['first_seed']})"
        )
    if data["endings_never_reached"]:
        out.append("  never reached: " + ", ".join(data["endings_never_reached"]))
    if endings and story.factions:
        out.append("")
        out.append("Trust at the endings (min/median/max):")
        factions = list(story.factions)
        cells = {
            eid: [f"{e['trust'][f]['min']}/{e['trust'][f]['median']}/{e['trust'][f]['max']}" for f in factions]
            for eid, e in endings.items()
        }
        widths = [max([len(f)] + [len(c[i]) for c in cells.values()]) for i, f in enumerate(factions)]
        out.append("  " + " " * width + "  " + "  ".join(f"{f:>{w}}" for f, w in zip(factions, widths)))
        for eid in sorted(endings, key=lambda k: (-endings[k]["count"], k)):
            out.append(f"  {eid:<{width}}  " + "  ".join(f"{c:>{w}}" for c, w in zip(cells[eid], widths)))
    if unseen:
        out.append("")
        out.append(f"Scenes never visited ({len(unseen)}):")
        out.extend(f"  {u['file']}:{u['line']}:{u['column']}: {u['id']}" for u in unseen)
    if untaken:
        out.append("")
        out.append(f"Choices never taken, in scenes that were visited ({len(untaken)}):")
        out.extend(f"  {u['file']}:{u['line']}:{u['column']}: {u['id']}" for u in untaken)
    for key, heading in (
        ("spans_never_shown", "Text spans never shown: their condition never held where it was read"),
        ("spans_always_shown", "Text spans always shown: their condition always held where it was read"),
    ):
        spans = data.get(key, [])
        if spans:
            out.append("")
            out.append(f"{heading} ({len(spans)}):")
            out.extend(
                f"  {u['file']}:{u['line']}:{u['column']}: {{if {u['source']}: ...}} (read {u['read']:,} times)"
                for u in spans
            )
    problems = data["loops"] + data["dead_ends"]
    if problems:
        out.append("")
        out.append(f"Problems ({sum(p['runs'] for p in problems):,} runs):")
        for p in data["loops"][:MAX_PROBLEMS_SHOWN]:
            out.append(
                f"  loop: seed {p['seed']} made {p['steps']:,} choices without reaching an ending; it keeps returning "
                f"to {', '.join(p['scenes'])}" + (f" ({p['runs']:,} runs like it)" if p["runs"] > 1 else "")
            )
        for p in data["dead_ends"][:MAX_PROBLEMS_SHOWN]:
            out.append(
                f"  dead end: scene {p['scene']!r} is not an ending but offers no choice that can be taken "
                f"(seed {p['seed']}, after {p['steps']} choices" + (f"; {p['runs']:,} runs" if p["runs"] > 1 else "") + ")"
            )
        hidden = len(data["loops"][MAX_PROBLEMS_SHOWN:]) + len(data["dead_ends"][MAX_PROBLEMS_SHOWN:])
        if hidden:
            out.append(f"  ... and {hidden} more (see --json)")
    else:
        out.append("")
        out.append("No loops and no dead ends.")
    return "\n".join(sanitize_line(line) for line in out) + "\n"
