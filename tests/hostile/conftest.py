"""Fixtures for the hostile-input tests.

The story cache and the saves folder are pointed at a temporary folder for the whole session, so fuzzing never
writes into the developer's ~/.cache or saves/ and every test sees the same (empty) cache.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True, scope="session")
def _private_story_cache() -> Iterator[None]:
    # Session-scoped (not monkeypatch) so Hypothesis tests may use it without a function-scoped-fixture warning.
    saved = {k: os.environ.get(k) for k in ("QASAS_CACHE", "QASAS_NO_CACHE", "QASAS_SAVES")}
    with tempfile.TemporaryDirectory(prefix="qasas-hostile-cache-") as cache:
        os.environ["QASAS_CACHE"] = cache
        os.environ.pop("QASAS_NO_CACHE", None)
        os.environ["QASAS_SAVES"] = os.path.join(cache, "saves")  # plain play autosaves: never into saves/
        try:
            yield
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
