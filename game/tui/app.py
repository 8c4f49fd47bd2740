"""The Textual app: ``run_app`` starts the game at the title screen.

The app is the one coordinator: it owns the story, the saves folder, the player's profile and the session in
play. Screens render and ask; they report upward with messages or dismiss with a result, and the app does the
saving, loading, reloading and screen changes. Only the engine's public API is used.

Start-up is lean: only Textual and the title screen are imported before the first frame. ``run_app`` passes no
story; the app loads it (engine, loader, saves) right after the first frame is on screen, before any key is
handled, and if it does not load the app closes at once and ``run_app`` prints every problem and returns 2, so a
broken story is never played.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from .profile import Profile
from .screens.title import TitleScreen, describe_save
from .text import line

if TYPE_CHECKING:
    from ..engine import ReplayError, Story
    from ..saves import SaveInfo, SaveStore
    from ..session import Session
    from .screens.game import GameScreen
    from .screens.saves import LoadScreen


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
        self._games_started = 0
        self._last_autosave_error: str | None = None
        self._theme = theme
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
        self.title = line(story.title)

    # ------------------------------------------------------------------------------ screens

    def get_default_screen(self) -> Screen:
        return TitleScreen(line(self._story.title) if self._story else None, self._continue_info)

    def on_mount(self) -> None:
        if self.profile is not None and self.profile.recovered:
            self._profile_recovered()

    def on_ready(self) -> None:
        # The first frame is on screen: now the heavy part (engine, loader, saves). Done here, synchronously, so
        # no key can be handled before the story is there.
        if self._story is None:
            self._load_story_now()

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
        if isinstance(self.screen, TitleScreen):
            self.screen.story_ready(line(story.title))
        if self.profile is not None and self.profile.recovered:
            self._profile_recovered()

    def _profile_recovered(self) -> None:
        assert self.profile is not None
        notice = self.profile.notice or "The player profile was unreadable and has been started afresh."
        self.notify(line(notice), severity="warning", timeout=12, markup=False)

    def watch_theme(self, theme: str) -> None:
        if self._theme is None and self.profile is not None:
            self.profile.set_theme(theme)

    def _continue_info(self) -> str | None:
        if self._story is None or self._store is None:
            return None
        info = self.store.newest(self.story.id)
        return describe_save(info.chapter, info.scene_title, info.play_seconds) if info else None

    async def open_game(self, session: Session) -> None:
        """Play ``session`` on a fresh game screen just above the title screen."""
        from .screens.game import GameScreen

        self.session = session
        while len(self.screen_stack) > 1:
            await self.pop_screen()
        self.game_screen = GameScreen(session, author_mode=self.author_mode, flash_seconds=self.flash_seconds)
        await self.push_screen(self.game_screen)
        if session.game.ending is not None:
            self.show_ending()

    def _new_seed(self) -> int:
        # The first game uses the seed given on the command line (tests rely on it); later ones derive from it.
        n = self._games_started
        self._games_started += 1
        return self.seed if n == 0 else random.Random(self.seed * 1_000_003 + n).randrange(1, 2**31)

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
        from ..session import Session

        await self.open_game(Session.new(self.story, self._new_seed(), clock=self.clock))

    async def action_continue(self) -> None:
        info = self.store.newest(self.story.id)
        if info is None:
            self.notify("There is no saved game to continue yet.", markup=False)
            return
        await self.load_info(info)

    def action_load(self) -> None:
        from .screens.saves import LoadScreen

        self.push_screen(LoadScreen(self.store, self.story.id))

    async def on_load_screen_chosen(self, message: LoadScreen.Chosen) -> None:
        await self.load_info(message.info)

    def action_save(self) -> None:
        from .screens.saves import SaveScreen

        if self.session is None:
            self.notify("There is no game in progress to save.", markup=False)
            return
        self.push_screen(SaveScreen(self.store, self.story.id), self.save_slot)

    def action_journal(self) -> None:
        from .screens.journal import JournalScreen

        if self.session is None:
            self.notify("Start a game to keep a journal.", markup=False)
            return
        self.push_screen(JournalScreen(self.session))

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

        self.push_screen(AboutScreen(self.story))

    async def action_title(self) -> None:
        while len(self.screen_stack) > 1:
            await self.pop_screen()

    def action_undo(self) -> None:
        if self.game_screen is not None and self.game_screen in self.screen_stack:
            self.game_screen.action_undo()

    def action_reload_story(self) -> None:
        self.reload_story()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("New game", "Start the story from the beginning", self.action_new_game)
        yield SystemCommand("Load game", "Load a saved game", self.action_load)
        yield SystemCommand(
            "Glossary", "People, places and groups: historical or invented", self.action_glossary
        )
        yield SystemCommand("Help", "The keys", self.action_help)
        yield SystemCommand("About", "About this game, and its content note", self.action_about)
        yield SystemCommand("Title screen", "Back to the title screen", self.action_title)
        if self.session is not None:
            yield SystemCommand("Save game", "Save in a named slot", self.action_save)
            yield SystemCommand("Journal", "Every choice taken, and trust over time", self.action_journal)
            if self.session.can_undo:
                yield SystemCommand("Undo", "Undo the last choice", self.action_undo)
            if self.author_mode:
                yield SystemCommand(
                    "Reload story", "Reload the scenes from disk, keeping your place", self.reload_story
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
        from ..saves import SaveError

        session = self.session
        if session is None:
            return
        try:
            self.store.autosave(session.game, session.play_seconds)
        except SaveError as exc:
            message = str(exc)
            if message != self._last_autosave_error:
                self.notify(f"Autosave failed: {message}", severity="warning", markup=False, timeout=8)
            self._last_autosave_error = message
        else:
            self._last_autosave_error = None

    def save_slot(self, name: str | None) -> None:
        from ..saves import SaveError

        if name is None or self.session is None:
            return
        try:
            info = self.store.save(name, self.session.game, self.session.play_seconds)
        except SaveError as exc:
            self.notify(f"Could not save: {exc}", severity="error", markup=False, timeout=10)
            return
        self.notify(f"Saved as \u201c{line(info.slot)}\u201d.", markup=False)

    async def load_info(self, info: SaveInfo | None) -> None:
        """Load a listed save; a bad one shows an error dialog and the app stays where it was."""
        from ..saves import SaveError
        from .dialogs.error import ErrorDialog

        if info is None:
            return
        try:
            result = self.store.load_path(info.path, self.story)
        except SaveError as exc:
            self.push_screen(ErrorDialog("Could not load this save", str(exc)))
            return
        from ..session import Session

        session = Session.resume(self.story, result.game, result.play_seconds, clock=self.clock)
        await self.open_game(session)
        for note in result.notes:
            self.notify(
                line(note), severity="information" if result.exact else "warning", markup=False, timeout=10
            )

    # ------------------------------------------------------------------------------ endings

    def show_ending(self) -> None:
        from .screens.ending import EndingScreen

        session = self.session
        ending = session.game.ending if session else None
        if session is None or ending is None:
            return
        assert self.profile is not None
        new = self.profile.discover(self.story.id, ending.id)
        if self.profile.error:
            self.notify(
                f"Could not remember this ending: {self.profile.error}", severity="warning", markup=False
            )
        found = len(self.profile.endings(self.story.id) & set(self.story.endings))
        self.push_screen(EndingScreen(session, found, len(self.story.endings), new), self._ending_done)

    async def _ending_done(self, what: str | None) -> None:
        if what == "undo":
            self.action_undo()
        elif what == "new":
            await self.action_new_game()
        elif what == "title":
            await self.action_title()
        elif what == "quit":
            self.exit(0)

    # ------------------------------------------------------------------------------ author mode

    def reload_story(self) -> None:
        """Reload the scenes from disk and replay the choice log; on any failure keep playing the old version."""
        from ..engine import ReplayError
        from ..loader import StoryError, check_story
        from .dialogs.error import ErrorDialog

        session = self.session
        if session is None or self.story_dir is None:
            return
        try:
            story, problems = check_story(self.story_dir)
        except Exception as exc:  # noqa: BLE001 - whatever went wrong, the author's game must stay up
            self.push_screen(ErrorDialog("The story could not be reloaded", f"{type(exc).__name__}: {exc}"))
            return
        errors = [p for p in problems if p.severity == "error"]
        if story is None or errors:
            self.push_screen(
                ErrorDialog(
                    "The story no longer loads",
                    StoryError(errors).report(),
                    intro="You are still playing the version loaded before. Fix these and reload again (F5):",
                )
            )
            return
        try:
            session.reload(story)
        except ReplayError as exc:
            self._replay_failed(story, exc)
            return
        self._switch_story(story, session)
        warnings = len(problems)
        extra = f" ({warnings} warning{'s' if warnings != 1 else ''}; run qasas lint)" if warnings else ""
        self.notify(
            f"Reloaded the story: {len(story.scenes)} scenes; your place is kept{extra}.", markup=False
        )

    def _replay_failed(self, story: Story, exc: ReplayError) -> None:
        from ..engine import ReplayError
        from .dialogs.error import ChoiceDialog, ErrorDialog

        session = self.session
        assert session is not None
        kept = max(0, exc.step - 1)
        message = (
            f"The reloaded story loads, but your choices no longer apply at step {exc.step} "
            f"({exc.scene}.{exc.choice}): {exc.message}.\n\n"
            f"Keep playing the version loaded before, or play the new version from where the first {kept} "
            f"choice{'s' if kept != 1 else ''} still lead."
        )

        async def answered(answer: str | None) -> None:
            if answer != "fallback":
                self.notify("Still playing the version loaded before.", markup=False)
                return
            try:
                session.reload_until(story, exc.step)
            except ReplayError as again:  # pragma: no cover - the prefix before the failing step replays
                self.push_screen(ErrorDialog("The story could not be reloaded", str(again)))
                return
            await self._switch_story_async(story, session)
            self.notify(f"Playing the new version after step {kept}.", markup=False)

        self.push_screen(
            ChoiceDialog(
                "Your choices no longer apply",
                message,
                [("keep", "Keep the old version"), ("fallback", f"New version, from step {kept}")],
            ),
            answered,
        )

    def _switch_story(self, story: Story, session: Session) -> None:
        self._story = story
        self.title = line(story.title)
        self.call_later(self.open_game, session)

    async def _switch_story_async(self, story: Story, session: Session) -> None:
        self._story = story
        self.title = line(story.title)
        await self.open_game(session)


def run_app(
    scenes: str | None = None,
    seed: int | None = None,
    *,
    saves_dir: Path | str | None = None,
    headless: bool = False,
) -> int:
    """Run the game on the story in ``scenes`` (default: the shipped story). Returns the exit status.

    0 after a normal quit; 2 when the story does not load, after printing every problem (file:line:col) to stderr.
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
