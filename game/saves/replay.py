"""Replaying a playthrough headlessly: every step taken as a player would, every expectation checked, the golden
transcript compared (or rewritten); the result is a ReplayReport whose failure says where and why."""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from .. import smallfile
from ..engine import Game, Story
from ..sanitize import sanitize_line
from .atomic import atomic_write
from .expect import Expect, _hint
from .hints import chance_note, first_difference_step
from .nodes import PlaythroughError
from .transcript import Transcript

if TYPE_CHECKING:
    from .playthrough import Playthrough, Step

UPDATE_ENV = "QASAS_UPDATE_GOLDEN"
MAX_GOLDEN_BYTES = 16 * 1024 * 1024


@dataclass
class ReplayFailure:
    """Why a playthrough failed: where (the step, the scene, the file position), a one-line message, and what
    was expected against what happened.

    ``kind`` is 'choice' (step ``step`` could not be taken), 'expect' (an expectation after ``step`` choices
    did not hold), 'golden' (the transcript differs from its golden file; ``diff`` holds a unified diff) or
    'story' (the playthrough is for another story).
    """

    step: int
    scene: str
    message: str
    expected: list[str] = field(default_factory=list)
    actual: list[str] = field(default_factory=list)
    where: str = ""
    diff: str = ""
    kind: str = "choice"

    def render(self) -> str:
        """Readable, multi-line, sanitised: the place, the message, then expected (-) against actual (+)."""
        if self.kind == "choice":
            head = f"step {self.step}"
        elif self.step == 0:
            head = "at the start"
        else:
            head = f"after step {self.step}"
        head += f", in scene '{self.scene}'"
        if self.where:
            head += f" ({self.where})"
        lines = [sanitize_line(f"{head}: {self.message}")]
        if self.expected or self.actual:
            lines += ["  --- expected", "  +++ actual"]
            if len(self.expected) == len(self.actual):
                for e, a in zip(self.expected, self.actual):
                    lines += [f"  - {sanitize_line(e)}", f"  + {sanitize_line(a)}"]
            else:
                lines += [f"  - {sanitize_line(e)}" for e in self.expected]
                lines += [f"  + {sanitize_line(a)}" for a in self.actual]
        if self.diff:
            lines += ["  " + sanitize_line(d) for d in self.diff.splitlines()]
        return "\n".join(lines)

    __str__ = render

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "step": self.step,
            "scene": self.scene,
            "message": self.message,
            "where": self.where,
            "expected": self.expected,
            "actual": self.actual,
            "diff": self.diff,
        }


@dataclass
class ReplayReport:
    """The result of replaying one playthrough."""

    file: str
    ok: bool
    steps: int
    ending: str | None
    failure: ReplayFailure | None
    transcript: str
    written: str = ""  # the golden transcript written (with update_golden), else ''

    def to_json(self) -> dict[str, Any]:
        out = {
            "file": self.file,
            "ok": self.ok,
            "steps": self.steps,
            "ending": self.ending,
            "failure": self.failure.to_json() if self.failure else None,
        }
        if self.written:
            out["written"] = self.written
        return out


def update_golden_requested() -> bool:
    """Whether QASAS_UPDATE_GOLDEN asks to rewrite golden transcripts instead of comparing them."""
    return os.environ.get(UPDATE_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def _choice_failure(game: Game, step: Step, number: int) -> ReplayFailure | None:
    """Why ``step`` cannot be taken now, or None when it can."""
    st, story = game.state, game.story
    offered = [f"{st.scene}.{v.id}" + ("" if v.enabled else " (disabled)") for v in game.choices()]
    if game.ending is not None:
        note = chance_note(game, step.scene) if step.scene != st.scene else ""
        return ReplayFailure(
            number,
            st.scene,
            f"the story has already ended (ending '{game.scene.ending}')" + (f": {note}" if note else ""),
            [f"choice: {step.key}"],
            [f"ending: {game.scene.ending}"],
            step.where,
        )
    if step.scene != st.scene:
        if step.scene not in story.scenes:
            why = f"does not exist{_hint(step.scene, story.scenes)}"
        else:
            why = "is not where the choices lead"
            note = chance_note(game, step.scene)
            why += f": {note}" if note else ""
        return ReplayFailure(
            number,
            st.scene,
            f"the playthrough chooses in scene '{step.scene}', which {why}",
            [f"scene: {step.scene}", f"choice: {step.key}"],
            [f"scene: {st.scene}", "choices offered: " + (", ".join(offered) or "none")],
            step.where,
        )
    if game.scene.choice(step.choice) is None:
        return ReplayFailure(
            number,
            st.scene,
            f"scene '{st.scene}' has no choice '{step.choice}'{_hint(step.choice, [c.id for c in game.scene.choices])}",
            [f"choice: {step.key}"],
            ["choices offered: " + (", ".join(offered) or "none")],
            step.where,
        )
    view = next((v for v in game.choices() if v.id == step.choice), None)
    if view is None or not view.enabled:
        why = "is hidden here" if view is None else f"is disabled: {view.reason}"
        return ReplayFailure(
            number,
            st.scene,
            f"choice '{step.key}' {why}",
            [f"choice: {step.key} can be taken"],
            [f"choice: {step.key} {why}", "choices offered: " + (", ".join(offered) or "none")],
            step.where,
        )
    return None


def replay_playthrough(pt: Playthrough, story: Story, *, update_golden: bool | None = None) -> ReplayReport:
    """Replay a playthrough headlessly, checking every expectation and the golden transcript, if any.

    With ``update_golden`` (default: the QASAS_UPDATE_GOLDEN environment variable) a golden transcript is
    (re)written instead of compared, when the replay otherwise passes.
    """
    game = Game(story, pt.seed)
    out = Transcript(story, pt.seed)
    out.scene(game)
    failure: ReplayFailure | None = None
    steps = 0
    if pt.story_id is not None and pt.story_id != story.id:
        failure = ReplayFailure(
            0,
            game.state.scene,
            f"this playthrough is for story '{pt.story_id}', not '{story.id}'",
            [f"story: {pt.story_id}"],
            [f"story: {story.id}"],
            kind="story",
        )
    for item in pt.items if failure is None else ():
        if isinstance(item, Expect):
            wrong = item.check(game)
            if wrong:
                note = chance_note(game, item.scene) if item.scene and item.scene != game.state.scene else ""
                failure = ReplayFailure(
                    steps,
                    game.state.scene,
                    ("expectation failed" if len(wrong) == 1 else f"{len(wrong)} expectations failed")
                    + (f" ({note})" if note else ""),
                    [e for e, _ in wrong],
                    [a for _, a in wrong],
                    item.where,
                    kind="expect",
                )
                break
            continue
        if story.renamed:  # a scene or choice named by a former id (formerly:) is the one that has it now
            scene_id, choice_id = story.current_choice(item.scene, item.choice)
            if (scene_id, choice_id) != (item.scene, item.choice):
                item = replace(item, scene=scene_id, choice=choice_id)
        failure = _choice_failure(game, item, steps + 1)
        if failure is not None:
            break
        view = next(v for v in game.choices() if v.id == item.choice)
        outcome = game.choose(item.choice)
        steps += 1
        out.choice(view, outcome, game)
        out.scene(game)
    text = out.text()
    written = ""
    if failure is None and pt.transcript is not None:
        failure = _check_golden(pt, text, steps, game, update_golden)
        if failure is None and (update_golden if update_golden is not None else update_golden_requested()):
            written = str(pt.transcript_path())
    return ReplayReport(
        pt.name,
        failure is None,
        steps,
        game.scene.ending or None,
        failure,
        text,
        written,
    )


def _check_golden(
    pt: Playthrough, text: str, steps: int, game: Game, update: bool | None
) -> ReplayFailure | None:
    try:
        golden = pt.transcript_path()
    except PlaythroughError as exc:
        return ReplayFailure(steps, game.state.scene, str(exc), kind="golden")
    assert golden is not None
    if update if update is not None else update_golden_requested():
        try:
            atomic_write(golden, text.encode("utf-8"))
        except OSError as exc:
            return ReplayFailure(
                steps,
                game.state.scene,
                f"could not write the golden transcript {golden}: {exc}",
                kind="golden",
            )
        return None
    try:
        want = smallfile.read_text(golden, MAX_GOLDEN_BYTES)
    except smallfile.FileRefused as exc:
        if exc.kind == "missing" and not os.path.lexists(golden):
            return ReplayFailure(
                steps,
                game.state.scene,
                f"the golden transcript {golden.name} does not exist; run with {UPDATE_ENV}=1 to create it",
                kind="golden",
            )
        return ReplayFailure(
            steps, game.state.scene, f"cannot read the golden transcript {golden.name}: {exc.reason}", kind="golden"
        )
    want = want.replace("\r\n", "\n")  # a checkout with autocrlf must not fail every golden file
    if want == text:
        return None
    diff = difflib.unified_diff(
        want.splitlines(),
        text.splitlines(),
        fromfile=f"{golden.name} (golden)",
        tofile="replayed",
        lineterm="",
    )
    lines = list(diff)
    if len(lines) > 80:
        lines = lines[:80] + [f"... ({len(lines) - 80} more diff lines)"]
    # Numbered by where the transcripts part, not by how long the replay went on after that.
    parted = first_difference_step(want, text)
    return ReplayFailure(
        parted,
        game.state.scene,
        f"the transcript differs from the golden file {golden.name} from step {parted} on "
        f"(set {UPDATE_ENV}=1 to accept the new one)",
        diff="\n".join(lines),
        kind="golden",
    )

