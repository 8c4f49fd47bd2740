"""Helpers for the report tests: a small story with a bit of everything (two chapters, a scene no one reaches, a
choice no one takes, text that tries to be markup), and a headless Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
# The flags the machine's Chromium needs headless: no sandbox (root), no GPU, and nothing that phones home.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'

MANIFEST = """\
story: {id: rep, title: 'The Report & <Story>', start: gate}
chapters:
  one: {title: 'The Gate <b>', order: 1}
  two: {title: The Road, order: 2}
factions:
  guards: {name: 'Guards </script>', description: The guards.}
  villagers: {name: Villagers, description: The village.}
variables:
  flag: {type: bool, default: false}
endings:
  through: {title: Through</script><script>alert(2)</script>}
  home: {title: Home}
"""

SCENES = {
    "one.yaml": f"""\
chapter: one
scenes:
  - id: gate
    title: '{HOSTILE}'
    text: |
      The guard looks at you. {{{{guards}}}} is not markup, nor is <b>this</b> or &amp; that.

      Second paragraph.
    choices:
      - {{id: bribe, label: 'Offer <i>money</i>', effects: {{trust: {{guards: -10, villagers: +5}}}}, goto: road}}
      - {{id: wait, label: Wait, effects: {{trust: {{guards: +5}}}}, goto: road}}
      - {{id: fly, label: Fly over the wall, if: guards > 95, goto: through}}
  - id: cellar
    title: The Cellar
    text: Nobody comes down here.
    choices:
      - {{id: up, label: Go up, goto: gate}}
""",
    "two.yaml": """\
chapter: two
routes:
  luck: [{chance: 50, to: through}, {to: end_home}]
scenes:
  - id: road
    title: The Road
    text:
      - The road goes on.
      - {if: guards < 50, text: The guards watch you leave.}
    choices:
      - {id: on, label: Walk on, goto: {use: luck}}
  - {id: through, title: Through, ending: through, text: You are through.}
  - {id: end_home, title: Home Again, ending: home, text: You go home.}
""",
}


def write_report_story(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "story.yaml").write_text(MANIFEST, encoding="utf-8")
    for name, text in SCENES.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def qasas(*args: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "game", *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False,
        env=env,
    )


def need_browser() -> None:
    """Skip when this machine has no Chromium or Playwright; on CI (.ci/run installs them) that is a failure."""
    missing = []
    if not Path(CHROMIUM).exists():
        missing.append(f"{CHROMIUM} (Debian: apt-get install chromium)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        missing.append("the playwright package (the test extra)")
    if missing:
        message = "the report's browser test needs " + " and ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


class Browser:
    """A headless Chromium (Debian's, never a downloaded one) with a fresh profile, recording console errors,
    page errors and dialogs (an alert means story text ran as script)."""

    def __init__(self) -> None:
        from playwright.sync_api import sync_playwright

        self.profile = tempfile.mkdtemp(prefix="qasas-chromium-")
        self._pw = sync_playwright().start()
        self.context = self._pw.chromium.launch_persistent_context(
            self.profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1000},
        )
        self.problems: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        self.page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))
        self.page.on("dialog", self._dialog)
        self.page.on("request", lambda r: None if r.url.startswith(("file:", "data:", "about:")) else self.requests.append(r.url))

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def close(self) -> None:
        self.context.close()
        self._pw.stop()
        shutil.rmtree(self.profile, ignore_errors=True)
