"""What every benchmark needs: medians, worker processes that report JSON, and a description of the machine."""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
from collections.abc import Mapping, Sequence
from typing import Any


class BenchError(Exception):
    """A measurement could not be made (a worker failed, the story does not load); the message says why."""


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values)) if values else float("nan")


def paired_ratio(values: Sequence[float], baselines: Sequence[float]) -> float:
    """The median of the pairs' ratios, each value over the baseline measured beside it. A pair runs back to back,
    so a drift in the machine's speed (other tenants, its frequency, this machine's slow spells of a second or
    two) cancels within a pair, where between two medians it would not."""
    if not values or not all(baselines):
        return float("nan")
    return round(median([v / b for v, b in zip(values, baselines)]), 3)


def worker_command(*args: str) -> list[str]:
    """The command line that runs ``game.bench.worker`` with ``args`` in a fresh interpreter."""
    return [sys.executable, "-m", "game.bench.worker", *args]


def child_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for a measured child: ours, with the package importable however we were started."""
    env = dict(os.environ)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.pop("QASAS_NO_CACHE", None)
    # As installed for a player: bytecode is cached, so a start-up does not recompile what changed since.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if extra:
        env.update(extra)
    return env


def run_json(cmd: Sequence[str], env: Mapping[str, str], *, timeout: float = 600) -> dict[str, Any]:
    """Run a child that prints one JSON object as its last line of output; return that object."""
    try:
        proc = subprocess.run(
            list(cmd), env=dict(env), capture_output=True, text=True, check=False, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        what = " ".join(cmd[1:4])
        raise BenchError(f"a benchmark process took longer than {timeout:.0f} s: {what} ...") from None
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        detail = (proc.stderr.strip() or proc.stdout.strip()).splitlines()[-12:]
        raise BenchError(f"a benchmark process failed (exit {proc.returncode}):\n" + "\n".join(detail))
    try:
        data = json.loads(lines[-1])
    except json.JSONDecodeError:
        raise BenchError(f"a benchmark process printed no result: {lines[-1][:200]!r}") from None
    if not isinstance(data, dict):
        raise BenchError("a benchmark process printed no result object")
    if "error" in data:
        raise BenchError(str(data["error"]))
    return data


def machine() -> dict[str, Any]:
    """The machine the figures were measured on, as the README's performance section describes it."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        load = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load = []
    return {
        "cpu": cpu,
        "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "system": f"{platform.system()} {platform.release()}",
        "load_average": load,
    }
