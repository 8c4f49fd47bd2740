"""The language server (``qasas lsp``) against a hostile editor and a hostile workspace: a buffer over the size a
story file may have, one nested 200,000 deep, a scene file that is a FIFO or a link to /dev/zero, a message that
announces more bytes than any story could need, and an editor that closes its end or whose pipe is /dev/full.

The server is the real command in a subprocess, fed a whole conversation on standard input. Each case ends within
its bound with the exit status and message wanted, never a traceback, and leaves the story's files as they were
(the server only reads them).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hostile_helpers import SCENES, Run, assert_clean, plant, run, snapshot, write_story

pytest.importorskip("pygls")


def frame(message: dict[str, Any]) -> bytes:
    body = json.dumps({"jsonrpc": "2.0", **message}).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def conversation(story: Path, name: str, text: str) -> bytes:
    """An editor's session: start, open ``name`` with ``text``, hover on it, shut down, exit."""
    uri = (story / name).as_uri()
    return b"".join(map(frame, [
        {"id": 1, "method": "initialize", "params": {"processId": None, "rootUri": story.as_uri(), "capabilities": {}}},
        {"method": "initialized", "params": {}},
        {"method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": uri, "languageId": "yaml", "version": 1, "text": text}}},
        {"id": 2, "method": "textDocument/hover", "params": {"textDocument": {"uri": uri},
                                                             "position": {"line": 2, "character": 10}}},
        {"id": 3, "method": "shutdown"},
        {"method": "exit"},
    ]))


def messages(out: str) -> list[dict[str, Any]]:
    """The protocol messages on the server's stdout (every byte must belong to one)."""
    data, seen = out.encode(), []
    while data:
        head, sep, rest = data.partition(b"\r\n\r\n")
        assert sep and head.startswith(b"Content-Length: "), data[:200]
        length = int(head.split(b"\r\n")[0].removeprefix(b"Content-Length: "))
        seen.append(json.loads(rest[:length]))
        data = rest[length:]
    return seen


def diagnostics(seen: list[dict[str, Any]], name: str) -> list[str]:
    """The last diagnostics published for the file called ``name``."""
    found: list[str] = []
    for m in seen:
        if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"].endswith("/" + name):
            found = [d["message"] for d in m["params"]["diagnostics"]]
    return found


def answered(seen: list[dict[str, Any]]) -> set[int]:
    return {m["id"] for m in seen if "id" in m and "error" not in m}


@pytest.fixture()
def story(tmp_path: Path) -> Path:
    return write_story(tmp_path / "story", {"scenes.yaml": SCENES})


def lsp(story: Path, data: bytes, **kwargs: Any) -> Run:
    return run("lsp", cwd=story, input_bytes=data, timeout=120, **kwargs)


# ------------------------------------------------------------------------------------------ hostile buffers


@pytest.mark.parametrize("size_mib", [9, 40])
def test_a_buffer_over_the_file_limit_is_a_diagnostic_not_a_parse(story: Path, size_mib: int) -> None:
    before = snapshot(story)
    text = "chapter: one\nscenes:\n  - id: gate\n    text: " + "x" * (size_mib << 20) + "\n"
    result = lsp(story, conversation(story, "scenes.yaml", text))
    assert_clean(result, 0, seconds=90)
    seen = messages(result.stdout)
    assert answered(seen) == {1, 2, 3}
    assert any("file is too large" in d and "the limit is 8 MiB" in d for d in diagnostics(seen, "scenes.yaml"))
    assert snapshot(story) == before


@pytest.mark.parametrize("text", [
    "scenes: " + "[" * 200_000 + "]" * 200_000 + "\n",
    "scenes:\n" + "".join("  " * i + "- a:\n" for i in range(2_000)),
    "scenes:\n" + "# a comment\n" * 500_000,
    "\x00" * 1000,
    "scenes: !!python/object/apply:os.system [touch /tmp/qasas-lsp-pwned]\n",
    "? !!python/object/apply:os.system [touch /tmp/qasas-lsp-pwned]\n: gate\n",
], ids=["nested-200000", "indented-2000", "half-a-million-comments", "nul-bytes", "tag-on-value", "tag-on-key"])
def test_a_hostile_buffer_is_a_diagnostic(story: Path, text: str) -> None:
    before = snapshot(story)
    result = lsp(story, conversation(story, "scenes.yaml", text))
    assert_clean(result, 0, seconds=60)
    seen = messages(result.stdout)
    assert answered(seen) == {1, 2, 3}
    assert diagnostics(seen, "scenes.yaml"), "no diagnostic for a broken buffer"
    assert not os.path.exists("/tmp/qasas-lsp-pwned")
    assert snapshot(story) == before


# ------------------------------------------------------------------------------------------ hostile workspace


@pytest.mark.parametrize("kind", ["fifo", "link-to-dev-zero", "link-to-a-fifo", "link-to-dev-urandom", "socket"])
@pytest.mark.parametrize("opened", [False, True], ids=["beside", "opened"])
def test_a_scene_file_that_is_not_a_file_is_named_and_never_opened(story: Path, kind: str, opened: bool) -> None:
    plant(story / "trap.yaml", kind)
    before = snapshot(story)
    name = "trap.yaml" if opened else "scenes.yaml"
    result = lsp(story, conversation(story, name, SCENES.replace("gate", "gate2").replace("through", "through2")
                                     if opened else SCENES))
    assert_clean(result, 0, seconds=60)
    seen = messages(result.stdout)
    assert answered(seen) == {1, 2, 3}
    if not opened:  # the buffer stands in for an opened one; beside it, the walk names what the file is
        shown = diagnostics(seen, "trap.yaml") + [m["params"]["message"] for m in seen
                                                  if m.get("method") == "window/logMessage"]
        assert any("trap.yaml" in d or "not a regular file" in d or "not a file" in d for d in shown), shown
    assert snapshot(story) == before


# ------------------------------------------------------------------------------------------ hostile pipes


@pytest.mark.parametrize("announced", [10**20, 2**31, 65 << 20, -1])
def test_a_message_larger_than_any_story_ends_the_server_before_it_is_read(story: Path, announced: int) -> None:
    data = f"Content-Length: {announced}\r\n\r\n{{".encode()
    result = lsp(story, data)
    if announced < 0:  # not a length at all: a header nobody knows, skipped, and the input ends
        assert_clean(result, 0, seconds=30)
        return
    assert_clean(result, 76, "qasas lsp: the editor sent a message of", "over the limit", seconds=30)
    assert result.stderr.count("\n") == 1


def test_an_endless_header_line_is_cut_and_skipped(story: Path) -> None:
    data = b"X-Junk: " + b"j" * (32 << 20) + b"\r\n" + conversation(story, "scenes.yaml", SCENES)
    result = lsp(story, data)
    assert_clean(result, 0, seconds=60)


def test_an_editor_that_closed_its_end_gets_one_line(story: Path) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = lsp(story, conversation(story, "scenes.yaml", SCENES), stdout=write_end)
    finally:
        os.close(write_end)
    assert_clean(result, 141, "qasas lsp: the output was closed", seconds=30)
    assert result.stderr.count("\n") == 1


def test_an_output_on_a_full_device_gets_one_line(story: Path) -> None:
    with open("/dev/full", "wb") as full:
        result = lsp(story, conversation(story, "scenes.yaml", SCENES), stdout=full.fileno())
    assert_clean(result, 74, "qasas lsp: cannot write the output: no space left", seconds=30)


@pytest.mark.parametrize("closed", ["stdin", "stdout"])
def test_a_closed_standard_stream_is_refused(story: Path, closed: str) -> None:
    fd = 0 if closed == "stdin" else 1
    result = run("lsp", cwd=story, close_fds=(fd,), stdin=subprocess.DEVNULL, timeout=30)
    assert_clean(result, 74, f"qasas lsp: standard {'input' if fd == 0 else 'output'} is closed", seconds=30)


# ------------------------------------------------------------------------------------------ files outside the story

SECRET = "root:$6$Zm9vYmFy$TOP-SECRET-HASH:19000:0:99999:7:::"
LINKED = {
    "a scene file": lambda story, secret: (story / "secrets.yaml").symlink_to(secret),
    "a scene file in a linked folder": lambda story, secret: (
        secret.rename(secret.with_suffix(".yaml")), (story / "shared").symlink_to(secret.parent)),
    "a valid-looking scene file": lambda story, secret: (
        secret.write_text(f"chapter: one\nscenes:\n  - id: x\n    title: {SECRET}\n    text: t\n    foo: {SECRET}\n"),
        (story / "x.yaml").symlink_to(secret),
    ),
    "a mapping with an unknown key": lambda story, secret: (
        secret.write_text(f"'{SECRET}': 1\n"), (story / "x.yaml").symlink_to(secret)),
}


@pytest.mark.parametrize("how", list(LINKED))
def test_a_file_reached_through_a_link_out_of_the_story_is_never_quoted(story: Path, tmp_path: Path, how: str) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    secret = outside / "shadow"
    secret.write_text(f"{SECRET}\nbin:*:19000:0:99999:7:::\n")
    LINKED[how](story, secret)
    result = lsp(story, conversation(story, "scenes.yaml", SCENES))
    assert_clean(result, 0, seconds=60)
    seen = messages(result.stdout)
    assert answered(seen) == {1, 2, 3}
    shown = json.dumps(seen)
    assert "outside the story folder" in shown
    for fragment in ("TOP-SECRET", "Zm9vYmFy", "bin:*", "19000"):
        assert fragment not in shown + result.stderr
