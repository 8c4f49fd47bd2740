"""``qasas quicktest [DIR]``: explore every reachable state; print what can never happen and the shortest path to
each ending, and write those paths as playthroughs (``--write-paths``).

The search is ``game.tools.quicktest``; this module parses the arguments, prints its report as text or JSON, and
writes the playthrough files.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import TYPE_CHECKING, Any

from ..limits import seed_argument
from ..sanitize import sanitize_line
from .common import add_story_argument

if TYPE_CHECKING:
    from ..engine import Story
    from ..tools.quicktest import Step


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_story_argument(parser)
    parser.add_argument(
        "--max-states", type=int, default=250_000, metavar="N", help="stop after N distinct states (default 250000)"
    )
    parser.add_argument("--write-paths", metavar="DIR", default=None, help="write the shortest path to each ending as a playthrough file in DIR")
    parser.add_argument("--seed", type=seed_argument(), default=1, metavar="S", help="first seed tried for paths through chance routes (default 1)")
    parser.add_argument("--seed-tries", type=int, default=100_000, metavar="N", help="seeds tried per path at most (default 100000)")
    parser.add_argument("--json", action="store_true", help="print one JSON object (for CI) instead of text")


def format_report(story: Story, data: dict[str, Any]) -> str:
    """The report as text for a terminal."""
    out: list[str] = []
    if data["complete"]:
        out.append(f"quicktest: {data['states']:,} states of {sanitize_line(story.title)!r} explored in {data['elapsed_s']:.2f} s (complete)")
    else:
        smp = data["sampling"]
        out.append(
            f"quicktest: {sanitize_line(story.title)!r} has more than {data['states']:,} distinct states (--max-states), so "
            f"the search is INCOMPLETE; a second pass sampled {smp['states']:,} states (at most {smp['per_scene']:,} per "
            f"scene) in {data['elapsed_s']:.2f} s in all."
        )
        out.append(
            "  Every path below is real and playable; 'never' below means 'not found within the limit', and paths not "
            "marked shortest may not be."
        )
    out.append("")
    endings = data["endings"]
    out.append(f"Endings reachable ({len(endings)} of {len(story.endings)}), with the shortest path found to each:")
    for eid, e in endings.items():
        seed = e["seed"]
        notes = [f"seed {seed}" if seed is not None else "no seed found that follows it"]
        if not e["shortest"]:
            notes.append("not proven shortest")
        plural = "" if e["length"] == 1 else "s"
        out.append(f"  {eid}: {e['length']} choice{plural} ({', '.join(notes)}): " + " > ".join(e["path"]))
    if data["endings_never_reached"]:
        out.append("  never reached: " + ", ".join(data["endings_never_reached"]))
    for title, items in (
        ("Scenes never reached", data["scenes_never_reached"]),
        ("Choices never available", data["choices_never_available"]),
    ):
        if items:
            out.append("")
            out.append(f"{title} ({len(items)}):")
            out.extend(f"  {i['file']}:{i['line']}:{i['column']}: {i['id']}" for i in items)
    if data["dead_ends"]:
        out.append("")
        out.append(f"Dead ends: scenes that are no ending and offer no choice ({len(data['dead_ends'])}):")
        for d in data["dead_ends"]:
            out.append(f"  {d['scene']}, reached by: " + (" > ".join(d["path"]) or "(the start)"))
    if data["trapped_states"]:
        out.append("")
        out.append(
            f"States from which no ending can be reached: {data['trapped_states']:,}; the nearest, after: "
            + (" > ".join(data["trap_path"]) or "(the start)")
        )
    conds = data["conditions_always_the_same"]
    if conds:
        out.append("")
        out.append(f"Conditions decided the same way in every reachable state ({len(conds)}):")
        for c in conds:
            verdict = "always true" if c["always"] else "never true"
            out.append(f"  {c['file']}:{c['line']}:{c['column']}: {c['role']} {c['condition']!r} is {verdict}")
    out.append("")
    if data["ok"]:
        out.append("ok: every scene, choice and ending can be reached")
    elif data["complete"]:
        out.append("problems found (see above)")
    else:
        out.append("incomplete: raise --max-states for a complete search" + ("" if not (
            data["scenes_never_reached"] or data["choices_never_available"] or data["endings_never_reached"] or data["dead_ends"]
        ) else "; see above for what was not reached"))
    return "\n".join(sanitize_line(line) for line in out) + "\n"


def run(args: argparse.Namespace) -> int:
    from ..loader import default_scenes_dir
    from ..tools.quicktest import _merged_endings, find_seed, quicktest, report_data
    from .common import load_or_report

    if args.max_states < 1 or args.seed_tries < 1:
        print("qasas quicktest: --max-states and --seed-tries must be at least 1", file=sys.stderr)
        return 2
    story = load_or_report(args.dir or default_scenes_dir())
    if story is None:
        return 2
    tty = sys.stderr.isatty() and not args.json

    def progress(n: int) -> None:
        sys.stderr.write(f"\r{n:,} states ")
        sys.stderr.flush()

    try:
        full, sample = quicktest(story, args.max_states, progress if tty else None)
    finally:
        if tty:
            sys.stderr.write("\r\x1b[K")
    found = _merged_endings(full, sample)
    seeds = {eid: find_seed(story, path, args.seed, args.seed_tries) for eid, (path, _, _) in found.items()}
    data = report_data(story, full, sample, seeds)
    status = 0 if data["ok"] else 1
    if args.write_paths:
        written, status2 = write_paths(story, found, seeds, args.write_paths)
        data["written"] = written
        status = max(status, status2)
    if args.json:
        print(json.dumps(data, ensure_ascii=True, indent=2))
    else:
        sys.stdout.write(format_report(story, data))
        for p in data.get("written", []):
            print(f"wrote {sanitize_line(_shown(p))}")
    return status


def _shown(path: str) -> str:
    rel = os.path.relpath(path)
    return rel if len(rel) < len(os.path.abspath(path)) else os.path.abspath(path)


def write_paths(
    story: Story, found: dict[str, tuple[list[Step], str, bool]], seeds: dict[str, int | None], directory: str
) -> tuple[list[str], int]:
    """Write the shortest path to each reachable ending as a playthrough file ``DIR/<ending>.yaml`` (replay it
    with ``qasas replay``). A path no seed was found for is not written, and makes the status 1."""
    from ..saves import write_playthrough

    written: list[str] = []
    status = 0
    for eid, (path, scene_id, shortest) in sorted(found.items()):
        seed = seeds.get(eid)
        if seed is None:
            print(f"qasas quicktest: no seed within the tries follows the path to ending {eid!r}; not written", file=sys.stderr)
            status = 1
            continue
        target = os.path.join(directory, f"{eid}.yaml")
        scenes_dir = os.path.relpath(story.root, os.path.dirname(os.path.abspath(target))) if story.root else None
        try:
            write_playthrough(
                target,
                seed,
                [(s.scene, s.choice) for s in path],
                {"scene": scene_id, "ending": eid},
                scenes=scenes_dir,
                story_id=story.id or None,
                comment=f"Written by qasas quicktest: {'a shortest' if shortest else 'a'} path to the ending {eid!r} "
                f"({len(path)} choices).",
            )
        except OSError as exc:
            print(sanitize_line(f"qasas quicktest: cannot write {target}: {exc.strerror or exc}"), file=sys.stderr)
            return written, 2
        written.append(target)
    return written, status
