"""What the pages say: the story's own content note and credits (never a note written here), and the limits."""

from __future__ import annotations

from pathlib import Path

import pytest
from web_helpers import NOTICE, write_ferry

from game.loader import default_scenes_dir, load_story
from game.web.pages import Pages, Site, paragraphs


def landing(story_dir: Path | str) -> str:
    return Pages(Site.of(load_story(str(story_dir)), 8, 900)).landing()


def test_the_landing_page_gives_the_story_s_own_content_note_and_credits(tmp_path: Path) -> None:
    page = landing(write_ferry(tmp_path / "ferry"))
    assert "Content note" in page and f"<p>{NOTICE}</p>" in page
    assert "Credits" in page and "<p>Written for the tests.</p>" in page


def test_the_shipped_story_s_note_is_shown_before_play() -> None:
    story = load_story(default_scenes_dir())
    assert story.notice
    page = landing(default_scenes_dir())
    assert " ".join(story.notice.split()) in page


def test_a_story_without_a_note_gets_no_note_made_up_for_it(tmp_path: Path) -> None:
    story_dir = write_ferry(tmp_path / "ferry")
    manifest = (story_dir / "story.yaml").read_text(encoding="utf-8")
    kept = [line for line in manifest.splitlines() if not line.startswith(("  notice:", "  credits:"))]
    (story_dir / "story.yaml").write_text("\n".join(kept) + "\n", encoding="utf-8")
    page = landing(story_dir)
    assert "Content note" not in page and "Credits" not in page
    assert "screen readers cannot read" in page  # the advice for screen-reader users is always there


def test_a_note_s_paragraphs_are_clean_text() -> None:
    assert paragraphs("One line\nand its rest.\n\n\x1b[2JTwo.\n") == ["One line and its rest.", "Two."]


@pytest.mark.parametrize(
    ("seconds", "words"), [(900, "15 minutes"), (60, "1 minute"), (90, "1.5 minutes"), (15, "15 seconds"), (1, "1 second")]
)
def test_the_idle_limit_in_words(seconds: float, words: str) -> None:
    assert Site("T", "note", 8, seconds / 60).idle_words == words


def test_the_full_page_counts_its_places_in_words() -> None:
    assert Site("T", "", 1, 15).full_words == "The one game this server runs at a time is in use."
    assert Site("T", "", 8, 15).full_words == "All 8 games this server runs at once are in use."
