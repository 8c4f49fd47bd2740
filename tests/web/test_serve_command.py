"""``qasas serve`` as a person runs it: where it listens, what it refuses and why, and what it prints."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from web_helpers import ROOT, Served

from game.cli import main

ServeFactory = Callable[..., Served]


def qasas(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "game", *args],
        capture_output=True, text=True, timeout=120, cwd=ROOT, check=False, env={**os.environ, **(env or {})},
    )


def test_by_default_it_serves_this_computer_only(start_server: ServeFactory, ferry: Path) -> None:
    served = start_server(ferry)
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", served.url)
    log = served.log()
    assert "The Night Ferry" in log and "Only this computer can connect" in log
    assert "Up to 8 games at once" in log and "idle for 15 minutes" in log
    assert served.stop() == 0
    assert "stopped; every game was saved" in served.log()


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10", "::"])
def test_any_other_address_without_a_token_is_refused_and_it_says_why(host: str, ferry: Path) -> None:
    proc = qasas("serve", str(ferry), "--host", host, "--port", "0")
    assert proc.returncode == 2
    assert f"refusing to serve on {host} without an access token" in proc.stderr
    assert "--token auto" in proc.stderr and "127.0.0.1" in proc.stderr
    assert proc.stdout == ""  # it never listened, so it printed no address


def test_a_generated_token_is_printed_as_part_of_the_address(start_server: ServeFactory, ferry: Path) -> None:
    served = start_server(ferry, "--host", "0.0.0.0", "--token", "auto")
    assert re.search(r"/\?token=[A-Za-z0-9_-]{24}$", served.url)
    assert "share it only with your players" in served.log()


def test_the_token_may_come_from_the_environment(start_server: ServeFactory, ferry: Path) -> None:
    token = "a-long-token-from-the-environment"
    served = start_server(ferry, "--host", "0.0.0.0", env={"QASAS_SERVE_TOKEN": token})
    assert served.url.endswith(f"?token={token}")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--host", "0.0.0.0", "--token", "short"], "the token is too short"),
        (["--token", "spaces are not url safe !!"], "only letters, digits"),
        (["--max-games", "0"], "--max-games must be at least 1"),
        (["--idle-minutes", "0"], "--idle-minutes must be a positive number"),
        (["--idle-minutes", "nan"], "--idle-minutes must be a positive number"),
        (["--port", "70000"], "--port must be between 0 and 65535"),
        (["--scenes", "/somewhere/else"], "two story directories given"),
    ],
)
def test_bad_options_are_refused_with_a_message(args: list[str], message: str, ferry: Path) -> None:
    proc = qasas("serve", str(ferry), *args)
    assert proc.returncode == 2
    assert message in proc.stderr and "Traceback" not in proc.stderr


def test_the_story_directory_may_be_given_with_scenes_as_in_play(start_server: ServeFactory, ferry: Path) -> None:
    served = start_server(None, "--scenes", str(ferry))
    assert "The Night Ferry" in served.log()


def test_a_broken_story_is_refused_before_serving_with_every_problem(ferry: Path) -> None:
    (ferry / "river.yaml").write_text("chapter: river\nscenes:\n  - id: quay\n    title: [\n", encoding="utf-8")
    proc = qasas("serve", str(ferry), "--port", "0")
    assert proc.returncode == 2
    assert "river.yaml:" in proc.stderr and "error" in proc.stderr
    assert proc.stdout == ""


def test_a_port_in_use_is_a_message_not_a_traceback(ferry: Path, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = qasas("serve", str(ferry), "--port", str(port), "--saves", str(tmp_path / "saves"))
    assert proc.returncode == 2
    assert f"cannot listen on 127.0.0.1 port {port}" in proc.stderr and "Traceback" not in proc.stderr


def test_without_the_web_extra_it_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], ferry: Path
) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "textual_serve" else real(name, *a)
    )
    assert main(["serve", str(ferry)]) == 2
    err = capsys.readouterr().err
    assert "needs the 'web' extra" in err and "textual_serve" in err and "pip install" in err
