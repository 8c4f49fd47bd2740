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
