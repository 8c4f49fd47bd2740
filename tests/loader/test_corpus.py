"""The malformed-story corpus: every case fails to load with exactly the messages in its expected.txt.

Each case is a directory under corpus/ holding a small broken story. Regenerate an expected.txt only after reading
the new messages: they are the product.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from game.tools.lint import lint

CORPUS = Path(__file__).parent / "corpus"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize("case", CASES)
def test_case_reports_exactly_the_expected_errors(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CORPUS / case)
    _, errors, _ = lint(".")
    got = [str(p) for p in errors] + [f"{len(errors)} error{'s' if len(errors) != 1 else ''}"]
    expected = (CORPUS / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert got == expected


@pytest.mark.parametrize("case", ["yaml_tab_indent", "python_tag", "non_utf8_bytes", "no_manifest", "condition_too_deep"])
def test_cli_exits_2_without_traceback(case: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "game", "lint", "."], cwd=CORPUS / case, capture_output=True, text=True, timeout=60,
        check=False, env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "error:" in proc.stderr
