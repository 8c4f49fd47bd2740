"""The registry of games and the game process: one game per player, a place for each, idle games ended, a stuck
game stopped, and a game process that sees its own saves folder and none of the server's secrets."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import pytest

from game.web.games import (
    CLOSE_IDLE,
    CLOSE_REPLACED,
    CLOSE_SHUTDOWN,
    GameProcess,
    Games,
    parse_envelope,
    terminal_size,
)

ANA, BEN, CAL = "a" * 32, "b" * 32, "c" * 32


async def _nowhere(_data: object) -> None:
    return None


def games(tmp_path: Path, **options: float) -> Games:
    return Games(
        story_dir=str(tmp_path / "story"),
        saves_root=tmp_path / "saves",
        max_games=int(options.get("max_games", 2)),
        idle_seconds=options.get("idle_seconds", 60.0),
    )


def process(argv: list[str], saves: Path, room: Games) -> GameProcess:
    return GameProcess(argv, saves, write_bytes=_nowhere, write_str=_nowhere, download_manager=room.download_manager)


async def test_a_game_runs_the_player_module_without_a_shell(tmp_path: Path) -> None:
    room = games(tmp_path)
    assert room.argv() == [sys.executable, "-m", "game.web.player", "--story", str(tmp_path / "story")]


async def test_a_game_sees_its_player_s_folder_and_not_the_server_s_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QASAS_SERVE_TOKEN", "a-long-token-for-the-tests-0123")
    monkeypatch.setenv("QASAS_SAVES", "/somewhere/else")
    game = process(["true"], tmp_path / "player-x", games(tmp_path))
    environment = game._build_environment(100, 30)
    assert "QASAS_SERVE_TOKEN" not in environment
    assert environment["QASAS_SAVES"] == str(tmp_path / "player-x")
    assert environment["TEXTUAL_DRIVER"] == "textual.drivers.web_driver:WebDriver"
    assert (environment["COLUMNS"], environment["ROWS"]) == ("100", "30")


async def test_places_are_limited_and_a_player_s_new_game_replaces_their_old_one(tmp_path: Path) -> None:
    room = games(tmp_path, max_games=2)
    ana = await room.admit(ANA)
    ben = await room.admit(BEN)
    assert ana is not None and ben is not None and len(room) == 2
    assert not room.has_room_for(CAL) and await room.admit(CAL) is None
    assert room.has_room_for(ANA)  # her own game can always be taken over

    # Ana opens the game again: her old game is asked to end, and the new one waits until it has.
    again = asyncio.create_task(room.admit(ANA))
    await asyncio.sleep(0)
    assert ana.end_requested.is_set() and ana.reason == CLOSE_REPLACED and not again.done()
    room.release(ana)  # what the old game's connection does once its process has ended
    new = await asyncio.wait_for(again, 60)
    assert new is not None and new is not ana and len(room) == 2

    room.release(ben)
    assert room.has_room_for(CAL)


async def test_an_idle_game_is_ended_a_full_idle_spell_after_the_last_input(tmp_path: Path) -> None:
    room = games(tmp_path, idle_seconds=0.5)
    game = await room.admit(ANA)
    assert game is not None

    async def watched() -> float:
        await room.watch_idle(game)
        return time.monotonic() - game.last_input  # how long the player had been idle when the game was ended

    watch = asyncio.create_task(watched())
    for _ in range(4):  # the player keeps typing for a while
        if watch.done():
            break
        game.touch()
        await asyncio.sleep(0.2)
    idle_for = await asyncio.wait_for(watch, 60)
    assert idle_for >= room.idle_seconds  # never sooner, however late the last key came
    assert game.end_requested.is_set() and game.reason == CLOSE_IDLE


async def test_stopping_the_server_ends_every_game(tmp_path: Path) -> None:
    room = games(tmp_path)
    ana, ben = await room.admit(ANA), await room.admit(BEN)
    assert ana is not None and ben is not None
    stopping = asyncio.create_task(room.end_all())
    await asyncio.sleep(0)
    assert ana.reason == ben.reason == CLOSE_SHUTDOWN and not room.has_room_for(CAL)
    room.release(ana)
    room.release(ben)
    await asyncio.wait_for(stopping, 60)


@pytest.mark.parametrize(
    "code",
    [
        "import time; time.sleep(120)",  # ignores "quit": stopped with SIGTERM
        "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(120)",  # then SIGKILL
    ],
)
async def test_a_stuck_game_is_stopped_all_the_same(tmp_path: Path, code: str) -> None:
    room = games(tmp_path)
    game = process([sys.executable, "-c", code], tmp_path, room)
    await game.start(80, 24)
    assert game.running
    await asyncio.wait_for(game.finish(grace=0.5), 60)
    assert not game.running and game.returncode is not None and game.returncode < 0


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ('["stdin", "1"]', ("stdin", "1")),
        ('["blur"]', ("blur", None)),
        ('["resize", {"width": 90, "height": 30}]', ("resize", {"width": 90, "height": 30})),
        ("not json", None),
        ("{}", None),
        ("[]", None),
        ("[1, 2]", None),
    ],
)
def test_messages_from_the_page_are_read_warily(text: str, parsed: object) -> None:
    assert parse_envelope(text) == parsed


@pytest.mark.parametrize(
    ("value", "size"),
    [
        ({"width": 120, "height": 40}, (120, 40)),
        ({"width": 10**9, "height": -5}, (500, 8)),
        ({"width": "wide", "height": 40}, (80, 24)),
        ([120, 40], (80, 24)),
        (None, (80, 24)),
    ],
)
def test_a_terminal_size_from_the_page_is_clamped(value: object, size: tuple[int, int]) -> None:
    assert terminal_size(value) == size
