"""Fixtures for the report tests: the report of the small test story, written once per session by the real
command, and a headless browser."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from report_helpers import Browser, need_browser, qasas, write_report_story


@pytest.fixture(scope="session")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the story directory, its report written by 'qasas report')."""
    tmp = tmp_path_factory.mktemp("report")
    story = write_report_story(tmp / "story")
    out = tmp / "report.html"
    proc = qasas("report", str(story), "-o", str(out), "--runs", "400", cwd=tmp)
    assert proc.returncode == 0, proc.stderr
    return story, out


@pytest.fixture
def browser() -> Iterator[Browser]:
    need_browser()
    b = Browser()
    try:
        yield b
    finally:
        b.close()
