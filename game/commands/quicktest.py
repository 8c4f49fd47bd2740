"""``qasas quicktest [DIR]``: a verdict on every scene, choice and ending (reachable, with a playable path, or proven
unreachable), dead ends, traps, and conditions that always come out the same way.

The work is ``game.tools.quicktest``; this module parses the arguments, prints its result as text or JSON, and
writes ``--write-paths``. Exit status: 0 when every verdict is in and nothing is wrong, 1 when something is wrong
(content no playthrough reaches, a dead end, a trap) or a verdict is undecided, 2 when the story does not load
or an option is out of range.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import TYPE_CHECKING

from ..limits import seed_argument
from .common import add_story_argument, load_or_report, shown_path

if TYPE_CHECKING:
    from ..engine import Story
    from ..tools.quicktest import Finding, Path, Quicktest


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_story_argument(parser)
    parser.add_argument(
        "--max-states", type=int, default=100_000, metavar="N",
        help="states each search may keep (default 100000); larger budgets decide more and take longer",
    )
    parser.add_argument(
        "--write-paths", metavar="DIR", default=None,
        help="write the path to each reachable ending as a playthrough file DIR/<ending>.yaml",
    )
    parser.add_argument("--seed", type=seed_argument(), default=1, metavar="S", help="the first seed of random play and of the seeds tried for paths (default 1)")
    parser.add_argument("--seed-tries", type=int, default=100_000, metavar="N", help="seeds tried per path through chance routes at most (default 100000)")
    parser.add_argument("--jobs", "-j", type=int, default=1, metavar="J", help="worker processes (0: one per core)")
    parser.add_argument("--json", action="store_true", help="print one JSON object (for CI) instead of text")


def run(args: argparse.Namespace) -> int:
    from ..loader import default_scenes_dir
    from ..tools.quicktest import Settings, quicktest
    from ..tools.workers import StoryChanged, WorkerLost, usable_jobs
    from .randomtest import Terminated, sigterm_stops

    for name, value, low in (("--max-states", args.max_states, 1), ("--seed-tries", args.seed_tries, 1), ("--jobs", args.jobs, 0)):
        if value < low:
            print(f"qasas quicktest: {name} must be at least {low}", file=sys.stderr)
            return 2
    story = load_or_report(args.dir or default_scenes_dir())
    if story is None:
        return 2
    jobs, why = usable_jobs(args.jobs)
    if why and args.jobs:
        print(f"qasas quicktest: --jobs {args.jobs:,} is more than this machine allows ({why}); running {jobs}", file=sys.stderr)
    settings = Settings(max_states=args.max_states, seed=args.seed, seed_tries=args.seed_tries, jobs=jobs)
    tty = sys.stderr.isatty() and not args.json

    def progress(phase: str) -> None:
        sys.stderr.write(f"\r\x1b[Kquicktest: {_clean(phase)}")
        sys.stderr.flush()

    try:
        with sigterm_stops():
            result = quicktest(story, settings, progress if tty else None)
    except (StoryChanged, WorkerLost) as exc:
        print(_clean(f"qasas quicktest: {exc}"), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nqasas quicktest: interrupted", file=sys.stderr)
        return 130
    except Terminated:
        print("\nqasas quicktest: terminated", file=sys.stderr)
        return 143
    finally:
        if tty:
            sys.stderr.write("\r\x1b[K")
    status = 0 if result.ok else 1
    written: list[str] = []
    if args.write_paths:
        written, failed = write_paths(story, result, args.write_paths)
        status = max(status, failed)
    if args.json:
        data = result.to_data()
        if args.write_paths:
            data["written"] = written
        print(json.dumps(data, ensure_ascii=True, indent=2))
    else:
        sys.stdout.write(format_report(story, result))
        for p in written:
            print(f"wrote {shown_path(p)}")
    return status


# --------------------------------------------------------------------------------------------------- text


def format_report(story: Story, result: Quicktest) -> str:
    """The result as text for a terminal."""
    m = result.method
    out: list[str] = []
    title = _clean(story.title)
    if m.exact_complete:
        how = f"the exact search was complete: {m.exact_states:,} states"
    else:
        how = (
            f"the exact search stopped at {m.exact_states:,} states, so: {m.runs:,} random playthroughs, "
            f"{m.searches:,} searches over smaller views ({m.states:,} states), aimed play toward {m.walks:,} goals"
        )
    state = "every verdict is in" if result.complete else "NOT every verdict is in"
    out.append(f"quicktest: {title!r}: {state} ({how}) in {m.elapsed:.2f} s")
    out.append("")
    reached = [f for f in result.endings if f.verdict == "reachable"]
    out.append(f"Endings reachable ({len(reached)} of {len(result.endings)}), with a path to each:")
    for f in sorted(reached, key=lambda f: (f.path.length if f.path is not None else 0, f.id)):
        out.append(f"  {f.id}: {_path_line(f.path)}")
    for f in result.endings:
        if f.verdict != "reachable":
            out.append(f"  {f.id}: {'never reached' if f.verdict == 'unreachable' else 'UNDECIDED'}" + (f" ({f.how})" if f.how else ""))
    for kind, label in (("scene", "Scenes"), ("choice", "Choices")):
        items = result.scenes if kind == "scene" else result.choices
        n = sum(f.verdict == "reachable" for f in items)
        shortest = sum(f.path is not None and f.path.shortest for f in items)
        verb = "reached" if kind == "scene" else "can be taken"
        out.append(f"{label}: {n} of {len(items)} {verb} ({shortest} by a path proven shortest).")
    for title_, items in (
        ("Scenes never reached", result.unreachable("scene")),
        ("Choices never available", result.unreachable("choice")),
    ):
        if items:
            out.append("")
            out.append(f"{title_} ({len(items)}), proven:")
            out.extend(f"  {_at(f.pos)}: {f.id} ({f.how})" for f in items)
    undecided = result.undecided()
    if undecided:
        out.append("")
        out.append(f"Undecided ({len(undecided)}): neither a path nor a proof within the budget")
        out.extend(f"  {_at(f.pos)}: {f.kind} {f.id}" for f in undecided)
    dead = result.found_dead_ends()
    if dead:
        out.append("")
        out.append(f"Dead ends: scenes that are no ending and can offer no choice ({len(dead)}):")
        for d in dead:
            out.append(f"  {_at(d.pos)}: {d.scene}, reached by: {_path_line(d.path)}")
    open_dead = [d for d in result.dead_ends if d.verdict == "undecided"]
    if open_dead:
        out.append("")
        out.append(f"Scenes that may be dead ends, undecided ({len(open_dead)}):")
        out.extend(f"  {_at(d.pos)}: {d.scene}" for d in open_dead)
    traps = result.traps
    out.append("")
    if traps.verdict == "found":
        count = f"{traps.states:,} states" if traps.states is not None else "there are states"
        out.append(f"Traps: {count} from which no ending can be reached; the nearest, after: {_path_line(traps.path)}")
    elif traps.verdict == "none":
        out.append(f"Traps: none; from every state play can reach, an ending can be reached ({traps.how}).")
    else:
        out.append(f"Traps: UNDECIDED ({traps.how}).")
    decided = result.decided_conditions()
    open_conditions = [c for c in result.conditions if not c.decided]
    if result.conditions:
        both = len(result.conditions) - len(decided) - len(open_conditions)
        rest = [f"{n} {what}" for n, what in ((len(decided), "always the same way"), (len(open_conditions), "undecided")) if n]
        out.append(
            f"Conditions: {both} of {len(result.conditions)} can come out either way where they are read"
            + (f"; {', '.join(rest)}." if rest else ".")
        )
    if decided:
        out.append("")
        out.append(f"Conditions that come out the same way wherever they are read ({len(decided)}):")
        for c in decided:
            verdict = "always true" if c.always else "never true"
            out.append(f"  {_at(c.pos)}: {c.role} {_clean(c.source)!r} is {verdict}")
    if open_conditions:
        out.append("")
        out.append(f"Conditions undecided ({len(open_conditions)}):")
        for c in open_conditions:
            which = " and ".join(w for w, v in (("true", c.true), ("false", c.false)) if v == "undecided")
            out.append(f"  {_at(c.pos)}: {c.role} {_clean(c.source)!r}: whether it can be {which}")
    out.append("")
    if result.ok:
        out.append("ok: every scene, choice and ending can be reached, and every verdict is proven")
    elif result.problems:
        out.append("problems found (see above)")
    else:
        out.append("incomplete: some verdicts are undecided; a larger --max-states may decide them")
    return "\n".join(_clean(line) for line in out) + "\n"


def _path_line(path: Path | None) -> str:
    if path is None:
        return "(no path)"
    notes = [f"{path.length} choice{'' if path.length == 1 else 's'}"]
    if path.shortest:
        notes.append("shortest")
    notes.append(f"seed {path.seed}" if path.seed is not None else "no seed found that follows it")
    return f"({', '.join(notes)}) " + (" > ".join(path.choices()) or "(the start)")


def _at(pos: object) -> str:
    return str(pos)


def _clean(text: str) -> str:
    from ..sanitize import sanitize_line

    return sanitize_line(text)


# -------------------------------------------------------------------------------------------- playthroughs


def write_paths(story: Story, result: Quicktest, directory: str) -> tuple[list[str], int]:
    """Write the path to each reachable ending as a playthrough file ``DIR/<ending>.yaml`` (replay it with
    ``qasas replay``). Returns the files written and a status: 1 when a path had no seed, 2 when writing failed."""
    from ..saves import write_playthrough

    written: list[str] = []
    status = 0
    for f in sorted(result.endings, key=lambda f: f.id):
        if f.verdict != "reachable" or f.path is None:
            continue
        if f.path.seed is None:
            print(_clean(f"qasas quicktest: no seed within the tries follows the path to ending {f.id!r}; not written"), file=sys.stderr)
            status = 1
            continue
        target = os.path.join(directory, f"{f.id}.yaml")
        scenes_dir = os.path.relpath(story.root, os.path.dirname(os.path.abspath(target))) if story.root else None
        try:
            write_playthrough(
                target,
                f.path.seed,
                [(s.scene, s.choice) for s in f.path.steps],
                {"scene": f.scene, "ending": f.id},
                scenes=scenes_dir,
                story_id=story.id or None,
                comment=_comment(f),
            )
        except OSError as exc:
            print(_clean(f"qasas quicktest: cannot write {target}: {exc.strerror or exc}"), file=sys.stderr)
            return written, 2
        written.append(target)
    return written, status


def _comment(f: Finding) -> str:
    assert f.path is not None
    which = "a shortest" if f.path.shortest else "a"
    return f"Written by qasas quicktest: {which} path to the ending {f.id!r} ({f.path.length} choices)."
