"""The main screen: the story pane and its choices on the left, faction trust and the map on the right.

The layout adapts to the terminal: below ``WIDE`` columns the sidebar folds into a one-line trust strip above the
story (t shows every faction in full), the story text keeps a readable measure however wide the screen (the
column is centred, see app.tcss), and the map gives way to its one-line "Here:" below ``MAP_MIN_HEIGHT`` rows.

One ``GameScreen`` serves the whole session: a new game, a load or an undo shows another ``Session`` on the same
widgets, so nothing is mounted per scene or per game.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen

from ...engine import ChoiceError, ChoiceView, Outcome
from ...session import Session, Step

if TYPE_CHECKING:
    from ...tools.stakes import Crossing
from ..text import chapter_label, faction_namer, line, story_title
from ..widgets.bars import KeyBar, NoticeBar, TitleBar
from ..widgets.sidebar.region_map import RegionMap
from ..widgets.sidebar.trust import TrustMeter, TrustPanel, TrustStrip
from ..widgets.story.choices import ChoiceList
from ..widgets.story.scene import StoryView

# Below this height the map drawing gives way to its one-line "Here:" so the meters stay whole.
MAP_MIN_HEIGHT = 30
# Below this width the sidebar folds into the one-line trust strip: the story keeps at least ~66 columns.
WIDE = 100

Levels = Mapping[str, tuple[int, ...]]
# The levels where the story turns ahead of a scene, by faction; None when the player keeps stakes hidden.
StakesSource = Callable[[str], Levels | None]
Crossings = Callable[[str, dict[str, int], dict[str, int]], "list[Crossing]"]


class GameScreen(Screen[None]):
    """Plays a ``Session``. Reports upward with messages; the app autosaves, records endings and opens screens."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "choose_number(1)", "Choose", key_display="1-9"),
        *[Binding(str(n), f"choose_number({n})", f"Choice {n}", show=False) for n in range(2, 10)],
        # At an ending, Enter (on the one entry) opens the ending screen; "e" too, so the key bar can show it.
        Binding("e", "ending", "See the ending", key_display="Enter"),
        Binding("ctrl+z", "undo", "Undo"),
        Binding("j", "app.journal", "Journal"),
        Binding("t", "trust", "Trust"),
        Binding("g", "app.glossary", "Glossary"),
        Binding("ctrl+s", "app.save", "Save"),
        Binding("s", "app.toggle_stakes", "Stakes", show=False),
        Binding("ctrl+o", "app.load", "Load", show=False),
        Binding("f5,ctrl+r", "reload", "Reload", show=False),
        Binding("question_mark,f1", "app.help", "Help", key_display="?"),
        Binding("escape", "app.title", "Menu", show=False),
        # Page the story even while the choices have focus (the choice list would take these keys otherwise).
        Binding("pageup", "page_story(-1)", "Scroll up", show=False, priority=True),
        Binding("pagedown", "page_story(1)", "Scroll down", show=False, priority=True),
    ]

    class ChoiceTaken(Message):
        """A choice was taken (the app autosaves, and shows the ending if there is one)."""

        def __init__(self, outcome: Outcome) -> None:
            super().__init__()
            self.outcome = outcome

    class Undone(Message):
        """The last choice was undone (the app autosaves)."""

    class EndingRequested(Message):
        """The player asked to see the ending screen again."""

    class ReloadRequested(Message):
        """Author mode: reload the scenes from disk."""

    class TrustRequested(Message):
        """The player asked for the factions in full (``faction``: the one to show first)."""

        def __init__(self, faction: str | None) -> None:
            super().__init__()
            self.faction = faction

    def __init__(
        self,
        session: Session,
        *,
        author_mode: bool = False,
        flash_seconds: float = 1.5,
        stakes: StakesSource = lambda _scene: None,
        crossings: Crossings | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.author_mode = author_mode
        self.flash_seconds = flash_seconds
        self.stakes = stakes
        self.crossings = crossings
        self._keys_state: tuple[bool, bool] | None = None
        self._factions = tuple(session.story.factions)

    # ----------------------------------------------------------------------------- building

    def compose(self) -> ComposeResult:
        yield TitleBar(id="title-bar")
        with Horizontal(id="main"):
            with Vertical(id="story-column"):
                yield TrustStrip(id="trust-strip")
                yield StoryView(id="story")
                yield NoticeBar(id="notices")
                yield ChoiceList(id="choices")
            with VerticalScroll(id="sidebar"):
                yield TrustPanel(list(self.session.story.factions.values()), id="trust")
                yield RegionMap(self.session.story, id="map")
        yield KeyBar(id="keys")

    async def on_mount(self) -> None:
        self._fit(self.app.size.width, self.app.size.height)
        await self.show_session(self.session)

    # Play time counts only while the story is on screen (not the title, a menu or the ending).
    def on_screen_resume(self) -> None:
        self.session.start_clock()

    def on_screen_suspend(self) -> None:
        self.session.stop_clock()

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size.width, event.size.height)

    def _fit(self, width: int, height: int) -> None:
        self.set_class(height < MAP_MIN_HEIGHT, "-short")
        self.set_class(width < WIDE, "-narrow")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        ended = self.session.game.ending is not None
        if action == "reload":
            return self.author_mode
        if action == "undo":
            return True if self.session.can_undo else None
        if action == "choose_number":
            return not ended  # at an ending only Enter (the one entry) means something
        if action == "ending":
            return ended
        return True

    # ----------------------------------------------------------------------------- showing

    async def show_session(self, session: Session) -> None:
        """Show ``session`` from scratch (new, loaded, undone or reloaded): transcript, choices, trust, map."""
        if tuple(session.story.factions) != self._factions:
            # A reloaded story with other factions: the meters are rebuilt (the one time widgets are made here).
            self._factions = tuple(session.story.factions)
            panel = self.query_one(TrustPanel)
            panel.factions = list(session.story.factions.values())
            await panel.recompose()
        self.session = session
        self.query_one(RegionMap).story = session.story
        self.query_one(NoticeBar).clear()
        self.query_one(StoryView).show(session, self._notes(session.steps[-1]) if session.steps else ())
        self._show_scene(flash=frozenset())

    def _levels(self) -> Levels | None:
        return self.stakes(self.session.scene.id)

    def _show_scene(self, flash: frozenset[str]) -> None:
        session = self.session
        scene = session.scene
        header = session.game.header()
        self.query_one(TitleBar).show(story_title(session.story), chapter_label(session.story, scene.chapter, header.chapter))
        choices = self.query_one(ChoiceList)
        if session.game.ending is not None:
            choices.set_ending(session.game.ending_title())
        else:
            choices.set_choices(session.game.choices())
        self.query_one(TrustPanel).show(session, flash, self.flash_seconds, self._levels())
        self.query_one(TrustStrip).show(session)
        self.query_one(RegionMap).mark(session.story, scene.location)
        if self.focused is not choices:
            choices.focus()
        # Only when the keys change (undo becomes (un)available, the story ends): the key bar redraws.
        state = (session.can_undo, session.game.ending is not None)
        if state != self._keys_state:
            self._keys_state = state
            self.refresh_bindings()

    def refresh_stakes(self) -> None:
        """The player showed or hid the stakes: redraw the meters (and the notes under the last choice)."""
        self.query_one(TrustPanel).show(self.session, frozenset(), self.flash_seconds, self._levels())
        self.query_one(StoryView).show(self.session, self._notes(self.session.steps[-1]) if self.session.steps else ())

    def _notes(self, step: Step) -> list[Content]:
        """A line for every level where the story turns that ``step`` moved a meter across (stakes shown only)."""
        if self.crossings is None or self.stakes(step.scene_id) is None:
            return []
        before = {c.faction: c.before for c in step.changes}
        after = {c.faction: c.after for c in step.changes}
        name_of = faction_namer(self.session.story, self.session.game.faction_name)
        notes: list[Content] = []
        for fid, level, rose in self.crossings(step.scene_id, before, after):
            what = f"rose to {level} or more" if rose else f"fell below {level}"
            notes.append(
                Content.assemble(
                    ("\u2691 ", "bold $text-warning"),
                    (line(name_of(fid)), "bold"),
                    f" {what}: the story turns there.",
                )
            )
        return notes

    # ----------------------------------------------------------------------------- playing

    def action_choose_number(self, number: int) -> None:
        choices = self.query_one(ChoiceList)
        view = choices.view_for_number(number)
        if view is None:
            self.app.bell()
            return
        self.take(view)

    def action_ending(self) -> None:
        if self.session.game.ending is not None:
            self.post_message(self.EndingRequested())

    @on(ChoiceList.Chosen)
    def _chosen(self, event: ChoiceList.Chosen) -> None:
        event.stop()
        self.take(event.view)

    @on(ChoiceList.EndingChosen)
    def _ending_chosen(self, event: ChoiceList.EndingChosen) -> None:
        event.stop()
        self.post_message(self.EndingRequested())

    def take(self, view: ChoiceView) -> None:
        """Take a choice the player picked; a disabled one only says why it is unavailable."""
        if not view.enabled:
            self.app.notify(f"That choice is unavailable: {line(view.reason)}", severity="warning", markup=False)
            return
        try:
            step, outcome = self.session.choose(view.id)
        except ChoiceError as exc:  # the views come from the same state, so this is only a safety net
            self.app.notify(line(str(exc)), severity="error", markup=False)
            return
        # One batch: the transcript, choices, meters and map change in a single frame, not one frame each.
        with self.app.batch_update():
            self.query_one(NoticeBar).clear()
            self.query_one(StoryView).advance(self.session, self._notes(step))
            self._show_scene(flash=frozenset(c.faction for c in step.changes))
        self.post_message(self.ChoiceTaken(outcome))

    async def action_undo(self) -> None:
        if not self.session.undo():
            self.app.notify("Nothing to undo yet.", markup=False)
            return
        await self.show_session(self.session)
        self.app.notify("Undid the last choice.", markup=False, timeout=2)
        self.post_message(self.Undone())

    def action_reload(self) -> None:
        self.post_message(self.ReloadRequested())

    def action_trust(self) -> None:
        self.post_message(self.TrustRequested(None))

    @on(TrustMeter.Picked)
    def _meter_picked(self, event: TrustMeter.Picked) -> None:
        event.stop()
        self.post_message(self.TrustRequested(event.faction))

    def action_page_story(self, direction: int) -> None:
        pane = self.query_one(StoryView)
        if direction < 0:
            pane.scroll_page_up(animate=False)
        else:
            pane.scroll_page_down(animate=False)
