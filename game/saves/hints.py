"""What a failed replay tells a person beyond "expected X, got Y": the line on screen closest to a text that was
expected, whether a chance roll sent the story elsewhere, and the step at which two transcripts part.

Pure functions over the engine's public API; ``playthrough.py`` calls them where it builds a failure.
"""

from __future__ import annotations

import difflib
import re

from ..engine import Game
from ..engine.chance import roll

_SPACES = re.compile(r"\s+")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
STEP_LINE = "> "  # a transcript's line for a choice taken starts so (see Transcript.choice)


def closest_line(screen: str, wanted: str) -> str | None:
    """The line (or sentence of a long paragraph) on ``screen`` most like ``wanted``, when one is alike enough to
    be what the author meant; None when nothing is."""
    target = _SPACES.sub(" ", wanted).strip().casefold()
    if not target:
        return None
    candidates: list[str] = []
    for line in screen.splitlines():
        line = _SPACES.sub(" ", line).strip()
        if line:
            candidates.append(line)
            candidates += [s for s in _SENTENCE.split(line) if s and s != line]
    best, best_ratio = None, 0.0
    for line in candidates:
        ratio = difflib.SequenceMatcher(None, target, line.casefold(), autojunk=False).ratio()
        if ratio > best_ratio:
            best, best_ratio = line, ratio
    return best if best_ratio >= 0.7 else None


def chance_note(game: Game, expected_scene: str) -> str:
    """When the last choice taken had chance routes, how the roll went for this playthrough's seed, and which
    roll would have led to ``expected_scene``; '' when no chance was involved."""
    st, story = game.state, game.story
    if not st.log:
        return ""
    scene_id, choice_id = st.log[-1]
    scene = story.scenes.get(scene_id)
    choice = scene.choice(choice_id) if scene is not None else None
    if choice is None or not any(r.chance is not None for r in choice.routes):
        return ""
    step = len(st.log) - 1
    parts = []
    for k, route in enumerate(choice.routes):
        if route.chance is None:
            continue
        rolled = roll(st.seed, step, k)
        went = "taken" if rolled < route.chance else "not taken"
        parts.append(f"{route.chance}% to {route.target!r} rolled {rolled} ({went})")
    note = f"a chance roll decided where '{scene_id}.{choice_id}' led (seed {st.seed}: {'; '.join(parts)})"
    if expected_scene in choice.targets and expected_scene != st.scene:
        note += f"; with another seed it can lead to {expected_scene!r}"
    return note


def first_difference_step(want: str, got: str) -> int:
    """The step at which two transcripts first differ: how many choices the replay had taken before the first
    line that is not the same (0: they differ before the first choice)."""
    want_lines, got_lines = want.splitlines(), got.splitlines()
    steps = 0
    for a, b in zip(want_lines, got_lines):
        if a != b:
            return steps
        if a.startswith(STEP_LINE):
            steps += 1
    return steps
