"""Randomtest: thousands of random playthroughs, and what an author needs to know about them, as data.

Run ``i`` uses seed ``S + i`` both for its choices and for the story's chance routes, so any run can be repeated
(``qasas randomtest --runs 1 --seed N`` prints that run's path). Two modes:

* ``random``: each choice uniformly among the choices that can be taken;
* ``coverage``: the choice taken least often so far (ties broken at random), to reach rare branches sooner.
  The counts are kept per batch of ``BATCH`` runs, so the results do not depend on how many ``--jobs`` run them.

Nothing stops at the first problem: endings and their counts, scenes and choices never visited, trust at each
ending, playthrough lengths, loops (runs longer than ``max_steps``), dead ends (a non-ending scene with no choice
that can be taken) and throughput are all gathered together. With ``detail`` (what ``qasas report`` asks for) each
run also counts the scenes it visits, the choices it takes and the words it reads. It plays through the engine's
fast path (``Game.available()`` and ``Game.step()``). ``game/commands/randomtest.py`` prints the results.

Work is handed to worker processes a few batches at a time, never as a list of every batch (``runs`` may be
astronomically large), and any exception (an interrupt, a signal turned into one by the command) stops the
workers before it propagates.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from random import Random
from typing import Any

from ..engine import Condition, Game, Pos, Story, apply_effects
from .analysis import text_sites
from .workers import StoryChanged, WorkerLost, sigint_ignored, start_worker, stop_pool

MODES = ("random", "coverage")
BATCH = 1000  # runs per unit of work (and per coverage-count window)
LOOP_WINDOW = 200  # how many of a looping run's last choices are inspected for its repeating scenes


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
class Detail:
    """Per-run counts for the report: how many runs visit each scene and take each choice, and the distribution
    of playthrough lengths and of words read (in all, per chapter entered, per ending reached)."""

    scene_runs: Counter[str] = field(default_factory=Counter)
    choice_runs: Counter[str] = field(default_factory=Counter)
    route_runs: Counter[str] = field(default_factory=Counter)  # 'scene.choice>target': runs that went that way
    lengths: Counter[int] = field(default_factory=Counter)
    words: Counter[int] = field(default_factory=Counter)
    chapter_words: dict[str, Counter[int]] = field(default_factory=dict)
    ending_words: dict[str, Counter[int]] = field(default_factory=dict)

    def merge(self, other: Detail) -> None:
        self.scene_runs.update(other.scene_runs)
        self.choice_runs.update(other.choice_runs)
        self.route_runs.update(other.route_runs)
        self.lengths.update(other.lengths)
        self.words.update(other.words)
        for mine, theirs in ((self.chapter_words, other.chapter_words), (self.ending_words, other.ending_words)):
            for k, c in theirs.items():
                mine.setdefault(k, Counter()).update(c)

    def to_data(self) -> dict[str, Any]:
        return {
            "scene_runs": dict(self.scene_runs), "choice_runs": dict(self.choice_runs),
            "route_runs": dict(self.route_runs),
            "lengths": dict(self.lengths), "words": dict(self.words),
            "chapter_words": {k: dict(c) for k, c in self.chapter_words.items()},
            "ending_words": {k: dict(c) for k, c in self.ending_words.items()},
        }

    @classmethod
    def from_data(cls, d: dict[str, Any]) -> Detail:
        def ints(c: dict[Any, int]) -> Counter[int]:
            return Counter({int(k): v for k, v in c.items()})

        return cls(
            Counter(d["scene_runs"]), Counter(d["choice_runs"]), Counter(d["route_runs"]), ints(d["lengths"]), ints(d["words"]),
            {k: ints(c) for k, c in d["chapter_words"].items()}, {k: ints(c) for k, c in d["ending_words"].items()},
        )


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
    detail: Detail | None = None
    # The {if ...} spans in text, by 'file:line:col': how often their condition held and failed where it was read.
    spans: dict[str, list[int]] = field(default_factory=dict)

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
        if other.detail is not None:
            if self.detail is None:
                self.detail = Detail()
            self.detail.merge(other.detail)
        for place, (yes, no) in other.spans.items():
            counts = self.spans.setdefault(place, [0, 0])
            counts[0] += yes
            counts[1] += no

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
            "detail": self.detail.to_data() if self.detail is not None else None,
            "spans": self.spans,
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
        if d.get("detail") is not None:
            r.detail = Detail.from_data(d["detail"])
        r.spans = {k: [int(v[0]), int(v[1])] for k, v in d.get("spans", {}).items()}
        return r


# ----------------------------------------------------------------------------------------- playing


def words_shown(game: Game) -> int:
    """The words of scene text a player reads in the current scene, as rendered for this state (a choice's result
    counts too: see ``play_batch``)."""
    return sum(len(paragraph.split()) for paragraph in game.text())


Spans = dict[str, list[tuple[str, Condition]]]


def _span_conditions(story: Story) -> tuple[Spans, Spans]:
    """The conditions of {if ...} spans a player can read, each with its place ('file:line:col'): per scene, those
    read as it is entered (its text, header, labels and reasons), and per choice key, those of its result (read
    after its effects)."""
    at_scene: Spans = {}
    at_result: Spans = {}
    for scene in story.scenes.values():
        for site in text_sites(story, scene):
            item = (str(site.condition.pos), site.condition)
            if site.role == "result" and site.choice is not None:
                at_result.setdefault(site.choice.key, []).append(item)
            else:
                at_scene.setdefault(scene.id, []).append(item)
    return at_scene, at_result


def play_batch(
    story: Story, first_seed: int, count: int, mode: str = "random", max_steps: int = 10_000, detail: bool = False
) -> Results:
    """Play ``count`` runs with seeds ``first_seed ..``; the hot loop of randomtest. ``detail`` also counts, per
    run, the scenes visited, the choices taken and the words read (slower: every scene's text is rendered).
    The conditions of {if ...} spans are judged where a player reads them, so the report can name a span that never
    showed (only scenes and choices that have one pay for it)."""
    res = Results()
    span_at_scene, span_at_result = _span_conditions(story)
    spans = res.spans

    def judge(conditions: list[tuple[str, Condition]], values: list, seen: set[str], taken_keys: set[str]) -> None:
        for key, c in conditions:
            counts = spans.get(key)
            if counts is None:
                counts = spans[key] = [0, 0]
            counts[0 if c.test(values, seen, taken_keys) else 1] += 1

    scenes = story.scenes
    order = {sid: i for i, sid in enumerate(scenes)}
    factions = [(f.id, f.slot) for f in story.factions.values()]
    coverage = mode == "coverage"
    taken: dict[str, int] = {c.key: 0 for s in scenes.values() for c in s.choices}
    endings, ending_seed, trust = res.endings, res.ending_seed, res.trust
    visited, chosen = res.visited, res.chosen
    info = res.detail = Detail() if detail else None
    total_steps = 0
    longest = (0, 0)
    for seed in range(first_seed, first_seed + count):
        rand = Random(seed).random
        game = Game(story, seed)
        st = game.state
        log = st.log
        available = game.available
        step = game.step
        if info is not None:
            read = words_shown(game)
            per_chapter = {scenes[st.scene].chapter: read}
            ways: set[str] = set()
        while True:
            scene = scenes[st.scene]
            if span_at_scene and scene.id in span_at_scene:
                judge(span_at_scene[scene.id], st.values, st.visited, st.chosen)
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
            if span_at_result and choice.key in span_at_result:
                after = list(st.values)
                apply_effects(story, choice.effects, after)
                judge(span_at_result[choice.key], after, st.visited, st.chosen | {choice.key})
            if info is None:
                step(choice)
            else:
                # The same step, taken the way a player takes it, for the words of its result as well.
                outcome = game.choose(choice.id)
                ways.add(f"{choice.key}>{st.scene}")
                here = sum(len(p.split()) for p in outcome.result) + words_shown(game)
                read += here
                chapter = scenes[st.scene].chapter
                per_chapter[chapter] = per_chapter.get(chapter, 0) + here
        steps = len(log)
        total_steps += steps
        longest = max(longest, (steps, -seed))
        visited |= st.visited
        chosen |= st.chosen
        if info is not None:
            info.scene_runs.update(st.visited)
            info.choice_runs.update(st.chosen)
            info.route_runs.update(ways)
            info.lengths[steps] += 1
            info.words[read] += 1
            for chapter, n_words in per_chapter.items():
                info.chapter_words.setdefault(chapter, Counter())[n_words] += 1
            if scene.ending:
                info.ending_words.setdefault(scene.ending, Counter())[read] += 1
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


# ------------------------------------------------------------------------------------ worker processes

# Each worker loads the story itself (the story is never sent between processes). A worker that cannot load it,
# or finds a different story on disk (edited since the run began), reports that instead of results.
_WORKER_STORY: Story | None = None
_WORKER_ERROR = ""


def _work(task: tuple[str, str, int, int, str, int, bool]) -> dict[str, Any]:
    global _WORKER_STORY, _WORKER_ERROR
    path, fingerprint, first, count, mode, max_steps, detail = task
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
    return play_batch(_WORKER_STORY, first, count, mode, max_steps, detail).to_data()


def _batches(seed: int, runs: int) -> Iterator[tuple[int, int]]:
    """(first seed, count) for each batch, made as they are needed."""
    for i in range(0, runs, BATCH):
        yield seed + i, min(BATCH, runs - i)


def randomtest(
    story: Story,
    runs: int,
    seed: int = 1,
    mode: str = "random",
    max_steps: int = 10_000,
    jobs: int = 1,
    path: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    detail: bool = False,
) -> Results:
    """Play ``runs`` playthroughs and merge the results. With ``jobs > 1`` the work is split over processes that
    each load the story from ``path`` (required then); ``jobs`` is used as given (see ``usable_jobs``).
    ``progress(done, total)`` is called as batches finish. Raises StoryChanged when a worker finds another story,
    WorkerLost when a worker dies; an exception raised meanwhile (KeyboardInterrupt) stops every worker first."""
    total = Results(detail=Detail() if detail else None)
    started = time.perf_counter()
    if jobs <= 1 or runs <= BATCH:
        for first, count in _batches(seed, runs):
            total.merge(play_batch(story, first, count, mode, max_steps, detail))
            if progress:
                progress(total.runs, runs)
    else:
        if path is None:
            raise ValueError("jobs > 1 needs the story's path, so that each worker can load it")
        jobs = min(jobs, -(-runs // BATCH))
        work = ((path, story.fingerprint, first, count, mode, max_steps, detail) for first, count in _batches(seed, runs))
        for data in _run_workers(jobs, work):
            if "error" in data:
                raise StoryChanged(data["error"])
            total.merge(Results.from_data(data))
            if progress:
                progress(total.runs, runs)
    total.elapsed = time.perf_counter() - started
    return total


def _run_workers(jobs: int, work: Iterator[tuple[Any, ...]]) -> Iterator[dict[str, Any]]:
    """Results of ``_work`` over ``work`` from ``jobs`` processes, as they finish. At most two tasks per worker are
    queued at any time, so an endless ``work`` costs no memory; leaving the generator stops every worker."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    # 'spawn': a worker starts clean and loads the story itself, whatever the parent process holds.
    pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"), initializer=start_worker)
    pending: set[Future[dict[str, Any]]] = set()
    clean = False
    submitted = 0
    try:
        for task in work:
            if submitted < jobs:
                # The first submissions start the workers: Ctrl-C must not reach one before it can ignore it.
                with sigint_ignored():
                    pending.add(pool.submit(_work, task))
            else:
                pending.add(pool.submit(_work, task))
            submitted += 1
            while len(pending) >= 2 * jobs:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for f in done:
                    yield _result(f)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for f in done:
                yield _result(f)
        clean = True
    except BrokenProcessPool:
        raise WorkerLost("a worker process died before finishing its work (killed, or out of memory)") from None
    finally:
        stop_pool(pool, pending, clean)


def _result(f: Any) -> dict[str, Any]:
    data: dict[str, Any] = f.result()
    return data


# ----------------------------------------------------------------------------------------- reporting


def median(values: Counter[int]) -> float:
    """The median of a distribution given as value -> count (the mean of the middle two for an even count)."""
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


def spread(values: Counter[int]) -> dict[str, int | float]:
    """min / median / max of a distribution given as value -> count (zeros when it is empty)."""
    if not values:
        return {"min": 0, "median": 0, "max": 0}
    return {"min": min(values), "median": _num(median(values)), "max": max(values)}


def _num(x: float) -> int | float:
    return int(x) if float(x).is_integer() else round(x, 1)


def report_data(story: Story, res: Results, *, runs: int, seed: int, mode: str, jobs: int, max_steps: int) -> dict[str, Any]:
    """The report as plain data (what --json prints)."""
    elapsed = max(res.elapsed, 1e-9)
    endings = {}
    for eid, ending in story.endings.items():
        if res.endings.get(eid):
            trust = {fid: spread(c) for fid, c in res.trust.get(eid, {}).items()}
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
        "spans_never_shown": [
            {**_where_key(key), "source": source, "read": yes + no}
            for key, (yes, no) in sorted(res.spans.items(), key=_place_order) if yes == 0
            for source in [_span_source(story, key)]
        ],
        "spans_always_shown": [
            {**_where_key(key), "source": source, "read": yes + no}
            for key, (yes, no) in sorted(res.spans.items(), key=_place_order) if no == 0
            for source in [_span_source(story, key)]
        ],
        "ok": not res.problems,
    }


def _place_order(item: tuple[str, list[int]]) -> tuple[str, int, int]:
    file, line, column = item[0].rsplit(":", 2)
    return file, int(line), int(column)


def _where_key(key: str) -> dict[str, Any]:
    file, line, column = key.rsplit(":", 2)
    return {"file": file, "line": int(line), "column": int(column)}


def _span_source(story: Story, key: str) -> str:
    for scene in story.scenes.values():
        for site in text_sites(story, scene):
            if str(site.condition.pos) == key:
                return site.condition.source
    return ""


def replay_path(story: Story, seed: int, mode: str, max_steps: int) -> list[str]:
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
