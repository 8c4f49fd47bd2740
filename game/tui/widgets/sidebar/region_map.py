"""A small text map of the region (the Turkish border, Kobanî, Tal Abyad, Raqqa, the Euphrates, Deir ez-Zor).

Scenes name an optional ``location`` id; the matching place on the map is shown in reverse video and named
below the map ("Here: Raqqa"), so it reads the same without colour. Unknown ids simply mark nothing.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content, Span
from textual.widgets import Static

from ....engine import Story
from ...text import MUTED, line

WIDTH, HEIGHT = 28, 10

# (row, column, text, location id): drawn in order onto a WIDTH x HEIGHT grid. Roughly to scale: north is up,
# the border runs along the top, the river comes in from Turkey west of Kobanî and flows to Deir ez-Zor.
ITEMS: tuple[tuple[int, int, str, str], ...] = (
    (0, 8, "T U R K E Y", "turkish_border"),
    (1, 0, "\u2501" * WIDTH, "turkish_border"),
    (2, 0, "\u2248", "euphrates_valley"),
    (2, 3, "\u25cf Koban\u00ee", "kobani"),
    (3, 1, "\u2248", "euphrates_valley"),
    (3, 3, "(canton)", "kobani_canton"),
    (2, 14, "\u25cf Tal Abyad", "tal_abyad"),
    (3, 14, "\u2506", ""),
    (4, 14, "\u2506", ""),
    (4, 2, "\u2248", "euphrates_valley"),
    (5, 3, "\u2248" * 11, "euphrates_valley"),
    (5, 14, "\u25cf Raqqa", "raqqa"),
    (6, 3, "Euphrates", "euphrates_valley"),
    (6, 15, "\u2248" * 5, "euphrates_valley"),
    (7, 20, "\u2248" * 3, "euphrates_valley"),
    (8, 23, "\u2248", "euphrates_valley"),
    (8, 24, "\u25cf", "deir_ez_zor"),
    (9, 16, "Deir ez-Zor", "deir_ez_zor"),
    (3, 19, "desert", "desert_road"),
    (4, 19, "road", "desert_road"),
    (3, 26, "\u00b7", "desert_road"),
    (4, 26, "\u00b7", "desert_road"),
    (5, 26, "\u00b7", "desert_road"),
    (6, 26, "\u00b7", "desert_road"),
    (7, 25, "\u00b7", "desert_road"),
)
MAP_LOCATIONS = frozenset(loc for *_, loc in ITEMS if loc)
_STYLES = {"turkish_border": MUTED, "euphrates_valley": "$text-primary"}


def _grid() -> tuple[str, dict[str, list[tuple[int, int]]]]:
    rows = [[" "] * WIDTH for _ in range(HEIGHT)]
    for r, c, text, _loc in ITEMS:
        for i, ch in enumerate(text):
            rows[r][c + i] = ch
    text = "\n".join("".join(row) for row in rows)
    spans: dict[str, list[tuple[int, int]]] = {}
    for r, c, t, loc in ITEMS:
        if loc:
            start = r * (WIDTH + 1) + c  # +1: the newline ending each row
            spans.setdefault(loc, []).append((start, start + len(t)))
    return text, spans


_TEXT, _SPANS = _grid()


def map_content(location: str) -> Content:
    """The map with ``location`` marked (nothing marked for ids the map does not know)."""
    spans = [Span(a, b, style) for loc, style in _STYLES.items() for a, b in _SPANS[loc]]
    spans.extend(Span(a, b, "reverse bold") for a, b in _SPANS.get(location, ()))
    return Content(_TEXT, spans)


class RegionMap(Vertical):
    """The map, and below it the name of the scene's place ("Here: ...")."""

    def __init__(self, story: Story, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.story = story
        self.location = ""
        self._marked = False
        self.border_title = "Map"

    def compose(self) -> ComposeResult:
        yield Static("", markup=False, id="map-drawing")
        yield Static("", markup=False, id="map-here")

    def mark(self, story: Story, location: str) -> None:
        """Mark ``location`` (a scene's location id; unknown or empty ids mark nothing)."""
        if story is self.story and location == self.location and self.is_mounted and self._marked:
            return
        self._marked = True
        self.story = story
        self.location = location
        # The drawing is of this war's region; a story set elsewhere (a test story) gets only the "Here:" line.
        drawn = bool(MAP_LOCATIONS & set(story.locations))
        self.set_class(not drawn, "-undrawn")
        if drawn:
            self.query_one("#map-drawing", Static).update(map_content(location))
        place = story.locations.get(location)
        here = (
            Content.assemble(("Here: ", "bold"), line(place.name))
            if place
            else Content.styled("Here: (no place named)", "italic")
        )
        self.query_one("#map-here", Static).update(here)
