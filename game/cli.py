"""The ``qasas`` command. Each subcommand is a thin module in ``game/commands/`` that parses its arguments, calls
the packages that do the work, and renders the result.

Every command that works on a story takes its directory as the positional ``DIR`` (default: the shipped story).
Subcommand modules are imported only when their command runs, so ``qasas lint`` never imports Textual.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Iterable, Sequence

from . import streams

# name -> (module, one-line help). Each module has add_arguments(parser) and run(args) -> exit status.
COMMANDS: dict[str, tuple[str, str]] = {
    "play": ("game.commands.play", "play the game (the full-screen TUI, or --plain for line-based play)"),
    "lint": ("game.commands.lint", "load and check a story; every problem as file:line:col"),
    "replay": ("game.commands.replay", "replay playthrough files and saves headlessly; PASS/FAIL per file"),
    "graph": ("game.commands.graph", "draw the story map (scenes by chapter, choices as edges) as Mermaid, DOT or SVG"),
    "randomtest": ("game.commands.randomtest", "play the story thousands of times at random and report what happened"),
    "quicktest": ("game.commands.quicktest", "prove what can and cannot happen: a path to every scene, choice and ending, or a proof there is none"),
    "report": ("game.commands.report", "write one HTML page about the story: its map, where players go, endings, trust"),
    "schema": ("game.commands.schema", "print the JSON Schema of the manifest or of scene files, for editors"),
    "bench": ("game.commands.bench", "measure start-up, loading, playthroughs and replays against their baselines"),
    "serve": ("game.commands.serve", "play in a browser: serve the game to this computer or, with a token, a room"),
    "lsp": ("game.commands.lsp", "run the language server for story files over stdio (for editors)"),
}


# Commands that read standard input (a player's choices, an editor's messages): refused when it is closed.
READS_INPUT = frozenset({"play", "lsp"})


def build_parser(commands: Iterable[str] | None = None) -> argparse.ArgumentParser:
    """The ``qasas`` parser, with the options of ``commands`` (default: all). ``main`` asks only for the command
    being run, so start-up imports one command module and ``qasas --help`` imports none."""
    parser = argparse.ArgumentParser(
        prog="qasas",
        description="Jaysh al-Qasas: a terminal interactive-fiction game, and the tools to write and test its story.",
        epilog="Run 'qasas COMMAND --help' for a command's options. With no command, 'qasas' starts the game.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text[:1].upper() + help_text[1:] + ".")
        if commands is None or name in commands:
            _module(module).add_arguments(p)
    return parser


def _module(name: str):  # type: ignore[no-untyped-def]
    return importlib.import_module(name)


def main(argv: Sequence[str] | None = None) -> int:
    closed = streams.prepare()  # closed streams onto /dev/null, output that degrades in a non-UTF-8 locale
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or args_list[0].startswith("-") and args_list[0] not in ("-h", "--help"):
        args_list = ["play", *args_list]
    name = f"qasas {args_list[0]}" if args_list[0] in COMMANDS else "qasas"
    if "stdout" in closed:
        streams.say(f"{name}: standard output is closed; give it somewhere to write (a terminal, a file, /dev/null)")
        return streams.EXIT_IO
    if "stdin" in closed and args_list[0] in READS_INPUT:
        streams.say(f"{name}: standard input is closed; give it something to read (a terminal, a file, /dev/null)")
        return streams.EXIT_IO
    try:
        parser = build_parser([args_list[0]] if args_list[0] in COMMANDS else [])
        args = parser.parse_args(args_list)
        run: Callable[[argparse.Namespace], int] = _module(COMMANDS[args.command][0]).run
        status = int(run(args) or 0)
    except KeyboardInterrupt:
        streams.say("\ninterrupted")
        return 130
    except OSError as exc:
        if not streams.is_output_error(exc):
            raise
        return streams.output_failed(name, exc)
    except SystemExit as exc:  # argparse's usage errors and --help: their output may fail too
        failed = streams.finish(name)
        if failed is not None:
            return failed
        raise exc from None
    failed = streams.finish(name)
    return status if failed is None else failed


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
