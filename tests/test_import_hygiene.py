"""The engine, loader, author tools and web server never import Textual or Rich, and a warm load never imports YAML
(checked in a fresh interpreter)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "module",
    [
        "game.engine", "game.loader", "game.tools.lint", "game.plain", "game.cli", "game.sanitize", "game.session",
        "game.report.page",
        # The web server: only the game processes it starts import Textual (game.web.player).
        "game.web.server", "game.commands.serve",
        # The language server and the editor's workspace it reads stories with.
        "game.lsp.server", "game.loader.workspace",
    ],
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


def test_a_warm_load_imports_no_yaml(tmp_path: Path) -> None:
    # A story served from the cache needs no YAML: importing PyYAML would double what a warm start costs.
    code = (
        "import sys\nfrom game.loader import load_story, cache\n"
        "load_story('tests/fixtures/tiny')\n"
        "assert cache.stats['hits'] == 1, cache.stats\n"
        "print(sorted(m for m in sys.modules if m == 'yaml' or m.startswith(('yaml.', 'game.loader.reader'))))\n"
    )
    env = {**os.environ, "QASAS_CACHE": str(tmp_path / "cache")}
    subprocess.run([sys.executable, "-c", "from game.loader import load_story; load_story('tests/fixtures/tiny')"],
                   cwd=ROOT, env=env, check=True)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_game_starts_and_quits_without_yaml(tmp_path: Path) -> None:
    # The full-screen game starting on a cached story, as every launch after the first, to its first frame and out:
    # its title screen reads the saves folder (Continue), and saves are JSON; playthrough files need YAML, play not.
    from game.bench.startup import GAME_APP

    last = 'sys.exit(main(["play", "--seed", "7", *sys.argv[1:]]))'
    assert last in GAME_APP
    probe = GAME_APP.replace("print(_report())", "pass").replace(
        last, last.replace("sys.exit(", "(") + "\nprint(sorted(m for m in sys.modules if m.split('.')[0] == 'yaml'))"
    )
    env = {**os.environ, "QASAS_CACHE": str(tmp_path / "cache"), "QASAS_SAVES": str(tmp_path / "saves")}
    story = str(ROOT / "tests" / "fixtures" / "tiny")
    subprocess.run([sys.executable, "-c", f"from game.loader import load_story; load_story({story!r})"],
                   cwd=ROOT, env=env, check=True)
    out = subprocess.run([sys.executable, "-c", probe, story], cwd=tmp_path, env=env, capture_output=True, text=True,
                         check=False, timeout=120)
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout + out.stderr[-2000:]


def test_other_commands_do_not_import_the_language_server() -> None:
    code = (
        "import sys\nfrom game.cli import main\nmain(['lint', 'tests/fixtures/tiny'])\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pygls', 'lsprotocol', 'cattrs')"
        " or m.startswith('game.lsp')))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.stdout.strip().splitlines()[-1] == "[]"


def test_plain_play_to_an_ending_never_imports_textual(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # Everything plain play touches on the way (saves, the session, the player's profile at the ending) included.
    code = (
        "import io, sys\nfrom game.loader import load_story\nfrom game.plain import PlainPlayer\n"
        "from game.saves import SaveStore\n"
        f"story = load_story('tests/fixtures/tiny')\nstore = SaveStore({str(tmp_path)!r})\n"
        "inp = io.StringIO('help\\ntrust\\njournal\\nglossary gate\\nsave a\\nload\\n1\\n2\\n1\\nundo\\n1\\n')\n"
        "PlainPlayer(story, 3, out=io.StringIO(), inp=inp, store=store).run()\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad) or 'CLEAN')"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "CLEAN"


def test_the_language_server_at_work_imports_no_textual(tmp_path: Path) -> None:
    # Not only its modules: answering every kind of request (a check, lint's warnings, hovers, completion, a
    # rename) must not reach Textual or Rich either.
    story = tmp_path / "rich"
    code = f"""
import shutil, sys
from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec
from game.lsp.complete import completion
from game.lsp.convert import Lines
from game.lsp.hover import hover
from game.lsp.navigate import Here, definition, document_symbols, references, workspace_symbols
from game.lsp.rename import rename
from game.lsp.stories import Stories
shutil.copytree({str(ROOT / 'tests' / 'fixtures' / 'rich')!r}, {str(story)!r})
state = Stories().add_root({str(story)!r})
path = {str(story / 'one.yaml')!r}
text = open(path, encoding='utf-8').read()
codec = PositionCodec(types.PositionEncodingKind.Utf16)
lines = Lines(text, codec)
state.refresh()
def here(needle):
    at = text.index(needle) + len(needle) - 2
    return Here(state, path, state.shown_of(path), lines, text.count(chr(10), 0, at) + 1, at - text.rfind(chr(10), 0, at))
for needle in ('goto: road', 'if: waited', '{{men:Words}}', 'max(town', 'chapter: one', '{{seq: The Square', '>= 60'):
    definition(here(needle)); references(here(needle), True); hover(here(needle)); completion(here(needle))
document_symbols(state, state.shown_of(path), lines)
workspace_symbols([state], 'road', codec)
rename(here('  - id: square'), 'plaza_two')
print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert proc.stdout.strip() == "[]"
