"""Who may play and who a player is: loopback addresses, the token's rules, player ids and their folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.web.access import (
    host_of,
    is_loopback,
    new_player_id,
    new_token,
    player_folder,
    player_folder_name,
    token_matches,
    token_problem,
    valid_player_id,
)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.8.9.10", "::1", "[::1]", "localhost", "LOCALHOST", "app.localhost"])
def test_loopback_addresses_are_this_machine_only(host: str) -> None:
    assert is_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "10.0.0.1", "example.org", "localhost.example", ""])
def test_any_other_address_is_not(host: str) -> None:
    assert not is_loopback(host)


@pytest.mark.parametrize(
    ("header", "host"),
    [("127.0.0.1:8000", "127.0.0.1"), ("localhost", "localhost"), ("[::1]:8000", "::1"), ("[::1]", "::1")],
)
def test_the_host_of_a_host_header(header: str, host: str) -> None:
    assert host_of(header) == host


def test_a_new_token_is_long_url_safe_and_fresh() -> None:
    tokens = {new_token() for _ in range(50)}
    assert len(tokens) == 50
    assert all(token_problem(t) is None and len(t) == 24 for t in tokens)


@pytest.mark.parametrize(
    ("token", "problem"),
    [("short", "too short"), ("x" * 200, "too long"), ("has spaces in it, and more", "only letters")],
)
def test_a_weak_or_unusable_token_is_refused_with_the_reason(token: str, problem: str) -> None:
    assert problem in (token_problem(token) or "")


def test_tokens_match_only_exactly() -> None:
    token = new_token()
    assert token_matches(token, token)
    assert not token_matches(token[:-1], token)
    assert not token_matches(token + "x", token)
    assert not token_matches(None, token) and not token_matches("", token)
    assert not token_matches("\udcff" * 24, token)  # undecodable input is just wrong, not an error


def test_player_ids_are_random_and_only_their_exact_shape_is_accepted() -> None:
    ids = {new_player_id() for _ in range(50)}
    assert len(ids) == 50 and all(valid_player_id(i) == i for i in ids)
    for bad in ("../../etc", "A" * 32, "a" * 31, "a" * 33, "g" * 32, "", None, "a" * 31 + "/"):
        assert valid_player_id(bad) is None


def test_a_player_s_folder_is_named_by_a_hash_inside_the_root(tmp_path: Path) -> None:
    player = new_player_id()
    folder = player_folder(tmp_path, player)
    assert folder.parent == tmp_path and folder.is_dir()
    assert folder.name == player_folder_name(player) and folder.name.startswith("player-")
    assert player not in folder.name  # the folder names on disk do not give away the cookies
    assert folder.stat().st_mode & 0o777 == 0o700
    assert player_folder(tmp_path, player) == folder  # the same player, the same folder, tomorrow too
    assert player_folder_name(new_player_id()) != folder.name
    with pytest.raises(ValueError):
        player_folder(tmp_path, "../escape")
