"""Worker processes for the author tools (randomtest's and quicktest's ``--jobs``): how many a machine allows,
starting them so that only the main process answers Ctrl-C, and stopping them at once when the work is abandoned.

Workers are spawned (each starts clean and loads the story itself; the story is never sent between processes).
A worker that finds a different story on disk reports it (``StoryChanged``); one that dies is ``WorkerLost``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

FDS_PER_WORKER = 8  # pipes and queues a worker process costs the parent, with room to spare
MEMORY_PER_WORKER = 150 * 1024 * 1024  # a worker's interpreter, engine and story, generously


class StoryChanged(Exception):
    """A worker could not load the same story as the main process."""


class WorkerLost(Exception):
    """A worker process died (killed from outside, or out of memory) before finishing its work."""


def start_worker() -> None:
    """A worker's first act: ignore Ctrl-C. It reaches every process of the terminal's group, and only the main
    process answers it (by stopping the workers), so a worker never prints a KeyboardInterrupt of its own."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def usable_jobs(requested: int) -> tuple[int, str]:
    """How many worker processes to run for ``requested`` (0: one per core), and why when that is fewer: no more
    than the cores this process may use, the open-file limit allows, or memory holds."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    if requested <= 0:
        requested = cores
    limits = [(cores, f"{cores} core{'s' if cores != 1 else ''}")]
    try:
        import resource

        soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft != resource.RLIM_INFINITY:
            by_files = max(1, (soft - 64) // FDS_PER_WORKER)
            limits.append((by_files, f"the open-file limit of {soft}"))
    except (ImportError, OSError, ValueError):
        pass
    try:
        memory = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        limits.append((max(1, memory // MEMORY_PER_WORKER), f"{memory // 2**20:,} MiB of free memory"))
    except (AttributeError, OSError, ValueError):
        pass
    cap, why = min(limits)
    if requested <= cap:
        return requested, ""
    return cap, why


@contextmanager
def sigint_ignored() -> Iterator[None]:
    """Ignore SIGINT while a worker is started, so that it starts ignoring it too (a spawned interpreter keeps an
    ignored SIGINT ignored). Only the main thread may change signal handlers; elsewhere this does nothing."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def stop_pool(pool: Any, pending: set[Any], clean: bool) -> None:
    """Shut the pool down; unless it finished its work, end the workers at once rather than waiting for them."""
    if not clean:
        for f in pending:
            f.cancel()
        # The executor has no public way to end running workers before Python 3.14; its process table does.
        for proc in list(getattr(pool, "_processes", {}).values()):
            try:
                proc.terminate()
            except (OSError, ValueError, AttributeError):
                pass
    pool.shutdown(wait=True, cancel_futures=True)
