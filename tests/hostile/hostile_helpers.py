"""Helpers shared by the hostile-input tests (imported by name: pytest puts this folder on sys.path).

Everything hostile runs the real command in a subprocess: a crash in C code (libyaml) must show up as a failed
assertion about the exit status, not take pytest down with it.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "fixtures" / "tiny"
SHIPPED = ROOT / "scenes"

# A story-wide manifest small enough to read in a failure message, with one of everything conditions can name.
MANIFEST = """\
story: {id: hostile, title: Hostile, start: gate}
chapters:
  one: {title: One, order: 1}
factions:
  guards: {name: The guards, description: The men at the gate.}
variables:
  has_pass: {type: bool, default: false}
  bribes: {type: int, default: 0}
endings:
  through: {title: Through}
"""

# One valid scene file for MANIFEST: a scene with a choice and an ending.
SCENES = """\
chapter: one
scenes:
  - id: gate
    title: At the Gate
    text: The guard looks at you.
    choices:
      - {id: go, label: Go through, goto: through}
  - {id: through, title: Through, ending: through, text: You are through.}
"""

# ``path:line:col: error: message`` or, where a problem has no position (a directory, a file too large to read),
# ``path: error: message``. The path may itself contain ':' (a Windows drive); the first ': error: ' ends it.
ERROR_LINE = re.compile(r"^(?P<file>.+?)(?::(?P<line>\d+):(?P<col>\d+))?: error: (?P<message>.+)$")
SUMMARY_LINE = re.compile(r"^\d+ errors?$")


def write_story(root: Path, files: dict[str, str | bytes], manifest: str | bytes | None = MANIFEST) -> Path:
    """Write a story directory: the manifest (unless None) and ``files`` (relative path -> text or bytes)."""
    root.mkdir(parents=True, exist_ok=True)
    if manifest is not None:
        _write(root / "story.yaml", manifest)
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        _write(path, content)
    return root


def _write(path: Path, content: str | bytes) -> None:
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", newline="")
    else:
        path.write_bytes(content)


def command_env() -> dict[str, str]:
    """The environment for a ``qasas`` subprocess: this checkout importable, no colour, the story cache where
    the session put it (conftest.py: a temporary folder, never inside a story or the developer's ~/.cache), and
    an empty saves folder of its own (plain play autosaves, and a save left by another test would change what
    the next one sees first)."""
    saves = tempfile.mkdtemp(prefix="saves-", dir=os.environ.get("QASAS_CACHE"))
    return {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1", "QASAS_SAVES": saves}


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def qasas(*args: str, cwd: Path, timeout: float = 60, stdin: str | None = None) -> Run:
    """Run ``python -m game ARGS`` in ``cwd`` and time it. A hang past ``timeout`` fails the test."""
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "game", *args],
        cwd=cwd,
        capture_output=True,
        timeout=timeout,
        check=False,
        env=command_env(),
        input=(stdin or "").encode(),
    )
    # Decode with replacement: a test about bad bytes must still be able to read what came out.
    return Run(
        proc.returncode,
        proc.stdout.decode("utf-8", "replace"),
        proc.stderr.decode("utf-8", "replace"),
        time.monotonic() - start,
    )


def error_lines(run: Run) -> list[re.Match[str]]:
    """The error lines of a failed lint, each parsed; fails if any stderr line is neither an error nor the count."""
    lines = [ln for ln in run.stderr.splitlines() if ln.strip()]
    assert lines, "no output on stderr"
    assert SUMMARY_LINE.match(lines[-1]), f"last line is not the error count: {lines[-1]!r}"
    parsed = []
    for ln in lines[:-1]:
        m = ERROR_LINE.match(ln)
        assert m is not None, f"not a 'path[:line:col]: error: message' line: {ln!r}"
        parsed.append(m)
    assert int(lines[-1].split()[0]) == len(parsed)
    return parsed


def assert_refused(
    run: Run, *needles: str, positioned: bool = True, seconds: float = 10.0
) -> list[re.Match[str]]:
    """A story refused as an author expects: exit 2, no traceback, only well-formed error lines, each needle in
    some message, every matching message at line:col when ``positioned``, all within ``seconds``."""
    assert run.returncode == 2, (
        f"exit status {run.returncode} (negative means killed by a signal)\n{run.output[-3000:]}"
    )
    assert "Traceback" not in run.output, run.output[-3000:]
    assert run.seconds < seconds, f"took {run.seconds:.1f}s (bound {seconds}s)"
    errors = error_lines(run)
    for needle in needles:
        hits = [m for m in errors if needle in m["message"]]
        assert hits, f"no error mentions {needle!r}:\n{run.stderr[-3000:]}"
        if positioned:
            for m in hits:
                assert m["line"] and m["col"], f"no line:col in {m.group(0)!r}"
                assert int(m["line"]) >= 1 and int(m["col"]) >= 1
    return errors


def examples(default: int) -> int:
    """How many examples a fuzz test runs: ``default`` times QASAS_FUZZ_SCALE (e.g. 20 for the long run)."""
    return max(1, int(default * float(os.environ.get("QASAS_FUZZ_SCALE", "1"))))


def mutate(data: bytes, mutations: list[tuple[str, int, int, bytes]]) -> bytes:
    """Apply byte-level mutations in order: (kind, position, length, payload); positions wrap around the data."""
    buf = bytearray(data)
    for kind, pos, length, payload in mutations:
        n = len(buf)
        at = pos % (n + 1)
        if kind == "flip" and n:
            buf[at % n] ^= 1 << (length % 8)
        elif kind == "delete":
            del buf[at : at + length]
        elif kind == "duplicate":
            chunk = bytes(buf[at : at + length])
            dest = (pos // 7) % (len(buf) + 1)
            buf[dest:dest] = chunk
        elif kind == "truncate":
            del buf[at:]
        elif kind == "insert":
            buf[at:at] = payload
        elif kind == "replace" and n:
            buf[at : at + len(payload)] = payload
    return bytes(buf)


# ------------------------------------------------------------------------------ hostile files on disk


def nested_json(depth: int, kind: str = "list") -> bytes:
    """JSON nested ``depth`` deep: lists (``[[[...]]]``) or objects (``{"a":{"a":...}}``)."""
    if kind == "list":
        return b"[" * depth + b"]" * depth
    return b'{"a":' * depth + b"1" + b"}" * depth


def _socket(path: Path) -> None:
    import socket

    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(path))
    finally:
        sock.close()  # the socket file stays: a listener nobody runs


# name -> what is put there. Each is something a save, a profile, a cache entry or a secret must never be
# opened as (or, once opened, must not be read without bound): it would block, never end, or exhaust memory or
# the recursion limit.
HOSTILE_KINDS: dict[str, Callable[[Path], object]] = {
    "fifo": lambda p: os.mkfifo(p),
    "folder": lambda p: _folder(p),
    "link-to-dev-zero": lambda p: p.symlink_to("/dev/zero"),
    "link-to-dev-urandom": lambda p: p.symlink_to("/dev/urandom"),
    "link-to-dev-null": lambda p: p.symlink_to("/dev/null"),
    "link-to-a-fifo": lambda p: _link_to_fifo(p),
    "link-to-itself": lambda p: p.symlink_to(p.name),
    "dangling-link": lambda p: p.symlink_to(p.name + ".nowhere"),
    "link-to-proc-environ": lambda p: p.symlink_to("/proc/self/environ"),
    "socket": _socket,
    "sparse-1-gib": lambda p: os.truncate(_touch(p), 1 << 30),
    "nested-200000-lists": lambda p: p.write_bytes(nested_json(200_000)),
    "nested-200000-objects": lambda p: p.write_bytes(nested_json(200_000, "object")),
    "nested-40-lists": lambda p: p.write_bytes(nested_json(40)),
    "binary": lambda p: p.write_bytes(bytes(range(256)) * 64),
    "empty": lambda p: p.write_bytes(b""),
}


def _folder(path: Path) -> None:
    path.mkdir()
    (path / "inside.json").write_text("{}")


def _link_to_fifo(path: Path) -> None:
    os.mkfifo(path.with_name(path.name + ".target"))
    path.symlink_to(path.name + ".target")


def _touch(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def plant(path: Path, kind: str) -> Path:
    """Put a hostile ``kind`` (see HOSTILE_KINDS) at ``path``."""
    HOSTILE_KINDS[kind](path)
    return path


def snapshot(folder: Path) -> dict[str, tuple[object, ...]]:
    """What is in ``folder`` (not following links): per entry its kind, size, mtime and, for small regular
    files, its bytes; for links, their target. Compared before and after to show nothing was touched."""
    out: dict[str, tuple[object, ...]] = {}
    for path in sorted(folder.rglob("*")):
        st = path.lstat()
        rel = str(path.relative_to(folder))
        if stat.S_ISLNK(st.st_mode):
            out[rel] = ("link", os.readlink(path))
        elif stat.S_ISREG(st.st_mode):
            data = path.read_bytes() if st.st_size < (1 << 22) else b""
            out[rel] = ("file", st.st_size, st.st_mtime_ns, data)
        else:
            out[rel] = (stat.S_IFMT(st.st_mode), st.st_mtime_ns)
    return out


def run(
    *args: str,
    cwd: Path,
    timeout: float = 60,
    env: dict[str, str] | None = None,
    stdin: int | None = subprocess.DEVNULL,
    stdout: int | None = subprocess.PIPE,
    close_fds: tuple[int, ...] = (),
    input_bytes: bytes | None = None,
    unprivileged: bool = False,
) -> Run:
    """Run ``python -m game ARGS`` with the standard streams as given (``close_fds``: descriptors closed in the
    child before it starts, as ``>&-`` does; ``unprivileged``: as a user file modes apply to, see UNPRIVILEGED).
    A hang past ``timeout`` fails the test."""

    def close() -> None:
        for fd in close_fds:
            os.close(fd)

    if unprivileged and UNPRIVILEGED is None:
        import pytest

        pytest.skip("running as root without setpriv: file modes cannot be tested")
    start = time.monotonic()
    proc = subprocess.run(
        [*((UNPRIVILEGED or []) if unprivileged else []), sys.executable, "-m", "game", *args],
        cwd=cwd,
        timeout=timeout,
        check=False,
        env={**command_env(), **(env or {})},
        stdin=None if input_bytes is not None else stdin,
        input=input_bytes,
        stdout=stdout,
        stderr=subprocess.PIPE,
        preexec_fn=close if close_fds else None,
    )
    return Run(
        proc.returncode,
        (proc.stdout or b"").decode("utf-8", "replace"),
        (proc.stderr or b"").decode("utf-8", "replace"),
        time.monotonic() - start,
    )


def _unprivileged() -> list[str] | None:
    """How to run a command as a user whose file modes are checked: as is, when not root; through setpriv as
    'nobody' when root (root reads a folder of mode 000); None when neither is possible."""
    if os.geteuid() != 0:
        return []
    import shutil

    if shutil.which("setpriv") is None:
        return None
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


UNPRIVILEGED = _unprivileged()


def world_readable_tmp() -> Path:
    """A temporary folder an unprivileged user can reach (pytest's own are private to root)."""
    import tempfile

    path = Path(tempfile.mkdtemp(prefix="qasas-hostile-"))
    path.chmod(0o755)
    return path


def assert_clean(result: Run, status: int | tuple[int, ...], *needles: str, seconds: float = 20.0) -> None:
    """No traceback, the exit status wanted, each needle in the output, within ``seconds``."""
    statuses = (status,) if isinstance(status, int) else status
    assert "Traceback" not in result.output, result.output[-3000:]
    assert result.returncode in statuses, f"exit status {result.returncode}\n{result.output[-3000:]}"
    assert result.seconds < seconds, f"took {result.seconds:.1f}s (bound {seconds}s)"
    for needle in needles:
        assert needle in result.output, f"{needle!r} not in:\n{result.output[-3000:]}"
