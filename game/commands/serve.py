"""``qasas serve``: play the game in a browser. Each browser connection runs its own game process (textual-serve)
and each player keeps their own saves; see ``game.web.server`` for how, and the README for the security notes.

Safe by default: it listens on 127.0.0.1 (this computer only). Any other address needs an access token, given or
generated (``--token auto``), which every request must carry; without one it refuses to start and says why.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import socket
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .common import UsageError, add_story_argument, load_or_report, story_dir

if TYPE_CHECKING:
    from ..web.server import ServeOptions

TOKEN_ENV = "QASAS_SERVE_TOKEN"
DEFAULT_MAX_GAMES = 8
DEFAULT_IDLE_MINUTES = 15.0
WEB_MODULES = ("aiohttp", "jinja2", "textual_serve")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_story_argument(parser, scenes_alias=True)
    parser.add_argument(
        "--host", default="127.0.0.1",
        help="the address to listen on (default: 127.0.0.1, this computer only; any other needs --token)",
    )
    parser.add_argument("--port", type=int, default=8000, help="the port (default: 8000; 0 picks a free one)")
    parser.add_argument(
        "--token", default=None,
        help=f"the access token every player's address carries; 'auto' makes one (or set ${TOKEN_ENV})",
    )
    parser.add_argument(
        "--max-games", type=int, default=DEFAULT_MAX_GAMES, metavar="N",
        help=f"at most N games at once; others get a 'full' page (default: {DEFAULT_MAX_GAMES})",
    )
    parser.add_argument(
        "--idle-minutes", type=float, default=DEFAULT_IDLE_MINUTES, metavar="M",
        help=f"save and end a game left idle this long (default: {DEFAULT_IDLE_MINUTES:g})",
    )
    parser.add_argument(
        "--saves", metavar="DIR", default=None,
        help="where the players' saves go, one folder each (default: web/STORY-ID in the saves folder)",
    )


def _fail(message: str) -> int:
    print(f"qasas serve: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    from ..web.access import is_loopback, new_token, token_problem

    try:
        directory = story_dir(args, "serve")
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return 2
    missing = [name for name in WEB_MODULES if importlib.util.find_spec(name) is None]
    if missing:
        return _fail(
            f"serving in a browser needs the 'web' extra ({', '.join(missing)} not installed): "
            "pip install 'jaysh-al-qasas[web]', or from a checkout: pip install -e '.[web]'"
        )
    if not 0 <= args.port <= 65535:
        return _fail(f"--port must be between 0 and 65535, not {args.port}")
    if args.max_games < 1:
        return _fail(f"--max-games must be at least 1, not {args.max_games}")
    if not args.idle_minutes > 0 or args.idle_minutes == float("inf"):
        return _fail(f"--idle-minutes must be a positive number of minutes, not {args.idle_minutes:g}")

    token = args.token if args.token is not None else os.environ.get(TOKEN_ENV) or None
    if token == "auto":
        token = new_token()
    if token is not None and (problem := token_problem(token)) is not None:
        return _fail(problem)
    if token is None and not is_loopback(args.host):
        return _fail(
            f"refusing to serve on {args.host} without an access token: anyone who can reach this machine could "
            "start games on it and fill its disk with saves. Add --token auto to make a token (it is printed as "
            f"part of the address to share), give your own with --token or ${TOKEN_ENV}, or serve on 127.0.0.1 "
            "(this computer only)."
        )

    story = load_or_report(directory)
    if story is None:
        return 2
    saves_root = _saves_root(args.saves, story.id)
    try:
        saves_root.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        return _fail(f"cannot create the saves folder {saves_root}: {exc.strerror or exc}")

    from ..web.server import ServeOptions

    options = ServeOptions(
        story_dir=os.path.abspath(story.root or directory or "."),
        host=args.host,
        port=args.port,
        token=token,
        max_games=args.max_games,
        idle_seconds=args.idle_minutes * 60,
        saves_root=saves_root.resolve(),
    )
    return _serve(options, story)


def _saves_root(given: str | None, story_id: str) -> Path:
    if given:
        return Path(given).expanduser()
    from ..saves import default_saves_dir

    return default_saves_dir() / "web" / story_id


def _serve(options: ServeOptions, story: object) -> int:
    import asyncio
    import logging

    from ..web.server import GameServer, serve

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S", stream=sys.stderr)
    logging.getLogger("aiohttp").setLevel(logging.WARNING)
    server = GameServer(options, story)
    try:
        asyncio.run(serve(server, lambda port: _announce(options, story, port)))
    except OSError as exc:
        return _fail(f"cannot listen on {options.host} port {options.port}: {exc.strerror or exc}")
    except KeyboardInterrupt:
        pass
    print("qasas serve: stopped; every game was saved.", flush=True)
    return 0


def _announce(options: ServeOptions, story: object, port: int) -> None:
    """Print where to play (with the token in the address), the limits, and how to stop."""
    from ..sanitize import sanitize_line
    from ..web.access import is_loopback

    query = f"?token={options.token}" if options.token else ""
    title = sanitize_line(getattr(story, "title", "the game"))
    print(f"Serving {title} in the browser. Open:", flush=True)
    if options.host in ("0.0.0.0", "::", ""):
        lan = _lan_address()
        if lan:
            print(f"    {_url(lan, port, query)}    (from other machines on this network)")
        print(f"    {_url('127.0.0.1', port, query)}    (on this computer)")
    else:
        print(f"    {_url(options.host, port, query)}")
    if options.token:
        print("The token in this address is the key: share it only with your players.")
    elif is_loopback(options.host):
        print("Only this computer can connect (see --host and --token to serve a room).")
    print(
        f"Up to {options.max_games} games at once; a game idle for {options.idle_seconds / 60:g} minutes is saved "
        "and closed.\n"
        f"Players' saves: {options.saves_root} (a folder each). Press Ctrl+C to stop.",
        flush=True,
    )


def _url(host: str, port: int, query: str) -> str:
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"http://{shown}:{port}/{query}"


def _lan_address() -> str | None:
    """This machine's address on its local network (the one its default route uses); None when offline.

    Connecting a UDP socket sends nothing: it only asks the kernel which local address would be used.
    """
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed to anyone
            address = probe.getsockname()[0]
    except OSError:
        return None
    return None if address.startswith("127.") or address == "0.0.0.0" else str(address)
