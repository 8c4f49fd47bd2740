"""The report's data: everything ``qasas report`` shows about a story, gathered from the other tools.

Random playthroughs (``randomtest`` with per-run detail: how many runs visit each scene and take each choice, how
long they are and how many words they read), lint's warnings, quicktest's verdicts and the story map
(``graph``), with each finding tied to the scene it is about so the page can link to it. ``game/report`` renders
this as one HTML page; nothing here knows HTML.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..engine import Passage, Scene, Story, Template
from ..loader import Problem
from .graph import StoryMap, overview_map, story_map
from .randomtest import Detail, Results, randomtest, report_data

if TYPE_CHECKING:
    from .quicktest import Quicktest


@dataclass(frozen=True, slots=True)
class Verdict:
    """Quicktest's verdict on one scene, choice or ending: 'reachable' (with a playable path), 'unreachable'
    (proven), or 'undecided' (neither shown before a budget ran out)."""

    kind: str  # 'scene', 'choice' or 'ending'
    id: str
    verdict: str
    path: tuple[str, ...] = ()
    scene: str = ""  # the scene it is about, for linking
    where: str = ""  # file:line:col


@dataclass
class QuicktestSummary:
    """Quicktest's findings in the report's terms: the verdicts, and the other problems it proves."""

    complete: bool  # every verdict is in
    states: int  # states quicktest's searches kept, in all
    verdicts: list[Verdict] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (scene or '', message)
    data: dict[str, Any] = field(default_factory=dict)  # the tool's own report, as --json prints it


@dataclass
class ReportData:
    """Everything the report shows. ``random`` is randomtest's report (``report_data``) and ``detail`` its per-run
    counts; ``warnings`` are lint's, each with the scene it is in (or '')."""

    story: Story
    runs: int
    seed: int
    results: Results
    random: dict[str, Any]
    warnings: list[tuple[Problem, str]]
    quicktest: QuicktestSummary | None
    overview: StoryMap
    chapters: list[StoryMap]

    @property
    def detail(self) -> Detail:
        assert self.results.detail is not None
        return self.results.detail


def build_report(
    story: Story,
    path: str,
    runs: int = 2000,
    seed: int = 1,
    jobs: int = 1,
    max_states: int | None = None,
    with_quicktest: bool = True,
    progress: Callable[[str], None] | None = None,
) -> ReportData:
    """Play ``runs`` random playthroughs (run i with seed ``seed + i``, over ``jobs`` processes), lint the story and,
    unless told not to, run quicktest (within ``max_states``, over as many processes); return it all as one
    ReportData."""
    from .lint import deep_warnings

    say = progress or (lambda step: None)
    say(f"{runs:,} random playthroughs")
    results = randomtest(story, runs, seed, jobs=jobs, path=path, detail=True)
    random = report_data(story, results, runs=runs, seed=seed, mode="random", jobs=jobs, max_steps=10_000)
    say("lint")
    locate = SceneLocator(story)
    warnings = [(w, locate(w.file, w.line)) for w in deep_warnings(story)]
    summary = None
    if with_quicktest:
        say("quicktest")
        summary = run_quicktest(story, max_states, jobs)
    chapters = [story_map(story, c.id) for c in story_map(story).clusters]
    return ReportData(story, runs, seed, results, random, warnings, summary, overview_map(story), chapters)


# ------------------------------------------------------------------------------------------- quicktest


def run_quicktest(story: Story, max_states: int | None = None, jobs: int = 1) -> QuicktestSummary:
    """Quicktest's verdicts (within ``max_states`` per search, over ``jobs`` processes), in the report's terms."""
    from .quicktest import Settings, quicktest

    settings = Settings(jobs=jobs) if max_states is None else Settings(max_states=max_states, jobs=jobs)
    return quicktest_summary(story, quicktest(story, settings))


def quicktest_summary(story: Story, result: Quicktest) -> QuicktestSummary:
    """Quicktest's findings as the report shows them: a verdict for every scene, choice and ending (with its
    path), and the other problems it proves, each with the scene it is about."""
    m = result.method
    out = QuicktestSummary(result.complete, m.exact_states + m.states, data=result.to_data())
    for f in (*result.scenes, *result.choices, *result.endings):
        path = tuple(f.path.choices()) if f.path is not None else ()
        out.verdicts.append(Verdict(f.kind, f.id, f.verdict, path, f.scene, str(f.pos)))
    for d in result.found_dead_ends():
        route = " > ".join(d.path.choices()) if d.path is not None else ""
        out.problems.append((d.scene, f"dead end: scene {d.scene!r} is no ending and offers no choice (reached by {route or '(the start)'})"))
    traps = result.traps
    if traps.verdict == "found":
        steps = traps.path.steps if traps.path is not None else ()
        last = steps[-1].target if steps else story.start
        route = " > ".join(str(s) for s in steps) or "(the start)"
        out.problems.append((last, f"states from which no ending can be reached; the nearest after {route}"))
    locate = SceneLocator(story)
    for c in result.decided_conditions():
        verdict = "always true" if c.always else "never true"
        out.problems.append((locate(c.pos.file, c.pos.line), f"{c.pos}: {c.role} {c.source!r} is {verdict}"))
    return out


# ------------------------------------------------------------------------------------------------ scenes


class SceneLocator:
    """The scene a file position lies in (the last scene starting at or before it in that file), or ''."""

    def __init__(self, story: Story) -> None:
        self.starts: dict[str, tuple[list[int], list[str]]] = {}
        for scene in sorted(story.scenes.values(), key=lambda s: (s.pos.file, s.pos.line)):
            lines, ids = self.starts.setdefault(scene.pos.file, ([], []))
            lines.append(scene.pos.line)
            ids.append(scene.id)

    def __call__(self, file: str, line: int) -> str:
        found = self.starts.get(file)
        if not found:
            return ""
        k = bisect_right(found[0], line) - 1
        return found[1][k] if k >= 0 else ""


def template_source(story: Story, template: Template) -> str:
    """A paragraph as the author wrote it: its source when it has spans, else ``{name}`` for each value it shows."""
    if template.source:
        return template.source
    names = story.slot_names
    out = []
    for p in template.parts:
        if isinstance(p, str):
            out.append(p)
        elif isinstance(p, int):
            out.append("{" + (names[p] if 0 <= p < len(names) else "?") + "}")
    return "".join(out)


def scene_source(story: Story, scene: Scene) -> list[tuple[str, list[str]]]:
    """The scene's text as written: (condition source, or '' for text always shown; its paragraphs)."""
    return [(_when(p), [template_source(story, t) for t in p.paragraphs]) for p in scene.text]


def _when(passage: Passage) -> str:
    return passage.when.source if passage.when is not None else ""


def chapter_entries(story: Story, detail: Detail) -> Counter[str]:
    """How many runs entered each chapter (the most-visited of its scenes is a lower bound; the counts of
    words read per chapter give it exactly)."""
    return Counter({chapter: sum(c.values()) for chapter, c in detail.chapter_words.items()})
