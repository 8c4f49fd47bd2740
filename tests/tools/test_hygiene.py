"""The author tools never import Textual or Rich, even when their commands run (checked in a fresh interpreter)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ["analysis", "files", "graph", "lint", "modelines", "quicktest", "randomtest", "schema"]


@pytest.mark.parametrize("name", TOOLS)
def test_tool_module_does_not_import_textual_or_rich(name: str) -> None:
    code = (
        f"import sys, game.tools.{name}\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert proc.stdout.strip() == ""


def test_running_every_tool_command_stays_clean() -> None:
    code = (
        "import sys, io, contextlib\nfrom game.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
        "    for args in (['graph'], ['randomtest', '--runs', '20'], ['quicktest', '--max-states', '50'], ['schema', 'scenes']):\n"
        "        main([*args[:1], 'tests/fixtures/tiny', *args[1:]] if args[0] != 'schema' else args)\n"
        "print('LOADED' if any(m.startswith(('textual', 'rich')) for m in sys.modules) else 'CLEAN')"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=ROOT)
    assert proc.stdout.strip().splitlines()[-1] == "CLEAN", proc.stderr


def test_the_commands_are_registered() -> None:
    from game.cli import COMMANDS

    for name in COMMANDS:
        assert COMMANDS[name][0] == f"game.commands.{name}"
