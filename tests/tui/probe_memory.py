"""Probe: does the TUI's memory level off over a long session? Run it by hand (it takes minutes, so it is no test):

    python tests/tui/probe_memory.py                 # 400 choices on the shipped story
    python tests/tui/probe_memory.py --choices 900 --every 100

It plays through the real key path under Textual's Pilot (headless, 100x32), taking a choice by its number and
starting a new game at each ending, and every ``--every`` choices prints the memory Python has allocated
(tracemalloc), the number of Textual ``Strip`` objects alive and the game's own objects. At the end it prints
which source files the growth between the first and last report was allocated in.

What it showed on 2026-11-25 (Textual 8.2.8): about 23 KB a choice, 21.7 MiB from choice 100 to 1,000, almost all
in Textual's strips and their caches. Two paths kept dead widgets (and their cached lines) alive:

* Textual issue #6665: ``StylesCache.get_inner_outer`` is an ``lru_cache`` (1,024 entries) keyed by the cache
  object, so the last thousand widgets ever made stay alive whatever happens to them;
* Textual's reactive watchers: ``watch()`` and ``data_bind()`` register the watching widget on the watched object,
  and Textual drops a dead watcher only when the watched value next changes. Every ``Header`` watches the app's
  ``title`` and every ``FooterKey`` (the ``Footer`` makes new ones each time the bindings change) is bound to its
  ``Footer``'s ``compact``; neither value ever changes here, so every header and key ever made stayed alive.

Since 2026-12-04 the TUI makes no widgets as play goes on (its own title, key and notice bars; one game, ending
and journal screen for the session), and the same run shows no growth: 6.32 MiB at choice 100, 6.17 MiB at
1,000. ``qasas bench`` measures this as its long-session figure (game.bench.worker ``session``).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import tempfile
import tracemalloc


async def probe(choices: int, every: int) -> None:
    from textual.strip import Strip

    from game.loader import load_story
    from game.tui.app import QasasApp
    from game.tui.screens.game import GameScreen
    from game.tui.widgets.story.scene import Block, StoryView

    app = QasasApp(load_story(), seed=1, saves_dir=tempfile.mkdtemp(), clock=lambda: 0.0)
    async with app.run_test(size=(100, 32)) as pilot:
        await app.action_new_game()
        await pilot.pause()
        taken = games = turn = 0
        first: tracemalloc.Snapshot | None = None
        tracemalloc.start()
        while taken < choices:
            turn += 1
            screen = app.screen
            views = [v for v in screen.session.game.choices() if v.enabled] if isinstance(screen, GameScreen) else []
            if not views:  # an ending (or any screen but the game): start again
                games += 1
                await app.action_new_game()
                await pilot.pause()
                continue
            await pilot.press(str(views[(turn * 7) % len(views)].number))
            await pilot.pause()
            taken += 1
            if taken % every == 0:
                gc.collect()
                alive = gc.get_objects()
                traced, _ = tracemalloc.get_traced_memory()
                print(
                    f"{taken:5} choices, {games} new games: traced {traced / 2**20:6.2f} MiB, "
                    f"strips {sum(isinstance(o, Strip) for o in alive)}, "
                    f"game screens {sum(isinstance(o, GameScreen) for o in alive)}, "
                    f"story views {sum(isinstance(o, StoryView) for o in alive)}, "
                    f"blocks {sum(isinstance(o, Block) for o in alive)}",
                    flush=True,
                )
                del alive
                snapshot = tracemalloc.take_snapshot()
                if first is None:
                    first = snapshot
                last = snapshot
        if first is not None and last is not first:
            print("\nGrowth since the first report, by file:")
            for stat in last.compare_to(first, "filename")[:10]:
                print(f"  {stat}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--choices", type=int, default=400)
    parser.add_argument("--every", type=int, default=100)
    args = parser.parse_args()
    asyncio.run(probe(args.choices, max(args.every, 1)))


if __name__ == "__main__":
    main()
