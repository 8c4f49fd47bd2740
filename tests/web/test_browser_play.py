"""A player in a real browser: the landing page, a new game, a choice, a reload, Continue; and the browser's keys.

Each test serves "The Night Ferry" with ``qasas serve`` and plays it in headless chromium, reading the terminal's
screen the way the player reads it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from web_helpers import NOTICE, Browser, Served, saved_choices, wait_until

ServeFactory = Callable[..., Served]


def test_new_game_choice_reload_and_continue(browser: Browser, start_server: ServeFactory, ferry: Path) -> None:
    served = start_server(ferry)
    player = browser.player(served.base)

    # Before play: the content note, and plain advice for screen-reader users.
    player.open("/")
    landing = player.text()
    assert "The Night Ferry" in landing
    assert "Content note" in landing and NOTICE in landing
    assert "screen reader" in landing and "qasas play --plain" in landing

    player.page.click("#play")
    title = player.sees("The Night Ferry", "New game", "Continue")
    assert "On the Deck" not in title  # nothing to continue yet

    player.press("n")
    screen = player.sees("The Quay", "Lanterns swing over the black water", "Pay the fare in coins", "Ask to cross")
    assert "The crew" in screen and "50" in screen

    player.press("1")
    screen = player.sees("On the Deck", "Tell him your name")
    assert "60" in screen  # the crew's trust went up by 10

    # Reload: the game was saved; the title screen offers to continue where the player was.
    player.page.reload()
    player.sees("The Night Ferry", "Continue", "On the Deck")
    player.press("c")
    screen = player.sees("On the Deck", "Tell him your name", "The crew")
    assert "60" in screen

    (folder,) = served.player_folders()
    assert saved_choices(folder / "autosave.json") == ["quay.pay"]
    assert not [line for line in player.console if line.startswith("error")]  # no script or policy errors


def test_closing_the_tab_saves_the_game(browser: Browser, start_server: ServeFactory, ferry: Path) -> None:
    served = start_server(ferry)
    player = browser.player(served.base)
    player.open("/play")
    player.sees("New game")
    player.press("n")
    player.sees("Pay the fare in coins")  # a new game, no choice taken yet (nothing autosaved so far)
    player.page.close()
    served.wait_for_log("the page was closed")
    (folder,) = served.player_folders()
    assert saved_choices(folder / "autosave.json") == []

    again = player.another_tab()
    again.open("/play")
    again.sees("Continue", "The Quay")


def test_another_tab_takes_the_game_over(browser: Browser, start_server: ServeFactory, ferry: Path) -> None:
    served = start_server(ferry)
    first = browser.player(served.base)
    first.open("/play")
    first.sees("New game")
    first.press("n")
    first.sees("Pay the fare in coins")
    first.press("2")
    first.sees("The Waiting Bench")

    # The same person (same browser profile) opens the game in a second tab: one game per player, the newest wins.
    tab = first.another_tab()
    tab.open("/play")
    tab.sees("Continue", "The Waiting")  # the label wraps at a word: "The Waiting / Bench"
    first.page_says("Playing in another tab", "Play here instead")
    assert first.close_code() == "4001"


def test_the_terminal_game_s_screens_and_keys_work_in_the_browser(
    browser: Browser, start_server: ServeFactory, ferry: Path
) -> None:
    served = start_server(ferry)
    player = browser.player(served.base)
    player.open("/play")
    player.sees("New game")
    player.press("n")
    player.sees("Pay the fare in coins")
    player.press("1")
    player.sees("On the Deck")

    # Help, with what differs in a browser. (After Escape the player waits to see the screen close, as a person
    # would: an Escape followed at once by a letter reads as alt+letter in any terminal.)
    player.press("?")
    player.sees("this help", "In a browser: your game is saved")
    player.press("Escape")
    player.no_longer_sees("this help")
    # The journal and the glossary.
    player.press("j")
    player.sees("Trust over time", "Pay the fare in coins")
    player.press("Escape")
    player.no_longer_sees("Trust over time")
    player.press("g")
    player.sees("Ferryman", "rows the boat across at night")
    player.press("Escape")
    player.no_longer_sees("rows the boat across at night")
    # ctrl+z is the game's undo here (a terminal would suspend on it; a browser never does).
    player.press("Control+z")
    player.sees("The Quay", "Undid the last choice")

    # Themes: the command palette changes it, and it is remembered in this player's own profile.
    player.press("Control+p")
    player.sees("Search for commands")
    player.type("theme")
    player.sees("Change the current theme")
    player.press("Enter")
    player.no_longer_sees("Change the current theme")
    player.type("nord")
    player.sees("nord")
    player.press("Enter")
    (folder,) = served.player_folders()
    profile = folder / ".player-profile.json"
    wait_until(lambda: profile.is_file() and '"nord"' in profile.read_text(encoding="utf-8"))

    # Quitting the game (ctrl+q) ends it; the page says it is saved and offers to play again.
    player.press("Control+q")
    player.page_says("You have left the game", "Play again")
    assert player.close_code() == "1000"
    assert saved_choices(folder / "autosave.json") == []
