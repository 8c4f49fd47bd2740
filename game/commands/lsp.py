"""``qasas lsp``: the language server for story files, over stdio (editors start it; see docs/editors.md).

It needs pygls, installed by the ``lsp`` extra: ``pip install -e ".[lsp]"``.
"""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    # Editors' LSP clients often pass --stdio; stdio is the only transport, so it is accepted and changes nothing.
    parser.add_argument("--stdio", action="store_true", help="talk over stdin and stdout (the default and only way)")


def run(args: argparse.Namespace) -> int:
    try:
        from ..lsp.server import serve
    except ImportError as exc:
        print(
            f"qasas lsp: the language server needs pygls ({exc}); install it with: pip install -e \".[lsp]\"",
            file=sys.stderr,
        )
        return 2
    return serve()
