"""Plain, line-based play: the scene, numbered choices, a number typed back.

Works through a pipe and with a screen reader (words, not symbols, for changes), and exits cleanly when input
ends. Uses only the engine's public API.
"""

from __future__ import annotations

import shutil
import sys
import textwrap
from typing import IO

from .engine import ChoiceError, Game, Outcome, Story
from .sanitize import sanitize, sanitize_line

HELP = "Type the number of a choice and press Enter. Other commands: t (trust), h (help), q (quit)."


class PlainPlayer:
    def __init__(self, story: Story, seed: int = 0, out: IO[str] | None = None, inp: IO[str] | None = None) -> None:
        self.story = story
        self.game = Game(story, seed)
        self.out = out or sys.stdout
        self.inp = inp or sys.stdin
        cols = shutil.get_terminal_size((80, 24)).columns
        self.width = max(40, min(cols, 100) - 2)
        self._chapter = ""

    def say(self, text: str = "") -> None:
        self.out.write(text + "\n")

    def para(self, text: str) -> None:
        self.say(textwrap.fill(sanitize_line(text), self.width))

    def show_scene(self) -> None:
        game = self.game
        scene = game.scene
        chapter = self.story.chapters.get(scene.chapter)
        if chapter and chapter.id != self._chapter:
            self._chapter = chapter.id
            self.say()
            self.say(f"=== Chapter {chapter.order}: {sanitize_line(chapter.title)} ===")
        self.say()
        header = sanitize_line(scene.title)
        where = ", ".join(sanitize_line(x) for x in (scene.place, scene.date) if x)
        self.say(f"## {header}" + (f" ({where})" if where else ""))
        self.say()
        for paragraph in game.text():
            self.para(paragraph)
            self.say()

    def show_trust(self) -> None:
        parts = [f"{sanitize_line(f.name)} {self.game.state.values[f.slot]}" for f in self.story.factions.values()]
        self.say("Trust: " + "; ".join(parts) + ".")

    def show_outcome(self, outcome: Outcome) -> None:
        for change in outcome.trust:
            name = sanitize_line(self.story.factions[change.faction].name)
            sign = "+" if change.delta > 0 else ""
            self.say(f"  {name}: {sign}{change.delta}, now {change.after}.")

    def show_ending(self) -> None:
        ending = self.game.ending
        assert ending is not None
        self.say(f"*** Ending: {sanitize_line(ending.title)} ***")
        self.say()
        self.say("Final trust:")
        for f in self.story.factions.values():
            self.say(f"  {sanitize_line(f.name)}: {self.game.state.values[f.slot]}")
        self.say()
        self.say(f"You made {self.game.turn} choices. Thank you for playing.")

    def ask(self) -> str | None:
        self.out.write("> ")
        self.out.flush()
        line = self.inp.readline()
        if not line:
            return None
        return sanitize(line.strip(), keep_newlines=False)

    def run(self) -> int:
        self.say(sanitize_line(self.story.title))
        self.say("A work of fiction set during a real war. It mixes fact and invention and is not a historical source.")
        self.say(HELP)
        while True:
            self.show_scene()
            if self.game.ending is not None:
                self.show_ending()
                return 0
            views = self.game.choices()
            for v in views:
                line = f"  {v.number}. {sanitize_line(v.label)}"
                if not v.enabled:
                    line += f" (unavailable: {sanitize_line(v.reason)})"
                self.say(line)
            while True:
                answer = self.ask()
                if answer is None:
                    self.say()
                    self.say("Input ended; leaving the game.")
                    return 0
                low = answer.lower()
                if low in ("q", "quit", "exit"):
                    self.say("Goodbye.")
                    return 0
                if low in ("h", "help", "?"):
                    self.say(HELP)
                    continue
                if low in ("t", "trust"):
                    self.show_trust()
                    continue
                picked = None
                if answer.isdigit() and 1 <= int(answer) <= len(views):
                    picked = views[int(answer) - 1]
                else:
                    picked = next((v for v in views if v.id == answer), None)
                if picked is None:
                    self.say(f"Please type a number from 1 to {len(views)}." if views else HELP)
                    continue
                if not picked.enabled:
                    self.say(f"That choice is unavailable: {sanitize_line(picked.reason)}")
                    continue
                try:
                    outcome = self.game.choose(picked.id)
                except ChoiceError as exc:  # pragma: no cover - views come from the same state
                    self.say(sanitize_line(str(exc)))
                    continue
                self.show_outcome(outcome)
                break


def play_plain(story: Story, seed: int = 0) -> int:
    try:
        return PlainPlayer(story, seed).run()
    except KeyboardInterrupt:
        sys.stdout.write("\nGoodbye.\n")
        return 130
    # A broken pipe or a full disk on the output is reported by the CLI, as for every command (game.streams).
