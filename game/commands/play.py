"""``qasas play [DIR]``: the full-screen game, or ``--plain`` for line-based play through any terminal or pipe.

With a story directory (``DIR``, or the older ``--scenes DIR``) the TUI runs in author mode: a key reloads the
scenes from disk and keeps your place.
"""

from __future__ import annotations

import argparse
import sys

from .common import UsageError, add_story_argument, load_or_report, story_dir


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_story_argument(parser, scenes_alias=True)
    parser.add_argument("--plain", action="store_true", help="line-based play: numbered choices, type a number")
    parser.add_argument("--seed", type=int, default=None, help="seed for chance branches (default: random)")


def run(args: argparse.Namespace) -> int:
    import random

    try:
        scenes = story_dir(args, "play")
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return 2
    seed = args.seed if args.seed is not None else random.randrange(1, 2**31)
    if args.plain:
        story = load_or_report(scenes)
        if story is None:
            return 2
        from ..plain import play_plain

        return play_plain(story, seed)
    from ..tui.app import run_app

    return run_app(scenes=scenes, seed=seed)
