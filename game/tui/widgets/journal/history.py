"""The journal's parts: a sparkline of each faction's trust over the game, and the list of choices taken.

Each entry is numbered, with a hanging indent: the scene and the choice, the choice's result as the story told
it, and the trust it moved. A game restored from a save's snapshot starts with the choices recorded before the
story changed (by their ids, or their labels where the story still has them), and its trust history starts from
the snapshot's values.
"""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget

from ....session import Session
from ...text import MUTED, changes_content, faction_namer, line, rendered, sparkline
from ..hanging import Hanging, Row


class TrustHistory(Widget):
    """One line per faction: name, its value now, and its trust at the start and after every choice (a sparkline)."""

    def __init__(self, session: Session, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.session = session
        self.border_title = "Trust over time"

    def show(self, session: Session) -> None:
        self.session = session
        self.refresh(layout=True)

    def render(self) -> Content:
        session = self.session
        story = session.story
        series = session.trust_series()
        name_of = faction_namer(story, session.game.faction_name)
        names = {fid: line(name_of(fid)) for fid in story.factions}
        if not names:
            return Content("This story has no factions.")
        width = self.content_size.width or 60
        name_w = min(max(len(n) for n in names.values()), max(8, width // 3))
        spark_w = max(4, width - name_w - 6)
        rows: list[Content] = []
        for fid, name in names.items():
            faction = story.factions[fid]
            values = series.get(fid, [])
            label = name if len(name) <= name_w else name[: name_w - 1] + "\u2026"
            now = values[-1] if values else faction.initial
            rows.append(
                Content.assemble(
                    label.ljust(name_w),
                    " ",
                    (str(now).rjust(3), "bold"),
                    "  ",
                    (sparkline(values, faction.low, faction.high, spark_w), "$text-accent"),
                )
            )
        return Content("\n").join(rows)

    def get_content_height(self, container, viewport, width):  # type: ignore[no-untyped-def]
        return max(1, len(self.session.story.factions))


def step_content(session: Session, step_index: int) -> Content:
    """One choice taken: the scene and the choice, its result, and the trust it moved (each on its own line)."""
    step = session.steps[step_index]
    name_of = faction_namer(session.story, session.game.faction_name)
    rows = [
        Content.assemble(
            rendered(step.title, "bold", one_line=True), " \u2192 ", rendered(step.choice_label, one_line=True)
        )
    ]
    rows.extend(rendered(p, "italic") for p in step.result)
    moved = changes_content(name_of, step.changes)
    if moved:
        rows.append(moved)
    return Content("\n").join(rows)


def restored_content(session: Session, scene_id: str, choice_id: str) -> Content:
    """A choice recorded before the story changed: its scene's title and its label if the story still has them."""
    scene = session.story.scenes.get(scene_id)
    choice = scene.choice(choice_id) if scene is not None else None
    if scene is None or choice is None:
        return Content.styled(f"{line(scene_id)}.{line(choice_id)}", MUTED)
    return Content.assemble(
        rendered(session.game.render(scene.title), "bold", one_line=True),
        " \u2192 ",
        rendered(session.game.render(choice.label), one_line=True),
    )


def now_content(session: Session) -> Content:
    here = "The end: " if session.game.ending is not None else "Now: "
    title = session.game.ending_title() if session.game.ending is not None else session.game.header().title
    return Content.assemble((here, "italic"), rendered(title, "bold italic", one_line=True))


def journal_rows(session: Session) -> list[Row]:
    """Every choice taken, numbered, then where the player is now."""
    earlier = session.restored_log
    total = len(earlier) + len(session.steps)
    width = len(f"{total}. ")
    rows: list[Row] = []
    if earlier:
        rows.append(
            Row(
                0,
                Content(""),
                Content.styled(
                    f"Restored from the save's snapshot: the story changed after these {len(earlier)} choices, so "
                    "what they did is not known; trust over time starts from the snapshot.",
                    f"italic {MUTED}",
                ),
            )
        )
        for n, (scene_id, choice_id) in enumerate(earlier, 1):
            rows.append(Row(0, Content.styled(f"{n}.".rjust(width - 1) + " ", "bold"), restored_content(session, scene_id, choice_id)))
    for i in range(len(session.steps)):
        n = len(earlier) + i + 1
        rows.append(Row(0, Content.styled(f"{n}.".rjust(width - 1) + " ", "bold"), step_content(session, i)))
    if not total:
        rows.append(Row(0, Content(""), Content.styled("No choices taken yet.", "italic")))
    rows.append(Row(0, Content(" " * width), now_content(session)))
    return rows


def journal_visual(session: Session) -> Hanging:
    """The journal as one visual (one widget however long the game): numbered entries with hanging indents."""
    return Hanging(journal_rows(session))


def journal_text(session: Session) -> str:
    """The journal as plain text (for tests and screen readers)."""
    return "\n".join(f"{prefix.plain}{body.plain}".strip() for _m, prefix, body in journal_rows(session))
