"""The main screen: the story pane and its choices on the left, faction trust and the map on the right."""

from __future__ import annotations

from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList

from ...engine import ChoiceError, ChoiceView, Outcome
from ...session import Session
from ..text import chapter_label, line
from ..widgets.sidebar.region_map import RegionMap
from ..widgets.sidebar.trust import TrustPanel
from ..widgets.story.choices import ENDING_OPTION, ChoiceList
from ..widgets.story.scene import StoryView

# Below this height the map drawing gives way to its one-line "Here:" so the meters stay whole.
MAP_MIN_HEIGHT = 30


class GameScreen(Screen[None]):
    """Plays a ``Session``. Reports upward with messages; the app autosaves, records endings and opens screens."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "choose_number(1)", "Choose", key_display="1-9"),
        *[Binding(str(n), f"choose_number({n})", f"Choice {n}", show=False) for n in range(2, 10)],
        Binding("ctrl+z", "undo", "Undo"),
        Binding("j", "app.journal", "Journal"),
        Binding("ctrl+s", "app.save", "Save"),
        Binding("ctrl+o", "app.load", "Load", show=False),
        Binding("g", "app.glossary", "Glossary"),
        Binding("f5,ctrl+r", "reload", "Reload"),
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

    def __init__(self, session: Session, *, author_mode: bool = False, flash_seconds: float = 1.5) -> None:
        super().__init__()
        self.session = session
        self.author_mode = author_mode
        self.flash_seconds = flash_seconds
        self._could_undo: bool | None = None

    # ----------------------------------------------------------------------------- building

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="main"):
            with Vertical(id="story-column"):
                yield StoryView(id="story")
                yield ChoiceList(id="choices")
            with VerticalScroll(id="sidebar"):
                yield TrustPanel(list(self.session.story.factions.values()), id="trust")
                yield RegionMap(self.session.story, id="map")
        # Compact: at 80 columns every key shown still fits beside the command palette's hint.
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.show_session(self.session)

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.height < MAP_MIN_HEIGHT, "-short")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reload":
            return self.author_mode
        if action == "undo":
            return True if self.session.can_undo else None
        return True

    # ----------------------------------------------------------------------------- showing

    def show_session(self, session: Session) -> None:
        """Show ``session`` from scratch (new, loaded, undone or reloaded): transcript, choices, trust, map."""
        self.session = session
        self.query_one(StoryView).show(session)
        self._show_scene(flash=frozenset())

    def _show_scene(self, flash: frozenset[str]) -> None:
        session = self.session
        scene = session.scene
        self.title = line(session.story.title)
        self.sub_title = chapter_label(session.story, scene.chapter)
        choices = self.query_one(ChoiceList)
        ending = session.game.ending
        if ending is not None:
            choices.set_ending(ending.title)
        else:
            choices.set_choices(session.game.choices())
        self.query_one(TrustPanel).show(session, flash, self.flash_seconds)
        self.query_one(RegionMap).mark(session.story, scene.location)
        if self.focused is not choices:
            choices.focus()
        # Only when Undo becomes (un)available: refreshing bindings rebuilds the footer, which is not free.
        if session.can_undo != self._could_undo:
            self._could_undo = session.can_undo
            self.refresh_bindings()

    # ----------------------------------------------------------------------------- playing

    def action_choose_number(self, number: int) -> None:
        choices = self.query_one(ChoiceList)
        if not choices.views:
            if self.session.game.ending is not None:
                self.post_message(self.EndingRequested())
            return
        view = choices.view_for_number(number)
        if view is None:
            self.app.bell()
            return
        self.take(view)

    @on(OptionList.OptionSelected, "#choices")
    def _option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_id == ENDING_OPTION:
            self.post_message(self.EndingRequested())
            return
        view = next((v for v in self.query_one(ChoiceList).views if v.id == event.option_id), None)
        if view is not None:
            self.take(view)

    def take(self, view: ChoiceView) -> None:
        """Take a choice the player picked; a disabled one only says why it is unavailable."""
        if not view.enabled:
            self.notify(f"That choice is unavailable: {line(view.reason)}", severity="warning", markup=False)
            return
        try:
            step, outcome = self.session.choose(view.id)
        except ChoiceError as exc:  # the views come from the same state, so this is only a safety net
            self.notify(line(str(exc)), severity="error", markup=False)
            return
        # One batch: the transcript, choices, meters and map change in a single frame, not one frame each.
        with self.app.batch_update():
            self.query_one(StoryView).advance(self.session, step)
            self._show_scene(flash=frozenset(c.faction for c in step.changes))
        self.post_message(self.ChoiceTaken(outcome))

    def action_undo(self) -> None:
        if not self.session.undo():
            self.notify("Nothing to undo yet.", markup=False)
            return
        self.show_session(self.session)
        self.notify("Undid the last choice.", markup=False, timeout=2)
        self.post_message(self.Undone())

    def action_reload(self) -> None:
        self.post_message(self.ReloadRequested())

    def action_page_story(self, direction: int) -> None:
        pane = self.query_one(StoryView)
        if direction < 0:
            pane.scroll_page_up(animate=False)
        else:
            pane.scroll_page_down(animate=False)
