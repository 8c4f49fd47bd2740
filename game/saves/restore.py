"""Restoring a game from a save: replay the choice log from the start, compare with the snapshot stored beside it,
and when a story edit broke the log, rebuild the player's place from the snapshot and say exactly what changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..engine import ChoiceError, Game, State, Story
from .savedata import SaveData, SaveError, _show

REBUILT_NOTE = (
    "The story has changed since this save was made; its choices still apply, so the game was rebuilt "
    "from them."
)


@dataclass
class ReplayStop:
    """Where a choice log stopped applying: the 1-based step and a sentence saying why."""

    step: int
    scene: str
    choice: str
    message: str


def replay_log(story: Story, seed: int, log: Iterable[tuple[str, str]]) -> tuple[Game, ReplayStop | None]:
    """Replay a log as far as it applies: (the game at the last step that applied, why it stopped). Scenes and
    choices the log names by a former id (``formerly:``) are followed to their id now."""
    game = Game(story, seed)
    for i, (old_scene, old_choice) in enumerate(log, 1):
        scene_id, choice_id = story.current_choice(old_scene, old_choice)
        here = game.state.scene
        if scene_id not in story.scenes:
            return game, ReplayStop(i, scene_id, choice_id, f"step {i}: scene '{scene_id}' no longer exists")
        if scene_id != here:
            return game, ReplayStop(
                i,
                scene_id,
                choice_id,
                f"step {i}: the choices now lead to scene '{here}', not to scene '{scene_id}'",
            )
        if story.scenes[scene_id].choice(choice_id) is None:
            return game, ReplayStop(
                i, scene_id, choice_id, f"step {i}: scene '{scene_id}' no longer has choice '{choice_id}'"
            )
        try:
            game.choose(choice_id)
        except ChoiceError as exc:
            return game, ReplayStop(i, scene_id, choice_id, f"step {i}: in scene '{scene_id}', {exc}")
    return game, None


def _differences(data: SaveData, state: dict[str, Any], story: Story) -> list[str]:
    """Where a replayed state differs from the save's snapshot, field by field (for messages)."""
    out: list[str] = []
    if state["scene"] != story.current_scene(data.scene):
        out.append(f"scene: saved '{data.scene}', replayed '{state['scene']}'")
    for label, saved, now in (
        ("trust", data.trust, state["trust"]),
        ("variables", data.variables, state["variables"]),
    ):
        for name in sorted(saved.keys() | now.keys()):
            a, b = saved.get(name), now.get(name)
            if a != b or type(a) is not type(b):
                out.append(f"{label}.{name}: saved {_show(a)}, replayed {_show(b)}")
    if set(state["visited"]) != {story.current_scene(s) for s in data.visited}:
        out.append("visited scenes differ")
    if set(state["chosen"]) != _chosen_now(story, data.chosen):
        out.append("choices taken differ")
    return out


def _chosen_now(story: Story, chosen: Iterable[str]) -> set[str]:
    """Choice keys ('scene.choice') as they are now, following former ids."""
    out = set()
    for key in chosen:
        scene_id, _, choice_id = key.partition(".")
        out.add(".".join(story.current_choice(scene_id, choice_id)))
    return out


def restore(data: SaveData, story: Story, path: Path) -> tuple[Game, float, list[str], bool]:
    """Rebuild the game a save describes: (game, play_seconds, notes, exact). Raises SaveError."""
    if data.story_id != story.id:
        raise SaveError(
            path,
            f"this save belongs to another story ('{data.story_title}', id '{data.story_id}'), "
            f"not to '{story.title}' (id '{story.id}')",
        )
    changed = data.fingerprint != story.fingerprint
    game, stop = replay_log(story, data.seed, data.log)
    if stop is None:
        diffs = _differences(data, game.state.to_dict(story), story)
        if not changed:
            if diffs:
                raise SaveError(
                    path,
                    f"the save does not match its own choices ({diffs[0]}); was the file edited by hand?",
                )
            return game, data.play_seconds, [], True
        notes = [REBUILT_NOTE]
        notes.extend(_player_differences(story, data, game))
        return game, data.play_seconds, notes, True
    if not changed and data.restored and story.current_scene(data.scene) in story.scenes:
        # Saved after a restore from a snapshot on this very story: the player was told then; nothing changed since.
        game, _notes = _from_snapshot(data, story)
        return game, data.play_seconds, [], True
    if not changed:
        raise SaveError(
            path,
            f"the save's choices do not replay on the story they were made with ({stop.message}); "
            "was the file edited by hand?",
        )
    notes = [
        f"The story has changed since this save was made, and its choices no longer apply: {stop.message}."
    ]
    if story.current_scene(data.scene) in story.scenes:
        game, extra = _from_snapshot(data, story)
        notes.append(f"Your place was restored from the save's snapshot instead (scene '{data.scene}').")
        notes.extend(extra)
        return game, data.play_seconds, notes, False
    notes.append(
        f"The saved scene '{data.scene}' no longer exists either, so the game resumes where the choices "
        f"still lead: after step {stop.step - 1}, in scene '{game.state.scene}'."
    )
    return game, data.play_seconds, notes, False


def _player_differences(story: Story, data: SaveData, game: Game) -> list[str]:
    """What a player would notice after a story edit: another scene, other trust."""
    out: list[str] = []
    if game.state.scene != story.current_scene(data.scene):
        out.append(f"You are now in '{game.scene.title}' (the save was made in scene '{data.scene}').")
    for faction in story.factions.values():
        now = game.state.values[faction.slot]
        then = data.trust.get(faction.id)
        if then is not None and then != now:
            out.append(f"Trust with {faction.name} is now {now} (it was {then} when saved).")
    return out


def _from_snapshot(data: SaveData, story: Story) -> tuple[Game, list[str]]:
    """A State built from the snapshot: unknown names dropped, new ones at their defaults, trust clamped."""
    values = list(story.defaults)
    notes: list[str] = []
    added: list[str] = []
    for faction in story.factions.values():
        saved = data.trust.get(faction.id)
        if saved is None:
            added.append(faction.id)
            continue
        clamped = min(max(saved, faction.low), faction.high)
        if clamped != saved:
            notes.append(
                f"Trust with {faction.name} was {saved}, outside its new range; it is now {clamped}."
            )
        values[faction.slot] = clamped
    for var in story.variables.values():
        saved_v = data.variables.get(var.id)
        if saved_v is None:
            added.append(var.id)
        elif (var.type is bool) == isinstance(saved_v, bool):
            if not isinstance(saved_v, bool) and var.low is not None and var.high is not None:
                clamped_v = min(max(saved_v, var.low), var.high)
                if clamped_v != saved_v:
                    notes.append(f"{var.id} was {saved_v}, outside its new range; it is now {clamped_v}.")
                saved_v = clamped_v
            values[var.slot] = saved_v
        else:
            added.append(var.id)  # the type changed: the old value means something else now
    dropped = sorted(
        (data.trust.keys() - story.factions.keys()) | (data.variables.keys() - story.variables.keys())
    )
    if dropped:
        notes.append("Values the story no longer uses were dropped: " + ", ".join(dropped) + ".")
    if added:
        notes.append("New values start at their defaults: " + ", ".join(added) + ".")
    chosen = {
        key
        for key in _chosen_now(story, data.chosen)
        if (parts := key.split(".", 1))[0] in story.scenes and story.scenes[parts[0]].choice(parts[1]) is not None
    }
    scene = story.current_scene(data.scene)
    visited = {s for s in map(story.current_scene, data.visited) if s in story.scenes} | {scene}
    # The log is kept as it was: it is the save's history, and chance rolls count its steps.
    state = State(scene, values, visited, chosen, list(data.log), data.seed)
    return Game(story, state=state), notes


