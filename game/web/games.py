"""The games in play: one game process per browser connection, at most N at once, one per player.

textual-serve's ``AppService`` does the hard part (it starts a Textual app with the web driver and relays its
output, framed, to a websocket); ``GameProcess`` adapts it to a room of players:

- the game is started without a shell, as ``python -m game.web.player --story DIR``, with ``$QASAS_SAVES`` set to
  the player's own folder and the server's access token removed from its environment;
- "exit" from the game does not close the websocket by itself: the connection's handler closes it with a code
  that says why the game ended, which the page turns into a clear message;
- stopping is bounded: ask the game to quit (it autosaves), then SIGTERM, then SIGKILL, so a stuck game can never
  hold a place or keep the server from stopping.

``Games`` is the registry: it admits a new game only when there is room (a player who already has a game takes
it over, which ends the old one first, so two processes never share a saves folder), and ends a game left idle
for too long. No Textual import: this runs in the server.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

log = logging.getLogger("qasas.serve")

# Why a game ended, as the websocket close code the page reads (4000-4999 are the application's own).
CLOSE_QUIT = 1000  # the game ended itself: the player quit
CLOSE_SHUTDOWN = 1001  # the server is stopping
CLOSE_IDLE = 4000
CLOSE_REPLACED = 4001
CLOSE_FULL = 4002
CLOSE_FAILED = 4003

# Environment the game process must not inherit: the server's secret.
PRIVATE_ENVIRONMENT = ("QASAS_SERVE_TOKEN",)


class GameProcess(AppService):
    """One player's game process, driven by textual-serve's protocol (see the module docstring)."""

    def __init__(
        self,
        argv: list[str],
        saves: Path,
        *,
        write_bytes: Callable[[bytes], Awaitable[None]],
        write_str: Callable[[str], Awaitable[None]],
        download_manager: DownloadManager,
    ) -> None:
        super().__init__(
            " ".join(argv),  # only for textual-serve's messages: the game is started from argv, without a shell
            write_bytes=write_bytes,
            write_str=write_str,
            close=self._game_said_exit,
            download_manager=download_manager,
        )
        self.argv = argv
        self.saves = saves
        self.exited = asyncio.Event()  # the game sent "exit" (it quit or was asked to)

    async def _game_said_exit(self) -> None:
        self.exited.set()

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width, height)
        for name in PRIVATE_ENVIRONMENT:
            environment.pop(name, None)
        environment["QASAS_SAVES"] = str(self.saves)
        environment.pop("NO_COLOR", None)  # the page is always in colour
        return environment

    async def _open_app_process(self, width: int = 80, height: int = 24) -> asyncio.subprocess.Process:
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self._build_environment(width=width, height=height),
            start_new_session=True,  # a Ctrl+C at the server's terminal reaches the server, which ends games in order
        )
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.returncode is None

    @property
    def returncode(self) -> int | None:
        return None if self._process is None else self._process.returncode

    async def relay(self) -> None:
        """Wait until the game process has ended and all its output has reached the browser."""
        if self._task is not None:
            await asyncio.shield(self._task)

    async def finish(self, grace: float = 10.0) -> None:
        """End the game: ask it to quit (it autosaves), then SIGTERM, then SIGKILL; wait for its output to end."""
        process = self._process
        if process is None:
            return
        if process.returncode is None:
            with contextlib.suppress(Exception):
                await self.send_meta({"type": "quit"})
            for step in (process.terminate, process.kill):
                try:
                    await asyncio.wait_for(process.wait(), grace)
                    break
                except TimeoutError:
                    log.warning("a game did not stop in %.0f s; sending %s", grace, step.__name__)
                    with contextlib.suppress(ProcessLookupError):
                        step()
            else:
                await process.wait()
        with contextlib.suppress(Exception):
            await self._download_manager.cancel_app_downloads(app_service_id=self.app_service_id)
        if self._task is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(self._task), grace)
            self._task = None


@dataclass(eq=False)
class Game:
    """A game in the registry: whose it is, its process, and when its player last did anything."""

    player: str
    process: GameProcess | None = None
    last_input: float = field(default_factory=time.monotonic)
    reason: int | None = None  # set when the server ends the game (CLOSE_IDLE, CLOSE_REPLACED, CLOSE_SHUTDOWN)
    end_requested: asyncio.Event = field(default_factory=asyncio.Event)
    ended: asyncio.Event = field(default_factory=asyncio.Event)

    def touch(self) -> None:
        self.last_input = time.monotonic()

    def end(self, reason: int) -> None:
        """Ask for this game to end (its connection's handler does the ending)."""
        if self.reason is None:
            self.reason = reason
        self.end_requested.set()


class Games:
    """The registry of games in play (see the module docstring)."""

    def __init__(self, *, story_dir: str, saves_root: Path, max_games: int, idle_seconds: float) -> None:
        self.story_dir = story_dir
        self.saves_root = saves_root
        self.max_games = max_games
        self.idle_seconds = idle_seconds
        self.download_manager = DownloadManager()
        self._games: dict[str, Game] = {}
        self.closing = False

    def __len__(self) -> int:
        return len(self._games)

    def argv(self) -> list[str]:
        """The command that runs one player's game."""
        return [sys.executable, "-m", "game.web.player", "--story", self.story_dir]

    def has_room_for(self, player: str) -> bool:
        """Whether ``player`` may start a game now (taking over their own game always fits)."""
        return not self.closing and (player in self._games or len(self._games) < self.max_games)

    async def admit(self, player: str) -> Game | None:
        """Reserve the place for ``player``'s new game, ending their old one first; None when there is no room."""
        while (old := self._games.get(player)) is not None:
            old.end(CLOSE_REPLACED)
            await old.ended.wait()
        if not self.has_room_for(player):
            return None
        game = Game(player)
        self._games[player] = game  # no await between the check and this: the place is taken at once
        return game

    def release(self, game: Game) -> None:
        """The game has ended and its process is gone: free its place."""
        if self._games.get(game.player) is game:
            del self._games[game.player]
        game.ended.set()

    async def watch_idle(self, game: Game) -> None:
        """End ``game`` (CLOSE_IDLE) once its player has done nothing for ``idle_seconds``."""
        while not game.end_requested.is_set():
            left = game.last_input + self.idle_seconds - time.monotonic()
            if left <= 0:
                game.end(CLOSE_IDLE)
                return
            await asyncio.sleep(left)

    async def end_all(self, timeout: float = 30.0) -> None:
        """The server is stopping: end every game (each autosaves) and wait for them, ``timeout`` at most."""
        self.closing = True
        games = list(self._games.values())
        for game in games:
            game.end(CLOSE_SHUTDOWN)
        if games:
            _done, late = await asyncio.wait([asyncio.create_task(g.ended.wait()) for g in games], timeout=timeout)
            for task in late:
                task.cancel()


def parse_envelope(text: str) -> tuple[str, object] | None:
    """A message from the page, ``["stdin", "..."]`` or ``["resize", {...}]`` etc., or None when malformed."""
    try:
        envelope = json.loads(text)
    except ValueError:
        return None
    if not isinstance(envelope, list) or not envelope or not isinstance(envelope[0], str):
        return None
    return envelope[0], envelope[1] if len(envelope) > 1 else None


def terminal_size(value: object, default: tuple[int, int] = (80, 24)) -> tuple[int, int]:
    """A ``{"width": w, "height": h}`` the page sent, clamped to something a terminal can be."""
    if not isinstance(value, dict):
        return default
    width, height = value.get("width"), value.get("height")
    if not isinstance(width, int) or not isinstance(height, int):
        return default
    return max(20, min(width, 500)), max(8, min(height, 300))
