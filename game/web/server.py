"""The web server behind ``qasas serve``: a small aiohttp application around textual-serve's game processes.

Why not textual-serve's own ``Server``: it starts a game for anyone who opens the websocket, through a shell,
with one environment for all. A room needs more, before any process starts: the access token, the player's own
saves folder, a limit on games at once with a clear page beyond it, and idle games ended. So this module keeps
textual-serve's process protocol (``AppService``, via ``games.GameProcess``) and its browser side (``textual.js``,
xterm.js, fonts), and does the HTTP itself:

- ``/`` the landing page (the story's content note, advice for screen-reader users, how to play);
- ``/play`` the game page (the terminal), or a "full" page (HTTP 503) when every place is taken;
- ``/ws`` the game's websocket: checked (token, same origin, player cookie, a free place) before a game starts;
- ``/assets/`` this page's CSS and script; ``/static/`` textual-serve's terminal script, its CSS and fonts.

Every request passes ``guard`` first: on a loopback bind the ``Host`` must be a loopback name (so another site
cannot reach the game through DNS rebinding); with a token, the request must carry it (``?token=`` once, which
sets a cookie, then the cookie). No Textual import here: only the game processes import it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from aiohttp import WSMsgType, web

from .access import (
    host_of,
    is_loopback,
    new_player_id,
    player_folder,
    player_folder_name,
    token_matches,
    valid_player_id,
)
from .games import (
    CLOSE_FAILED,
    CLOSE_FULL,
    CLOSE_IDLE,
    CLOSE_QUIT,
    CLOSE_REPLACED,
    CLOSE_SHUTDOWN,
    Game,
    GameProcess,
    Games,
    parse_envelope,
    terminal_size,
)
from .pages import ASSETS, Pages, Site

log = logging.getLogger("qasas.serve")

PLAYER_COOKIE = "qasas_player"
# Cookies are SameSite=Lax, not Strict: a player who follows a link to the game from another site must arrive as
# themselves (with Strict the browser would leave their id out, and they would be handed a new one). Nothing a GET
# does changes anything, and the websocket checks its Origin, so Lax gives another site nothing.
COOKIE_SECONDS = 400 * 24 * 3600  # the longest a browser keeps a cookie (Chrome caps it at 400 days)
MAX_MESSAGE_BYTES = 64 * 1024  # keys, pastes and resizes; nothing the page sends is larger
# Why a game ended, for the server's log (the page has its own words for each close code).
ENDINGS = {
    CLOSE_QUIT: "the player quit",
    CLOSE_SHUTDOWN: "the server is stopping",
    CLOSE_IDLE: "idle too long",
    CLOSE_REPLACED: "opened again in another tab",
}
HEADERS = {
    # The pages load nothing from elsewhere; xterm.js and textual.js add <style> elements, hence 'unsafe-inline'.
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",  # the address may carry the access token
}
# Pages are never stored (they may say who is playing); scripts, styles and fonts are revalidated (a cheap 304) so a
# room reloading the page does not fetch textual.js's half megabyte again each time.
PAGE_CACHE = "no-store"
ASSET_CACHE = "no-cache"


@dataclass(frozen=True)
class ServeOptions:
    """What ``qasas serve`` was asked for, checked (see ``game.commands.serve``)."""

    story_dir: str
    host: str = "127.0.0.1"
    port: int = 8000
    token: str | None = None
    max_games: int = 8
    idle_seconds: float = 15 * 60
    saves_root: Path = Path("saves/web")


class GameServer:
    """The aiohttp application for one story (see the module docstring)."""

    def __init__(self, options: ServeOptions, story: Any) -> None:
        self.options = options
        self.loopback = is_loopback(options.host)
        self.pages = Pages(Site.of(story, options.max_games, options.idle_seconds))
        self.games = Games(
            story_dir=options.story_dir,
            saves_root=options.saves_root,
            max_games=options.max_games,
            idle_seconds=options.idle_seconds,
        )
        self.token_cookie = "qasas_access"
        self.games_started = 0  # for the tests and the log: how many game processes were ever started

    # ------------------------------------------------------------------------------------------ the application

    def application(self) -> web.Application:
        import textual_serve

        static = Path(textual_serve.__file__).resolve().parent / "static"
        app = web.Application(middlewares=[self.guard], client_max_size=64 * 1024)
        app.add_routes(
            [
                web.get("/", self.landing),
                web.get("/play", self.play),
                web.get("/ws", self.websocket),
                web.static("/assets", ASSETS),
                web.static("/static", static),
            ]
        )
        app.on_shutdown.append(self._on_shutdown)
        return app

    async def _on_shutdown(self, _app: web.Application) -> None:
        await self.games.end_all()

    # ------------------------------------------------------------------------------------------ every request

    @web.middleware
    async def guard(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        """Host and token checks, then the page, then the security headers (see the module docstring)."""
        refused = self._refusal(request)
        if refused is not None:
            response: web.StreamResponse = refused
        elif self.options.token is not None and "token" in request.query:
            # The access link: remember the token in a cookie and drop it from the address bar.
            query = {k: v for k, v in request.query.items() if k != "token"}
            location = request.path + ("?" + urlencode(query) if query else "")
            response = web.Response(status=303, headers={"Location": location})
            response.set_cookie(
                self.token_cookie, self.options.token, max_age=COOKIE_SECONDS, httponly=True, samesite="Lax", path="/"
            )
        else:
            try:
                response = await handler(request)
            except web.HTTPNotFound:
                response = self._page(
                    self.pages.message("Not found", "There is no page at this address.", action=("Home", "/")),
                    status=404,
                )
            except web.HTTPException as exc:  # a refused websocket, a method not allowed: a short plain answer
                response = web.Response(status=exc.status, text=exc.text or exc.reason)
                if "Allow" in exc.headers:
                    response.headers["Allow"] = exc.headers["Allow"]
        if not getattr(response, "prepared", False):  # a websocket's headers are already sent
            for name, value in HEADERS.items():
                response.headers.setdefault(name, value)
            asset = request.path.startswith(("/static/", "/assets/")) and response.status in (200, 304)
            response.headers.setdefault("Cache-Control", ASSET_CACHE if asset else PAGE_CACHE)
        return response

    def _refusal(self, request: web.Request) -> web.Response | None:
        """A page refusing ``request`` (wrong host, missing or wrong token), or None when it may go on."""
        if self.loopback and not is_loopback(host_of(request.host)):
            return self._page(
                self.pages.message(
                    "Wrong address", "This game is served to this computer only; open it at 127.0.0.1 or localhost."
                ),
                status=421,
            )
        token = self.options.token
        if token is None:
            return None
        given = request.query.get("token")
        if given is not None:
            if token_matches(given, token):
                return None
            log.warning("refused a request with a wrong access token")
            return self._page(
                self.pages.message(
                    "This access link is wrong", "Ask the person running the game for the address to open, exactly."
                ),
                status=403,
            )
        if token_matches(request.cookies.get(self.token_cookie), token):
            return None
        return self._page(
            self.pages.message(
                "This game needs its access link",
                "Open the full address the person running the game gave you: it ends with ?token= and a code.",
            ),
            status=403,
        )

    def _page(self, html: str, *, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
        return web.Response(text=html, status=status, content_type="text/html", charset="utf-8", headers=headers)

    def _player(self, request: web.Request, response: web.StreamResponse) -> str:
        """The player's id from their cookie; a new player gets a new id (and the cookie, on ``response``)."""
        player = valid_player_id(request.cookies.get(PLAYER_COOKIE))
        if player is None:
            player = new_player_id()
        # Sent every time, so the cookie's lifetime counts from the player's last visit.
        response.set_cookie(
            PLAYER_COOKIE, player, max_age=COOKIE_SECONDS, httponly=True, samesite="Lax", path="/"
        )
        return player

    # ------------------------------------------------------------------------------------------ pages

    async def landing(self, request: web.Request) -> web.Response:
        response = self._page(self.pages.landing())
        self._player(request, response)
        return response

    async def play(self, request: web.Request) -> web.Response:
        response = self._page("")
        player = self._player(request, response)
        if not self.games.has_room_for(player):
            response.text = self.pages.message(
                "Every place is taken",
                f"{self.pages.site.full_words} This page tries again every 30 seconds; your saves are kept.",
                action=("Try again now", "/play"),
                refresh=30,
            )
            response.set_status(503)
            response.headers["Retry-After"] = "30"
            return response
        try:
            font_size = max(8, min(int(request.query.get("fontsize", "16")), 48))
        except ValueError:
            font_size = 16
        response.text = self.pages.play(font_size)
        return response

    # ------------------------------------------------------------------------------------------ the game

    async def websocket(self, request: web.Request) -> web.StreamResponse:
        """One game: checked, admitted, started, relayed until it ends, then closed with the reason as the code."""
        player = valid_player_id(request.cookies.get(PLAYER_COOKIE))
        origin = request.headers.get("Origin")
        if player is None or (origin is not None and urlsplit(origin).netloc != request.host):
            # No player (the page was not opened first) or another site's page: no game.
            raise web.HTTPForbidden(text="open the game's page first")
        ws = web.WebSocketResponse(heartbeat=30, max_msg_size=MAX_MESSAGE_BYTES)
        await ws.prepare(request)
        if self.games.closing:
            await ws.close(code=CLOSE_SHUTDOWN, message=b"the server is stopping")
            return ws
        game = await self.games.admit(player)
        if game is None:
            await ws.close(code=CLOSE_FULL, message=b"every place is taken")
            return ws
        try:
            if not ws.closed:
                size = (_int(request.query.get("width"), 80), _int(request.query.get("height"), 24))
                await self._play(ws, game, terminal_size({"width": size[0], "height": size[1]}))
        finally:
            self.games.release(game)
        return ws

    async def _play(self, ws: web.WebSocketResponse, game: Game, size: tuple[int, int]) -> None:
        async def send_bytes(data: bytes) -> None:
            if not ws.closed:
                with contextlib.suppress(ConnectionError, RuntimeError):
                    await ws.send_bytes(data)

        async def send_str(text: str) -> None:
            if not ws.closed:
                with contextlib.suppress(ConnectionError, RuntimeError):
                    await ws.send_str(text)

        folder = player_folder(self.options.saves_root, game.player)
        process = GameProcess(
            self.games.argv(), folder, write_bytes=send_bytes, write_str=send_str,
            download_manager=self.games.download_manager,
        )
        game.process = process
        try:
            await process.start(*size)
        except OSError as exc:
            log.error("could not start a game: %s", exc)
            await ws.close(code=CLOSE_FAILED, message=b"the game could not start")
            return
        self.games_started += 1
        who = player_folder_name(game.player)
        log.info("game started for %s (%d of %d places in use)", who, len(self.games), self.options.max_games)
        tasks = [
            asyncio.create_task(self._read_page(ws, game, process)),
            asyncio.create_task(process.relay()),
            asyncio.create_task(game.end_requested.wait()),
            asyncio.create_task(self.games.watch_idle(game)),
        ]
        try:
            done, _ = await asyncio.wait(tasks[:3], return_when=asyncio.FIRST_COMPLETED)
        finally:
            await process.finish()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        code = game.reason or (CLOSE_QUIT if process.returncode == 0 else CLOSE_FAILED)
        if game.reason is None and tasks[0] in done:
            why = "the page was closed"
        else:
            why = ENDINGS.get(code, f"the game failed (exit status {process.returncode})")
        log.info("game ended for %s: %s", who, why)
        if not ws.closed:
            await ws.close(code=code)

    async def _read_page(self, ws: web.WebSocketResponse, game: Game, process: GameProcess) -> None:
        """Relay what the page sends (keys, the terminal's size, focus) to the game, until the page goes away."""
        async for message in ws:
            if message.type != WSMsgType.TEXT:
                continue
            parsed = parse_envelope(message.data)
            if parsed is None:
                continue
            kind, data = parsed
            if kind == "stdin" and isinstance(data, str):
                game.touch()
                await process.send_bytes(data.encode("utf-8", "replace"))
            elif kind == "resize":
                await process.set_terminal_size(*terminal_size(data))
            elif kind == "ping" and isinstance(data, str):
                await ws.send_json(["pong", data[:64]])
            elif kind == "blur":
                await process.blur()
            elif kind == "focus":
                await process.focus()


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


async def serve(
    server: GameServer, ready: Callable[[int], None], stop: asyncio.Event | None = None
) -> None:
    """Serve until SIGINT/SIGTERM (or ``stop``); ``ready(port)`` is called once the port is bound.

    Raises OSError when the address cannot be bound (the port is in use, the address is not this machine's).
    On the way out every game is asked to end (each autosaves) before the server closes.
    """
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    runner = web.AppRunner(server.application(), access_log=None, handle_signals=False, shutdown_timeout=15)
    await runner.setup()
    try:
        site = web.TCPSite(runner, server.options.host, server.options.port)
        await site.start()
        addresses = runner.addresses  # the real port when 0 asked for any free one
        ready(int(addresses[0][1]) if addresses else server.options.port)
        await stop.wait()
    finally:
        await runner.cleanup()
