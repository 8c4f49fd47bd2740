"""By hand, not a test: the README's screenshot of ``qasas report`` on the shipped story (docs/report.png).

    python tests/report/make_screenshot.py            # writes docs/report.png

It writes the report of the shipped story, opens it in Debian's headless Chromium, clicks a scene on the first
chapter's map and photographs the window.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report_helpers import ROOT, Browser


def main() -> int:
    out = ROOT / "docs" / "report.png"
    out.parent.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        page_file = Path(tmp) / "report.html"
        subprocess.run([sys.executable, "-m", "game", "report", "-o", str(page_file), "--runs", "2000"], cwd=ROOT, check=True)
        browser = Browser()
        try:
            browser.page.set_viewport_size({"width": 1400, "height": 900})
            browser.page.goto(page_file.as_uri())
            browser.page.wait_for_selector("body[data-ready=true]", timeout=60_000)
            first = browser.page.locator('.map:not([data-map="overview"])').first
            first.scroll_into_view_if_needed()
            browser.page.evaluate("document.querySelector('.map:not([data-map=\"overview\"])').previousElementSibling"
                                  ".scrollIntoView()")
            browser.page.locator('.map:not([data-map="overview"]) .node.scene:not(.outside)').nth(2).click()
            browser.page.screenshot(path=str(out))
            assert not browser.problems, browser.problems
        finally:
            browser.close()
    print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
