"""``qasas bench``: every figure beside its baseline measured in the same run, and the targets they are held to.

Every measurement runs in fresh worker processes (``game.bench.worker``, ``game.bench.startup``); baseline and
subject samples alternate, and the figures are medians. Synthetic stories and the story cache live in a temporary
directory, so a cold load is really cold and the player's own cache is never touched.

The result is one JSON-ready object (see ``KEYS`` and the README's performance section)::

    {"version": 1, "story": dir, "quick": bool, "runs": int, "machine": {...}, "duration_s": float,
     "figures": {name: {"what", "unit", "value", "baseline"?, "ratio"?, ...} or {"what", "error"}},
     "targets": [{"what", "figure", "measure", "value", "limit", "met"}]}
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from . import startup
from .measure import BenchError, child_env, machine, median, paired_ratio, run_json, worker_command
from .synthetic import write_synthetic

VERSION = 1
SIZES = (1000, 10_000)

# Every figure a run reports, in the order of the table.
KEYS = (
    "startup", "startup_memory", "import_cost", "fresh_warm_1000", "load_shipped", "load_1000_cold", "load_1000_warm", "load_1000_miss",
    "load_10000_cold", "load_10000_warm", "load_10000_miss", "play_shipped", "play_1000", "play_10000",
    "play_1000_jobs2", "play_1000_text", "play_1000_cold", "play_10000_cold", "replay_1000", "keypress",
    "quicktest_shipped",
    "long_session",
    "lsp_edit_shipped", "lsp_edit_1000",
)


@dataclass(frozen=True)
class Settings:
    """How much to measure: ``runs`` samples per figure, playthroughs for ``play_seconds`` per sample."""

    runs: int
    play_seconds: float
    presses: int
    replay_repeats: int
    quick: bool = False
    session: tuple[int, int] = (100, 1000)  # the long session's memory: traced at these two choices
    edits: int = 20  # edits timed through the language server, per story


FULL = Settings(runs=5, play_seconds=1.0, presses=30, replay_repeats=30, edits=20)
QUICK = Settings(runs=1, play_seconds=0.25, presses=5, replay_repeats=5, quick=True, session=(20, 60), edits=4)

Progress = Callable[[str], None]

WHAT = {
    "startup": "start-up to the first frame (headless)",
    "startup_memory": "peak memory at the first frame",
    "import_cost": "importing the engine, loader and cache, over a bare interpreter",
    "fresh_warm_1000": "a fresh process to a warm-loaded 1,000-scene story",
    "load_shipped": "cold load + validation, shipped story",
    **{
        f"load_{n}_{kind}": f"{kind} load + validation, synthetic {n:,} scenes"
        for n in SIZES
        for kind in ("cold", "warm")
    },
    **{f"load_{n}_miss": f"cold load + writing the cache, synthetic {n:,} scenes" for n in SIZES},
    "play_shipped": "random playthroughs, shipped story, one core",
    "play_1000": "random playthroughs, synthetic 1,000 scenes, one core",
    "play_10000": "random playthroughs, synthetic 10,000 scenes, one core",
    "play_1000_jobs2": "random playthroughs, synthetic 1,000 scenes, --jobs 2",
    "play_1000_text": "random playthroughs with text rendered, synthetic 1,000 scenes, one core",
    "play_1000_cold": "random playthroughs after a cold load, synthetic 1,000 scenes, one core",
    "play_10000_cold": "random playthroughs after a cold load, synthetic 10,000 scenes, one core",
    "replay_1000": "replay of a 1,000-step playthrough (Game.replay)",
    "keypress": "key press to the next scene rendered (Pilot)",
    "quicktest_shipped": "quicktest, shipped story, every verdict, one job",
    "long_session": "long session in the TUI: traced memory growth from choice 100 to 1,000",
    "lsp_edit_shipped": "language server: an edit to its diagnostics, shipped story",
    "lsp_edit_1000": "language server: an edit to its diagnostics, synthetic 1,000 scenes",
}


def run_bench(
    settings: Settings, scenes: str, progress: Progress = lambda _: None, *, shipped: bool = True,
    only: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Measure everything with the story in ``scenes`` (``shipped``: the game's own, which the start-up probe then
    finds by itself, as ``qasas`` does). A figure that cannot be measured carries an "error" instead. ``only``:
    measure just the figures named (see ``select``), and judge just the targets on them."""
    started = time.perf_counter()
    story_option = None if shipped else scenes
    figures: dict[str, dict[str, Any]] = {}
    wanted = select(only)
    with tempfile.TemporaryDirectory(prefix="qasas-bench-") as tmp:
        env = child_env({"QASAS_CACHE": os.path.join(tmp, "cache")})
        synthetic = {n: os.path.join(tmp, f"synthetic-{n}") for n in SIZES}  # (written when a step first needs one)
        first, last = settings.session
        steps: list[tuple[str, tuple[str, ...], partial[dict[str, Any]]]] = [
            ("start-up to the first frame", ("startup", "startup_memory"), partial(_startup, settings, env, story_option)),
            ("a fresh interpreter: imports and a warm load", ("import_cost", "fresh_warm_1000"),
             partial(_fresh, settings, env, synthetic[1000])),
            ("loading the shipped story", ("load_shipped",), partial(_loads, settings, env, scenes, "load_shipped", tmp)),
            *(
                (f"loading the synthetic story of {n:,} scenes", (f"load_{n}_cold", f"load_{n}_warm", f"load_{n}_miss"),
                 partial(_loads, settings, env, synthetic[n], f"load_{n}", tmp))
                for n in SIZES
            ),
            ("random playthroughs", ("play_shipped",), partial(_play, settings, env, scenes, "play_shipped", jobs=1)),
            *(
                ("random playthroughs", (f"play_{n}",), partial(_play, settings, env, synthetic[n], f"play_{n}", jobs=1))
                for n in SIZES
            ),
            ("random playthroughs", ("play_1000_jobs2",),
             partial(_play, settings, env, synthetic[1000], "play_1000_jobs2", jobs=2)),
            ("random playthroughs", ("play_1000_text",),
             partial(_play, settings, env, synthetic[1000], "play_1000_text", jobs=1, mode="text")),
            *(
                ("random playthroughs", (f"play_{n}_cold",), partial(_play_cold, settings, env, synthetic[n], f"play_{n}_cold"))
                for n in SIZES
            ),
            ("replays", ("replay_1000",), partial(_replay, settings, env, synthetic[10_000])),
            ("key presses in the TUI", ("keypress",), partial(_keypress, settings, env, scenes, tmp)),
            ("quicktest", ("quicktest_shipped",), partial(_quicktest, settings, env, scenes)),
            (f"a long session in the TUI ({last:,} choices)", ("long_session",),
             partial(_long_session, settings, env, scenes, tmp)),
            ("edits through the language server", ("lsp_edit_shipped",),
             partial(_lsp_edit, settings, env, scenes, "lsp_edit_shipped")),
            ("edits through the language server", ("lsp_edit_1000",),
             partial(_lsp_edit, settings, env, synthetic[1000], "lsp_edit_1000")),
        ]
        said = ""
        for message, keys, measure in steps:
            if not any(key in wanted for key in keys):
                continue
            if message != said:
                progress(message)
                said = message
            for n, path in synthetic.items():
                if path in measure.args and not os.path.isdir(path):
                    write_synthetic(n, path)
            _guard(figures, keys, measure)
        if "long_session" in figures and settings.session != FULL.session:
            figures["long_session"]["what"] = (
                f"long session in the TUI: traced memory growth from choice {first:,} to {last:,} (--quick)"
            )
    if not shipped:
        for key in ("load_shipped", "play_shipped", "quicktest_shipped", "lsp_edit_shipped"):
            if key in figures:
                figures[key]["what"] = figures[key]["what"].replace("shipped story", "story given") + " (DIR)"
    return {
        "version": VERSION,
        "story": scenes,
        "quick": settings.quick,
        "runs": settings.runs,
        "machine": machine(),
        "duration_s": round(time.perf_counter() - started, 1),
        "only": list(only),
        "figures": {key: figures[key] for key in KEYS if key in figures},
        "targets": [t for t in targets(figures) if t["figure"] in figures],
    }


def select(only: tuple[str, ...]) -> set[str]:
    """The figures ``only`` names: each name is a figure (``play_1000_text``) or the start of some
    (``load``: every load; ``play_10000``: plain and after a cold load). Nothing named: every figure.
    Raises ValueError for a name that matches no figure."""
    if not only:
        return set(KEYS)
    wanted: set[str] = set()
    for name in only:
        matched = [key for key in KEYS if key == name or key.startswith(name + "_")]
        if not matched:
            from ..loader.errors import hint

            raise ValueError(f"no figure is called {name!r}{hint(name, KEYS)}; the figures are {', '.join(KEYS)}")
        wanted.update(matched)
    return wanted


def _guard(
    figures: dict[str, dict[str, Any]], keys: tuple[str, ...], measure: Callable[[], dict[str, Any]]
) -> None:
    """Run one measurement; on failure, its figures carry the reason and the rest of the bench goes on."""
    try:
        figures.update(measure())
    except BenchError as exc:
        for key in keys:
            figures[key] = {"error": str(exc)}
    for key in keys:
        figures[key].setdefault("what", WHAT.get(key, key))


def _ratio(value: float, baseline: float) -> float:
    return round(value / baseline, 3) if baseline else float("nan")


# ------------------------------------------------------------------------------------------- figures


def _startup(settings: Settings, env: dict[str, str], scenes: str | None) -> dict[str, Any]:
    game, bare = startup.measure(max(settings.runs, 1), env, scenes)
    ff = median([s["first_frame_ms"] for s in game])
    ff_bare = median([s["first_frame_ms"] for s in bare])
    mem = median([s["peak_mib"] for s in game])
    mem_bare = median([s["peak_mib"] for s in bare])
    # Judged on the median of the pairs' ratios (see paired_ratio).
    paired = paired_ratio([g["first_frame_ms"] for g in game], [b["first_frame_ms"] for b in bare])
    return {
        "startup": {
            "unit": "ms", "value": round(ff, 1), "baseline": round(ff_bare, 1), "ratio": paired,
            "baseline_is": "a bare Textual app (Header, Static, Footer) started the same way",
            "exit_ms": round(median([s["exit_ms"] for s in game]), 1),
            "baseline_exit_ms": round(median([s["exit_ms"] for s in bare]), 1),
            "samples": [round(s["first_frame_ms"], 1) for s in game],
            "baseline_samples": [round(s["first_frame_ms"], 1) for s in bare],
        },
        "startup_memory": {
            "unit": "MiB", "value": round(mem, 1), "baseline": round(mem_bare, 1), "ratio": _ratio(mem, mem_bare),
            "baseline_is": "the same bare Textual app",
        },
    }


def _loads(settings: Settings, env: dict[str, str], root: str, key: str, tmp: str) -> dict[str, Any]:
    """Cold load + validation of ``root`` against bare yaml.load of the same files: figure ``key`` (the shipped
    story), or for a synthetic story ``key_cold``, ``key_warm`` (from the cache) and ``key_miss`` (a cold load that
    writes the cache, as the first load after an edit does)."""
    warm = key != "load_shipped"
    cold_env = {**env, "QASAS_NO_CACHE": "1"}
    prime = run_json(worker_command("load", "story", root), env)  # fills the cache, and the OS's file cache
    samples: dict[str, list[dict[str, Any]]] = {"bare": [], "cold": [], "warm": [], "miss": []}
    # The shipped story loads in a few tens of milliseconds, where one sample disturbed by the machine moves a
    # median of five: it gets three times the samples (a second in all).
    for run in range(max(settings.runs, 1) * (1 if warm else 3)):
        samples["bare"].append(run_json(worker_command("load", "bare", root), env))
        samples["cold"].append(run_json(worker_command("load", "read", root), cold_env))
        if warm:
            hit = run_json(worker_command("load", "story", root), env)
            if not hit.get("cache", {}).get("hits"):
                raise BenchError(f"the warm load of {root} did not come from the cache: {hit.get('cache')}")
            samples["warm"].append(hit)
            empty = {**env, "QASAS_CACHE": os.path.join(tmp, f"empty-cache-{key}-{run}")}
            miss = run_json(worker_command("load", "read", root), empty)
            if miss.get("cache", {}).get("stores") != 1:
                raise BenchError(f"the first load of {root} did not write the cache: {miss.get('cache')}")
            samples["miss"].append(miss)

    def wall(kind: str) -> float:
        return median([s["wall_ms"] for s in samples[kind]])

    def cpu(kind: str) -> float:
        return median([s["cpu_ms"] for s in samples[kind]])

    def paired(kind: str, clock: str) -> float:
        return paired_ratio([s[clock] for s in samples[kind]], [b[clock] for b in samples["bare"]])

    def figure(kind: str) -> dict[str, Any]:
        return {
            "unit": "ms", "value": round(wall(kind), 1), "baseline": round(wall("bare"), 1),
            "ratio": paired(kind, "wall_ms"),
            "baseline_is": "yaml.load with CSafeLoader of the same files, nothing else",
            "cpu_ms": round(cpu(kind), 1), "baseline_cpu_ms": round(cpu("bare"), 1),
            "cpu_ratio": paired(kind, "cpu_ms"),
            "samples": [round(s["wall_ms"], 1) for s in samples[kind]],
            "baseline_samples": [round(s["wall_ms"], 1) for s in samples["bare"]],
            "scenes": prime["scenes"],
        }

    if not warm:
        return {key: figure("cold")}
    return {f"{key}_cold": figure("cold"), f"{key}_warm": figure("warm"), f"{key}_miss": figure("miss")}


def _play(
    settings: Settings, env: dict[str, str], root: str, key: str, *, jobs: int, mode: str = ""
) -> dict[str, Any]:
    """Choices and playthroughs per second: ``jobs`` workers started together; with 2, the speed-up over 1 too.
    ``mode`` "text": every step renders what a player's screen shows (see the worker)."""
    rates: dict[int, list[tuple[float, float]]] = {1: [], jobs: []}
    for run in range(max(settings.runs, 1)):
        for j in sorted(rates):
            rates[j].append(_play_once(env, root, settings.play_seconds, j, seed=1000 * run, mode=mode))
    one = median([c for c, _ in rates[1]])
    value = round(median([c for c, _ in rates[jobs]]))
    out: dict[str, Any] = {
        "unit": "choices/s",
        "value": value,
        "playthroughs_per_s": round(median([p for _, p in rates[jobs]]), 1),
        "samples": [round(c) for c, _ in rates[jobs]],
        "jobs": jobs,
    }
    if jobs > 1:
        out["one_job"] = round(one)
        out["speedup"] = _ratio(value, one)
    return {key: out}


def _play_cold(settings: Settings, env: dict[str, str], root: str, key: str) -> dict[str, Any]:
    """Choices per second right after a cold load (no cache), beside the same right after a warm one: samples of
    the two alternate, so the ratio holds when the machine's speed drifts."""
    cold_env = {**env, "QASAS_NO_CACHE": "1"}
    cold: list[float] = []
    warm: list[float] = []
    for run in range(max(settings.runs, 1)):
        cold.append(_play_once(cold_env, root, settings.play_seconds, 1, seed=1000 * run)[0])
        warm.append(_play_once(env, root, settings.play_seconds, 1, seed=1000 * run)[0])
    value, baseline = median(cold), median(warm)
    ratio = paired_ratio(cold, warm)  # (the median of the pairs' ratios)
    return {key: {
        "unit": "choices/s", "value": round(value), "baseline": round(baseline), "ratio": ratio,
        "baseline_is": "the same play right after a warm load (from the cache)",
        "samples": [round(c) for c in cold], "baseline_samples": [round(w) for w in warm],
    }}


def _fresh(settings: Settings, env: dict[str, str], root: str) -> dict[str, Any]:
    """Whole fresh processes, timed from spawn to exit, in turn: ``python -c pass``; importing the engine, the
    loader and the cache (what a warm load needs); and loading ``root`` warm (from the story cache)."""
    commands = {
        "bare": [sys.executable, "-c", "pass"],
        "imports": [sys.executable, "-c", "import game.engine, game.loader"],
        "load": [sys.executable, "-c", f"from game.loader import load_story; load_story({root!r})"],
    }

    def timed(cmd: list[str]) -> float:
        start = time.perf_counter()
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        ms = (time.perf_counter() - start) * 1000
        if proc.returncode != 0:
            raise BenchError(f"{' '.join(cmd[1:])[:80]} failed: {proc.stderr.strip()[-300:]}")
        return ms

    for cmd in commands.values():  # prime: bytecode written, the story cached, files in the OS's cache
        timed(cmd)
    rounds = max(settings.runs * 4, 3)
    samples: dict[str, list[float]] = {k: [] for k in commands}
    for _ in range(rounds):
        for kind, cmd in commands.items():
            samples[kind].append(timed(cmd))
    extra = [i - b for i, b in zip(samples["imports"], samples["bare"])]
    ratio = [ld / b for ld, b in zip(samples["load"], samples["bare"])]
    bare = median(samples["bare"])
    return {
        "import_cost": {
            "unit": "ms", "value": round(median(extra), 1), "baseline": round(bare, 1),
            "baseline_is": "python -c pass, measured in turn with it",
            "samples": [round(x, 1) for x in extra],
        },
        "fresh_warm_1000": {
            "unit": "ms", "value": round(median(samples["load"]), 1), "baseline": round(bare, 1),
            "ratio": round(median(ratio), 2), "baseline_is": "python -c pass, measured in turn with it",
            "samples": [round(x, 1) for x in samples["load"]],
        },
    }


def _play_once(
    env: dict[str, str], root: str, seconds: float, jobs: int, seed: int, mode: str = ""
) -> tuple[float, float]:
    """One sample: ``jobs`` workers load the story, then play for ``seconds`` from the same moment."""
    import json

    procs = [
        subprocess.Popen(
            worker_command("play", root, str(seconds), str(seed + j), *([mode] if mode else [])), env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for j in range(jobs)
    ]
    try:
        for p in procs:  # each says it is ready (story loaded) before any starts
            line = p.stdout.readline() if p.stdout else ""
            if '"ready"' not in line:
                p.wait(timeout=60)
                try:
                    reason = str(json.loads(line)["error"])
                except (ValueError, KeyError, TypeError):
                    tail = (p.stderr.read() if p.stderr else "").strip().splitlines()[-5:]
                    reason = "a playthrough worker failed: " + (line.strip() or "\n".join(tail))
                raise BenchError(reason)
        for p in procs:
            assert p.stdin is not None
            p.stdin.write("go\n")
            p.stdin.flush()
        results: list[dict[str, Any]] = []
        for p in procs:
            out, err = p.communicate(timeout=seconds + 120)
            data: dict[str, Any] = (
                json.loads(out.strip().splitlines()[-1]) if out.strip() else {"error": err.strip()[-500:]}
            )
            if "error" in data:
                raise BenchError(str(data["error"]))
            results.append(data)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    choices = sum(r["choices"] / r["seconds"] for r in results)
    plays = sum(r["playthroughs"] / r["seconds"] for r in results)
    return choices, plays


def _replay(settings: Settings, env: dict[str, str], root: str) -> dict[str, Any]:
    out = run_json(worker_command("replay", root, "1000", str(settings.replay_repeats)), env)
    return {"replay_1000": {"unit": "ms", "value": round(median(out["ms"]), 2), "steps": out["steps"],
                            "samples": [round(x, 2) for x in out["ms"]]}}


def _keypress(settings: Settings, env: dict[str, str], root: str, tmp: str) -> dict[str, Any]:
    saves = os.path.join(tmp, "saves")
    out = run_json(worker_command("keypress", root, str(settings.presses), saves), env)
    ms = sorted(out["ms"])
    return {"keypress": {"unit": "ms", "value": round(median(ms), 1), "max": round(ms[-1], 1),
                         "presses": len(ms), "samples": [round(x, 1) for x in out["ms"]]}}


def _quicktest(settings: Settings, env: dict[str, str], root: str) -> dict[str, Any]:
    """Quicktest on the story, as ``qasas quicktest`` runs it; judged on CPU time (one core), like the loads. A
    run is seconds long and deterministic in its work, so three samples at most."""
    samples = [run_json(worker_command("quicktest", root), env, timeout=900) for _ in range(min(max(settings.runs, 1), 3))]
    wall = median([s["wall_ms"] for s in samples]) / 1000
    cpu = median([s["cpu_ms"] for s in samples]) / 1000
    return {"quicktest_shipped": {
        "unit": "s", "value": round(wall, 2), "cpu_s": round(cpu, 2),
        "complete": int(all(s["complete"] for s in samples)), "ok": all(s["ok"] for s in samples),
        "verdicts": samples[0]["verdicts"], "undecided": samples[0]["undecided"],
        "samples": [round(s["wall_ms"] / 1000, 2) for s in samples],
    }}


def _long_session(settings: Settings, env: dict[str, str], root: str, tmp: str) -> dict[str, Any]:
    """Memory over a long session through the real key path: the traced memory at choice ``first`` and ``last`` of
    one session (new games at each ending), after a full collection at each; the figure is the growth."""
    first, last = settings.session
    saves = os.path.join(tmp, "session-saves")
    out = run_json(worker_command("session", root, str(first), str(last), saves), env, timeout=3600)
    traced = out["traced_mib"]
    return {"long_session": {"unit": "MiB", "value": out["growth_mib"], "first": first, "last": last,
                             "traced_at_first_mib": traced[str(first)], "traced_at_last_mib": traced[str(last)],
                             "seconds": out["seconds"]}}


def _lsp_edit(settings: Settings, env: dict[str, str], root: str, key: str) -> dict[str, Any]:
    """From an edit of a scene file to its diagnostics, through a real ``qasas lsp`` (see ``game.bench.lsp``)."""
    from .lsp import edit_to_diagnostics

    out = edit_to_diagnostics(root, settings.edits, env)
    figure: dict[str, Any] = {
        "unit": "ms", "value": round(out["ms"], 1), "edits": len(out["samples"]), "file": out["file"],
        "samples": [round(x, 1) for x in out["samples"]],
    }
    if out["cpu_ms"] is not None:
        figure["server_cpu_ms"] = round(out["cpu_ms"], 1)
    return {key: figure}


# ------------------------------------------------------------------------------------------- targets

# (what, figure, measure, limit, op): measure is a field of the figure, or "field/other": that field of the figure
# over the same field of another. Loads are judged on CPU time: they are single-threaded and read files already in
# the OS's cache, so CPU time is their wall-clock time on an idle machine, and on a busy one it leaves out the
# other tenants (the wall-clock figures are in the table too).
TARGETS: tuple[tuple[str, str, str, float, str], ...] = (
    ("start-up time vs bare Textual", "startup", "ratio", 1.2, "<="),
    ("importing engine, loader and cache, ms over a bare interpreter", "import_cost", "value", 15.0, "<="),
    ("fresh process to a warm 1,000-scene story vs python -c pass", "fresh_warm_1000", "ratio", 4.0, "<="),
    ("peak memory vs bare Textual", "startup_memory", "ratio", 1.3, "<="),
    ("cold load, shipped story, vs bare yaml.load (CPU)", "load_shipped", "cpu_ratio", 1.3, "<="),
    ("cold load, 1,000 scenes, vs bare yaml.load (CPU)", "load_1000_cold", "cpu_ratio", 1.3, "<="),
    ("cold load, 10,000 scenes, vs bare yaml.load (CPU)", "load_10000_cold", "cpu_ratio", 1.3, "<="),
    ("linear: cold 10,000 / cold 1,000 scenes (CPU)", "load_10000_cold", "cpu_ms/load_1000_cold", 11.0, "<="),
    ("warm / cold load, 10,000 scenes (CPU)", "load_10000_warm", "cpu_ms/load_10000_cold", 0.1, "<="),
    ("choices per second, synthetic 1,000, one core", "play_1000", "value", 100_000, ">="),
    ("choices per second, synthetic 10,000, one core", "play_10000", "value", 100_000, ">="),
    ("speed-up with --jobs 2", "play_1000_jobs2", "speedup", 1.7, ">="),
    ("choices per second with text rendered, synthetic 1,000, one core", "play_1000_text", "value", 150_000, ">="),
    ("play after a cold load vs after a warm load, 1,000 scenes", "play_1000_cold", "ratio", 0.95, ">="),
    ("play after a cold load vs after a warm load, 10,000 scenes", "play_10000_cold", "ratio", 0.95, ">="),
    ("replay of 1,000 steps, ms", "replay_1000", "value", 20.0, "<="),
    ("key press to rendered scene, median ms", "keypress", "value", 50.0, "<="),
    ("quicktest, shipped story, every verdict in (CPU s)", "quicktest_shipped", "cpu_s", 60.0, "<="),
    ("quicktest, shipped story, every verdict in (1 = yes)", "quicktest_shipped", "complete", 1, ">="),
    ("long session: traced memory growth, choice 100 to 1,000, MiB", "long_session", "value", 2.0, "<="),
    ("language server, edit to diagnostics, shipped story, median ms", "lsp_edit_shipped", "value", 150.0, "<="),
    ("language server, edit to diagnostics, synthetic 1,000, median ms", "lsp_edit_1000", "value", 1500.0, "<="),
)


def targets(figures: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Each target with the value it was judged on; ``met`` is None when a figure could not be measured."""
    out = []
    for what, key, measure, limit, op in TARGETS:
        fig = figures.get(key, {})
        value: float | None
        if "/" in measure:
            field, other = measure.split("/")
            a, b = fig.get(field), figures.get(other, {}).get(field)
            value = round(a / b, 3) if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b else None
        else:
            raw = fig.get(measure)
            value = raw if isinstance(raw, (int, float)) else None
        met = None if value is None or math.isnan(value) else (value <= limit if op == "<=" else value >= limit)
        out.append({"what": what, "figure": key, "measure": measure, "value": value, "limit": limit, "op": op,
                    "met": met})
    return out


# ------------------------------------------------------------------------------------------- the table


def _num(x: float, unit: str) -> str:
    if unit == "choices/s":
        return f"{x:,.0f}/s"
    if unit == "s":
        return f"{x:,.2f} s"
    if unit == "MiB":
        return f"{x:.1f} MiB"
    return f"{x:,.1f} ms" if x < 100 else f"{x:,.0f} ms"


def format_table(data: dict[str, Any]) -> str:
    """The figures and targets as two Markdown tables (readable as text, pasteable into the README)."""
    m = data["machine"]
    load = ", ".join(str(x) for x in m["load_average"]) or "unknown"
    runs = f"{data['runs']} run{'s' if data['runs'] != 1 else ''}{' (--quick)' if data['quick'] else ''}"
    lines = [
        (
            f"Machine: {m['cpu']}, {m['cores']} cores, {m['implementation']} {m['python']}, {m['system']}; "
            f"load average {load} at the end. Medians of {runs}; took {data['duration_s']:.0f} s."
            + (f" Only: {', '.join(data['only'])}." if data.get("only") else "")
        ),
        "",
        "| figure | value | baseline (same run) | ratio |",
        "| --- | ---: | ---: | ---: |",
    ]
    for key, fig in data["figures"].items():
        what = fig.get("what", key)
        if "error" in fig:
            first = str(fig["error"]).splitlines()[0] if str(fig["error"]).strip() else "failed"
            lines.append(f"| {what} | not measured: {first} | | |")
            continue
        unit = fig["unit"]
        value = _num(fig["value"], unit)
        if "playthroughs_per_s" in fig:
            value += f"; {fig['playthroughs_per_s']:,.1f} playthroughs/s"
        base = _num(fig["baseline"], unit) if "baseline" in fig else ""
        ratio = f"{fig['ratio']:.2f}x" if "ratio" in fig else ""
        if "cpu_ms" in fig:
            value += f" (CPU {_num(fig['cpu_ms'], unit)})"
            base += f" (CPU {_num(fig['baseline_cpu_ms'], unit)})"
            ratio += f" (CPU {fig['cpu_ratio']:.2f}x)"
        if "cpu_s" in fig:
            value += f" (CPU {_num(fig['cpu_s'], unit)}; {'every verdict in' if fig['complete'] else 'NOT every verdict in'})"
        if "speedup" in fig:
            base = f"{_num(fig['one_job'], unit)} (one job)"
            ratio = f"{fig['speedup']:.2f}x"
        if "server_cpu_ms" in fig:
            value += f" (server CPU {_num(fig['server_cpu_ms'], unit)} an edit)"
        lines.append(f"| {what} | {value} | {base} | {ratio} |")
    lines += ["", "| target | measured | limit | met |", "| --- | ---: | ---: | :---: |"]
    for t in data["targets"]:
        v = t["value"]
        value = "n/a" if v is None else f"{v:,.3g}" if v < 1000 else f"{v:,.0f}"
        limit = f"{t['op']} {t['limit']:,.3g}" if t["limit"] < 1000 else f"{t['op']} {t['limit']:,.0f}"
        met = {True: "yes", False: "NO", None: "n/a"}[t["met"]]
        lines.append(f"| {t['what']} | {value} | {limit} | {met} |")
    return "\n".join(lines)
