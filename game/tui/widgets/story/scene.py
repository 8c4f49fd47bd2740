"""The story pane: the current scene under a dimmed transcript of earlier ones, in one scrolling view.

Each block is one scene as it was read: what the choice before it did (the choice, its result in a line or two of
story, the trust it moved), then the scene's heading and text. The current block is drawn in full colour and
scrolled to the top of the pane; earlier blocks are dimmed above it.

The pane is a line-based ``ScrollView``: every block is wrapped once per width and cached as strips, and only the
visible lines are drawn. Taking a choice adds a block and scrolls in the same call, so the new scene is on screen
in the very next frame with no widgets mounted, and a long transcript costs no more to draw than a short one.
Resizing re-wraps every block.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field

from textual import events
from textual.content import Content
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.visual import Visual

from ....engine import Header
from ....session import Session, Step
from ...text import MUTED, changes_content, chapter_label, faction_namer, rendered

# Earlier scenes kept in the pane (the journal has them all): bounds re-wrapping on resize.
MAX_TRANSCRIPT = 30
# Blocks whose wrapped lines stay cached; the others keep only their height and are re-wrapped when scrolled to.
CACHED_BLOCKS = 6


def scene_header(session: Session, chapter_id: str, header: Header) -> Content:
    """Title on one line; chapter, place and date on the next (all as the story renders them)."""
    where: list[Content] = []
    if chapter_id:
        where.append(Content(chapter_label(session.story, chapter_id, header.chapter)))
    where.extend(rendered(x, one_line=True) for x in (header.place, header.date) if x)
    head = rendered(header.title, "bold $text-accent", one_line=True)
    if where:
        head = Content.assemble(head, "\n", Content(" \u00b7 ").join(where).stylize_before(f"italic {MUTED}"))
    return head


def scene_body(paragraphs: Sequence[str]) -> Content:
    """Paragraphs separated by a blank line; each re-wraps to the pane's width, its emphasis in italics."""
    return Content("\n\n").join(rendered(p) for p in paragraphs)


def aftermath(session: Session, step: Step, notes: Sequence[Content] = ()) -> Content:
    """What a choice did, as the story tells it: the choice, its result, the trust it moved, renamed factions,
    and ``notes`` (the levels it crossed, from the screen)."""
    name_of = faction_namer(session.story, session.game.faction_name)
    rows: list[Content] = [
        Content.assemble(("\u2192 You chose: ", "bold"), rendered(step.choice_label, "bold", one_line=True))
    ]
    rows.extend(rendered(p) for p in step.result)
    moved = changes_content(name_of, step.changes)
    if moved:
        rows.append(moved)
    for change in step.names:
        rows.append(
            Content.assemble(
                ("\u21bb ", "bold $text-primary"),
                rendered(change.before, one_line=True),
                " are now called ",
                rendered(change.after, "bold", one_line=True),
                ".",
            )
        )
    rows.extend(notes)
    return Content("\n").join(rows)


def _scene_of(session: Session, scene_id: str) -> str:
    scene = session.story.scenes.get(scene_id)
    return scene.chapter if scene is not None else ""


def current_content(session: Session, notes: Sequence[Content] = ()) -> Content:
    """The scene being played, after what the last choice did."""
    scene = session.scene
    body = Content.assemble(scene_header(session, scene.chapter, session.game.header()), "\n\n", scene_body(session.game.text()))
    if session.steps:
        return Content.assemble(aftermath(session, session.steps[-1], notes), "\n\n", body)
    return body


def past_content(session: Session, index: int, *, ansi: bool = False) -> Content:
    """Step ``index``'s scene as it was read (after what the step before it did), dimmed as a whole (``ansi``: in a
    theme of the terminal's own colours, where only the terminal's "dim" can make text fainter)."""
    step = session.steps[index]
    header = step.header or Header(step.title, "", "", "")
    body = Content.assemble(scene_header(session, _scene_of(session, step.scene_id), header), "\n\n", scene_body(step.paragraphs))
    if index > 0:
        body = Content.assemble(aftermath(session, session.steps[index - 1]), "\n\n", body)
    # Dimmed as a whole (bold and the arrows stay), so the current scene stands out below it.
    return body.stylize(dim_style(ansi))


def dim_style(ansi: bool) -> str:
    """How the transcript is dimmed: blended toward the background, or (in a theme of the terminal's own colours,
    which cannot blend) with the terminal's "dim"."""
    return f"{MUTED} dim" if ansi else MUTED


@dataclass
class Block:
    """One scene in the pane: its height at one width, and (while cached) its wrapped lines."""

    content: Content
    past: bool
    width: int = -1
    height: int = 0
    strips: list[Strip] | None = field(default=None, repr=False)


class StoryView(ScrollView, can_focus=True):
    """Earlier scenes (dimmed) above the current one; the current scene's header is scrolled to the top."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.blocks: list[Block] = []
        self.dropped = 0  # earlier scenes no longer in the pane
        self._shown: tuple[Session, tuple[Content, ...]] | None = None  # to rebuild when the theme changes
        self._ansi = False
        self._note_strips: list[Strip] = []
        self._starts: list[int] = []
        self._cached: list[Block] = []
        self._width = 0
        self._scroll_to_current = False
        self._auto_y = -1  # where we last scrolled to ourselves (-1: the reader has scrolled since)

    # ------------------------------------------------------------------------------ content

    def show(self, session: Session, notes: Sequence[Content] = ()) -> None:
        """Rebuild from the session's history (new game, load, undo, reload); ``notes`` follow the last choice."""
        first = max(0, len(session.steps) - MAX_TRANSCRIPT)
        self._shown = (session, tuple(notes))
        self._ansi = self.app.native_ansi_color
        self.dropped = first + len(session.restored_log)
        self.blocks = [Block(past_content(session, i, ansi=self._ansi), True) for i in range(first, len(session.steps))]
        self.blocks.append(Block(current_content(session, notes), False))
        self._cached = []
        self._relayout(scroll_to_current=True)

    def advance(self, session: Session, notes: Sequence[Content] = ()) -> None:
        """A choice was just taken (the session's last step): the scene it was taken in becomes transcript, and the
        choice's aftermath (with ``notes``) and the next scene appear."""
        self._shown = (session, tuple(notes))
        if self.blocks and session.steps:
            # The scene just read becomes transcript: the same text, dimmed, so it wraps to the same lines. Its height
            # is kept and its lines are drawn again only if it is scrolled to (usually it is above the pane).
            read = self.blocks[-1]
            dimmed = read.content.stylize(dim_style(self._ansi))
            self.blocks[-1] = Block(dimmed, True, read.width, read.height) if read.width > 0 else Block(dimmed, True)
        self.blocks.append(Block(current_content(session, notes), False))
        excess = len(self.blocks) - 1 - MAX_TRANSCRIPT
        if excess > 0:
            del self.blocks[:excess]
            self.dropped += excess
        self._relayout(scroll_to_current=True)

    def block_texts(self) -> list[tuple[str, bool]]:
        """Each block's plain text and whether it is transcript (for tests and accessibility)."""
        return [(b.content.plain, b.past) for b in self.blocks]

    # ------------------------------------------------------------------------------ layout

    def _note(self) -> Content | None:
        if not self.dropped:
            return None
        return Content.styled(f"{self.dropped} earlier scenes are in the journal (j).", f"italic {MUTED}")

    def _relayout(self, *, scroll_to_current: bool = False) -> None:
        width = self.scrollable_content_region.width
        if scroll_to_current:
            self._scroll_to_current = True
        if width <= 0:  # not laid out yet: on_resize will do it
            return
        self._width = width
        note = self._note()
        self._note_strips = (
            Visual.to_strips(self, note, width, None, self.visual_style) if note is not None else []
        )
        total = len(self._note_strips) + (1 if note is not None else 0)
        starts: list[int] = []
        for block in self.blocks:
            if block.width != width:
                self._wrap(block, width)
            starts.append(total)
            total += block.height + 1  # a blank line after each scene
        self._starts = starts
        self.virtual_size = Size(width, total)
        if self._scroll_to_current and starts:
            self._scroll_to_current = False
            # The new scene's header at the top; the transcript stays just above it, a scroll away.
            self.scroll_to(y=starts[-1], animate=False, force=True, immediate=True)
            self._auto_y = int(self.scroll_y)
        self.refresh()

    def _wrap(self, block: Block, width: int) -> list[Strip]:
        strips = Visual.to_strips(self, block.content, width, None, self.visual_style)
        block.width, block.height, block.strips = width, len(strips), strips
        # Keep only the most recently wrapped blocks' lines: a long transcript then costs its heights, not its text.
        self._cached = [b for b in self._cached if b is not block and b.strips is not None] + [block]
        for old in self._cached[:-CACHED_BLOCKS]:
            old.strips = None
        self._cached = self._cached[-CACHED_BLOCKS:]
        return strips

    def on_resize(self, event: events.Resize) -> None:
        # Keep the reader's place. Not scrolled since the scene appeared: show the current scene again. Scrolled
        # back through the transcript: the block at the top of the pane stays at the top after re-wrapping.
        # (A smaller pane may already have clamped the position below where we put it: that still counts.)
        following = self._auto_y >= 0 and int(self.scroll_y) >= min(self._auto_y, self.max_scroll_y)
        top = self._block_at(int(self.scroll_y))
        if self.scrollable_content_region.width == self._width:
            # Only the height changed (the choices below grew or shrank): nothing to re-wrap.
            if following and self._starts:
                self.scroll_to(y=self._starts[-1], animate=False, force=True, immediate=True)
                self._auto_y = int(self.scroll_y)
            return
        self._relayout(scroll_to_current=following)
        if not following and top is not None and top < len(self._starts):
            self.scroll_to(y=self._starts[top], animate=False, force=True, immediate=True)

    def notify_style_update(self) -> None:
        # A theme change: the cached strips carry the old colours.
        super().notify_style_update()
        if self._shown is not None and self.is_attached and self.app.native_ansi_color != self._ansi:
            self.show(*self._shown)  # into or out of the terminal's own colours: dim the transcript the other way
            return
        for block in self.blocks:
            block.width = -1
        if self._width:
            self._relayout()

    def _block_at(self, y: int) -> int | None:
        found = None
        for i, start in enumerate(self._starts):
            if start <= y:
                found = i
        return found

    # ------------------------------------------------------------------------------ drawing

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        rich_style = self.rich_style
        strip: Strip | None = None
        if index < len(self._note_strips):
            strip = self._note_strips[index]
        elif self._starts and index >= self._starts[0]:
            i = bisect_right(self._starts, index) - 1
            block = self.blocks[i] if i < len(self.blocks) else None
            if block is not None and index - self._starts[i] < block.height:
                strips = block.strips if block.strips is not None and block.width == self._width else None
                if strips is None:
                    strips = self._wrap(block, self._width)
                strip = strips[index - self._starts[i]]
        if strip is None:
            return Strip.blank(width, rich_style)
        return strip.crop_extend(scroll_x, scroll_x + width, rich_style).apply_offsets(scroll_x, index)
