"""Save (named slots, confirm before overwriting) and Load (a table: slot, chapter, scene, saved at, play time).

Both screens only read the saves folder and ask questions; the app does the saving and loading, so a failure
becomes a notification or an error dialog in one place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.coordinate import Coordinate
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from ..dialogs.confirm import ConfirmDialog
from ..text import line, play_time, when
from ..widgets.bars import KeyBar, NoticeBar, TitleBar

if TYPE_CHECKING:
    from ...saves import SaveInfo, SaveStore

COLUMNS = ("Slot", "Chapter", "Scene", "Saved at", "Play time")


def _fit(text: str, width: int) -> str:
    """One line of at most ``width`` characters (an ellipsis marks the cut); the table stays on screen."""
    text = line(text)
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def _texts(info: SaveInfo, story_id: str) -> tuple[str, str, str]:
    """Slot, chapter and scene as shown (sanitised, one line each)."""
    if info.error:
        return line(info.slot), "unreadable", line(info.error)
    scene = line(info.scene_title)
    if info.story_id and info.story_id != story_id:
        scene += f" (another story: {line(info.story_id)})"
    return line(info.slot), line(info.chapter), scene


def column_widths(rows: list[tuple[str, str, str]], screen_width: int) -> tuple[int, int, int]:
    """Widths for slot, chapter and scene: as wide as their text, the widest cut first when the screen is narrow."""
    room = max(30, screen_width - 16 - 9 - 12)  # saved at, play time, and the table's cell padding
    widths = [max([len(r[i]) for r in rows] + [len(COLUMNS[i])]) for i in range(3)]
    while sum(widths) > room and max(widths) > 8:
        widths[widths.index(max(widths))] -= 1
    return widths[0], widths[1], widths[2]


def _cells(info: SaveInfo, texts: tuple[str, str, str], widths: tuple[int, int, int]) -> tuple[Text, ...]:
    """A table row; every cell a plain Text so a save's contents are never read as markup."""
    slot, chapter, scene = (_fit(t, w) for t, w in zip(texts, widths))
    if info.error:
        return (
            Text(slot),
            Text(chapter, style="bold"),
            Text(scene, style="italic"),
            Text(when(info.saved_at)),
            Text(""),
        )
    return (
        Text(slot),
        Text(chapter),
        Text(scene),
        Text(when(info.saved_at)),
        Text(play_time(info.play_seconds), justify="right"),
    )


def overwrite_question(info: SaveInfo) -> str:
    """The question before saving over ``info``: it names the save that will really be replaced, as it was saved
    (its own name, where and when), or says that the file in the way cannot be read."""
    if info.error:
        return (
            f"The file {line(info.path.name)} is in the way of this save, and cannot be read ({line(info.error)}). "
            f"Replace it? It will be kept as {line(info.path.name)}.bak."
        )
    where = ", ".join(t for t in (line(info.chapter), line(info.scene_title)) if t)
    return (
        f"A save named \u201c{line(info.slot)}\u201d already exists"
        + (f" ({where}, saved {when(info.saved_at)})" if where else f" (saved {when(info.saved_at)})")
        + ". Overwrite it?"
    )


class SavesTable(DataTable[Text]):
    """The saves in the folder, newest first. Row keys are the slots' file paths."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.infos: dict[str, SaveInfo] = {}

    def fill(self, infos: list[SaveInfo], story_id: str) -> None:
        """Show ``infos``; long names are cut to fit the screen's width (the error dialog shows them whole)."""
        texts = [_texts(info, story_id) for info in infos]
        widths = column_widths(texts, self.app.size.width)
        self.clear(columns=not self.columns)
        if not self.columns:
            self.add_columns(*COLUMNS)
        self.infos = {}
        for info, shown in zip(infos, texts):
            key = str(info.path)
            self.infos[key] = info
            self.add_row(*_cells(info, shown, widths), key=key)

    def current(self) -> SaveInfo | None:
        if not self.infos or self.cursor_row < 0 or self.cursor_row >= self.row_count:
            return None
        key = self.coordinate_to_cell_key(Coordinate(self.cursor_row, 0)).row_key.value
        return self.infos.get(key or "")


class SaveScreen(Screen[str | None]):
    """Type a name (or pick an existing slot) to save; dismisses with the slot name, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Back")]

    def __init__(self, store: SaveStore, story_id: str, suggestion: str = "") -> None:
        super().__init__()
        self.store, self.story_id, self.suggestion = store, story_id, suggestion

    def compose(self) -> ComposeResult:
        yield TitleBar(id="title-bar")
        with Vertical(id="save-box"):
            yield Static(
                Content("Name this save and press Enter. Pick a row below to overwrite an old save.")
            )
            yield Input(
                value=self.suggestion, placeholder="a name for this save", id="save-name", max_length=80
            )
            yield SavesTable(id="saves-table")
            yield Static("", id="saves-empty", markup=False)
        yield NoticeBar(id="notices")
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        self.query_one(TitleBar).show(line(self.app.title), "Save")
        infos = [i for i in self.store.list() if i.slot != "autosave"]
        self.query_one(SavesTable).fill(infos, self.story_id)
        self.query_one("#saves-empty", Static).update(Content("" if infos else "No named saves yet."))
        self.query_one("#save-name", Input).focus()

    @on(DataTable.RowSelected, "#saves-table")
    def _row(self, event: DataTable.RowSelected) -> None:
        info = self.query_one(SavesTable).infos.get(event.row_key.value or "")
        if info is not None:
            self.query_one("#save-name", Input).value = info.slot
            self._confirm(info.slot)

    @on(Input.Submitted, "#save-name")
    def _submitted(self, event: Input.Submitted) -> None:
        name = line(event.value).strip()
        if not name:
            self.notify("A save needs a name.", severity="warning", markup=False)
            return
        self._confirm(name)

    def _confirm(self, name: str) -> None:
        found = self.store.existing(name)
        if found is None:
            self.dismiss(name)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.dismiss(name)

        self.app.push_screen(
            ConfirmDialog(
                overwrite_question(found),
                yes="Overwrite",
                no="Keep it",
                title="Overwrite save?",
            ),
            answered,
        )

    def action_cancel(self) -> None:
        self.dismiss(None)


class LoadScreen(Screen[None]):
    """Pick a save to load (Enter), or delete one (d, after confirming).

    Reports the pick with ``LoadScreen.Chosen``; the app loads it, and if the save is bad shows the error over
    this screen, so the player can pick another.
    """

    class Chosen(Message):
        def __init__(self, info: SaveInfo) -> None:
            super().__init__()
            self.info = info

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Back"),
        Binding("d,delete", "delete", "Delete"),
    ]

    def __init__(self, store: SaveStore, story_id: str) -> None:
        super().__init__()
        self.store, self.story_id = store, story_id

    def compose(self) -> ComposeResult:
        yield TitleBar(id="title-bar")
        with Vertical(id="load-box"):
            yield Static(Content("Choose a save and press Enter to load it."))
            yield SavesTable(id="saves-table")
            yield Static("", id="saves-empty", markup=False)
        yield NoticeBar(id="notices")
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        self.query_one(TitleBar).show(line(self.app.title), "Load")
        self._fill()
        self.query_one(SavesTable).focus()

    def _fill(self) -> None:
        infos = self.store.list()
        self.query_one(SavesTable).fill(infos, self.story_id)
        self.query_one("#saves-empty", Static).update(Content("" if infos else "No saves yet."))

    @on(DataTable.RowSelected, "#saves-table")
    def _row(self, event: DataTable.RowSelected) -> None:
        info = self.query_one(SavesTable).infos.get(event.row_key.value or "")
        if info is not None:
            self.post_message(self.Chosen(info))

    def action_delete(self) -> None:
        info = self.query_one(SavesTable).current()
        if info is None:
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            from ...saves import SaveError

            try:
                self.store.delete(info.slot)
            except SaveError as exc:
                self.notify(line(str(exc)), severity="error", markup=False)
            else:
                self.notify(f"Deleted \u201c{line(info.slot)}\u201d.", markup=False)
            self._fill()

        self.app.push_screen(
            ConfirmDialog(
                f"Delete the save \u201c{line(info.slot)}\u201d? This cannot be undone.",
                yes="Delete",
                no="Keep it",
                title="Delete save?",
            ),
            answered,
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
