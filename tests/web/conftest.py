"""Fixtures for the web tests: the test story, a ``qasas serve`` factory, and a headless chromium.

The browser tests need Debian's chromium and Playwright. Where either is missing they are skipped with the reason,
except on CI (``$CI`` set, or ``QASAS_REQUIRE_BROWSER=1`` as ``.ci/run`` sets after installing chromium), where a
missing browser fails them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from web_helpers import Browser, Served, chromium_available, launch, serve, write_ferry


@pytest.fixture
def ferry(tmp_path: Path) -> Path:
    return write_ferry(tmp_path / "ferry")


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[Callable[..., Served]]:
    """Start ``qasas serve`` (story, then its flags); every server started is stopped after the test."""
    started: list[Served] = []

    def start(story: Path | None, *args: str, env: dict[str, str] | None = None) -> Served:
        served = serve(story, tmp_path / f"saves-{len(started)}", *args, env=env)
        started.append(served)
        return served

    yield start
    for served in started:
        served.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    missing = chromium_available()
    if missing is not None:
        if os.environ.get("CI") or os.environ.get("QASAS_REQUIRE_BROWSER") == "1":
            pytest.fail(f"the browser tests must run on CI, but {missing}")
        pytest.skip(missing)
    launched = launch()
    yield launched
    launched.close()
