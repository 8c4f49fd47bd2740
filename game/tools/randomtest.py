"""``qasas randomtest``: thousands of random playthroughs, and a report of what an author needs to know.

Run ``i`` uses seed ``S + i`` both for its choices and for the story's chance routes, so any run can be repeated
(``qasas randomtest --runs 1 --seed N`` prints that run's path). Two modes:

* ``random``: each choice uniformly among the choices that can be taken;
* ``coverage``: the choice taken least often so far (ties broken at random), to reach rare branches sooner.
  The counts are kept per batch of ``BATCH`` runs, so the results do not depend on how many ``--jobs`` run them.

Nothing stops at the first problem: endings and their counts, scenes and choices never visited, trust at each
ending (min/median/max), playthrough lengths, loops (runs longer than ``--max-steps``), dead ends (a non-ending
scene with no choice that can be taken) and throughput are all reported together. It plays through the engine's
fast path (``Game.available()`` and ``Game.step()``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from random import Random
from typing import Any

from ..engine import Game, Pos, Story
from ..limits import SEED_MAX, seed_argument
from ..sanitize import sanitize_line

MODES = ("random", "coverage")
BATCH = 1000  # runs per unit of work (and per coverage-count window)
LOOP_WINDOW = 200  # how many of a looping run's last choices are inspected for its repeating scenes
MAX_PROBLEMS_SHOWN = 20


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dir", nargs="?", default=None, help="the story directory (default: the shipped story)")
    parser.add_argument("--runs", type=int, default=10_000, metavar="N", help="number of playthroughs (default 10000)")
    parser.add_argument("--seed", type=seed_argument(), default=1, metavar="S", help="run i uses seed S+i (default 1)")
    parser.add_argument("--mode", choices=MODES, default="random", help="random choices, or prefer the least-taken")
    parser.add_argument("--jobs", "-j", type=int, default=1, metavar="J", help="worker processes (0: one per core)")
    parser.add_argument(
        "--max-steps", type=int, default=10_000, metavar="N", help="a run longer than this is reported as a loop"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object (for CI) instead of text")


# ----------------------------------------------------------------------------------------- results


@dataclass(slots=True)
class Problem:
    """A loop or a dead end, grouped by where it happens; ``seed`` is the smallest seed that shows it."""

    kind: str  # 'loop' or 'dead_end'
    scenes: tuple[str, ...]
    seed: int
    steps: int
    runs: int = 1
    path: tuple[str, ...] = ()


@dataclass(slots=True)
class Results:
    """Mergeable totals of a batch of runs (merging is order-independent, so results never depend on --jobs)."""

    runs: int = 0
    steps: int = 0
    endings: Counter[str] = field(default_factory=Counter)
    ending_seed: dict[str, int] = field(default_factory=dict)
    trust: dict[str, dict[str, Counter[int]]] = field(default_factory=dict)  # ending -> faction -> value counts
    visited: set[str] = field(default_factory=set)
    chosen: set[str] = field(default_factory=set)
    longest: tuple[int, int] = (0, 0)  # (steps, -seed): the longest run, smallest seed on ties
    problems: dict[tuple[str, tuple[str, ...]], Problem] = field(default_factory=dict)
    elapsed: float = 0.0

    def merge(self, other: Results) -> None:
        self.runs += other.runs
        self.steps += other.steps
        self.endings.update(other.endings)
        for k, s in other.ending_seed.items():
            self.ending_seed[k] = min(s, self.ending_seed.get(k, s))
        for ending, per in other.trust.items():
            mine = self.trust.setdefault(ending, {})
            for faction, values in per.items():
                mine.setdefault(faction, Counter()).update(values)
        self.visited |= other.visited
        self.chosen |= other.chosen
        self.longest = max(self.longest, other.longest)
        for key, p in other.problems.items():
            self.add_problem(key, p)

    def add_problem(self, key: tuple[str, tuple[str, ...]], p: Problem) -> None:
        mine = self.problems.get(key)
        if mine is None:
            self.problems[key] = Problem(p.kind, p.scenes, p.seed, p.steps, p.runs, p.path)
            return
        mine.runs += p.runs
        if p.seed < mine.seed:
            mine.seed, mine.steps, mine.path = p.seed, p.steps, p.path

    # Plain data for the trip back from a worker process.
    def to_data(self) -> dict[str, Any]:
        return {
            "runs": self.runs, "steps": self.steps, "endings": dict(self.endings), "ending_seed": self.ending_seed,
            "trust": {e: {f: dict(c) for f, c in per.items()} for e, per in self.trust.items()},
            "visited": sorted(self.visited), "chosen": sorted(self.chosen), "longest": list(self.longest),
            "problems": [
                [p.kind, list(p.scenes), p.seed, p.steps, p.runs, list(p.path)] for p in self.problems.values()
            ],
        }

    @classmethod
    def from_data(cls, d: dict[str, Any]) -> Results:
        r = cls(d["runs"], d["steps"], Counter(d["endings"]), dict(d["ending_seed"]))
        r.trust = {e: {f: Counter({int(k): v for k, v in c.items()}) for f, c in per.items()} for e, per in d["trust"].items()}
        r.visited, r.chosen = set(d["visited"]), set(d["chosen"])
        r.longest = (d["longest"][0], d["longest"][1])
        for kind, scenes, seed, steps, runs, path in d["problems"]:
            p = Problem(kind, tuple(scenes), seed, steps, runs, tuple(path))
            r.problems[(kind, p.scenes)] = p
        return r


# ----------------------------------------------------------------------------------------- playing


def play_batch(story: Story, first_seed: int, count: int, mode: str = "random", max_steps: int = 10_000) -> Results:
    """Play ``count`` runs with seeds ``first_seed ..``; the hot loop of randomtest."""
    res = Results()
    scenes = story.scenes
    order = {sid: i for i, sid in enumerate(scenes)}
    factions = [(f.id, f.slot) for f in story.factions.values()]
    coverage = mode == "coverage"
    taken: dict[str, int] = {c.key: 0 for s in scenes.values() for c in s.choices}
    endings, ending_seed, trust = res.endings, res.ending_seed, res.trust
    visited, chosen = res.visited, res.chosen
    total_steps = 0
    longest = (0, 0)
    for seed in range(first_seed, first_seed + count):
        rand = Random(seed).random
        game = Game(story, seed)
        st = game.state
        log = st.log
        available = game.available
        step = game.step
        while True:
            scene = scenes[st.scene]
            if scene.ending:
                break
            choices = available()
            n = len(choices)
            if n == 0:
                path = tuple(f"{s}.{c}" for s, c in log)
                res.add_problem(("dead_end", (scene.id,)), Problem("dead_end", (scene.id,), seed, len(log), 1, path))
                break
            if len(log) >= max_steps:
                loop = _repeating(log[-min(LOOP_WINDOW, len(log) // 2 or 1) :], order)
                res.add_problem(("loop", loop), Problem("loop", loop, seed, len(log)))
                break
            if n == 1:
                choice = choices[0]
            elif coverage:
                least = min(taken[c.key] for c in choices)
                best = [c for c in choices if taken[c.key] == least]
                choice = best[int(rand() * len(best))]
            else:
                choice = choices[int(rand() * n)]
            if coverage:
                taken[choice.key] += 1
            step(choice)
        steps = len(log)
        total_steps += steps
        longest = max(longest, (steps, -seed))
        visited |= st.visited
        chosen |= st.chosen
        if scene.ending:
            ending = scene.ending
            endings[ending] += 1
            if ending not in ending_seed:
                ending_seed[ending] = seed
            per = trust.get(ending)
            if per is None:
                per = trust[ending] = {fid: Counter() for fid, _ in factions}
            values = st.values
            for fid, slot in factions:
                per[fid][values[slot]] += 1
    res.runs = count
    res.steps = total_steps
    res.longest = longest
    return res


def _repeating(tail: list[tuple[str, str]], order: dict[str, int]) -> tuple[str, ...]:
    """The scenes a looping run keeps returning to: those of its last choices (the later half of the run at most),
    in story order, so that every run caught in the same loop reports it the same way."""
    return tuple(sorted({scene_id for scene_id, _ in tail}, key=order.__getitem__))


# Worker processes: each loads the story itself (the story is never sent between processes). A worker that cannot
# load it, or finds a different story on disk (edited since the run began), reports that instead of results.
_WORKER_STORY: Story | None = None
_WORKER_ERROR = ""


class StoryChanged(Exception):
    """A worker could not load the same story as the main process."""


def _work(task: tuple[str, str, int, int, str, int]) -> dict[str, Any]:
    global _WORKER_STORY, _WORKER_ERROR
    path, fingerprint, first, count, mode, max_steps = task
    if _WORKER_STORY is None and not _WORKER_ERROR:
        from ..loader import StoryError, load_story

        try:
            _WORKER_STORY = load_story(path)
        except StoryError as exc:
            _WORKER_ERROR = f"a worker could not load the story: {exc}"
        else:
            if _WORKER_STORY.fingerprint != fingerprint:
                _WORKER_ERROR = "the story changed on disk while randomtest was starting; run it again"
    if _WORKER_ERROR:
        return {"error": _WORKER_ERROR}
    assert _WORKER_STORY is not None
    return play_batch(_WORKER_STORY, first, count, mode, max_steps).to_data()


def randomtest(
    story: Story,
    runs: int,
    seed: int = 1,
    mode: str = "random",
    max_steps: int = 10_000,
    jobs: int = 1,
    path: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Results:
    """Play ``runs`` playthroughs and merge the results. With ``jobs > 1`` the work is split over processes that
    each load the story from ``path`` (required then). ``progress(done, total)`` is called as batches finish."""
    tasks = [(seed + i, min(BATCH, runs - i), mode, max_steps) for i in range(0, runs, BATCH)]
    total = Results()
    started = time.perf_counter()
    if jobs <= 1 or len(tasks) <= 1:
        for first, count, _, _ in tasks:
            total.merge(play_batch(story, first, count, mode, max_steps))
            if progress:
                progress(total.runs, runs)
    else:
        if path is None:
            raise ValueError("jobs > 1 needs the story's path, so that each worker can load it")
        import multiprocessing

        # 'spawn': a worker starts clean and loads the story itself, whatever the parent process holds.
        ctx = multiprocessing.get_context("spawn")
        work = [(path, story.fingerprint, *t) for t in tasks]
        with ctx.Pool(min(jobs, len(tasks))) as pool:
            for data in pool.imap_unordered(_work, work):
                if "error" in data:
                    pool.terminate()
                    raise StoryChanged(data["error"])
                total.merge(Results.from_data(data))
                if progress:
                    progress(total.runs, runs)
    total.elapsed = time.perf_counter() - started
    return total


# ----------------------------------------------------------------------------------------- reporting


def _median(values: Counter[int]) -> float:
    n = sum(values.values())
    ordered: list[tuple[int, int]] = sorted(values.items())

    def nth(k: int) -> int:
        acc = 0
        for v, c in ordered:
            acc += c
            if acc > k:
                return v
        return ordered[-1][0]

    if n % 2:
        return float(nth(n // 2))
    return (nth(n // 2 - 1) + nth(n // 2)) / 2


def _num(x: float) -> int | float:
    return int(x) if float(x).is_integer() else round(x, 1)


def report_data(story: Story, res: Results, *, runs: int, seed: int, mode: str, jobs: int, max_steps: int) -> dict[str, Any]:
    """The report as plain data (what --json prints)."""
    elapsed = max(res.elapsed, 1e-9)
    endings = {}
    for eid, ending in story.endings.items():
        if res.endings.get(eid):
            trust = {
                fid: {"min": min(c), "median": _num(_median(c)), "max": max(c)}
                for fid, c in res.trust.get(eid, {}).items()
            }
            endings[eid] = {"title": ending.title, "count": res.endings[eid], "first_seed": res.ending_seed[eid], "trust": trust}
    ending_of_scene = {s.id for s in story.scenes.values() if s.ending}

    def where(pos: Pos) -> dict[str, Any]:
        return {"file": pos.file, "line": pos.line, "column": pos.column}

    problems = sorted(res.problems.values(), key=lambda p: (p.kind, p.seed))
    return {
        "story": story.id,
        "runs": res.runs,
        "seeds": [seed, seed + runs - 1],
        "mode": mode,
        "jobs": jobs,
        "max_steps": max_steps,
        "elapsed_s": round(res.elapsed, 3),
        "throughput": {"playthroughs_per_s": round(res.runs / elapsed, 1), "choices_per_s": round(res.steps / elapsed, 1)},
        "length": {
            "average": round(res.steps / res.runs, 2) if res.runs else 0,
            "longest": res.longest[0],
            "longest_seed": -res.longest[1],
        },
        "coverage": {
            "scenes_visited": sum(1 for sid in story.scenes if sid in res.visited),
            "scenes": len(story.scenes),
            "choices_taken": sum(1 for s in story.scenes.values() for c in s.choices if c.key in res.chosen),
            "choices": sum(len(s.choices) for s in story.scenes.values()),
        },
        "endings": endings,
        "endings_never_reached": [eid for eid in story.endings if eid not in endings],
        "scenes_never_visited": [
            {"id": s.id, "ending": s.id in ending_of_scene, **where(s.pos)} for s in story.scenes.values() if s.id not in res.visited
        ],
        "choices_never_taken": [
            {"id": c.key, **where(c.pos)}
            for s in story.scenes.values()
            if s.id in res.visited
            for c in s.choices
            if c.key not in res.chosen
        ],
        "loops": [
            {"seed": p.seed, "steps": p.steps, "scenes": list(p.scenes), "runs": p.runs} for p in problems if p.kind == "loop"
        ],
        "dead_ends": [
            {"scene": p.scenes[0], "seed": p.seed, "steps": p.steps, "runs": p.runs, "path": list(p.path)}
            for p in problems
            if p.kind == "dead_end"
        ],
        "ok": not res.problems,
    }


def format_report(story: Story, data: dict[str, Any]) -> str:
    """The report as text for a terminal."""
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


def _replay_path(story: Story, seed: int, mode: str, max_steps: int) -> list[str]:
    """The path of one run, for ``--runs 1`` (random mode is reproducible from the seed alone)."""
    game = Game(story, seed)
    rand = Random(seed).random
    taken: dict[str, int] = {}
    while not game.scene.ending and len(game.state.log) < max_steps:
        choices = game.available()
        if not choices:
            break
        if len(choices) == 1:
            choice = choices[0]
        elif mode == "coverage":
            least = min(taken.get(c.key, 0) for c in choices)
            best = [c for c in choices if taken.get(c.key, 0) == least]
            choice = best[int(rand() * len(best))]
        else:
            choice = choices[int(rand() * len(choices))]
        taken[choice.key] = taken.get(choice.key, 0) + 1
        game.step(choice)
    return [f"{s}.{c}" for s, c in game.state.log]


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
    from ..commands.common import load_or_report
    from ..loader import default_scenes_dir

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
    jobs = args.jobs or (os.cpu_count() or 1)
    bar = _Bar(sys.stderr.isatty() and not args.json)
    try:
        res = randomtest(story, args.runs, args.seed, args.mode, args.max_steps, jobs, path, bar)
    except StoryChanged as exc:
        failure = str(exc)
    else:
        failure = ""
    finally:
        bar.close()
    if failure:
        print(sanitize_line(f"qasas randomtest: {failure}"), file=sys.stderr)
        return 2
    data = report_data(story, res, runs=args.runs, seed=args.seed, mode=args.mode, jobs=jobs, max_steps=args.max_steps)
    if args.runs == 1:
        data["path"] = _replay_path(story, args.seed, args.mode, args.max_steps)
    if args.json:
        print(json.dumps(data, ensure_ascii=True, indent=2))
    else:
        sys.stdout.write(format_report(story, data))
        if "path" in data:
            shown = data["path"] if len(data["path"]) <= 200 else data["path"][:200] + ["..."]
            lines = "\n".join(f"  {sanitize_line(p)}" for p in shown)
            sys.stdout.write(f"\nPath of seed {args.seed}:\n{lines}\n")
    return 0 if data["ok"] else 1
