"""What plain play prints, as words a screen reader reads well, and the writer that lays it out.

Everything here is built for a listener first: headings are sentences ("Chapter 1: Deir ez-Zor. The Merger."), not
rules of ``=`` or ``#``; changes are words ("The guards up 5 to 55"), not arrows or signs; a list is numbered lines.
Emphasis is shown as the text itself (a ``Styled`` string is a ``str``). The renderers return ``Block``s, and the
``Writer`` decides the layout: by default each paragraph is one line (the terminal or the reader wraps it); with a
width, paragraphs are wrapped there, list items with a hanging indent under their own text, never splitting a word
or a hyphenated name ("al-Joura").
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import IO, TYPE_CHECKING, NamedTuple

from ..engine import ChoiceView, Game, NameChange, Story, TrustChange
from ..session import Session, Step
from .commands import COMMANDS, START, Item, available
from .words import change, count, duration, line, listing, sentence, when

if TYPE_CHECKING:  # the saves package is imported when plain play opens the saves folder
    from ..saves import SaveInfo


class Block(NamedTuple):
    """One paragraph of output. ``marker`` ("1. ") starts a list item, whose wrapped lines hang under its text;
    ``indent`` sets a paragraph under a list item's text when wrapping. An empty block is a blank line."""

    text: str = ""
    marker: str = ""
    indent: int = 0


BLANK = Block()


class Writer:
    """Writes blocks to a stream, wrapped at ``width`` columns, or not wrapped at all when ``width`` is 0."""

    def __init__(self, out: IO[str] | None = None, width: int = 0) -> None:
        self._out = out
        self.width = width

    @property
    def out(self) -> IO[str]:
        # Looked up on every write: the CLI may have replaced sys.stdout (a closed stream, a non-UTF-8 locale).
        return self._out if self._out is not None else sys.stdout

    def layout(self, block: Block) -> str:
        """A block as the lines it prints (without the final newline)."""
        if not block.text:
            return ""
        first = " " * block.indent + block.marker
        if not self.width:
            return block.marker + block.text
        import textwrap  # only when wrapping, which is not the default

        return textwrap.fill(
            block.text,
            self.width,
            initial_indent=first,
            subsequent_indent=" " * len(first),
            break_long_words=False,
            break_on_hyphens=False,
        )

    def write(self, text: str) -> None:
        """Write text as it is. A character the output's encoding lacks is replaced, never an exception (the CLI
        normally spells it in ASCII first; this is the safety net for a stream it did not prepare)."""
        out = self.out
        try:
            out.write(text)
        except UnicodeEncodeError:
            encoding = getattr(out, "encoding", None) or "ascii"
            out.write(text.encode(encoding, "replace").decode(encoding, "replace"))

    def blocks(self, blocks: Iterable[Block]) -> None:
        self.write("".join(self.layout(b) + "\n" for b in blocks))

    def say(self, *texts: str) -> None:
        """Each text as a paragraph."""
        self.blocks(Block(t) for t in texts)

    def flush(self) -> None:
        self.out.flush()


# ------------------------------------------------------------------------------------------------ scenes


def heading(game: Game, *, chapter: bool) -> list[Block]:
    """The scene's heading as sentences: ``Chapter 1: The Gate. At the Gate.`` (the chapter when asked), then the
    place and date on their own line."""
    header = game.header()
    title = sentence(header.title)
    found = game.story.chapters.get(game.scene.chapter)
    if chapter and found is not None:
        title = f"Chapter {found.order}: {sentence(header.chapter)} {title}".strip()
    blocks = [Block(title)]
    where = ", ".join(part for part in (line(header.place), line(header.date)) if part)
    if where:
        blocks.append(Block(sentence(where)))
    return blocks


def paragraphs(texts: Iterable[str]) -> list[Block]:
    """Story paragraphs, with a blank line between them."""
    out: list[Block] = []
    for text in texts:
        shown = line(text)
        if shown:
            out += [BLANK, Block(shown)] if out else [Block(shown)]
    return out


def choice_blocks(views: list[ChoiceView]) -> list[Block]:
    """The numbered choices; one that cannot be taken says why."""
    if not views:
        return [Block("There are no choices here. Type undo to go back, or quit.")]
    out: list[Block] = []
    for view in views:
        label = line(view.label)
        if not view.enabled:
            reason = sentence(view.reason) or "It cannot be taken now."
            label = f"{sentence(label)} Unavailable: {reason}"
        out.append(Block(label, f"{view.number}. "))
    return out


def scene_blocks(game: Game, *, chapter: bool) -> list[Block]:
    """Everything a player reads in a scene: heading, text and (unless it is an ending) the choices."""
    blocks = [*heading(game, chapter=chapter), BLANK, *paragraphs(game.text())]
    if game.ending is None:
        blocks += [BLANK, *choice_blocks(game.choices())]
    return blocks


# ------------------------------------------------------------------------------------------------ outcomes


def changes_line(game: Game, changes: Iterable[TrustChange]) -> str:
    """The trust a choice moved, in one line of words ("" when nothing moved)."""
    parts = [f"{line(game.faction_name(c.faction))} {change(c.delta, c.after)}" for c in changes]
    return f"Trust: {'; '.join(parts)}." if parts else ""


def names_line(names: Iterable[NameChange]) -> str:
    """Factions renamed by a choice, in one line ("" when none was)."""
    parts = [f"{line(n.before)} are now called {sentence(n.after)}" for n in names]
    return " ".join(parts)


def outcome_blocks(game: Game, step: Step) -> list[Block]:
    """What a choice did, before the next scene: the choice as taken, its result, the trust and names it changed."""
    blocks = [Block(f"You chose: {sentence(step.choice_label)}")]
    if step.result:
        blocks += [BLANK, *paragraphs(step.result)]
    moved = [text for text in (changes_line(game, step.changes), names_line(step.names)) if text]
    if moved:
        blocks += [BLANK, Block(" ".join(moved))]
    return blocks


# ------------------------------------------------------------------------------------------------- trust


def _range(low: int, high: int) -> str:
    return f"from {low} to {high}"


def trust_blocks(session: Session) -> list[Block]:
    """Every faction: its name now, its trust, the last choice's change to it, and who they are."""
    game, story = session.game, session.story
    factions = list(story.factions.values())
    if not factions:
        return [Block("This story has no factions.")]
    ranges = {(f.low, f.high) for f in factions}
    shared = len(ranges) == 1
    last = {c.faction: c for c in session.steps[-1].changes} if session.steps else {}
    blocks = [Block(f"Trust runs {_range(*next(iter(ranges)))}." if shared else "Trust:")]
    for faction in factions:
        value = session.game.state.values[faction.slot]
        text = f"{line(game.faction_name(faction.id))}: {value}"
        if not shared:
            text += f" (of {_range(faction.low, faction.high)})"
        moved = last.get(faction.id)
        if moved is not None:
            text += f", {'up' if moved.delta > 0 else 'down'} {abs(moved.delta)} at your last choice"
        about = sentence(game.render(faction.description))
        blocks.append(Block(f"{text}. {about}".strip()))
    return blocks


def history(session: Session) -> dict[str, list[tuple[int, int]]]:
    """Per faction, (choice number, trust after it) each time it changed, after its value at the first choice
    the journal holds (number 0 at the start of the game)."""
    game = session.game
    skipped = game.turn - len(session.steps)
    if session.steps:
        first = session.steps[0]
        moved = {c.faction: c.before for c in first.changes}
        start = {fid: moved.get(fid, value) for fid, value in first.trust_after.items()}
    else:
        start = game.trust()
    series = {fid: [(skipped, value)] for fid, value in start.items()}
    for number, step in enumerate(session.steps, skipped + 1):
        for c in step.changes:
            series.setdefault(c.faction, [(skipped, c.before)]).append((number, c.after))
    return series


def _over_time(points: list[tuple[int, int]]) -> str:
    (n0, v0), *later = points
    start = "at the start" if n0 == 0 else f"after choice {n0}"
    if not later:
        return f"{v0} {start}, unchanged since"
    said = [f"{v0} {start}"] + [f"{v} after choice {n}" for n, v in later]
    return ", ".join(said)


def journal_blocks(session: Session, last: int | None = None) -> list[Block]:
    """The choices taken (the last ``last`` of them, when given), each with its result and the trust it moved;
    where the player is now; and each faction's trust over time."""
    game, steps = session.game, session.steps
    skipped = game.turn - len(steps)
    shown = steps if last is None else steps[max(0, len(steps) - last) :]
    first = skipped + len(steps) - len(shown) + 1
    if not steps:
        head = "Journal: no choices taken yet." if not skipped else "Journal:"
    elif len(shown) < len(steps):
        head = f"Journal: the last {count(len(shown), 'choice')} of {game.turn}."
    else:
        head = f"Journal: {count(game.turn, 'choice')}."
    blocks = [Block(head)]
    if skipped:
        before = "Your first choice was" if skipped == 1 else f"Your first {skipped} choices were"
        blocks.append(
            Block(f"{before} made before the story changed under your save; the journal starts after that.")
        )
    for number, step in enumerate(shown, first):
        marker = f"{number}. "
        text = f"{sentence(step.title)} {sentence(step.choice_label)}"
        moved = [t for t in (changes_line(game, step.changes), names_line(step.names)) if t]
        blocks.append(Block(" ".join([text, *moved]), marker))
        blocks += [Block(line(p), indent=len(marker)) for p in step.result if line(p)]
    here = "The end" if game.ending is not None else "Now"
    blocks.append(Block(f"{here}: {sentence(game.header().title)}"))
    series = history(session) if steps else {}
    if series:
        blocks += [BLANK, Block("Trust over time:")]
        for fid, points in series.items():
            blocks.append(Block(f"{line(game.faction_name(fid))}: {_over_time(points)}."))
    return blocks


def final_trust(session: Session) -> list[Block]:
    """The trust at an ending, with each faction's change over the whole game."""
    series = history(session)
    game = session.game
    blocks = [Block("Final trust:")]
    for fid, value in game.trust().items():
        start = series.get(fid, [(0, value)])[0][1]
        total = value - start
        moved = "unchanged" if not total else f"{'up' if total > 0 else 'down'} {abs(total)}"
        since = "from the start" if game.turn == len(session.steps) else "since the journal began"
        if total:
            moved += f" {since}"
        blocks.append(Block(f"{line(game.faction_name(fid))}: {value}, {moved}."))
    return blocks


def ending_blocks(session: Session, discovered: int | None, total: int, new: bool) -> list[Block]:
    """After the ending's scene: its title, the final trust and how many endings have been found."""
    game = session.game
    blocks = [Block(f"The end: {sentence(game.ending_title())}"), BLANK, *final_trust(session), BLANK]
    if discovered is not None:
        found = f"Endings discovered: {discovered} of {total}"
        blocks.append(Block(found + ("; this one is new." if new else ".")))
    made = count(game.turn, "choice")
    blocks.append(Block(f"You made {made}."))
    return blocks


# ------------------------------------------------------------------------------------------------- about


def about_blocks(story: Story, render: Callable[[str], str]) -> list[Block]:
    """The story's title, its own content note and credits, and its size."""
    stats = story.stats()
    blocks = [Block(sentence(render(story.title)))]
    if story.notice:
        blocks.append(Block(f"Content note: {sentence(render(story.notice))}"))
    if story.credits:
        blocks.append(Block(f"Credits: {sentence(render(story.credits))}"))
    sizes = [count(stats["scenes"], "scene"), count(stats["endings"], "ending"), count(stats["factions"], "faction")]
    blocks.append(Block(f"This story has {listing(sizes)}."))
    return blocks


# ------------------------------------------------------------------------------------------- menus, help


def menu_blocks(items: Iterable[Item]) -> list[Block]:
    """Numbered menu entries (the start menu, what to do after an ending)."""
    return [Block(item.label, f"{item.number}. ") for item in items]


def help_blocks(context: str, author: bool) -> list[Block]:
    """Every command that does something here, with its other words and what it does."""
    blocks = [
        Block(
            "Type the number of a choice, or its first words, and press Enter. These commands work too:"
            if context != START
            else "Type the number of an entry, or a word, and press Enter. These commands work here:"
        )
    ]
    for command in COMMANDS:
        if not available(command, context, author):
            continue
        also = f" (or {', '.join(command.synonyms)})" if command.synonyms else ""
        blocks.append(Block(f"{command.usage}{also}: {command.does}."))
    if context != START:
        blocks.append(Block("Your game is saved after every choice: quit at any time, and choose Continue next time."))
    return blocks


# ------------------------------------------------------------------------------------------------- saves


def save_line(info: SaveInfo) -> str:
    """A save as one sentence: its name, where it is, how far and when ("autosave: The Gate, At the Gate; ...")."""
    where = ", ".join(part for part in (line(info.chapter), line(info.scene_title)) if part)
    return (
        f"{line(info.slot)}: {where}; {count(info.turn, 'choice')}, {duration(info.play_seconds)} played; "
        f"saved {when(info.saved_at)}."
    )


def saves_blocks(infos: list[SaveInfo], story_id: str) -> tuple[list[Block], list[SaveInfo]]:
    """The saves of this story, numbered newest first, and a word about the other files in the folder. Returns the
    blocks and the numbered saves (what ``load 2`` means)."""
    mine = [i for i in infos if i.error is None and i.story_id == story_id]
    blocks = [Block("Your saved games, newest first:")] if mine else [Block("You have no saved games yet.")]
    blocks += [Block(save_line(info), f"{n}. ") for n, info in enumerate(mine, 1)]
    others = sum(1 for i in infos if i.error is None and i.story_id != story_id)
    if others:
        blocks.append(Block(f"The folder also holds {count(others, 'save')} of other stories."))
    for info in infos:
        if info.error is not None:
            blocks.append(Block(f"The file {line(info.path.name)} could not be read: {sentence(info.error)}"))
    return blocks, mine
