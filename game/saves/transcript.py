"""Transcripts: a playthrough as plain, deterministic text (headers, scene text, choices, trust changes), for
golden files and ``qasas replay --transcript``."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..engine import ChoiceError, ChoiceView, Game, Outcome, ReplayError, Story
from ..sanitize import sanitize_line

_KEY = re.compile(r"([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)")


class Transcript:
    """Deterministic plain text of a playthrough as played: headers, text, choices, trust changes."""

    def __init__(self, story: Story, seed: int) -> None:
        self.story = story
        self.lines: list[str] = [_line(story.render(story.title)), f"(seed {seed})"]
        self._chapter: str | None = None

    def scene(self, game: Game) -> None:
        story, scene = self.story, game.scene
        chapter = story.chapters.get(scene.chapter)
        header = game.header()
        if chapter is not None and chapter.id != self._chapter:
            self._chapter = chapter.id
            self.lines += ["", f"=== Chapter {chapter.order}: {_line(header.chapter)} ==="]
        where = ", ".join(_line(x) for x in (header.place, header.date) if x)
        self.lines += ["", f"## {_line(header.title)}" + (f" ({where})" if where else ""), ""]
        for paragraph in game.text():
            self.lines += [_line(paragraph), ""]
        ending = game.ending
        if ending is not None:
            self.lines.append(f"*** Ending: {_line(game.ending_title())} ***")
            trust = "; ".join(
                f"{_line(game.faction_name(f.id))} {game.state.values[f.slot]}" for f in story.factions.values()
            )
            self.lines.append(f"Final trust: {trust}.")
            self.lines.append(f"{game.turn} choice{'s' if game.turn != 1 else ''}.")
            return
        for v in game.choices():
            line = f"  {v.number}. {_line(v.label)}"
            if not v.enabled:
                line += f" (unavailable: {_line(v.reason)})"
            self.lines.append(line)

    def choice(self, view: ChoiceView | None, outcome: Outcome, game: Game) -> None:
        """The choice taken, its result (the aftermath the story tells) and what it changed."""
        label = f"{view.number}. {_line(view.label)}" if view is not None else outcome.choice
        self.lines += ["", f"> {label}  [{outcome.scene_from}.{outcome.choice}]"]
        for paragraph in outcome.result:
            self.lines += ["", _line(paragraph)]
        if outcome.result and (outcome.trust or outcome.names):
            self.lines.append("")
        for change in outcome.trust:
            sign = "+" if change.delta > 0 else ""
            name = _line(game.faction_name(change.faction))
            self.lines.append(f"  {name}: {sign}{change.delta}, now {change.after}.")
        for renamed in outcome.names:
            self.lines.append(f"  {_line(renamed.before)} are now {_line(renamed.after)}.")

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def _line(text: str) -> str:
    return sanitize_line(text).strip()


def transcript(story: Story, seed: int, log: Iterable[tuple[str, str] | str]) -> str:
    """The transcript of replaying ``log`` with ``seed``. Raises ReplayError naming the step that fails."""
    game = Game(story, seed)
    out = Transcript(story, seed)
    out.scene(game)
    for i, entry in enumerate(log, 1):
        scene_id, choice_id = story.current_choice(*_split(entry))
        if game.state.scene != scene_id:
            raise ReplayError(
                i,
                scene_id,
                choice_id,
                f"expected to be in scene {scene_id!r} but the story led to {game.state.scene!r}",
            )
        view = next((v for v in game.choices() if v.id == choice_id), None)
        try:
            outcome = game.choose(choice_id)
        except ChoiceError as exc:
            raise ReplayError(i, scene_id, choice_id, str(exc)) from None
        out.choice(view, outcome, game)
        out.scene(game)
    return out.text()


def _split(entry: tuple[str, str] | str) -> tuple[str, str]:
    if isinstance(entry, str):
        m = _KEY.fullmatch(entry)
        if m is None:
            raise ValueError(f"a choice is written 'scene.choice' (found {entry!r})")
        return m.group(1), m.group(2)
    return entry[0], entry[1]

