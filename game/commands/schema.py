"""``qasas schema``: print the JSON Schema of the manifest or of scene files, write both (``--output DIR``), or give
every YAML file of a story its schema modeline (``--add-modelines DIR``).

Exit status: 0 when everything asked was done, 1 when a file could not be read or written, 2 for arguments that
ask for nothing.
"""

from __future__ import annotations

import argparse
import os
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", nargs="?", choices=("manifest", "scenes"), help="which schema to print")
    parser.add_argument("--output", "-o", metavar="DIR", default=None, help="write both schemas into DIR")
    parser.add_argument(
        "--add-modelines", metavar="DIR", default=None,
        help="give every YAML file of the story in DIR its '# yaml-language-server: $schema=...' line (idempotent); "
        "the schemas are copied into DIR/schemas/ unless --schemas says where they are",
    )
    parser.add_argument(
        "--schemas", metavar="DIR", default=None,
        help="where the schema files are, for --add-modelines (default: DIR/schemas/, inside the story)",
    )


def run(args: argparse.Namespace) -> int:
    from ..sanitize import sanitize_line
    from ..tools.schema import FILES, render, schema_for

    if not (args.kind or args.output or args.add_modelines):
        print("qasas schema: say which schema (manifest or scenes), or use --output DIR or --add-modelines DIR", file=sys.stderr)
        return 2
    status = 0
    if args.kind:
        sys.stdout.write(render(schema_for(args.kind)))
    if args.output:
        from ..tools.files import write_text_atomic

        for kind, name in FILES.items():
            path = os.path.join(args.output, name)
            try:
                write_text_atomic(path, render(schema_for(kind)))
            except OSError as exc:
                print(sanitize_line(f"qasas schema: cannot write {path}: {exc.strerror or exc}"), file=sys.stderr)
                return 1
            print(sanitize_line(f"wrote {path}"), file=sys.stderr)
    if args.add_modelines:
        from ..tools.modelines import add_modelines

        result = add_modelines(args.add_modelines, args.schemas)
        for path in result.schemas_written:
            print(sanitize_line(f"wrote {path}"), file=sys.stderr)
        for e in result.problems:
            print(sanitize_line(e), file=sys.stderr)
        for note in result.notes:
            print(sanitize_line(f"note: {note}"), file=sys.stderr)
        for path in result.changed:
            print(sanitize_line(f"added modeline: {path}"), file=sys.stderr)
        n = len(result.changed)
        print(f"{n} file{'s' if n != 1 else ''} changed", file=sys.stderr)
        status = 1 if result.problems else status
    return status
