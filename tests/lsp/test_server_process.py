"""The server as a process: stdout carries the protocol and nothing else, logs go to the client, files changed on
disk are picked up, and problems no file can show are logged rather than lost."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from lsp_helpers import Editor
from lsprotocol import types
from pytest_lsp import LanguageClient

from game.loader import check_story

ROOT = Path(__file__).parents[2]


def frame(message: dict) -> bytes:  # type: ignore[type-arg]
    body = json.dumps({"jsonrpc": "2.0", **message}).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def test_stdout_holds_only_protocol_messages(tmp_path: Path) -> None:
    story = tmp_path / "story"
    story.mkdir()
    (story / "story.yaml").write_text("story: {id: x, title: X, start: a}\nfactions: {f: {name: F, description: D}}\n")
    broken = story / "scenes.yaml"
    broken.write_text("scenes:\n  - id: a\n    title: [unclosed\n")
    uri = broken.as_uri()
    messages = [
        {"id": 1, "method": "initialize", "params": {"processId": None, "rootUri": story.as_uri(), "capabilities": {}}},
        {"method": "initialized", "params": {}},
        {"method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": uri, "languageId": "yaml", "version": 1, "text": broken.read_text()}}},
        {"id": 2, "method": "textDocument/hover", "params": {"textDocument": {"uri": uri},
                                                             "position": {"line": 99, "character": 99}}},
        {"id": 3, "method": "textDocument/definition", "params": {"textDocument": {"uri": "file:///nowhere.yaml"},
                                                                  "position": {"line": 0, "character": 0}}},
        {"id": 4, "method": "shutdown"},
        {"method": "exit"},
    ]
    proc = subprocess.run(
        [sys.executable, "-m", "game", "lsp"], input=b"".join(map(frame, messages)), capture_output=True,
        timeout=60, check=False, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    out = proc.stdout
    seen = []
    while out:  # every byte is a header block and the JSON body it announces
        head, sep, rest = out.partition(b"\r\n\r\n")
        fields = dict(line.split(b": ", 1) for line in head.split(b"\r\n"))
        assert sep and set(fields) <= {b"Content-Length", b"Content-Type"}, out[:200]
        length = int(fields[b"Content-Length"])
        seen.append(json.loads(rest[:length]))
        out = rest[length:]
    answered = {m["id"]: m for m in seen if "id" in m}
    assert set(answered) == {1, 2, 3, 4} and all("error" not in m for m in answered.values())
    published = [m["params"] for m in seen if m.get("method") == "textDocument/publishDiagnostics"]
    assert published and "YAML syntax" in published[0]["diagnostics"][0]["message"]
    logs = [m["params"]["message"] for m in seen if m.get("method") == "window/logMessage"]
    assert any("qasas language server" in line for line in logs)
    assert b"Traceback" not in proc.stderr


async def test_a_file_changed_on_disk_is_checked_again(editor: Editor, client: LanguageClient, story: Path) -> None:
    one = await editor.open("one.yaml")
    for _ in range(500):  # the server asks to watch the story's files, as it starts
        if client.registrations:  # type: ignore[attr-defined]
            break
        await asyncio.sleep(0.01)
    assert [r.method for r in client.registrations] == [types.WORKSPACE_DID_CHANGE_WATCHED_FILES]  # type: ignore[attr-defined]
    two = story / "two.yaml"
    two.write_text(two.read_text().replace("  - id: road\n", "  - id: highway\n"))
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        changes=[types.FileEvent(uri=two.as_uri(), type=types.FileChangeType.Changed)]))
    found = await editor.change(one)  # (the next check of one.yaml sees the file as it is now)
    assert any(d.message.startswith("unknown scene 'road'") for d in found)


async def test_a_problem_no_open_file_can_show_is_logged(editor: Editor, client: LanguageClient, story: Path) -> None:
    (story / "lost.yaml").symlink_to(story / "nowhere.yaml")
    await editor.open("one.yaml")
    assert any("lost.yaml: error: broken symbolic link" in m.message for m in client.log_messages)


async def test_a_story_as_on_disk_starts_from_the_cache(editor: Editor, client: LanguageClient, story: Path) -> None:
    check_story(str(story))  # (a load writes the story cache, as playing or linting it would)
    await editor.open("one.yaml")
    assert any(m.message == f"story {story}: 4 scenes, from the story cache" for m in client.log_messages)
    # The first question that needs the names reads the YAML then, and every answer after it is as before.
    one = editor.docs["one.yaml"]
    assert await editor.definition(one, "goto: road", "road") == [("two.yaml", "road")]


@pytest.mark.encoding(types.PositionEncodingKind.Utf8)
async def test_positions_in_the_encoding_the_client_prefers(editor: Editor, client: LanguageClient) -> None:
    doc = await editor.open("two.yaml")
    line = '  - {id: road_end, title: "Kobanî 𝄞", ending: raod, text: You go on.}\n'
    found = await editor.type(doc, "  - {id: road_end, title: \"On the Road\", ending: road, text: You go on.}\n", line)
    [d] = found
    assert d.message.startswith("unknown ending 'raod'")
    before = line[: line.index("raod")]
    assert d.range.start.character == len(before.encode("utf-8"))  # bytes, not characters or UTF-16 units
    assert d.range.end.character == d.range.start.character + 4
