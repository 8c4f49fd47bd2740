"""``qasas lsp``: a language server for story files, over stdio.

It knows the story the way the game does: every check is the loader's and lint's (``game.loader.Workspace`` keeps
each file's reading, so an edit re-checks only what changed), and every position comes from the loader's index
of names (``game.loader.index``). pygls speaks the protocol. The pieces:

    server.py     the pygls server: document sync, diagnostics as you type, and the requests below
    stories.py    one ``StoryState`` per story directory: its workspace, last check, lint's warnings
    convert.py    positions: the loader's 1-based lines and characters <-> the protocol's ranges
    navigate.py   definition, references, document and workspace symbols
    hover.py      what a scene, choice, name, chapter, term or condition is
    complete.py   completion where a scene, choice, name, effect target... is expected
    rename.py     renames across files (scenes and choices keep their old id under ``formerly:``)

No Textual or Rich is imported (tests/test_import_hygiene.py checks), and nothing is written to stdout but the
protocol: logging goes to the client.
"""
