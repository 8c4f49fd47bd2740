"""By hand, not a test: the README's screenshot of the game in a browser (docs/serve.png).

    python tests/web/make_screenshot.py            # writes docs/serve.png

It serves the shipped story with ``qasas serve`` (saves in a temporary folder), opens the game in Debian's headless
Chromium, starts a new game, takes the first choice and photographs the window.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from web_helpers import ROOT, launch, serve


def main() -> int:
    out = ROOT / "docs" / "serve.png"
    out.parent.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        served = serve(None, Path(tmp) / "saves")
        browser = launch()
        try:
            player = browser.player(served.base)
            player.open("/play")
            player.sees("New game")
            player.press("n")
            player.sees("What do you do?", "1.")
            player.press("1")
            player.sees("You chose")
            player.page.wait_for_timeout(1000)  # let the trust meter's flash settle before the photograph
            player.page.screenshot(path=str(out))
            assert not [line for line in player.console if line.startswith("error")], player.console
        finally:
            browser.close()
            served.stop()
    print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
