"""``qasas play``: the full-screen game, or ``--plain`` for line-based play through any terminal or pipe."""

from __future__ import annotations

import argparse

from ..limits import seed_argument
from .common import add_scenes_argument, load_or_report


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_scenes_argument(parser)
    parser.add_argument("--plain", action="store_true", help="line-based play: numbered choices, type a number")
    parser.add_argument(
        "--seed", type=seed_argument(), default=None, help="seed for chance branches (default: random)"
    )


def run(args: argparse.Namespace) -> int:
    import random

    seed = args.seed if args.seed is not None else random.randrange(1, 2**31)
    if args.plain:
        story = load_or_report(args.scenes)
        if story is None:
            return 2
        from ..plain import play_plain

        return play_plain(story, seed)
    from ..tui.app import run_app

    return run_app(scenes=args.scenes, seed=seed)
