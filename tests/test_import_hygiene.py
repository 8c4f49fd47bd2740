"""The engine, loader and author tools never import Textual or Rich (checked in a fresh interpreter)."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    "module", ["game.engine", "game.loader", "game.tools.lint", "game.plain", "game.cli", "game.sanitize", "game.session"]
)
def test_module_does_not_import_textual_or_rich(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == ""


def test_lint_command_does_not_import_textual() -> None:
    code = (
        "import sys\nfrom game.cli import main\nmain(['lint', 'tests/fixtures/tiny'])\n"
        "print('LOADED' if any(m.startswith(('textual', 'rich')) for m in sys.modules) else 'CLEAN')"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.stdout.strip().splitlines()[-1] == "CLEAN"
