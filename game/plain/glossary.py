"""Glossary lookup for plain play: ``glossary kobani`` finds "Kobanî", and an unclear lookup says what matches.

A lookup folds case and accents. A term that is exactly what was typed wins; then terms whose words start with the
words typed ("euph" finds "Euphrates Volcano"); then terms that contain them anywhere; and only then entries whose
text mentions them, so a name is never hidden behind every entry that mentions it.
"""

from __future__ import annotations

from ..engine import GlossaryEntry, Story
from .render import Block
from .words import count, fold, line, listing, sentence, starts_with

KINDS = {
    "historical": "Historical: part of the real record.",
    "invented": "Invented for this story.",
    "mixed": "Mixed: real, with invented parts.",
}


def lookup(story: Story, query: str) -> tuple[list[GlossaryEntry], bool]:
    """The entries ``query`` names, best matches only, and whether they were found in the entries' text rather
    than their terms."""
    words = fold(query)
    entries = sorted(story.glossary.values(), key=lambda e: e.term.casefold())
    if not words:
        return [], False
    terms = [(entry, fold(entry.term)) for entry in entries]
    exact = [e for e, t in terms if t == words]
    if exact:
        return exact, False
    first = [e for e, t in terms if starts_with(words, t)]
    if first:
        return first, False
    within = [e for e, t in terms if all(any(word.startswith(w) for word in t) for w in words)]
    if within:
        return within, False
    texts = [e for e in entries if all(w in fold(e.text) for w in words)]
    return texts, True


def entry_blocks(entry: GlossaryEntry) -> list[Block]:
    """One entry: its term and kind, then its text, paragraph by paragraph."""
    kind = KINDS.get(entry.kind, sentence(entry.kind))
    blocks = [Block(f"{sentence(entry.term)} {kind}")]
    for paragraph in entry.text.split("\n\n"):
        if line(paragraph):
            blocks.append(Block(line(paragraph)))
    return blocks


def index_blocks(story: Story) -> list[Block]:
    """Every term, in one paragraph, and how to look one up."""
    if not story.glossary:
        return [Block("This story has no glossary.")]
    terms = sorted((line(e.term) for e in story.glossary.values()), key=str.casefold)
    example = terms[0]
    return [
        Block(f"The glossary has {count(len(terms), 'entry', 'entries')}: {listing(terms)}."),
        Block(f"Type glossary and a name to read its entry, for example: glossary {example}"),
    ]


def lookup_blocks(story: Story, query: str) -> list[Block]:
    """The answer to ``glossary QUERY``: the entry, the entries (when a few match), or what to try instead."""
    if not query.strip():
        return index_blocks(story)
    found, in_text = lookup(story, query)
    shown = line(query)
    if not found:
        return [Block(f"Nothing in the glossary matches {shown}. Type glossary alone to hear every entry.")]
    if len(found) == 1:
        return entry_blocks(found[0])
    names = listing([line(e.term) for e in found])
    where = "mention" if in_text else "match"
    return [Block(f"{count(len(found), 'entry', 'entries')} {where} {shown}: {names}. Type more of the name.")]
