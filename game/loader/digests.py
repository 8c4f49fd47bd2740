"""SHA-256 and HMAC-SHA256 for the story cache, without loading OpenSSL.

``hashlib`` and ``hmac`` initialise OpenSSL when imported, which costs a warm start more than decoding a story of a
thousand scenes. CPython's own SHA-256 (the module ``hashlib`` itself falls back to) computes the same digests, and
HMAC is RFC 2104's construction over it; the tests check both against ``hashlib`` and ``hmac``.
"""

from __future__ import annotations

try:  # CPython's built-in SHA-256: _sha256 up to 3.11, _sha2 from 3.12
    from _sha256 import sha256  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - another Python
    try:
        from _sha2 import sha256  # type: ignore[import-not-found,no-redef]
    except ImportError:
        from hashlib import sha256  # type: ignore[assignment]

try:  # the constant-time comparison hmac.compare_digest is
    from _operator import _compare_digest as compare_digest
except ImportError:  # pragma: no cover - another Python
    from hmac import compare_digest  # type: ignore[assignment,no-redef]

__all__ = ["compare_digest", "hmac_sha256", "sha256"]

_BLOCK = 64  # SHA-256's block size in bytes
_INNER = bytes(x ^ 0x36 for x in range(256))
_OUTER = bytes(x ^ 0x5C for x in range(256))


def hmac_sha256(key: bytes, *parts: bytes | memoryview) -> str:
    """HMAC-SHA256 of ``parts`` (as one message) under ``key``, in hex: what ``hmac.new(key, b"".join(parts),
    hashlib.sha256).hexdigest()`` gives."""
    if len(key) > _BLOCK:
        key = sha256(key).digest()
    key = key.ljust(_BLOCK, b"\0")
    inner = sha256(key.translate(_INNER))
    for part in parts:
        inner.update(part)
    outer = sha256(key.translate(_OUTER))
    outer.update(inner.digest())
    return outer.hexdigest()
