"""The glossary: searchable, from the story's manifest; each entry says whether it is historical or invented.

Search ignores case and accents ("kobani" finds "Kobanî"); every word typed must appear in the entry's term, text
or kind. A search that finds nothing empties the entry pane rather than leaving the last entry there.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

from ...engine import GlossaryEntry, Story
from ..text import fold, line, plain, story_title
from ..widgets.bars import KeyBar, NoticeBar, TitleBar
from ..widgets.hanging import wrapped

KINDS = {
    "historical": "Historical: part of the real record.",
    "invented": "Invented for this story.",
    "mixed": "Mixed: real, with invented parts.",
}


def entry_content(entry: GlossaryEntry) -> Content:
    kind = KINDS.get(entry.kind, line(entry.kind))
    return Content.assemble(
        (line(entry.term), "bold $text-accent"),
        "\n",
        (f"[{line(entry.kind)}] ", "bold"),
        (kind, "italic"),
        "\n\n",
        plain(entry.text),
    )


def matches(entry: GlossaryEntry, query: str) -> bool:
    """Every word of the query appears in the term, its text or its kind (ignoring case and accents)."""
    hay = fold(f"{entry.term}\n{entry.text}\n{entry.kind}")
    return all(word in hay for word in fold(query).split())


class GlossaryScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back"),
        Binding("ctrl+f", "search", "Search", show=False),
    ]

    def __init__(self, story: Story, term: str | None = None) -> None:
        super().__init__()
        self.story = story
        self.term = term

    def compose(self) -> ComposeResult:
        yield TitleBar(id="title-bar")
        with Vertical(id="glossary-box"):
            yield Input(placeholder="search the glossary", id="glossary-search")
            with Horizontal(id="glossary-panes"):
                yield OptionList(id="glossary-terms", markup=False)
                with VerticalScroll(id="glossary-entry-scroll"):
                    yield Static("", id="glossary-entry", markup=False)
        yield NoticeBar(id="notices")
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        self.query_one(TitleBar).show(story_title(self.story), "Glossary")
        self._shown: list[str] = []
        self._filter("")
        if self.term is not None and self.term in self.story.glossary:
            self.show_term(self.term)
            self.query_one("#glossary-terms", OptionList).focus()
        else:
            self.query_one("#glossary-search", Input).focus()

    def _filter(self, query: str) -> None:
        terms = self.query_one("#glossary-terms", OptionList)
        entries = [
            e
            for e in sorted(self.story.glossary.values(), key=lambda e: e.term.casefold())
            if matches(e, query)
        ]
        terms.set_options(Option(wrapped(Content(line(e.term))), id=e.term) for e in entries)
        self._shown = [e.term for e in entries]
        if entries:
            terms.highlighted = 0
            self._show(entries[0])
        else:
            text = "The glossary is empty." if not self.story.glossary else "Nothing in the glossary matches."
            self.query_one("#glossary-entry", Static).update(Content.styled(text, "italic"))

    def show_term(self, term: str) -> None:
        terms = self.query_one("#glossary-terms", OptionList)
        try:
            terms.highlighted = terms.get_option_index(term)
        except OptionDoesNotExist:  # not in the current filter: clear it and try again
            self.query_one("#glossary-search", Input).value = ""
            self._filter("")
            terms.highlighted = terms.get_option_index(term)
        self._show(self.story.glossary[term])

    def _show(self, entry: GlossaryEntry) -> None:
        self.query_one("#glossary-entry", Static).update(entry_content(entry))

    @on(Input.Changed, "#glossary-search")
    def _changed(self, event: Input.Changed) -> None:
        self._filter(event.value)

    @on(Input.Submitted, "#glossary-search")
    def _submitted(self) -> None:
        self.query_one("#glossary-terms", OptionList).focus()

    @on(OptionList.OptionHighlighted, "#glossary-terms")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        # Highlights arrive after the list was filtered again: one for a term the search no longer lists is stale.
        term = event.option_id or ""
        entry = self.story.glossary.get(term)
        if entry is not None and term in self._shown:
            self._show(entry)

    def action_search(self) -> None:
        self.query_one("#glossary-search", Input).focus()

    def action_close(self) -> None:
        self.dismiss(None)
