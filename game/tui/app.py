"""The Textual app: ``run_app`` starts the game at the title screen.

The app is the one coordinator: it owns the story, the saves folder, the player's profile and the session in
play. Screens render and ask; they report upward with messages or dismiss with a result, and the app does the
saving, loading, reloading and screen changes (the work of saving and loading is in ``saving.py``, of reloading in
``reload.py``). Only the engine's public API is used.

Start-up is lean: only Textual and the title screen are imported before the first frame. ``run_app`` passes no
story; the app loads it (engine, loader, saves) right after the first frame is on screen, before any key is
handled, and if it does not load the app closes at once and ``run_app`` prints every problem and returns 2, so a
broken story is never played.

A long session leaves nothing behind: the game, ending and journal screens are made once and shown again (each
new game, each ending), and notices go to a line of each screen rather than to new toast widgets.
"""

from __future__ import annotations

import random
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.notifications import SeverityLevel
from textual.screen import Screen

from . import saving
from .profile import Profile
from .screens.small import cover_if_too_small
from .screens.title import TitleScreen
from .stakes import StakesSetting
from .text import line, rendered_story_text, story_title
from .widgets.bars import NOTICE_SECONDS, NoticeBar

if TYPE_CHECKING:
    from ..engine import Story
    from ..saves import SaveInfo, SaveStore
    from ..session import Session
    from ..tools.stakes import Crossing
    from .screens.ending import EndingScreen
    from .screens.game import GameScreen, Levels
    from .screens.journal import JournalScreen
    from .screens.saves import LoadScreen

# A silence longer than this between two inputs counts as this long: play time is time spent playing.
IDLE_SECONDS = 300.0


def _glossary_commands() -> type:
    """The glossary's command palette provider, imported when the palette first opens (not at start-up)."""
    from .commands import GlossaryCommands

    return GlossaryCommands


class QasasApp(App[int]):
    """Jaysh al-Qasas in the terminal."""

    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute, so subclasses defined elsewhere still find it
    COMMANDS = App.COMMANDS | {_glossary_commands}
    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+q", "quit", "Quit", show=False, priority=True)]

    def __init__(
        self,
        story: Story | None = None,
        *,
        story_dir: str | None = None,
        saves_dir: Path | str | None = None,
        seed: int | None = None,
        author_mode: bool = False,
        store: SaveStore | None = None,
        clock: Callable[[], float] = time.monotonic,
        theme: str | None = None,
        flash_seconds: float = 1.5,
    ) -> None:
        """Play ``story``, or (``story=None``) load ``story_dir`` (default: the shipped story) after the first frame.

        ``store``, ``clock``, ``theme`` and ``seed`` are injectable so tests and snapshots are deterministic.
        """
        super().__init__()
        self._story = story
        self.story_dir = story_dir or (story.root if story is not None else None)
        self.author_mode = author_mode
        self._saves_dir = saves_dir
        self._store = store
        self.profile: Profile | None = None
        self.load_error: str | None = None  # the loader's report when the story did not load
        self.seed = seed if seed is not None else random.randrange(1, 2**31)
        self.clock = clock
        self.flash_seconds = flash_seconds
        self.session: Session | None = None
        self.game_screen: GameScreen | None = None
        self._ending_screen: EndingScreen | None = None
        self._journal_screen: JournalScreen | None = None
        self.stakes = StakesSetting()
        self._games_started = 0
        self.autosave_error: str | None = None  # the last autosave's failure, warned about once (saving.py)
        self._theme = theme
        self._signals: list[int] = []
        self.notices_seen: deque[str] = deque(maxlen=50)  # every notice shown, newest last (tests, accessibility)
        if story is not None:
            self._set_up(story)

    @property
    def story(self) -> Story:
        """The story being played (loaded before any key is handled)."""
        assert self._story is not None, "the story is not loaded yet"
        return self._story

    @property
    def store(self) -> SaveStore:
        assert self._store is not None, "the saves folder is not open yet"
        return self._store

    @property
    def ready(self) -> bool:
        """Whether the story is loaded and its saves folder open (both right after the first frame)."""
        return self._story is not None and self._store is not None

    def _set_up(self, story: Story) -> None:
        """The story is loaded: open the saves folder and the profile, and apply the remembered theme."""
        if self._store is None:
            from ..saves.store import SaveStore

            self._store = SaveStore(self._saves_dir)
        self._story = story
        self.profile = Profile.load(self.store.directory)
        wanted = self._theme or self.profile.theme
        if wanted and wanted in self.available_themes:
            self.theme = wanted
        self.title = story_title(story)

    # ------------------------------------------------------------------------------ screens

    def get_default_screen(self) -> Screen:
        story = self._story
        if story is None:
            return TitleScreen(None, self._continue_info)
        return TitleScreen(self.title, self._continue_info, rendered_story_text(story, story.notice))

    def _continue_info(self) -> str | None:
        return saving.continue_info(self)

    def on_mount(self) -> None:
        if self.profile is not None and self.profile.recovered:
            self._profile_recovered()
        if not self.is_headless and not self.is_web:
            import asyncio

            from .terminal import install_signal_handlers

            self._signals = install_signal_handlers(asyncio.get_running_loop(), self._on_signal)

    def on_ready(self) -> None:
        # The first frame is on screen: now the heavy part (engine, loader, saves). Done here, synchronously, so
        # no key can be handled before the story is there.
        if self._story is None:
            self._load_story_now()
        # Started in a terminal too small to play: say so (later changes of size arrive as resizes).
        self._check_size()

    def _load_story_now(self) -> None:
        from ..loader import StoryError, default_scenes_dir, load_story

        self.story_dir = self.story_dir or default_scenes_dir()
        try:
            story = load_story(self.story_dir)
        except StoryError as exc:
            self.load_error = exc.report()
            self.exit(2)
            return
        self._set_up(story)
        title_screen = next((s for s in self.screen_stack if isinstance(s, TitleScreen)), None)
        if title_screen is not None:
            title_screen.story_ready(self.title, rendered_story_text(story, story.notice))
        if self.profile is not None and self.profile.recovered:
            self._profile_recovered()

    def _profile_recovered(self) -> None:
        assert self.profile is not None
        notice = self.profile.notice or "The player profile was unreadable and has been started afresh."
        self.notify(line(notice), severity="warning", timeout=12, markup=False)

    def watch_theme(self, theme: str) -> None:
        if self._theme is None and self.profile is not None:
            self.profile.set_theme(theme)

    # ------------------------------------------------------------------------------ the terminal

    def on_resize(self, event: events.Resize) -> None:
        self._check_size(event.size.width, event.size.height)

    def _check_size(self, width: int | None = None, height: int | None = None) -> None:
        """Too small to play: cover everything with a message until the terminal grows again."""
        if width is None or height is None:
            width, height = self.size
        cover_if_too_small(self, width, height)

    def _on_signal(self, signum: int) -> None:
        """SIGTERM or SIGHUP: autosave and end as ctrl+q does (Textual restores the terminal on the way out)."""
        saving.autosave_on_leaving(self)
        self.exit(128 + signum)

    async def _on_exit_app(self) -> None:
        if self._signals:
            import asyncio

            from .terminal import remove_signal_handlers

            remove_signal_handlers(asyncio.get_running_loop(), self._signals)
            self._signals = []
        await super()._on_exit_app()

    async def on_event(self, event: events.Event) -> None:
        # Play time: any input in the story counts the time since the last one (an idle gap counts only so much).
        if isinstance(event, (events.Key, events.MouseDown, events.MouseScrollUp, events.MouseScrollDown)):
            if self.session is not None:
                self.session.touch()
        elif isinstance(event, events.AppBlur) and self.session is not None:
            self.session.stop_clock()
        elif isinstance(event, events.AppFocus) and self.session is not None and self.screen is self.game_screen:
            self.session.start_clock()
        await super().on_event(event)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Show a notice in the current screen's notice line (it hides nothing); a toast only where there is none."""
        text = Content.from_markup(message).plain if markup else message
        if title:
            text = f"{title}: {text}"
        self.notices_seen.append(line(text))
        bars = self.screen.query(NoticeBar) if self.screen_stack else None
        if bars:
            bars.first().say(text, severity, NOTICE_SECONDS if timeout is None else timeout)
            return
        super().notify(text, severity=severity, timeout=timeout, markup=False)

    # ------------------------------------------------------------------------------ playing

    async def open_game(self, session: Session) -> None:
        """Play ``session`` on the game screen, just above the title screen."""
        from .screens.game import GameScreen

        self.session = session
        while len(self.screen_stack) > 1 and self.screen is not self.game_screen:
            await self.pop_screen()
        if self.game_screen is None:
            self.game_screen = GameScreen(
                session,
                author_mode=self.author_mode,
                flash_seconds=self.flash_seconds,
                stakes=self.stakes_levels,
                crossings=self._crossings,
            )
            self.install_screen(self.game_screen, "game")
            await self.push_screen(self.game_screen)
        else:
            if self.screen is not self.game_screen:
                await self.push_screen(self.game_screen)
            await self.game_screen.show_session(session)
        session.start_clock()
        if session.game.ending is not None:
            self.show_ending()

    def _new_seed(self) -> int:
        # The first game uses the seed given on the command line (tests rely on it); later ones derive from it.
        n = self._games_started
        self._games_started += 1
        return self.seed if n == 0 else random.Random(self.seed * 1_000_003 + n).randrange(1, 2**31)

    def new_session(self, game_from: Callable[[], Session]) -> Session:
        """A session from ``game_from`` (a new game or a loaded one) whose play time skips idle gaps."""
        session = game_from()
        session.idle_limit = IDLE_SECONDS
        return session

    # ------------------------------------------------------------------------------ title

    async def on_title_screen_picked(self, message: TitleScreen.Picked) -> None:
        action = message.action
        if self._story is None:  # a key typed before the first frame: the story is still loading
            return
        if action == "quit":
            self.exit(0)
        elif action in ("new", "continue", "load", "glossary", "about"):
            await self.run_action("new_game" if action == "new" else action)

    # ------------------------------------------------------------------------------ actions

    async def action_new_game(self) -> None:
        await saving.new_game(self)

    async def start_new_game(self) -> None:
        """Play a new game at once (``action_new_game`` asks first when an unfinished game is at risk)."""
        from ..session import Session

        seed = self._new_seed()
        await self.open_game(self.new_session(lambda: Session.new(self.story, seed, clock=self.clock)))

    async def action_continue(self) -> None:
        await saving.continue_newest(self)

    def action_load(self) -> None:
        from .screens.saves import LoadScreen

        self.push_screen(LoadScreen(self.store, self.story.id))

    async def on_load_screen_chosen(self, message: LoadScreen.Chosen) -> None:
        await self.load_info(message.info)

    def action_save(self) -> None:
        saving.ask_slot(self)

    def action_journal(self) -> None:
        from .screens.journal import JournalScreen

        if self.session is None:
            self.notify("Start a game to keep a journal.", markup=False)
            return
        if self._journal_screen is None:
            self._journal_screen = JournalScreen(self.session)
            self.install_screen(self._journal_screen, "journal")
        elif self._journal_screen.is_mounted:
            self._journal_screen.show(self.session)
        else:
            self._journal_screen.session = self.session
        if self.screen is not self._journal_screen:
            self.push_screen(self._journal_screen)

    def on_game_screen_trust_requested(self, message: GameScreen.TrustRequested) -> None:
        from .screens.trust import TrustScreen

        session = self.session
        if session is None:
            return
        self.push_screen(TrustScreen(session, lambda: self.stakes_levels(session.scene.id), message.faction))

    def action_glossary(self) -> None:
        self.open_glossary(None)

    def open_glossary(self, term: str | None) -> None:
        """Open the glossary (at ``term`` when given); used by the command palette too."""
        from .screens.glossary import GlossaryScreen

        self.push_screen(GlossaryScreen(self.story, term))

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        self.push_screen(HelpScreen())

    def action_about(self) -> None:
        from .screens.help import AboutScreen

        story = self.story
        self.push_screen(
            AboutScreen(
                story,
                self.title,
                rendered_story_text(story, story.notice),
                rendered_story_text(story, story.credits),
            )
        )

    async def action_title(self) -> None:
        leaving = self.session is not None and self.game_screen in self.screen_stack
        while len(self.screen_stack) > 1:
            await self.pop_screen()
        if leaving:
            saving.autosave_on_leaving(self)

    async def action_quit(self) -> None:
        saving.autosave_on_leaving(self)
        await super().action_quit()

    async def action_undo(self) -> None:
        if self.game_screen is not None and self.game_screen in self.screen_stack:
            await self.game_screen.action_undo()

    def action_reload_story(self) -> None:
        self.reload_story()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        from .commands import game_commands

        yield from super().get_system_commands(screen)
        yield from game_commands(self)

    # ------------------------------------------------------------------------------ stakes

    @property
    def stakes_shown(self) -> bool:
        """Whether the meters mark the levels where the story turns (see ``StakesSetting``)."""
        return self.stakes.shown(self.profile, self._story)

    def stakes_levels(self, scene_id: str) -> Levels | None:
        """The levels where the story turns ahead of ``scene_id``, by faction (None while stakes are hidden)."""
        return self.stakes.levels(self.profile, self._story, scene_id)

    def _crossings(self, scene_id: str, before: dict[str, int], after: dict[str, int]) -> list[Crossing]:
        return self.stakes.crossed(self.profile, self._story, scene_id, before, after)

    def action_toggle_stakes(self) -> None:
        if self.profile is None or self._story is None:
            return
        shown = self.stakes.toggle(self.profile, self._story)
        if self.game_screen is not None and self.game_screen.is_mounted:
            self.game_screen.refresh_stakes()
        self.notify(
            "Stakes shown: the meters mark the levels where the story turns ahead." if shown else "Stakes hidden.",
            markup=False,
        )

    # ------------------------------------------------------------------------------ saving

    def on_game_screen_choice_taken(self, message: GameScreen.ChoiceTaken) -> None:
        # After the frame: the new scene is on screen before the disk is touched.
        self.call_after_refresh(self.autosave)
        if message.outcome.ending is not None:
            self.show_ending()

    def on_game_screen_undone(self, message: GameScreen.Undone) -> None:
        self.call_after_refresh(self.autosave)

    def on_game_screen_ending_requested(self, message: GameScreen.EndingRequested) -> None:
        self.show_ending()

    def on_game_screen_reload_requested(self, message: GameScreen.ReloadRequested) -> None:
        self.reload_story()

    def autosave(self) -> None:
        """Autosave the session; a failure is a warning (once per distinct reason), never a crash."""
        saving.autosave(self)

    def save_slot(self, name: str | None) -> None:
        """Save the game in play in the slot ``name`` (None: the player cancelled)."""
        saving.save_slot(self, name)

    async def load_info(self, info: SaveInfo | None) -> None:
        """Load a listed save; a bad one shows an error dialog and the app stays where it was."""
        await saving.load_info(self, info)

    # ------------------------------------------------------------------------------ screenshots

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        """Save an SVG of the screen in a folder that exists (Downloads, else the saves folder, else the current
        folder) and say where, or say why not. In a browser the screenshot is offered as a download instead."""
        if self.is_web:
            return super().deliver_screenshot(filename, path, time_format)
        from . import terminal

        folders = [Path(path)] if path else terminal.screenshot_folders(self._store.directory if self._store else None)
        target, why = terminal.write_screenshot(self.export_screenshot(), filename, self.title, folders)
        if target is None:
            self.notify(f"Could not save a screenshot: {why}", severity="error", markup=False, timeout=10)
            return None
        self.notify(f"Screenshot saved as {target}", markup=False, timeout=10)
        return str(target)

    # ------------------------------------------------------------------------------ endings

    def show_ending(self) -> None:
        from .screens.ending import EndingScreen

        session = self.session
        ending = session.game.ending if session else None
        if session is None or ending is None:
            return
        assert self.profile is not None
        was_shown = self.stakes_shown
        new = self.profile.discover(self.story.id, ending.id)
        if self.profile.error:
            self.notify(
                f"Could not remember this ending: {self.profile.error}", severity="warning", markup=False
            )
        stakes_now = self.stakes_shown and not was_shown
        found = len(self.profile.endings(self.story.id) & set(self.story.endings))
        total = len(self.story.endings)
        if self._ending_screen is None:
            self._ending_screen = EndingScreen(session, found, total, new, stakes_now=stakes_now)
            self.install_screen(self._ending_screen, "ending")
        else:
            self._ending_screen.show(session, found, total, new, stakes_now=stakes_now)
        if self.screen is not self._ending_screen:
            self.push_screen(self._ending_screen, self._ending_done)
        if stakes_now and self.game_screen is not None and self.game_screen.is_mounted:
            self.game_screen.refresh_stakes()

    async def _ending_done(self, what: str | None) -> None:
        if what == "undo":
            await self.action_undo()
        elif what == "new":
            await self.action_new_game()
        elif what == "title":
            await self.action_title()
        elif what == "quit":
            self.exit(0)

    # ------------------------------------------------------------------------------ author mode

    def reload_story(self) -> None:
        """Reload the scenes from disk and replay the choice log; on any failure keep playing the old version."""
        from .reload import reload_story

        reload_story(self)

    async def switch_story(self, story: Story, session: Session) -> None:
        """Play ``session`` on ``story`` (a reloaded version of the one played)."""
        self._story = story
        self.title = story_title(story)
        await self.open_game(session)


def run_app(
    scenes: str | None = None,
    seed: int | None = None,
    *,
    saves_dir: Path | str | None = None,
    headless: bool = False,
) -> int:
    """Run the game on the story in ``scenes`` (default: the shipped story). Returns the exit status.

    0 after a normal quit; 2 when the story does not load, after printing every problem (file:line:col) to stderr;
    128 + the signal's number after SIGTERM or SIGHUP (the game autosaved and restored the terminal first).
    """
    app = QasasApp(None, story_dir=scenes, saves_dir=saves_dir, seed=seed, author_mode=scenes is not None)
    result = app.run(headless=headless)
    if app.load_error is not None:
        from ..sanitize import sanitize

        print(sanitize(app.load_error), file=sys.stderr)
        return 2
    if app.return_code not in (None, 0):
        return int(app.return_code)
    return int(result or 0)
