"""Standard streams and locales, for every subcommand: a closed standard input, output or error, output to a full
device (/dev/full), to a pipe whose reader has gone, or to a full non-blocking pipe, and locales that cannot show
every character (KOI8-R; the C locale with coercion and UTF-8 mode off). Each gives a clear one-line message and an
exit status, never a traceback; text the locale cannot show is spelled in ASCII or replaced, never a crash.

Exit statuses: 74 when a standard stream is closed or cannot be written, 141 when the reader of the output went
away (as a shell reports a command killed by SIGPIPE), otherwise the command's own.
"""

from __future__ import annotations

import errno
import fcntl
import importlib.util
import os
import subprocess
from pathlib import Path

import pytest
from hostile_helpers import MANIFEST, SHIPPED, TINY, assert_clean, run, write_story

# A story whose text no 8-bit locale can show whole: Arabic, typographic dashes and quotes, accents (precomposed
# and combining), emoji, a right-to-left mark.
WORLDLY = {
    "scenes.yaml": """\
chapter: one
scenes:
  - id: gate
    title: "Kobanî \u2014 \u0642\u0628\u0644 \u0627\u0644\u0646\u0647\u0631"
    place: "Tell Abyad, \u201cthe white hill\u201d"
    text: "Cafe\u0301 au lait \u2026 \U0001f642 \u200fthe road\u200f \u2212 5."
    choices:
      - {id: go, label: "Go \u2192 through \u00ab\u00a0now\u00a0\u00bb", goto: through}
  - {id: through, title: "Through \u2713", ending: through, text: "\u0634\u0643\u0631\u0627\u064b."}
""",
}


@pytest.fixture(scope="module")
def stories(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("streams")
    worldly = write_story(root / "worldly", WORLDLY, MANIFEST.replace("title: Hostile", 'title: "Jaysh al-Qasas \u2014 \u062c\u064a\u0634"'))
    playthrough = root / "p.yaml"
    playthrough.write_text(f"scenes: {worldly}\nseed: 1\nchoices: [gate.go]\nexpect: {{ending: through}}\n")
    return {"worldly": worldly, "playthrough": playthrough, "root": root}


def commands(stories: dict[str, Path]) -> dict[str, tuple[list[str], bytes, int]]:
    """Every subcommand: (arguments, standard input, exit status when all goes well)."""
    worldly = str(stories["worldly"])
    return {
        "lint": (["lint", worldly], b"", 0),
        "lint-shipped": (["lint", str(SHIPPED)], b"", 0),
        "graph": (["graph", worldly], b"", 0),
        "graph-shipped": (["graph", str(SHIPPED)], b"", 0),
        "randomtest": (["randomtest", worldly, "--runs", "20"], b"", 0),
        "quicktest": (["quicktest", worldly], b"", 0),
        "schema": (["schema", "scenes"], b"", 0),
        "replay": (["replay", str(stories["playthrough"]), "--transcript"], b"", 0),
        "play-plain": (["play", "--plain", "--scenes", worldly, "--seed", "3"], b"t\nh\n1\n", 0),
        "report": (["report", worldly, "--runs", "20", "-o", "-"], b"", 0),
    }


def command(stories: dict[str, Path], name: str) -> tuple[list[str], bytes, int]:
    if name == "report" and importlib.util.find_spec("plotly") is None:
        pytest.skip("qasas report needs the report extra (plotly); without it, it exits 2 with a message")
    return commands(stories)[name]


NAMES = [
    "lint", "lint-shipped", "graph", "graph-shipped", "randomtest", "quicktest", "schema", "replay", "play-plain", "report",
]


# --------------------------------------------------------------------------------------------- closed streams


@pytest.mark.parametrize("name", [*NAMES, "bench", "help", "no-command"])
def test_a_closed_standard_output_is_a_message_not_a_traceback(stories: dict[str, Path], name: str) -> None:
    args, stdin, _ = commands(stories).get(name, ([], b"", 0))
    args = {"bench": ["bench", "--quick"], "help": ["--help"], "no-command": []}.get(name, args)
    result = run(*args, cwd=stories["root"], close_fds=(1,), input_bytes=stdin, timeout=30)
    assert_clean(result, 74, "standard output is closed", seconds=10)
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("args", [["play", "--plain", "--scenes", str(TINY)], ["play", "--scenes", str(TINY)], []])
def test_a_closed_standard_input_is_a_message_for_play(stories: dict[str, Path], args: list[str]) -> None:
    result = run(*args, cwd=stories["root"], close_fds=(0,), stdin=None, timeout=30)
    assert_clean(result, 74, "standard input is closed", seconds=10)


@pytest.mark.parametrize("name", ["lint", "graph", "schema", "replay"])
def test_commands_that_read_no_input_run_with_standard_input_closed(stories: dict[str, Path], name: str) -> None:
    args, _, status = command(stories, name)
    assert_clean(run(*args, cwd=stories["root"], close_fds=(0,), stdin=None), status)


@pytest.mark.parametrize("name", NAMES)
def test_a_closed_standard_error_changes_nothing_but_the_messages(stories: dict[str, Path], name: str) -> None:
    args, stdin, status = command(stories, name)
    result = run(*args, cwd=stories["root"], close_fds=(2,), input_bytes=stdin)
    assert result.returncode == status and result.stderr == ""
    broken = run("lint", str(stories["root"] / "nowhere"), cwd=stories["root"], close_fds=(2,))
    assert broken.returncode == 2


# ------------------------------------------------------------------------------------------ failing output


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
@pytest.mark.parametrize("name", NAMES)
def test_output_to_a_full_device_is_a_message(stories: dict[str, Path], name: str) -> None:
    args, stdin, _ = command(stories, name)
    with open("/dev/full", "wb") as full:
        result = run(*args, cwd=stories["root"], stdout=full.fileno(), input_bytes=stdin)
    assert_clean(result, 74, "cannot write the output: no space left on the device")
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


@pytest.mark.parametrize("name", NAMES)
def test_output_to_a_pipe_nobody_reads_any_more_is_a_message(stories: dict[str, Path], name: str) -> None:
    args, stdin, _ = command(stories, name)
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first byte: `qasas ... | true`
    try:
        result = run(*args, cwd=stories["root"], stdout=write_end, input_bytes=stdin)
    finally:
        os.close(write_end)
    assert_clean(result, 141, "broken pipe")
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


@pytest.mark.parametrize("name", NAMES)
def test_output_to_a_full_non_blocking_pipe_is_a_message(stories: dict[str, Path], name: str) -> None:
    args, stdin, _ = command(stories, name)
    read_end, write_end = os.pipe()
    flags = fcntl.fcntl(write_end, fcntl.F_GETFL)
    fcntl.fcntl(write_end, fcntl.F_SETFL, flags | os.O_NONBLOCK)
    try:
        while True:  # fill it: nothing more can be written until someone reads
            os.write(write_end, b"x" * 65536)
    except BlockingIOError:
        pass
    try:
        result = run(*args, cwd=stories["root"], stdout=write_end, input_bytes=stdin)
    finally:
        os.close(write_end)
        os.close(read_end)
    assert_clean(result, 74, "the pipe is full")


def test_a_reader_that_stops_early_ends_the_command_quietly_and_at_once(stories: dict[str, Path]) -> None:
    # `qasas randomtest ... | head -1`: the command must stop, not run on for minutes writing to nobody.
    proc = subprocess.Popen(
        ["sh", "-c", f"'{os.sys.executable}' -m game graph '{SHIPPED}' | head -c 10 > /dev/null; echo ok"],  # type: ignore[attr-defined]
        cwd=stories["root"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    out, err = proc.communicate(timeout=60)
    assert out.strip() == b"ok" and b"Traceback" not in err


# ------------------------------------------------------------------------------------------------- locales

LOCALES = {
    "koi8-r": {"PYTHONIOENCODING": "koi8-r"},
    "latin-1": {"PYTHONIOENCODING": "latin-1"},
    "ascii": {"PYTHONIOENCODING": "ascii"},
    "c-no-coercion": {"LC_ALL": "C", "LANG": "C", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0"},
    "posix-no-coercion": {"LC_ALL": "POSIX", "LANG": "POSIX", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0"},
}
ENCODING = {"koi8-r": "koi8-r", "latin-1": "latin-1"}


@pytest.mark.parametrize("locale", list(LOCALES))
@pytest.mark.parametrize("name", NAMES)
def test_a_locale_that_cannot_show_the_text_degrades_it(stories: dict[str, Path], locale: str, name: str) -> None:
    args, stdin, status = command(stories, name)
    result = run(*args, cwd=stories["root"], env=LOCALES[locale], input_bytes=stdin)
    assert "Traceback" not in result.output and "UnicodeEncodeError" not in result.output, result.output[-3000:]
    assert result.returncode == status, result.output[-3000:]
    if name.startswith(("graph", "schema", "report")):
        # A file format (Mermaid, DOT, JSON Schema, HTML) is written as the UTF-8 a file of it holds, whatever the
        # locale: the same bytes as with -o FILE.
        head = result.stdout[:400]
        assert any(mark in head for mark in ("flowchart", "$schema", "<!DOCTYPE html")), head
        return
    encoding = ENCODING.get(locale, "ascii")
    # (run() decoded as UTF-8 with replacement; what reached the stream must be the locale's own bytes)
    raw = result.stdout.encode("utf-8", "replace")
    if encoding == "ascii":
        assert all(b < 128 for b in raw.replace("\ufffd".encode(), b"")), result.stdout[-500:]
    if name in ("play-plain", "replay"):
        assert "Koban" in result.stdout and "--" in result.stdout  # 'î' and '—' spelled in ASCII


def test_a_real_koi8_locale_if_the_machine_has_one(stories: dict[str, Path]) -> None:
    found = subprocess.run(["locale", "-a"], capture_output=True, text=True, check=False).stdout.split()
    koi = next((loc for loc in found if "koi8" in loc.lower()), None)
    if koi is None:
        pytest.skip("no KOI8 locale installed (PYTHONIOENCODING=koi8-r covers the same encoder)")
    for name in NAMES:
        args, stdin, status = command(stories, name)
        result = run(*args, cwd=stories["root"], env={"LC_ALL": koi, "LANG": koi}, input_bytes=stdin)
        assert result.returncode == status and "Traceback" not in result.output, (name, result.output[-2000:])


@pytest.mark.parametrize("locale", ["ascii", "c-no-coercion"])
def test_input_the_locale_cannot_decode_is_not_an_error(stories: dict[str, Path], locale: str) -> None:
    result = run(
        "play", "--plain", "--scenes", str(stories["worldly"]), cwd=stories["root"], env=LOCALES[locale],
        input_bytes="\u0663\n\xff\xfe\n1\n".encode("utf-8", "surrogateescape") + b"\xff\n1\n",
    )
    assert_clean(result, 0, "Ending")


def test_an_error_in_a_non_utf8_locale_names_the_file_in_ascii(stories: dict[str, Path]) -> None:
    bad = stories["root"] / "\u0642\u0635\u0635"
    bad.mkdir(exist_ok=True)
    result = run("lint", str(bad), cwd=stories["root"], env=LOCALES["c-no-coercion"])
    assert_clean(result, 2, "no story.yaml here")
    assert all(ord(c) < 128 or c == "\ufffd" for c in result.stderr)


def test_writing_errors_are_told_apart_from_file_errors() -> None:
    from game import streams

    assert streams.is_output_error(BrokenPipeError(errno.EPIPE, "Broken pipe"))
    assert streams.is_output_error(OSError(errno.ENOSPC, "No space left on device"))
    assert not streams.is_output_error(OSError(errno.ENOSPC, "No space left on device", "/tmp/x"))
    assert not streams.is_output_error(OSError(errno.ENOENT, "No such file"))
    assert streams.ascii_spelling("î") == "i" and streams.ascii_spelling("\u2014") == "--"
    assert streams.ascii_spelling("\u0642") == "?" and streams.ascii_spelling("\u200f") == ""
