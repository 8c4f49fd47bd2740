"""Who may play, and who a player is: the access token, loopback addresses, and player ids.

Pure functions over strings and paths (no aiohttp, no Textual), so the rules are easy to read and to test:

- A server bound to a loopback address is reachable only from this machine; any other address needs an access
  token, which the server checks before anything else happens (before a page is served or a game process is
  started). Tokens are compared in constant time.
- A player is a random id the server gives the browser in a cookie. Their saves folder is named after a hash of
  that id, never after the id itself or anything else the client sends: the name cannot leave the saves root, and
  the folder names on disk do not reveal the cookies that would open them.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import secrets
from pathlib import Path

TOKEN_MIN_CHARS = 16
TOKEN_MAX_CHARS = 128
# URL-safe, so the token can be part of the address the players open without any escaping.
_TOKEN = re.compile(r"[A-Za-z0-9_-]+")
_PLAYER_ID = re.compile(r"[0-9a-f]{32}")
LOOPBACK_NAMES = frozenset({"localhost", "localhost.", "ip6-localhost", "ip6-loopback"})


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address, IPv6 with or without brackets) is this machine only."""
    host = host.strip().lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def host_of(host_header: str) -> str:
    """The host part of an HTTP ``Host`` header (``127.0.0.1:8000`` -> ``127.0.0.1``, ``[::1]:80`` -> ``::1``)."""
    value = host_header.strip()
    if value.startswith("["):
        end = value.find("]")
        return value[1:end] if end > 0 else value
    if value.count(":") == 1:
        return value.split(":", 1)[0]
    return value


def new_token() -> str:
    """A fresh access token: 144 random bits, URL-safe (24 characters)."""
    return secrets.token_urlsafe(18)


def token_problem(token: str) -> str | None:
    """Why ``token`` cannot be used as an access token, or None when it can."""
    if len(token) < TOKEN_MIN_CHARS:
        return f"the token is too short ({len(token)} characters; at least {TOKEN_MIN_CHARS}, so it cannot be guessed)"
    if len(token) > TOKEN_MAX_CHARS:
        return f"the token is too long (at most {TOKEN_MAX_CHARS} characters)"
    if not _TOKEN.fullmatch(token):
        return "the token may contain only letters, digits, '-' and '_' (it becomes part of the address)"
    return None


def token_matches(given: str | None, expected: str) -> bool:
    """Whether ``given`` is the access token, compared in constant time."""
    if not given:
        return False
    return secrets.compare_digest(given.encode("utf-8", "replace"), expected.encode("utf-8"))


def new_player_id() -> str:
    """A fresh player id: 128 random bits as 32 hex digits."""
    return secrets.token_hex(16)


def valid_player_id(value: str | None) -> str | None:
    """``value`` when it has the exact shape of a player id the server hands out, else None."""
    if value is not None and _PLAYER_ID.fullmatch(value):
        return value
    return None


def player_folder_name(player_id: str) -> str:
    """The name of a player's saves folder: ``player-`` and 24 hex digits of the SHA-256 of their id."""
    return "player-" + hashlib.sha256(player_id.encode("ascii")).hexdigest()[:24]


def player_folder(root: Path, player_id: str) -> Path:
    """A player's own saves folder inside ``root`` (created, private to this user)."""
    if valid_player_id(player_id) is None:  # the callers validated it; this keeps the promise local
        raise ValueError("not a player id")
    folder = root / player_folder_name(player_id)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder
