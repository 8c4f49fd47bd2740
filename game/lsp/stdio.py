"""The language server's two pipes, guarded: the editor on the other end is trusted to speak the protocol, but a
broken or hostile one must not take the server into a traceback, a hang or an unbounded allocation.

* **Messages in** are bounded: a header line longer than ``MAX_HEADER_BYTES`` is cut there (it then matches no
  header and is skipped, as pygls skips any unknown one), and a ``Content-Length`` over ``MAX_MESSAGE_BYTES``
  ends the server with one line on standard error and ``EXIT_PROTOCOL``, before anything that size is read.
  (pygls would otherwise ask the pipe for that many bytes: 10**20 raised OverflowError, 2 GiB would be held.)
* **Messages out** that cannot be written (the editor closed its end, ``/dev/full``) end the server at once with
  one line and the exit status every command gives for a failed output (``streams.output_failed``): there is no
  one left to answer, and pygls, left to itself, printed tracebacks and could spin until killed.

The server holds nothing of its own to lose (the editor has the buffers; the story cache is written whole or not
at all), so ending is done with ``os._exit`` from whichever thread found the fault, after the line is written.
"""

from __future__ import annotations

import os
from typing import BinaryIO, NoReturn

from .. import streams

COMMAND = "qasas lsp"
# A buffer is at most a story file (yamlsafe.MAX_FILE_BYTES, 8 MiB) as JSON: escaping can make it up to six
# times longer (\uXXXX), plus the envelope. Anything larger cannot be a message worth reading.
MAX_MESSAGE_BYTES = 64 * 1024 * 1024
MAX_HEADER_BYTES = 4096
EXIT_PROTOCOL = 76  # sysexits.h EX_PROTOCOL: the other side broke the protocol


def _end(status: int) -> NoReturn:
    os._exit(status)


class GuardedInput:
    """The editor's pipe to the server, with every read bounded."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw

    def readline(self) -> bytes:
        return self.raw.readline(MAX_HEADER_BYTES)

    def read(self, n: int = -1) -> bytes:
        if n < 0 or n > MAX_MESSAGE_BYTES:
            streams.say(
                f"{COMMAND}: the editor sent a message of {n if n >= 0 else 'unbounded'} bytes, over the limit of "
                f"{MAX_MESSAGE_BYTES} (a story file is at most 8 MiB); stopping"
            )
            _end(EXIT_PROTOCOL)
        return self.raw.read(n)


class GuardedOutput:
    """The server's pipe to the editor: a write that fails ends the server, in one line."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw

    def write(self, data: bytes) -> int:
        try:
            written = self.raw.write(data)
            self.raw.flush()
        except (OSError, ValueError) as exc:
            self.failed(exc)
        return written

    def flush(self) -> None:
        try:
            self.raw.flush()
        except (OSError, ValueError) as exc:
            self.failed(exc)

    def close(self) -> None:
        try:
            self.raw.close()
        except (OSError, ValueError) as exc:
            self.failed(exc)

    @staticmethod
    def failed(exc: Exception) -> NoReturn:
        """Say why the editor can no longer be answered, and end."""
        if isinstance(exc, OSError):
            _end(streams.output_failed(COMMAND, exc))
        streams.say(f"{COMMAND}: the output to the editor was closed; stopping")
        _end(streams.EXIT_IO)


__all__ = ["EXIT_PROTOCOL", "MAX_MESSAGE_BYTES", "GuardedInput", "GuardedOutput"]
