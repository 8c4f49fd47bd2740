"""The stakes setting: whether the meters mark the levels where the story turns ahead, and those levels.

The player's choice (``s``, kept in the profile) decides; until they make one, stakes are hidden on a first reading
(a story, not a puzzle) and shown once an ending of the story has been found (a replay wants to steer elsewhere).
The levels come from ``game.tools.stakes``, whose analysis is imported and run only when stakes are first shown.
Pure Python: no Textual.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..engine import Story
    from ..tools.stakes import Crossing, Stakes
    from .profile import Profile


class StakesSetting:
    """The setting, read from the profile, and the story's stakes once they are needed."""

    def __init__(self) -> None:
        self._stakes: Stakes | None = None

    def shown(self, profile: Profile | None, story: Story | None) -> bool:
        if profile is None or story is None:
            return False
        chosen = profile.setting("stakes")
        if chosen is not None:
            return chosen
        return bool(profile.endings(story.id) & set(story.endings))

    def toggle(self, profile: Profile, story: Story) -> bool:
        """Show them if hidden, hide them if shown; remembered in the profile. Returns whether they are shown."""
        shown = not self.shown(profile, story)
        profile.set_setting("stakes", shown)
        return shown

    def _model(self, story: Story) -> Stakes:
        if self._stakes is None or self._stakes.story is not story:
            from ..tools.stakes import stakes

            self._stakes = stakes(story)
        return self._stakes

    def levels(
        self, profile: Profile | None, story: Story | None, scene_id: str
    ) -> Mapping[str, tuple[int, ...]] | None:
        """Faction id -> levels ahead of ``scene_id`` (None while stakes are hidden)."""
        if story is None or not self.shown(profile, story):
            return None
        return self._model(story).ahead(scene_id)

    def crossed(
        self, profile: Profile | None, story: Story | None, scene_id: str, before: dict[str, int], after: dict[str, int]
    ) -> list[Crossing]:
        """The levels ahead of ``scene_id`` that a change of trust moved across (none while stakes are hidden)."""
        if story is None or not self.shown(profile, story):
            return []
        return self._model(story).crossed(scene_id, before, after)
