"""What the pages say: the content note (the story's own, else the README's, word for word) and the limits."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from web_helpers import ROOT

from game.web.pages import README_CONTENT_NOTE, Site, content_note, paragraphs


def test_the_fallback_content_note_is_the_readme_s_word_for_word() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quoted = re.search(r"> \*\*Content note\.\*\* (.*?)\n\n", readme, re.DOTALL)
    assert quoted is not None
    assert " ".join(quoted.group(1).replace("\n>", " ").split()) == README_CONTENT_NOTE


def test_a_story_s_own_notice_comes_first() -> None:
    assert content_note(SimpleNamespace(notice="Contains a storm at sea.")) == "Contains a storm at sea."
    assert content_note(SimpleNamespace(notice="  ")) == README_CONTENT_NOTE
    assert content_note(SimpleNamespace()) == README_CONTENT_NOTE


def test_a_note_s_paragraphs_are_clean_text() -> None:
    assert paragraphs("One line\nand its rest.\n\n\x1b[2JTwo.\n") == ["One line and its rest.", "Two."]


@pytest.mark.parametrize(
    ("seconds", "words"), [(900, "15 minutes"), (60, "1 minute"), (90, "1.5 minutes"), (15, "15 seconds"), (1, "1 second")]
)
def test_the_idle_limit_in_words(seconds: float, words: str) -> None:
    assert Site("T", "note", 8, seconds / 60).idle_words == words
