"""The cache's own SHA-256 and HMAC-SHA256 give exactly what hashlib and hmac give."""

from __future__ import annotations

import hashlib
import hmac
import os
import random

from game.loader.digests import compare_digest, hmac_sha256, sha256


def test_sha256_and_hmac_match_the_standard_library() -> None:
    rng = random.Random(7)
    for size in (0, 1, 63, 64, 65, 1000, 100_000):
        data = os.urandom(size)
        assert sha256(data).hexdigest() == hashlib.sha256(data).hexdigest()
        for key_size in (0, 16, 32, 64, 65, 200):
            key = bytes(rng.randrange(256) for _ in range(key_size))
            cut = rng.randrange(size + 1)
            expected = hmac.new(key, data, hashlib.sha256).hexdigest()
            assert hmac_sha256(key, data[:cut], memoryview(data)[cut:]) == expected


def test_compare_digest() -> None:
    assert compare_digest("ab" * 32, "ab" * 32)
    assert not compare_digest("ab" * 32, "ab" * 31 + "ac")
