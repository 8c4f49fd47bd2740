"""The web server in-process (aiohttp's test client): pages, headers, the token, the host check, the player
cookie, and every refusal that must happen before a game process is started."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer
from web_helpers import write_ferry

from game.loader import load_story
from game.web.games import CLOSE_FULL
from game.web.server import PLAYER_COOKIE, GameServer, ServeOptions

TOKEN = "a-long-token-for-the-tests-0123"
ANA = "a" * 32
BEN = "b" * 32

@pytest.fixture
async def make_client(tmp_path: Path) -> AsyncIterator[Callable[..., object]]:
    clients: list[TestClient] = []
    story_dir = write_ferry(tmp_path / "ferry")
    story = load_story(str(story_dir))
    base = ServeOptions(story_dir=str(story_dir), port=0, saves_root=tmp_path / "saves")

    async def make(story_override: object = None, **options: object) -> tuple[GameServer, TestClient]:
        server = GameServer(replace(base, **options), story_override or story)  # type: ignore[arg-type]
        # No cookie jar: each request carries exactly the cookies a test gives it.
        client = TestClient(TestServer(server.application()), cookie_jar=aiohttp.DummyCookieJar())
        await client.start_server()
        clients.append(client)
        return server, client

    yield make
    for client in clients:
        await client.close()


def cookies(**values: str) -> dict[str, str]:
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in values.items())}


async def test_the_landing_page_gives_the_content_note_and_screen_reader_advice(make_client) -> None:
    _server, client = await make_client()
    response = await client.get("/")
    assert response.status == 200
    page = await response.text()
    assert "<h1>The Night Ferry</h1>" in page
    assert "Content note" in page and "Nobody drowns." in page
    assert "screen readers cannot read" in page and "<code>qasas play --plain</code>" in page
    assert 'href="/play"' in page
    # Nothing loaded from anywhere else; the page cannot be framed; the address (and a token) is not passed on.
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "googleapis" not in page
    # A new player gets an id that scripts cannot read and other sites' pages do not send.
    cookie = response.cookies[PLAYER_COOKIE]
    assert len(cookie.value) == 32 and cookie["httponly"] and cookie["samesite"] == "Lax"


async def test_a_returning_player_keeps_their_id_and_a_forged_one_is_replaced(make_client) -> None:
    _server, client = await make_client()
    for path in ("/", "/play"):
        kept = (await client.get(path, headers=cookies(**{PLAYER_COOKIE: ANA}))).cookies[PLAYER_COOKIE]
        assert kept.value == ANA and int(kept["max-age"]) >= 365 * 24 * 3600  # renewed on every visit
        for forged in ("../../etc", "A" * 32, "a" * 40):
            fresh = (await client.get(path, headers=cookies(**{PLAYER_COOKIE: forged}))).cookies[PLAYER_COOKIE]
            assert fresh.value not in (forged, ANA) and len(fresh.value) == 32


async def test_the_game_page_is_the_terminal_and_says_it_is_not_for_screen_readers(make_client) -> None:
    _server, client = await make_client()
    page = await (await client.get("/play")).text()
    assert 'id="terminal" class="textual-terminal"' in page
    assert '<script src="/assets/page.js"></script>' in page and "/static/js/textual.js" in page
    assert 'class="sr-only"' in page and "screen readers cannot read" in page
    assert 'data-font-size="16"' in page
    assert 'data-font-size="48"' in await (await client.get("/play?fontsize=400")).text()
    assert 'data-font-size="16"' in await (await client.get("/play?fontsize=big")).text()
    assert (await client.get("/play")).headers["Cache-Control"] == "no-store"
    for asset in ("/assets/page.js", "/assets/page.css", "/static/js/textual.js", "/static/css/xterm.css"):
        response = await client.get(asset)
        assert response.status == 200 and response.headers["Cache-Control"] == "no-cache", asset
        again = await client.get(asset, headers={"If-Modified-Since": response.headers["Last-Modified"]})
        assert again.status == 304  # a reload revalidates, it does not download again


async def test_story_text_in_a_page_is_text_not_markup(make_client, tmp_path: Path) -> None:
    story = write_ferry(tmp_path / "marked")
    manifest = (story / "story.yaml").read_text(encoding="utf-8")
    (story / "story.yaml").write_text(
        manifest.replace("title: The Night Ferry", 'title: "<script>alert(1)</script> Ferry\\e[31m"'), "utf-8"
    )
    _server, client = await make_client(load_story(str(story)))
    page = await (await client.get("/")).text()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Ferry" in page and "\x1b" not in page


async def test_unknown_addresses_get_a_page(make_client) -> None:
    _server, client = await make_client()
    response = await client.get("/nowhere")
    assert response.status == 404
    assert "There is no page at this address" in await response.text()
    assert "Content-Security-Policy" in response.headers


async def test_a_loopback_server_answers_only_to_loopback_names(make_client) -> None:
    # Another site's name pointed at 127.0.0.1 (DNS rebinding) must not reach the game.
    _server, client = await make_client()
    response = await client.get("/", headers={"Host": "evil.example:8000"})
    assert response.status == 421
    assert (await client.get("/", headers={"Host": "localhost:8000"})).status == 200


async def test_a_token_is_asked_for_then_kept_in_a_cookie(make_client) -> None:
    server, client = await make_client(host="0.0.0.0", token=TOKEN)
    response = await client.get("/play")
    assert response.status == 403
    assert "needs its access link" in await response.text()
    wrong = await client.get("/?token=" + "x" * len(TOKEN))
    assert wrong.status == 403 and "access link is wrong" in await wrong.text()

    response = await client.get(f"/play?token={TOKEN}&fontsize=20", allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"] == "/play?fontsize=20"  # the token leaves the address bar
    access = response.cookies[server.token_cookie]
    assert access.value == TOKEN and access["httponly"] and access["samesite"] == "Lax"
    page = await client.get("/play", headers=cookies(**{server.token_cookie: TOKEN}))
    assert page.status == 200


async def test_no_game_starts_without_the_token_the_player_or_the_page_s_origin(make_client, tmp_path) -> None:
    server, client = await make_client(host="0.0.0.0", token=TOKEN)
    url = client.make_url("/ws")
    refusals = [
        cookies(**{PLAYER_COOKIE: ANA}),  # no token
        cookies(**{server.token_cookie: "y" * len(TOKEN), PLAYER_COOKIE: ANA}),  # a wrong token
        cookies(**{server.token_cookie: TOKEN}),  # no player: the page was never opened
        {**cookies(**{server.token_cookie: TOKEN, PLAYER_COOKIE: ANA}), "Origin": "http://evil.example"},
    ]
    async with aiohttp.ClientSession() as session:
        for headers in refusals:
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await session.ws_connect(url, headers=headers)
            assert refused.value.status in (403, 421)
    assert server.games_started == 0
    assert not (tmp_path / "saves").exists() or list((tmp_path / "saves").iterdir()) == []


async def test_a_full_room_gets_a_page_saying_so_and_a_player_may_take_their_own_game_over(make_client) -> None:
    server, client = await make_client(max_games=1)
    held = await server.games.admit(ANA)  # Ana's game holds the one place
    assert held is not None
    response = await client.get("/play", headers=cookies(**{PLAYER_COOKIE: BEN}))
    assert response.status == 503 and response.headers["Retry-After"] == "30"
    page = await response.text()
    assert "Every place is taken" in page and "The one game this server runs at a time is in use" in page
    assert '<meta http-equiv="refresh" content="30">' in page
    # Ana herself (another tab, a reload) may always come back: her old game makes way.
    assert (await client.get("/play", headers=cookies(**{PLAYER_COOKIE: ANA}))).status == 200
    # A websocket that races past the page is closed with the code the page explains; no game is started.
    async with aiohttp.ClientSession() as session:
        ws = await session.ws_connect(client.make_url("/ws"), headers=cookies(**{PLAYER_COOKIE: BEN}))
        message = await ws.receive()
        assert message.type == aiohttp.WSMsgType.CLOSE and message.data == CLOSE_FULL
    assert server.games_started == 0
    server.games.release(held)


async def test_a_game_over_the_websocket_starts_in_the_player_s_folder_and_ends_with_the_page(
    make_client, tmp_path: Path
) -> None:
    server, client = await make_client()
    async with aiohttp.ClientSession() as session:
        ws = await session.ws_connect(
            client.make_url("/ws?width=100&height=30"),
            headers={**cookies(**{PLAYER_COOKIE: ANA}), "Origin": str(client.make_url("/")).rstrip("/")},
        )
        first = await asyncio.wait_for(ws.receive(), 120)
        assert first.type == aiohttp.WSMsgType.BINARY and first.data  # the game's first frame
        assert server.games_started == 1 and len(server.games) == 1
        (folder,) = (tmp_path / "saves").iterdir()
        assert folder.name.startswith("player-") and ANA not in folder.name
        assert folder.stat().st_mode & 0o777 == 0o700
        await ws.close()
    for _ in range(1200):  # the page went away: the game process is ended and its place freed
        if len(server.games) == 0:
            break
        await asyncio.sleep(0.1)
    assert len(server.games) == 0
