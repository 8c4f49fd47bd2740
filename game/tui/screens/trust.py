"""Trust in full: every faction, and for the one picked its description, its trust now, every change to it in
this game, and (with stakes shown) the levels where the story turns ahead. Reached with t, or by clicking a meter;
on narrow screens this is where the folded sidebar opens."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ...session import Session
from ..text import MUTED, delta_content, faction_namer, line, plain, rendered, sparkline, story_title
from ..widgets.bars import KeyBar, NoticeBar, TitleBar
from ..widgets.hanging import Hanging, Row, wrapped


def _words(levels: tuple[int, ...]) -> str:
    shown = [str(x) for x in levels]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def faction_details(session: Session, fid: str, levels: tuple[int, ...] | None) -> Content | Hanging:
    """The faction ``fid``: name, trust, description, the levels ahead (``levels``; None when stakes are hidden)
    and its history (every choice that moved it, numbered as in the journal)."""
    story = session.story
    faction = story.factions[fid]
    name_of = faction_namer(story, session.game.faction_name)
    value = session.game.trust()[fid]
    name = line(name_of(fid))
    head: list[Content] = [Content.styled(name, "bold $text-accent")]
    if name != line(faction.name):
        head.append(Content.styled(f"(at first: {line(faction.name)})", f"italic {MUTED}"))
    head.append(Content.assemble("Trust now: ", (str(value), "bold"), f"  (from {faction.low} to {faction.high})"))
    head.append(Content(""))
    head.append(plain(faction.description))
    head.append(Content(""))
    if levels is None:
        head.append(Content.styled("Press s to see the levels where the story turns ahead.", f"italic {MUTED}"))
    elif levels:
        head.append(Content.assemble(("The story turns ahead at ", "bold"), (_words(levels), "bold $text-warning"), "."))
    else:
        head.append(Content.styled("Nothing ahead turns on this faction's trust any more.", "italic"))
    series = session.trust_series().get(fid, [value])
    head.append(Content(""))
    head.append(Content.assemble(("History  ", "bold"), (sparkline(series, faction.low, faction.high, 40), "$text-accent")))
    rows = [Row(0, Content(""), Content("\n").join(head))]
    first = len(session.restored_log)
    if first:
        rows.append(Row(0, Content(""), Content.styled(f"Restored from a snapshot after {first} choices; earlier changes are not known.", f"italic {MUTED}")))
    moved = False
    for i, step in enumerate(session.steps):
        for change in step.changes:
            if change.faction == fid:
                moved = True
                number = Content.styled(f"{first + i + 1}. ", "bold")
                body = Content.assemble(
                    rendered(step.title, "bold", one_line=True),
                    " \u2192 ",
                    rendered(step.choice_label, one_line=True),
                    "  ",
                    delta_content(change.delta),
                    (f" (now {change.after})", MUTED),
                )
                rows.append(Row(0, number, body))
    if not moved:
        rows.append(Row(0, Content(""), Content.styled("No choice has moved it yet.", "italic")))
    return Hanging(rows)


class TrustScreen(Screen[None]):
    """The factions on the left; the picked one's details on the right."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,t", "close", "Back"),
        Binding("s", "stakes", "Stakes"),
    ]

    def __init__(
        self,
        session: Session,
        levels: Callable[[], Mapping[str, tuple[int, ...]] | None],
        faction: str | None = None,
    ) -> None:
        """``levels`` gives the levels where the story turns ahead, by faction (None while stakes are hidden)."""
        super().__init__()
        self.session = session
        self.levels_of = levels
        self.levels = levels()
        self.faction = faction

    def compose(self) -> ComposeResult:
        yield TitleBar(id="title-bar")
        with Horizontal(id="trust-panes"):
            yield OptionList(id="trust-factions", markup=False)
            with VerticalScroll(id="trust-detail-scroll"):
                yield Static("", id="trust-detail")
        yield NoticeBar(id="notices")
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        session = self.session
        self.query_one(TitleBar).show(story_title(session.story), "Trust")
        name_of = faction_namer(session.story, session.game.faction_name)
        trust = session.game.trust()
        options = self.query_one("#trust-factions", OptionList)
        options.set_options(
            Option(wrapped(Content.assemble(line(name_of(fid)), " ", (str(trust[fid]), "bold"))), id=fid)
            for fid in session.story.factions
        )
        if session.story.factions:
            ids = list(session.story.factions)
            options.highlighted = ids.index(self.faction) if self.faction in ids else 0
        options.focus()

    @on(OptionList.OptionHighlighted, "#trust-factions")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        fid = event.option_id or ""
        if fid in self.session.story.factions:
            self.faction = fid
            levels = None if self.levels is None else self.levels.get(fid, ())
            self.query_one("#trust-detail", Static).update(faction_details(self.session, fid, levels))

    async def action_stakes(self) -> None:
        await self.run_action("app.toggle_stakes")
        self.levels = self.levels_of()
        if self.faction is not None:
            levels = None if self.levels is None else self.levels.get(self.faction, ())
            self.query_one("#trust-detail", Static).update(faction_details(self.session, self.faction, levels))

    @property
    def text(self) -> str:
        """The details shown, as plain text (tests)."""
        visual = self.query_one("#trust-detail", Static).visual
        if isinstance(visual, Hanging):
            return "\n".join(f"{p.plain}{b.plain}" for _m, p, b in visual.rows)
        return str(getattr(visual, "plain", ""))

    def action_close(self) -> None:
        self.dismiss(None)
