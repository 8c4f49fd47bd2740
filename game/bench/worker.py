"""The measured side of ``qasas bench``: each run is a fresh interpreter that imports what it needs, times one
thing, and prints one JSON object as its last line. ``python -m game.bench.worker TASK ARGS...``:

    load bare|read|story DIR     yaml.load (CSafeLoader) of the story's files, or check_story with full validation
                                 (cold or warm is the caller's choice, through QASAS_NO_CACHE / QASAS_CACHE); "read"
                                 imports the loader's YAML side before the clock, as "bare" imports PyYAML (for
                                 loads that read YAML: cold, or a cache miss), "story" imports nothing more (a warm
                                 load never needs that side, and must not pay for it)
    play DIR SECONDS SEED [text] random playthroughs through Game.available()/Game.step(); waits for a line on
                                 stdin before starting, so that several workers can start together. With "text",
                                 every step renders what a player's screen needs (the scene's header and text, the
                                 choices' labels and reasons) and takes the choice through Game.choose (its result)
    replay DIR STEPS REPEATS     Game.replay of one STEPS-long playthrough, REPEATS times
    keypress DIR PRESSES SAVES   in the TUI (Pilot): press "1", time until the next scene's title is rendered
    quicktest DIR                ``quicktest`` with its default budgets, one job: its time, and whether every
                                 verdict is in
    session DIR FIRST LAST SAVES a long session in the TUI: choices by number through the driver (new games at each
                                 ending, by pressing n), and the memory traced at choice FIRST and at choice LAST

Imports happen inside each task and before its clock starts, so nothing measured pays for another task's imports.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from functools import partial
from typing import Any


def _clock(work: Callable[[], Any]) -> tuple[Any, float, float]:
    """Run ``work``; return its result, wall-clock and CPU milliseconds."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return result, (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def load(mode: str, root: str) -> dict[str, Any]:
    """One load of the story in ``root``: the bare YAML baseline, or the loader with validation."""
    if mode == "bare":
        import yaml

        from game.loader.reader import walk_story_files

        manifest, files, _ = walk_story_files(root)
        paths = ([manifest] if manifest else []) + files

        def bare() -> int:
            # The baseline as specified: read each file and yaml.load it with libyaml's safe loader, nothing else.
            for path in paths:
                with open(path, encoding="utf-8") as fh:
                    yaml.load(fh.read(), Loader=yaml.CSafeLoader)
            return len(paths)

        count, wall, cpu = _clock(bare)
        return {"wall_ms": wall, "cpu_ms": cpu, "files": count}

    from game.loader import cache, check_story

    if mode == "read":
        # What a load that reads YAML imports on first use (PyYAML and the reader): start-up is measured on its own
        # (import_cost, fresh_warm_1000, startup), and the baseline's clock leaves out its import of PyYAML too.
        import game.loader.build
        import game.loader.parts
        import game.loader.yamlsafe  # noqa: F401

    (story, problems), wall, cpu = _clock(lambda: check_story(root))
    errors = [str(p) for p in problems if p.severity == "error"]
    if story is None or errors:
        return {"error": f"the story in {root} does not load: " + (errors[0] if errors else "unknown error")}
    return {"wall_ms": wall, "cpu_ms": cpu, "scenes": len(story.scenes), "cache": dict(cache.stats)}


class _Failed(Exception):
    """A task that cannot be measured; main() prints the message as the result's "error"."""


def _load_or_fail(root: str):  # type: ignore[no-untyped-def]
    from game.loader import StoryError, load_story

    try:
        return load_story(root)
    except StoryError as exc:
        raise _Failed(f"the story in {root} does not load: {exc}") from None


def playthroughs(story: Any, seconds: float, seed: int, max_steps: int = 100_000) -> dict[str, Any]:
    """Random playthroughs for ``seconds``: each choice uniformly among those available, through the engine's
    fast path, as ``qasas randomtest`` plays. A playthrough ends at an ending, a dead end or ``max_steps``."""
    import random

    from game.engine import Game

    rng = random.Random(seed)
    pick = rng.choice
    choices = plays = 0
    started = time.perf_counter()
    deadline = started + seconds
    while True:
        game = Game(story, rng.randrange(1, 2**31))
        available, step = game.available, game.step
        n = 0
        while n < max_steps:
            options = available()
            if not options:
                break
            step(pick(options))
            n += 1
        choices += n
        plays += 1
        if time.perf_counter() >= deadline:
            break
    elapsed = time.perf_counter() - started
    return {"choices": choices, "playthroughs": plays, "seconds": elapsed}


def rendered_playthroughs(story: Any, seconds: float, seed: int, max_steps: int = 100_000) -> dict[str, Any]:
    """As ``playthroughs``, but every step builds what a player reads: the header, the text, the choices as shown
    (labels and reasons rendered), and the choice taken through ``Game.choose``, which renders its result."""
    import random

    from game.engine import Game

    rng = random.Random(seed)
    pick = rng.choice
    choices = plays = 0
    started = time.perf_counter()
    deadline = started + seconds
    while True:
        game = Game(story, rng.randrange(1, 2**31))
        n = 0
        while n < max_steps:
            game.header()
            game.text()
            options = [view.id for view in game.choices() if view.enabled]
            if not options:
                break
            game.choose(pick(options))
            n += 1
        choices += n
        plays += 1
        if time.perf_counter() >= deadline:
            break
    elapsed = time.perf_counter() - started
    return {"choices": choices, "playthroughs": plays, "seconds": elapsed}


def play(root: str, seconds: float, seed: int, mode: str = "") -> dict[str, Any]:
    story = _load_or_fail(root)
    run = rendered_playthroughs if mode == "text" else playthroughs
    run(story, min(0.05, seconds), seed)  # warm up: first calls, allocator
    print(json.dumps({"ready": True}), flush=True)
    sys.stdin.readline()  # the go signal: every worker of a --jobs run starts at once
    return run(story, seconds, seed)


def replay(root: str, steps: int, repeats: int) -> dict[str, Any]:
    """Time ``Game.replay`` of a ``steps``-long random playthrough (the first long enough, by seed)."""
    import random

    from game.engine import Game

    story = _load_or_fail(root)
    log: list[tuple[str, str]] = []
    seed = 0
    for seed in range(1, 200):
        rng = random.Random(seed)
        game = Game(story, seed)
        while len(game.state.log) < steps:
            options = game.available()
            if not options:
                break
            game.step(rng.choice(options))
        if len(game.state.log) > len(log):
            log = list(game.state.log)
        if len(log) >= steps:
            break
    if not log:
        return {"error": "no playthrough of this story takes a single step"}
    times = []
    for _ in range(repeats):
        final, wall, _cpu = _clock(lambda: Game.replay(story, seed, log))
        times.append(wall)
    if final.state.log != log:
        return {"error": "the replay did not reproduce the playthrough"}
    return {"steps": len(log), "ms": times}


def keypress(root: str, presses: int, saves: str) -> dict[str, Any]:
    """Key press to rendered scene in the TUI, driven by Textual's Pilot."""
    import asyncio

    story = _load_or_fail(root)
    return asyncio.run(_keypresses(story, presses, saves))


async def _keypresses(story: Any, presses: int, saves: str) -> dict[str, Any]:
    from game.tui.app import QasasApp
    from game.tui.screens.game import GameScreen
    from game.tui.text import line

    app = QasasApp(story, saves_dir=saves, seed=7, theme="textual-dark")
    frames: list[tuple[float, str]] = []
    display = app._display

    def recording_display(screen: Any, renderable: Any) -> None:
        # Headless, Textual composes each frame but skips turning it into terminal output; do that here too, so
        # the time counts a whole frame, and keep its text to find the title in.
        display(screen, renderable)
        if renderable is not None and hasattr(renderable, "render_segments"):
            text = renderable.render_segments(app.console)
            frames.append((time.perf_counter(), text))

    app._display = recording_display  # type: ignore[method-assign]
    times: list[float] = []
    async with app.run_test(size=(100, 32)) as pilot:
        await app.action_new_game()
        await pilot.pause()
        for _attempt in range(presses * 20):
            if len(times) >= presses:
                break
            screen = app.screen
            session = app.session
            views = session.game.choices() if session is not None else []
            if session is None or not isinstance(screen, GameScreen) or not views or not views[0].enabled:
                await app.action_new_game()
                await pilot.pause()
                continue
            outcome = session.game.fork().choose(views[0].id)  # where "1" will lead, without taking it
            if outcome.ending is not None:
                await app.action_new_game()
                await pilot.pause()
                continue
            title = line(story.scenes[outcome.scene_to].title)[:30]
            frames.clear()
            start = time.perf_counter()
            await pilot.press("1")
            shown = None
            while shown is None and time.perf_counter() - start < 5:
                shown = next((t for t, text in frames if title in text), None)
                if shown is None:
                    await pilot.pause()
            if shown is None:
                return {"error": f"the scene title {title!r} was not rendered within 5 s of pressing 1"}
            times.append((shown - start) * 1000)
            await pilot.pause()
    if len(times) < presses:
        return {"error": f"only {len(times)} of {presses} key presses could be timed"}
    return {"ms": times}


def quicktest(root: str) -> dict[str, Any]:
    """One run of quicktest, as ``qasas quicktest DIR`` runs it (default budgets, one job)."""
    from game.tools.quicktest import quicktest as run_quicktest

    story = _load_or_fail(root)
    result, wall, cpu = _clock(lambda: run_quicktest(story))
    found = [f for f in result.scenes + result.choices + result.endings]
    return {
        "wall_ms": wall, "cpu_ms": cpu, "complete": result.complete, "ok": result.ok,
        "verdicts": len(found), "undecided": len(result.undecided()), "exact_complete": result.method.exact_complete,
    }


def _moved_on(app: Any, game: Any, turn: int) -> bool:
    """The choice was taken: another turn of the same game, or (at an ending) another game."""
    session = app.session
    return session is not None and (session.game is not game or session.game.turn > turn)


def session(root: str, first: int, last: int, saves: str) -> dict[str, Any]:
    """Memory over a long session in the TUI: traced MiB at choice ``first`` and at choice ``last``."""
    import asyncio

    story = _load_or_fail(root)
    return asyncio.run(_session(story, first, last, saves))


async def _session(story: Any, first: int, last: int, saves: str) -> dict[str, Any]:
    import asyncio
    import gc
    import tracemalloc

    from textual import events

    from game.tui.app import QasasApp
    from game.tui.screens.ending import EndingScreen
    from game.tui.screens.game import GameScreen

    app = QasasApp(story, saves_dir=saves, seed=1, theme="textual-dark", clock=lambda: 0.0)
    frames = [0]
    display = app._display

    def counting_display(screen: Any, renderable: Any) -> None:
        display(screen, renderable)
        frames[0] += 1

    app._display = counting_display  # type: ignore[method-assign]
    traced: dict[int, float] = {}
    started = time.perf_counter()

    async def press(key: str, done: Callable[[], bool]) -> bool:
        """A key through the driver, as a terminal sends it; then wait for its frame (False: nothing happened)."""
        seen = frames[0]
        assert app._driver is not None
        app._driver.send_message(events.Key(key, key))
        deadline = time.perf_counter() + 10
        while not (done() and frames[0] > seen):
            if time.perf_counter() > deadline:
                return False
            await asyncio.sleep(0.001)
        return True

    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        tracemalloc.start()
        taken = turn = 0
        while taken < last:
            turn += 1
            screen = app.screen
            if isinstance(screen, EndingScreen):
                if not await press("n", lambda: isinstance(app.screen, GameScreen)):
                    return {"error": "n on the ending screen did not start a new game"}
                continue
            game = app.session.game if app.session is not None else None
            if game is not None and game.ending is not None and isinstance(screen, GameScreen):
                # The ending screen opens once the app has handled the choice: give it a moment.
                deadline = time.perf_counter() + 10
                while app.screen is screen and time.perf_counter() < deadline:
                    await asyncio.sleep(0.001)
                if app.screen is screen:
                    return {"error": f"the ending screen did not open after choice {taken}"}
                continue
            views = [v for v in game.choices() if v.enabled] if game is not None else []
            if game is None or not isinstance(screen, GameScreen) or not views:
                return {"error": f"the session stopped at choice {taken} on {type(screen).__name__}"}
            number = views[(turn * 7) % len(views)].number
            if not await press(str(number), partial(_moved_on, app, game, game.turn)):
                return {"error": f"choice {number} was not taken within 10 s"}
            taken += 1
            if taken in (first, last):
                await pilot.pause()  # the autosave and the other work after the frame
                gc.collect()
                traced[taken] = tracemalloc.get_traced_memory()[0] / 2**20
        tracemalloc.stop()
    return {
        "first": first,
        "last": last,
        "traced_mib": {str(k): round(v, 3) for k, v in traced.items()},
        "growth_mib": round(traced[last] - traced[first], 3),
        "seconds": round(time.perf_counter() - started, 1),
    }


def main(argv: list[str]) -> int:
    task, *args = argv
    try:
        if task == "load":
            out = load(args[0], args[1])
        elif task == "play":
            out = play(args[0], float(args[1]), int(args[2]), *args[3:4])
        elif task == "replay":
            out = replay(args[0], int(args[1]), int(args[2]))
        elif task == "keypress":
            out = keypress(args[0], int(args[1]), args[2])
        elif task == "quicktest":
            out = quicktest(args[0])
        elif task == "session":
            out = session(args[0], int(args[1]), int(args[2]), args[3])
        else:
            out = {"error": f"unknown task {task!r}"}
    except _Failed as exc:
        out = {"error": str(exc)}
    except (IndexError, ValueError) as exc:
        out = {"error": f"bad arguments for {task!r}: {exc}"}
    print(json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
