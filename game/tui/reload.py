"""Author mode: reload the story from disk while playing (F5), keeping the player's place.

The scenes are checked as ``qasas lint`` would load them; a story that no longer loads shows every problem and
play goes on with the version loaded before. When it loads but the choices made so far no longer apply, the author
chooses: keep the old version, or play the new one from the last step that still applies.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..engine import ReplayError, Story
    from .app import QasasApp


def reload_story(app: QasasApp) -> None:
    """Reload ``app``'s story from disk and replay the choice log; on any failure keep playing the old version."""
    from ..engine import ReplayError
    from ..loader import StoryError, check_story
    from .dialogs.error import ErrorDialog

    session = app.session
    if session is None or app.story_dir is None:
        return
    try:
        story, problems = check_story(app.story_dir)
    except Exception as exc:  # noqa: BLE001 - whatever went wrong, the author's game must stay up
        app.push_screen(ErrorDialog("The story could not be reloaded", f"{type(exc).__name__}: {exc}"))
        return
    errors = [p for p in problems if p.severity == "error"]
    if story is None or errors:
        app.push_screen(
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
        _replay_failed(app, story, exc)
        return
    app.call_later(app.switch_story, story, session)
    warnings = len(problems)
    extra = f" ({warnings} warning{'s' if warnings != 1 else ''}; run qasas lint)" if warnings else ""
    app.notify(f"Reloaded the story: {len(story.scenes)} scenes; your place is kept{extra}.", markup=False)


def _replay_failed(app: QasasApp, story: Story, exc: ReplayError) -> None:
    from ..engine import ReplayError
    from .dialogs.error import ChoiceDialog, ErrorDialog

    session = app.session
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
            app.notify("Still playing the version loaded before.", markup=False)
            return
        try:
            session.reload_until(story, exc.step)
        except ReplayError as again:  # pragma: no cover - the prefix before the failing step replays
            app.push_screen(ErrorDialog("The story could not be reloaded", str(again)))
            return
        await app.switch_story(story, session)
        app.notify(f"Playing the new version after step {kept}.", markup=False)

    app.push_screen(
        ChoiceDialog(
            "Your choices no longer apply",
            message,
            [("keep", "Keep the old version"), ("fallback", f"New version, from step {kept}")],
        ),
        answered,
    )
