"""A room of players in real browsers: their saves stay apart, the limits hold with clear pages, the token is
asked for before any game starts.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from web_helpers import Browser, Served, game_children, saved_choices, wait_until

ServeFactory = Callable[..., Served]


def test_two_players_at_once_keep_their_saves_apart(
    browser: Browser, start_server: ServeFactory, ferry: Path
) -> None:
    served = start_server(ferry)
    ana, ben = browser.player(served.base), browser.player(served.base)
    ana.open("/play")
    ben.open("/play")
    for player in (ana, ben):
        player.sees("The Night Ferry", "New game")
        player.press("n")
        player.sees("Pay the fare in coins")

    # Both games run at once; each player goes their own way and saves in a named slot.
    ana.press("1")
    ana.sees("On the Deck")
    ben.press("2")
    ben.sees("The Waiting Bench")
    for player, slot in ((ana, "alpha"), (ben, "beta")):
        player.press("Control+s")
        player.sees("Name this save")
        player.type(slot)
        player.press("Enter")
        player.sees(f"Saved as \u201c{slot}\u201d")

    # Each comes back to their own game, and sees only their own saves.
    for player, scene in ((ana, "On the Deck"), (ben, "The Waiting")):  # Continue's label wraps at a word
        player.page.reload()
        player.sees("Continue", scene)
    ana.press("l")
    assert "beta" not in ana.sees("alpha", "On the Deck")
    ben.press("l")
    assert "alpha" not in ben.sees("beta", "The Waiting Bench")

    folders = served.player_folders()
    assert len(folders) == 2
    slots = {folder.name: sorted(p.name for p in folder.glob("*.json")) for folder in folders}
    assert sorted(slots.values()) == [["alpha.json", "autosave.json"], ["autosave.json", "beta.json"]]
    for folder in folders:
        named = next(p for p in folder.glob("*.json") if p.name != "autosave.json")
        expected = ["quay.pay"] if named.name == "alpha.json" else ["quay.plead"]
        assert saved_choices(named) == saved_choices(folder / "autosave.json") == expected

    # The server stops (Ctrl+C): both games are ended in order and both players are told.
    assert served.stop() == 0
    for player in (ana, ben):
        player.page_says("The game server has stopped", "Your game was saved")
        assert player.close_code() == "1001"


def test_a_full_room_gets_a_clear_page_and_an_idle_game_is_saved_and_closed(
    browser: Browser, start_server: ServeFactory, ferry: Path
) -> None:
    # Half a minute: long enough for Ana's first moves on a slow machine, short enough for a test.
    served = start_server(ferry, "--max-games", "1", "--idle-minutes", "0.5")
    ana, ben = browser.player(served.base), browser.player(served.base)
    ana.open("/play")
    ana.sees("New game")
    ana.press("n")
    ana.sees("Pay the fare in coins")
    ana.press("1")
    ana.sees("On the Deck")

    # The one place is taken: Ben gets a page that says so (and retries by itself), not a hang.
    response = ben.open("/play")
    assert response.status == 503
    ben.page_says("Every place is taken", "The one game this server runs at a time is in use")
    # (That page retries by itself in 30 s, about when Ana's game closes: left open, its reload and Ben's own visit
    # below could cross, and the browser drops one of the two navigations.)
    ben.page.goto("about:blank")

    # Ana stops playing: after the idle limit her game is saved and closed, and her page says so.
    ana.page_says("Your game was saved and closed", "30 seconds", "Continue playing")
    assert ana.close_code() == "4000"
    assert saved_choices(served.player_folders()[0] / "autosave.json") == ["quay.pay"]

    # Her place is free again: Ben plays.
    response = ben.open("/play")
    assert response.status == 200
    ben.sees("The Night Ferry", "New game")


def test_a_room_needs_the_token_before_any_game_starts(
    browser: Browser, start_server: ServeFactory, ferry: Path
) -> None:
    token = "a-long-token-for-the-tests-0123"
    served = start_server(ferry, "--host", "0.0.0.0", "--token", token)
    assert served.url.endswith(f"/?token={token}")
    local, address = served.base, served.url

    # Without the token: a page that says what is needed, and no game process.
    stranger = browser.player(local)
    response = stranger.open("/play")
    assert response.status == 403
    stranger.page_says("This game needs its access link")
    assert stranger.screen() == ""
    assert game_children(served.process.pid) == [] and served.player_folders() == []
    assert "game started" not in served.log()

    # With the access link: the token is kept in a cookie and dropped from the address; the game plays.
    guest = browser.player(local)
    guest.page.goto(address)
    assert "token" not in guest.page.url
    guest.page_says("Content note")
    guest.page.click("#play")
    guest.sees("The Night Ferry", "New game")
    assert len(game_children(served.process.pid)) == 1


def test_a_server_killed_outright_leaves_no_game_running(
    browser: Browser, start_server: ServeFactory, ferry: Path
) -> None:
    served = start_server(ferry)
    player = browser.player(served.base)
    player.open("/play")
    player.sees("New game")
    player.press("n")
    player.sees("Pay the fare in coins")
    (game,) = game_children(served.process.pid)
    served.process.kill()  # no chance to end its games in order
    served.process.wait()
    player.page_says("The connection to the game was lost")
    wait_until(lambda: not _running(game))
    # It ended as a game ends, saved: the player's new game is there to continue.
    assert saved_choices(served.player_folders()[0] / "autosave.json") == []


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
