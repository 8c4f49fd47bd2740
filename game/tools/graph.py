"""The story map as data: scenes grouped by chapter, one edge per (choice, route), each with its label and the
conditions that guard it. ``qasas graph`` draws it as Mermaid, DOT or SVG (``game/commands/graph.py``) and the
report lays it out in the browser (``game/report``), so every drawing of the map reads this one model.

Two views: ``story_map`` (every scene, or one chapter with the scenes it is entered from and leads to drawn as
outside nodes) and ``overview_map`` (one node per chapter, one edge per pair of chapters a choice crosses). The
model holds the story's own text, unsanitised and unescaped: each renderer makes it safe for its format.
Deterministic: chapters by order, scenes and choices as written.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

from ..engine import Choice, Route, Scene, Story

# Labels longer than this are wrapped onto several lines (a map of long labels on one line is mostly edge).
SCENE_WIDTH = 24
EDGE_WIDTH = 28


@dataclass(frozen=True, slots=True)
class MapNode:
    """A scene (or, in the overview, a chapter) on the map."""

    id: str
    title: str
    chapter: str = ""
    ending: str = ""  # the ending id, for an ending scene
    start: bool = False
    outside: bool = False  # another chapter's scene, drawn to show where a chapter is entered from or leads to
    outside_chapter: str = ""  # that chapter's title
    note: str = ""  # '(ending: ...)' for an ending scene; the endings in a chapter of the overview
    kind: str = "scene"  # 'scene', 'routes' (a shared route list, drawn once) or 'chapter' (the overview)

    @property
    def caption(self) -> str:
        """The caption on one line."""
        return f"{self.title} {self.note}" if self.note else self.title

    def lines(self, width: int = SCENE_WIDTH) -> list[str]:
        """The caption, wrapped when longer than ``width``: the title, then the note on lines of its own."""
        if len(self.caption) <= width:
            return [self.caption]
        return wrap(self.title, width) + (wrap(self.note, width) if self.note else [])


@dataclass(frozen=True, slots=True)
class MapEdge:
    """One way from a scene to another: a choice's route (or, in the overview, every choice between two chapters)."""

    source: str
    target: str
    text: str  # the choice's label (overview: how many choices)
    notes: str = ""  # '[if ...; requires ...; 30%]': what guards this way
    choice: str = ""  # 'scene.choice'
    route: int = 0
    count: int = 1  # overview: how many choices this edge stands for
    shared: str = ""  # the route list an edge leaves from (its routes are drawn once, from the list's node)

    @property
    def label(self) -> str:
        """The label on one line."""
        return " ".join(x for x in (self.text, self.notes) if x)

    def lines(self, width: int = EDGE_WIDTH) -> list[str]:
        """The label, wrapped when longer than ``width``: the choice's label, then its conditions on lines of their
        own."""
        if len(self.label) <= width:
            return [self.label]
        return (wrap(self.text, width) if self.text else []) + (wrap(self.notes, width) if self.notes else [])


@dataclass(frozen=True, slots=True)
class MapCluster:
    """A chapter: its id, title and the nodes drawn inside it, in order."""

    id: str
    title: str
    nodes: tuple[str, ...]


@dataclass(slots=True)
class StoryMap:
    """The map: clusters (chapters) of nodes, outside nodes, and edges, all in the story's order."""

    id: str
    title: str
    clusters: list[MapCluster] = field(default_factory=list)
    nodes: dict[str, MapNode] = field(default_factory=dict)
    edges: list[MapEdge] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    lists: list[str] = field(default_factory=list)  # story-wide route lists' nodes (a chapter's are in its cluster)
    overview: bool = False


LIST_PREFIX = "routes:"  # a route list's node id: 'routes:<list id>' (never a scene id, which has no ':')


def wrap(text: str, width: int) -> list[str]:
    """``text`` as lines of at most ``width`` characters (a longer word stays whole), never none."""
    return textwrap.wrap(" ".join(text.split()), width, break_long_words=False, break_on_hyphens=False) or [""]


def edge_notes(choice: Choice | None, route: Route | None, routes: int, otherwise: bool = False) -> str:
    """What guards an edge, in brackets: the choice's conditions, and the route's condition or chance (or
    'otherwise' for the last route of several, and for a route list reached when the routes before it fail)."""
    notes = []
    if choice is not None and choice.visible_if is not None:
        notes.append(f"if {choice.visible_if.source}")
    if choice is not None and choice.enabled_if is not None:
        notes.append(f"requires {choice.enabled_if.source}")
    if route is not None and routes > 1:
        if route.when is not None:
            notes.append(f"when {route.when.source}")
        if route.chance is not None:
            notes.append(f"{route.chance}%")
        if route.when is None and route.chance is None:
            notes.append("otherwise")
    if otherwise:
        notes.append("otherwise")
    return f"[{'; '.join(notes)}]" if notes else ""


def scene_edges(story: Story, scenes: list[Scene], lists: bool = True) -> list[MapEdge]:
    """The edges out of ``scenes``, one per (choice, route), in the order written. With ``lists``, a choice that
    uses a shared route list leads to the list's node instead of along each of its routes."""
    out = []
    for scene in scenes:
        for choice in scene.choices:
            rl = story.routes.get(choice.shared) if lists and choice.shared else None
            own = choice.routes[: len(choice.routes) - len(rl.routes)] if rl is not None else choice.routes
            for k, route in enumerate(own):
                notes = edge_notes(choice, route, len(choice.routes))
                out.append(MapEdge(scene.id, route.target, choice.label, notes, choice.key, k))
            if rl is not None:
                notes = edge_notes(choice, None, 1, otherwise=bool(own))
                out.append(MapEdge(scene.id, LIST_PREFIX + rl.id, choice.label, notes, choice.key, len(own)))
    return out


def list_edges(story: Story, list_id: str) -> list[MapEdge]:
    """The routes of a shared route list, from its node."""
    rl = story.routes[list_id]
    return [
        MapEdge(LIST_PREFIX + list_id, route.target, "", edge_notes(None, route, len(rl.routes)), "", k, shared=list_id)
        for k, route in enumerate(rl.routes)
    ]


def scene_node(story: Story, scene: Scene, outside: bool = False) -> MapNode:
    """A scene as a node: its title (its id when the title is empty), and the ending it reaches."""
    note = ""
    if scene.ending:
        ending = story.endings.get(scene.ending)
        note = f"(ending: {' '.join(ending.title.split()) if ending else scene.ending})"
    ch = story.chapters.get(scene.chapter) if outside else None
    return MapNode(
        scene.id, " ".join(scene.title.split()) or scene.id, scene.chapter, scene.ending, scene.id == story.start,
        outside, ch.title if ch else "", note,
    )


def chapter_order(story: Story, chapter_ids: set[str] | list[str]) -> list[str]:
    """Chapter ids by their order (unknown chapters last, by id)."""
    order = {cid: (c.order, cid) for cid, c in story.chapters.items()}
    return sorted(set(chapter_ids), key=lambda c: order.get(c, (10**9, c)))


def has_chapter(story: Story, chapter: str) -> bool:
    return chapter in story.chapters or any(s.chapter == chapter for s in story.scenes.values())


def story_map(story: Story, chapter: str | None = None) -> StoryMap:
    """The map of the whole story, or of one chapter (raises KeyError for an unknown chapter). A shared route list
    is one node, with its routes drawn once from it."""
    if chapter is not None and not has_chapter(story, chapter):
        raise KeyError(chapter)
    m = StoryMap(story.id, story.title)
    if chapter is None:
        inside = list(story.scenes.values())
        edges = scene_edges(story, inside)
    else:
        inside = [s for s in story.scenes.values() if s.chapter == chapter]
        ids = {s.id for s in inside}
        # Scenes in other chapters that lead into this one, so the reader sees where the chapter is entered from
        # (each route of theirs drawn on its own: their route lists belong to their own chapter's map).
        outside_scenes = [s for s in story.scenes.values() if s.id not in ids]
        incoming = [e for e in scene_edges(story, outside_scenes, lists=False) if e.target in ids]
        edges = incoming + scene_edges(story, inside)
    groups: dict[str, list[str]] = {}
    for s in inside:
        groups.setdefault(s.chapter, []).append(s.id)
        m.nodes[s.id] = scene_node(story, s)
    used = [e.target[len(LIST_PREFIX):] for e in edges if e.target.startswith(LIST_PREFIX)]
    for rid in dict.fromkeys(used):
        rl = story.routes[rid]
        m.nodes[LIST_PREFIX + rid] = MapNode(LIST_PREFIX + rid, f"route list {rid}", rl.chapter, kind="routes")
        if rl.chapter in groups:
            groups[rl.chapter].append(LIST_PREFIX + rid)
        else:
            m.lists.append(LIST_PREFIX + rid)
        edges += list_edges(story, rid)
    for cid in chapter_order(story, list(groups)):
        ch = story.chapters.get(cid)
        m.clusters.append(MapCluster(cid, ch.title if ch else cid, tuple(groups[cid])))
    for e in edges:
        for sid in (e.source, e.target):
            if sid not in m.nodes:
                m.nodes[sid] = scene_node(story, story.scenes[sid], outside=True)
                m.outside.append(sid)
    m.edges = edges
    return m


def overview_map(story: Story) -> StoryMap:
    """One node per chapter (with the endings reached in it), one edge per pair of chapters a choice crosses."""
    m = StoryMap(story.id, story.title, overview=True)
    chapters = chapter_order(story, {s.chapter for s in story.scenes.values()})
    start_chapter = story.scenes[story.start].chapter if story.start in story.scenes else ""
    for cid in chapters:
        ch = story.chapters.get(cid)
        title = ch.title if ch else cid
        scenes = [s for s in story.scenes.values() if s.chapter == cid]
        endings = []
        for s in scenes:
            if s.ending and s.ending not in endings:
                endings.append(s.ending)
        note = f"({len(scenes)} scene{'s' if len(scenes) != 1 else ''})"
        if endings:
            titles = [story.endings[e].title if e in story.endings else e for e in endings]
            note = note[:-1] + f"; ending{'s' if len(endings) != 1 else ''}: {', '.join(titles)})"
        m.nodes[cid] = MapNode(cid, title, cid, "", cid == start_chapter, note=note, kind="chapter")
    crossing: dict[tuple[str, str], set[str]] = {}
    for e in scene_edges(story, list(story.scenes.values()), lists=False):
        a, b = story.scenes[e.source].chapter, story.scenes[e.target].chapter
        if a != b:
            crossing.setdefault((a, b), set()).add(e.choice)
    order = {cid: i for i, cid in enumerate(chapters)}
    for (a, b), keys in sorted(crossing.items(), key=lambda kv: (order[kv[0][0]], order[kv[0][1]])):
        n = len(keys)
        m.edges.append(MapEdge(a, b, f"{n} choice{'s' if n != 1 else ''}", count=n))
    return m
