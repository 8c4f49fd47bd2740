"""Helpers for the web tests: a story, a real ``qasas serve`` in a subprocess, and a player in a real browser.

The browser is Debian's chromium (/usr/bin/chromium) driven by Playwright, which never downloads a browser of its
own here. A player reads the game as they would see it: the text of the terminal's screen, taken from xterm.js's
buffer through the page. textual-serve's textual.js keeps its terminals to itself, so the test browser (only the
test browser) patches one line of it on the way in to keep a reference in ``window.qasasTerminals``.

Imported by name: tests/web is on sys.path when pytest collects it.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
# What chromium needs on this machine (a container, a shared 2-core host): no sandbox, no GPU, nothing phoning home.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Generous: the machine is shared and slow at times. These are limits for a condition to hold, never timings.
WAIT_SECONDS = 90.0
VIEWPORT = {"width": 1200, "height": 800}

NOTICE = "A story about crossing a river at night. Nobody drowns."
MANIFEST = """\
story:
  id: ferry
  title: The Night Ferry
  start: quay
  notice: A story about crossing a river at night. Nobody drowns.
  credits: Written for the tests.
chapters:
  river: {title: The River, order: 1}
factions:
  crew: {name: The crew, description: The people who run the ferry., initial: 50}
endings:
  crossed: {title: Across the river}
  stayed: {title: The quay at dawn}
glossary:
  Ferryman: {kind: invented, text: The man who rows the boat across at night.}
"""

SCENES = """\
chapter: river
scenes:
  - id: quay
    title: The Quay
    place: A stone quay
    text: Lanterns swing over the black water. The Ferryman waits by his boat.
    choices:
      - id: pay
        label: Pay the fare in coins
        effects: {trust: {crew: +10}}
        goto: deck
      - id: plead
        label: Ask to cross on credit
        effects: {trust: {crew: -10}}
        goto: bench
  - id: deck
    title: On the Deck
    text: The boat leaves the quay. Halfway over, the Ferryman asks your name.
    choices:
      - {id: answer, label: Tell him your name, goto: far_bank}
  - id: bench
    title: The Waiting Bench
    text: You sit on the bench while the boat leaves without you.
    choices:
      - {id: wait, label: Wait for dawn, goto: dawn}
  - id: far_bank
    title: The Far Bank
    ending: crossed
    text: You step onto the far bank.
  - id: dawn
    title: Dawn on the Quay
    ending: stayed
    text: The sun comes up over the empty quay.
"""


def write_ferry(root: Path) -> Path:
    """The test story, "The Night Ferry": a quay, two ways across, two endings."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "story.yaml").write_text(MANIFEST, encoding="utf-8")
    (root / "river.yaml").write_text(SCENES, encoding="utf-8")
    return root


# ---------------------------------------------------------------------------------------------- the server


@dataclass
class Served:
    """A running ``qasas serve``: its address, its saves folder and what it has printed."""

    process: subprocess.Popen[str]
    url: str
    saves: Path
    output: list[str] = field(default_factory=list)

    @property
    def base(self) -> str:
        """The address without the token query: ``http://127.0.0.1:PORT``."""
        return self.url.split("/?", 1)[0].rstrip("/")

    def log(self) -> str:
        return "".join(self.output)

    def player_folders(self) -> list[Path]:
        return sorted(p for p in self.saves.iterdir() if p.is_dir()) if self.saves.is_dir() else []

    def stop(self) -> int:
        """Stop the server as Ctrl+C would (each game is saved first); its exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=WAIT_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    def wait_for_log(self, text: str, timeout: float = WAIT_SECONDS) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.log():
            if time.monotonic() > deadline:
                raise AssertionError(f"the server never logged {text!r}; it logged:\n{self.log()}")
            time.sleep(0.1)


def serve(story: Path | None, saves: Path, *args: str, env: dict[str, str] | None = None) -> Served:
    """Start ``qasas serve`` on a free port and wait until it prints where to play."""
    command = [sys.executable, "-m", "game", "serve"]
    if story is not None:
        command.append(str(story))
    command += ["--port", "0", "--saves", str(saves), *args]
    environment = {**os.environ, **(env or {}), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=environment, cwd=ROOT
    )
    served = Served(process, "", saves)
    announced = threading.Event()

    def read() -> None:  # the server's output, kept whole for the assertions and for failure messages
        assert process.stdout is not None
        for line in process.stdout:
            served.output.append(line)
            if "Press Ctrl+C to stop" in line:  # the end of what it prints on start
                urls = re.findall(r"http://\S+", served.log())
                # The address on this computer when it prints several (a room: the network's, then this one's).
                served.url = next((u for u in urls if "//127.0.0.1:" in u), urls[0] if urls else "")
                announced.set()
        announced.set()

    threading.Thread(target=read, daemon=True).start()
    announced.wait(WAIT_SECONDS)
    if not served.url:
        served.stop()
        raise AssertionError(f"qasas serve did not print an address:\n{served.log()}")
    return served


def wait_until(condition: Callable[[], bool], timeout: float = WAIT_SECONDS) -> None:
    """Wait until ``condition()`` holds (polling); AssertionError when it never does."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the condition never held")
        time.sleep(0.1)


def game_children(pid: int) -> list[int]:
    """The processes ``pid`` has started that are still running (Linux: /proc)."""
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return children


# ---------------------------------------------------------------------------------------------- the browser

# Keep a reference to each terminal textual.js makes (the test browser's copy only; see the module docstring).
EXPOSE = re.compile(r"const (\w+)=new (\w+)\((\w+),\{ping:(\w+)\}\);")

SCREEN_JS = """() => {
  const t = (window.qasasTerminals || [])[0];
  if (!t) { return null; }
  const buffer = t.terminal.buffer.active, rows = [];
  for (let i = 0; i < t.terminal.rows; i++) {
    const line = buffer.getLine(buffer.viewportY + i);
    rows.push(line ? line.translateToString(true) : "");
  }
  return rows.join("\\n");
}"""

SHOWS_JS = (
    "(texts) => { const screen = (" + SCREEN_JS + ")(); "
    "return screen !== null && texts.every((t) => screen.includes(t)); }"
)


def chromium_available() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is not installed (apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    return None


class Player:
    """One person at one browser tab: opens pages, reads the terminal's screen, presses keys."""

    def __init__(self, context: Any, base: str) -> None:
        self.context = context
        self.base = base
        self.page = context.new_page()
        self.page.route("**/static/js/textual.js", self._expose_terminals)
        self.console: list[str] = []
        self.page.on("console", lambda message: self.console.append(f"{message.type}: {message.text}"))

    def another_tab(self) -> Player:
        """The same person in a new tab of the same browser (same cookies)."""
        return Player(self.context, self.base)

    @staticmethod
    def _expose_terminals(route: Any) -> None:
        response = route.fetch()
        script, count = EXPOSE.subn(
            lambda m: m.group(0) + f"(window.qasasTerminals=window.qasasTerminals||[]).push({m.group(1)});",
            response.text(),
        )
        assert count == 1, "textual-serve's textual.js has changed: update EXPOSE in tests/web/web_helpers.py"
        route.fulfill(response=response, body=script)

    def open(self, path: str = "/play") -> Any:
        """Go to ``path`` on the server; the HTTP response."""
        return self.page.goto(self.base + path, wait_until="load", timeout=WAIT_SECONDS * 1000)

    def text(self) -> str:
        """The page's own text (outside the terminal)."""
        return str(self.page.inner_text("body"))

    def screen(self) -> str:
        """What the terminal shows, row by row."""
        return str(self.page.evaluate(SCREEN_JS) or "")

    def sees(self, *texts: str, timeout: float = WAIT_SECONDS) -> str:
        """Wait until the terminal shows every one of ``texts``; the screen then."""
        try:
            self.page.wait_for_function(SHOWS_JS, arg=list(texts), timeout=timeout * 1000, polling=100)
        except Exception as exc:  # Playwright's TimeoutError: say what was on the screen instead
            raise AssertionError(f"the screen never showed {texts!r}; it shows:\n{self.screen()}") from exc
        return self.screen()

    def no_longer_sees(self, text: str, timeout: float = WAIT_SECONDS) -> str:
        script = "(t) => { const s = (" + SCREEN_JS + ")(); return s !== null && !s.includes(t); }"
        try:
            self.page.wait_for_function(script, arg=text, timeout=timeout * 1000, polling=100)
        except Exception as exc:
            raise AssertionError(f"the screen still shows {text!r}:\n{self.screen()}") from exc
        return self.screen()

    def page_says(self, *texts: str, timeout: float = WAIT_SECONDS) -> str:
        """Wait until the page (outside the terminal) says every one of ``texts``; its text then."""
        script = "(texts) => texts.every((t) => document.body.innerText.includes(t))"
        try:
            self.page.wait_for_function(script, arg=list(texts), timeout=timeout * 1000, polling=100)
        except Exception as exc:
            raise AssertionError(f"the page never said {texts!r}; it says:\n{self.text()}") from exc
        return self.text()

    def press(self, *keys: str) -> None:
        for key in keys:
            self.page.keyboard.press(key)

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)

    def close_code(self) -> str | None:
        return self.page.evaluate("() => document.body.dataset.closeCode || null")


@dataclass
class Browser:
    """A headless chromium; each ``player()`` is a separate profile (its own cookies), like another person."""

    playwright: Any
    browser: Any

    def player(self, base: str) -> Player:
        context = self.browser.new_context(viewport=VIEWPORT)
        return Player(context, base)

    def close(self) -> None:
        self.browser.close()
        self.playwright.stop()


def launch() -> Browser:
    """Start chromium with the flags this machine needs. Playwright gives it a fresh, temporary profile folder
    (its --user-data-dir), removed when the browser closes."""
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, timeout=WAIT_SECONDS * 1000
    )
    return Browser(playwright, browser)


def saved_choices(path: Path) -> list[str]:
    """The choices a save file records, as ``scene.choice``."""
    from game.saves import read_save

    return [f"{scene}.{choice}" for scene, choice in read_save(path).log]
