"""Helpers shared by subcommands: loading the story with errors printed for the author, not raised."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the engine and loader are imported when a story is loaded, not before the first frame
    from ..engine import Story


def add_scenes_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--scenes", metavar="DIR", default=None, help="the story directory (default: the story shipped with the game)"
    )


def load_or_report(path: str | None) -> Story | None:
    """Load a story; on failure print every problem to stderr and return None (callers exit 2)."""
    from ..loader import StoryError, default_scenes_dir, load_story

    try:
        return load_story(path or default_scenes_dir())
    except StoryError as exc:
        from ..sanitize import sanitize

        print(sanitize(exc.report()), file=sys.stderr)
        return None
