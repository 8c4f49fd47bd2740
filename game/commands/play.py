"""``qasas play [DIR]``: the full-screen game, or ``--plain`` for line-based play through any terminal or pipe.

With a story directory (``DIR``, or the older ``--scenes DIR``) the game runs in author mode: a key (or, line by
line, the ``reload`` command) reloads the scenes from disk and keeps your place. Plain play is chosen by itself,
with a one-line note, when the full screen cannot work: standard input or output is not a terminal (a pipe, a file,
``</dev/null``), or ``TERM=dumb``.
"""

from __future__ import annotations

import argparse
import os
import sys

from ..limits import seed_argument
from .common import UsageError, add_story_argument, load_or_report, story_dir


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_story_argument(parser, scenes_alias=True)
    parser.add_argument(
        "--plain",
        action="store_true",
        help="line-based play for screen readers, braille displays, pipes and slow links: numbered choices, "
        "commands in words (type help); chosen by itself when input or output is not a terminal, or TERM=dumb",
    )
    parser.add_argument(
        "--wrap", action="store_true", help="line-based play: wrap lines at the terminal's width (default: no wrapping)"
    )
    parser.add_argument(
        "--width", type=_columns, default=None, metavar="COLUMNS",
        help="line-based play: wrap lines at COLUMNS (20 to 1000)",
    )
    parser.add_argument(
        "--seed", type=seed_argument(), default=None, help="seed for chance branches (default: random)"
    )


def _columns(text: str) -> int:
    if not (text.isdecimal() and len(text) <= 4 and 20 <= int(text) <= 1000):
        raise argparse.ArgumentTypeError(f"{text[:20]!r} is not a width from 20 to 1000 columns")
    return int(text)


def why_plain() -> str | None:
    """Why the full screen cannot be used here, or None when it can."""
    for name, stream in (("input", sys.stdin), ("output", sys.stdout)):
        try:
            terminal = stream is not None and stream.isatty()
        except (ValueError, OSError):
            terminal = False
        if not terminal:
            return f"standard {name} is not a terminal"
    if os.environ.get("TERM") == "dumb":
        return "TERM is dumb"
    return None


def run(args: argparse.Namespace) -> int:
    import random

    try:
        scenes = story_dir(args, "play")
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return 2
    seed = args.seed if args.seed is not None else random.randrange(1, 2**31)
    reason = None if args.plain else why_plain()
    if args.plain or reason is not None:
        story = load_or_report(scenes)
        if story is None:
            return 2
        from ..plain import play_plain, terminal_width

        if reason is not None:
            print(f"qasas play: {reason}, so playing line by line (as with --plain).", file=sys.stderr)
        width = args.width or (terminal_width() if args.wrap else 0)
        return play_plain(story, seed, width=width, author_dir=scenes)
    from ..tui.app import run_app

    return run_app(scenes=scenes, seed=seed)
