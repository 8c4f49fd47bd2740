"""The language server's figure for ``qasas bench``: from an edit to the diagnostics it causes, through a real
``qasas lsp`` process, as an editor sees it.

A small client (JSON-RPC over the server's stdin and stdout, no library) opens one story file, then changes it
again and again (a scene's title, changed and changed back: a real edit the story checks, not whitespace),
timing each change from the moment it is sent to the ``publishDiagnostics`` of that version. The first change
is not counted: it is the one that reads the whole story's YAML (the server's first diagnostics come from the
story cache); every change after it is what an author waits for while typing.
"""

from __future__ import annotations

import json
import os
import queue
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, BinaryIO

from .measure import BenchError, median

_TITLE = re.compile(r"^(\s*(?:- )?title: )(.*)$", re.MULTILINE)


class _Client:
    """Just enough of an LSP client to drive the server: requests, notifications, and waiting for one."""

    def __init__(self, env: dict[str, str], cwd: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "game", "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, env=env, cwd=cwd,
        )
        self.next_id = 0
        self.messages: queue.Queue[dict[str, Any] | None] = queue.Queue()
        assert self.proc.stdout is not None
        threading.Thread(target=_pump, args=(self.proc.stdout, self.messages), daemon=True).start()

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        stdin = self.proc.stdin
        assert stdin is not None
        stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        stdin.flush()

    def request(self, method: str, params: Any, timeout: float) -> Any:
        self.next_id += 1
        ident = self.next_id
        self.send({"id": ident, "method": method, "params": params})
        return self.wait(lambda m: m.get("id") == ident and "method" not in m, timeout).get("result")

    def notify(self, method: str, params: Any) -> None:
        self.send({"method": method, "params": params})

    def wait(self, want: Any, timeout: float) -> dict[str, Any]:
        """The first message ``want(message)`` accepts; others (logs, other files' diagnostics) are skipped."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                message = self.messages.get(timeout=max(deadline - time.monotonic(), 0))
            except queue.Empty:
                message = None
            if message is None:
                err = self.proc.stderr.read().decode("utf-8", "replace") if self.proc.poll() is not None and self.proc.stderr else ""
                raise BenchError("the language server stopped answering" + (f": {err.strip()[-500:]}" if err else ""))
            if want(message):
                return message

    def close(self) -> None:
        try:
            self.request("shutdown", None, 10)
            self.notify("exit", None)
            self.proc.wait(timeout=10)
        except (BenchError, OSError, subprocess.TimeoutExpired):
            pass
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()


def _pump(stream: BinaryIO, out: queue.Queue[dict[str, Any] | None]) -> None:
    """Read the server's messages into ``out`` until its output ends (then put None)."""
    try:
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode("ascii", "replace").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value.strip())
            if length is None:
                return
            body = stream.read(length)
            if len(body) != length:
                return
            out.put(json.loads(body))
    except (OSError, ValueError):
        return
    finally:
        out.put(None)


def edit_to_diagnostics(root: str, edits: int, env: dict[str, str], timeout: float = 120) -> dict[str, Any]:
    """Milliseconds from each edit of one of ``root``'s scene files to its diagnostics (the first edit not
    counted), with the file edited and how many scenes the story has."""
    story = Path(root).resolve()
    files = sorted(p for p in story.rglob("*.yaml") if p.name != "story.yaml" and not any(
        part.startswith((".", "_")) for part in p.relative_to(story).parts))
    if not files:
        raise BenchError(f"no scene files in {root}")
    target = max(files, key=lambda p: p.stat().st_size)  # the largest file: the costliest one to check again
    text = target.read_text(encoding="utf-8")
    m = _TITLE.search(text)
    if m is None:
        raise BenchError(f"no scene title to edit in {target}")
    edited = text[: m.end(2)] + " (edited)" + text[m.end(2) :]
    uri = target.as_uri()
    client = _Client(env, str(story))
    try:
        client.request("initialize", {"processId": os.getpid(), "rootUri": story.as_uri(), "capabilities": {}}, timeout)
        client.notify("initialized", {})
        client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1,
                                                                "text": text}})
        _diagnostics(client, uri, 1, timeout)
        samples: list[float] = []
        cpu_start = 0.0
        for version in range(2, edits + 3):
            body = edited if version % 2 == 0 else text
            started = time.perf_counter()
            client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                                     "contentChanges": [{"text": body}]})
            found = _diagnostics(client, uri, version, timeout)
            if version > 2:
                samples.append((time.perf_counter() - started) * 1000)
            else:
                cpu_start = _cpu_seconds(client.proc.pid)
            errors = [d for d in found if d.get("severity") == 1]
            if errors:
                raise BenchError(f"the edited story has errors: {errors[0].get('message')}")
        cpu = (_cpu_seconds(client.proc.pid) - cpu_start) * 1000 / max(len(samples), 1)
    finally:
        client.close()
    return {"samples": samples, "file": str(target.relative_to(story)), "ms": median(samples),
            "cpu_ms": cpu if cpu > 0 else None}


def _cpu_seconds(pid: int) -> float:
    """The CPU time a process has used so far (user + system; 0 where /proc cannot tell)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def _diagnostics(client: _Client, uri: str, version: int, timeout: float) -> list[dict[str, Any]]:
    message = client.wait(
        lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"].get("uri") == uri
        and m["params"].get("version") == version,
        timeout,
    )
    return list(message["params"].get("diagnostics", []))


__all__ = ["edit_to_diagnostics"]
