"""Helpers for the TUI tests (imported by name: tests/tui is on sys.path when pytest collects it)."""

from __future__ import annotations

from pathlib import Path

from textual.app import App

TINY = Path(__file__).resolve().parents[1] / "fixtures" / "tiny"
THEME = "textual-dark"


def write_story(root: Path, manifest: str, scenes: str) -> Path:
    """An inline story: ``story.yaml`` and one scene file."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "story.yaml").write_text(manifest, encoding="utf-8")
    (root / "scenes.yaml").write_text(scenes, encoding="utf-8")
    return root


def meter(app: App, faction: str) -> str:
    """A trust meter as plain words, e.g. ``The guards 0 \u25bc \u221250``."""
    return app.screen.query_one(f"#trust-{faction}").label  # type: ignore[attr-defined]


def notifications(app: App) -> list[str]:
    """Every notice the app has shown (in a screen's notice line, or as a toast where there is none)."""
    return list(getattr(app, "notices_seen", [])) + [n.message for n in app._notifications]


def screen_text(app: App) -> str:
    """The characters on the app's screen, line by line, from its SVG screenshot (a public API)."""
    import html
    import re

    svg = app.export_screenshot()
    rows: dict[float, list[str]] = {}
    for y, body in re.findall(r'<text [^>]*?y="([\d.]+)"[^>]*>(.*?)</text>', svg, re.DOTALL):
        rows.setdefault(float(y), []).append(html.unescape(body))
    return "\n".join("".join(parts).replace("\xa0", " ") for _, parts in sorted(rows.items()))


class Clock:
    """A play clock the test moves by hand: ``clock.now += 30``."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now
