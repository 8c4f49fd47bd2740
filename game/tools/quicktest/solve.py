"""How quicktest decides every goal: an exact search first, then, for a story too large for it, play to find
paths and searches over small views to prove the rest (counterexample-guided abstraction refinement).

1. **Exact search** of every state, within ``max_states``. Complete on a small story: every verdict is then
   exact, every path the shortest, and the states from which no ending can be reached are counted.
2. **Random play**, coverage-guided, in waves of batches, until a wave finds nothing new: real paths to most
   goals, cheaply.
3. **The story's graph**: a search that tracks nothing (each scene one state). What it never reaches is
   unreachable whatever the values; its paths, played for real, are the shortest where they hold.
4. For each goal still open, a search over the view that tracks what decides it where it is read (the cone of
   influence of its own conditions). Not reached there: unreachable. Reached: its path is played for real, and
   if it holds it is a shortest path.
5. **Aimed play**: a best-first search over real states toward the goal, steered and pruned by searches over
   one small view per condition that bears on it (its own, and those on the ways into its scene). Any of those
   searches that never reaches the goal proves it unreachable too. It is first sought nearest first by its
   branch distance (``distance``), over states projected to the gates view and its own conditions; a goal
   ``value op constant`` as an optimum (``play.Objective``). Goals that hold in the same states (``civilians >= 50``
   read as false, ``civilians < 50`` read as true, in one scene) share one search.
6. **Refinement** for what is still open: when a view's path failed for real, the condition that stopped it
   joins the view and the search runs again, until the goal is decided or the view outgrows ``max_states``.
7. Last, if anything is still open, one search of everything that decides where play goes (every value and
   fact any ``if``, ``requires`` or route reads, but not what only text reads): play is exact in it.

Whatever is still open is reported undecided, never unreachable. Random play and phases 4 to 6 are shared out
as tasks (``work``): the batches of a wave, and the goals grouped by their first view.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field

from ...engine import Condition, Story
from ..analysis import Interval, analyse
from .book import Book
from .distance import Distances
from .goals import Goals
from .keys import Shapes
from .logic import EXACT, NOTHING, View
from .paths import check_path, concretize
from .play import Guide, aimed, cover, same_states
from .search import Context, Expander, SearchResult, Step, search
from .work import Answer, Workers


@dataclass(frozen=True, slots=True)
class Settings:
    """Quicktest's budgets. Each is a count, never a time, so the same story always gets the same report."""

    max_states: int = 100_000  # per search
    exact_states: int | None = None  # for the exact search (None: a quarter of max_states)
    runs: int = 20_000  # random playthroughs at most
    batch: int = 250  # random playthroughs a task; play stops after a wave of WAVE batches finds nothing new
    rounds: int = 8  # refinements per goal
    aim_states: int = 20_000  # real states an aimed search may keep, per goal
    max_steps: int | None = None  # random play cuts a playthrough this long (a story can loop); None: 4 per scene, 200 at least
    seed: int = 1  # the first seed of random play, and of the seeds tried for paths through chance routes
    seed_tries: int = 100_000
    jobs: int = 1


Progress = Callable[[str], None]

WAVE = 4  # batches of random play started together (a count of work, not of processes)


@dataclass(slots=True)
class Solver:
    """One story's goals, and everything known about them."""

    story: Story
    settings: Settings
    goals: Goals
    ctx: Context
    exact: Expander
    book: Book
    say: Progress
    # The states of each view searched or reused here and in the tasks taken: the report counts each view once,
    # so its figures are the same however the tasks were shared out between processes.
    viewed: dict[View, int] = field(default_factory=dict)
    aimed: int = 0
    runs: int = 0
    exact_result: SearchResult | None = None
    gates_result: SearchResult | None = None
    # The goals each view's search watches when it keeps its edges: of all the goals being decided, those it
    # guides (``watch_for``), so that one search of a view serves every goal that needs it, whichever task asks
    # first.
    watching: dict[View, frozenset[int]] = field(default_factory=dict)

    @classmethod
    def of(cls, story: Story, settings: Settings, say: Progress) -> Solver:
        goals = Goals(story)
        ranges = analyse(story, trust_declared=False, with_flow=False).ranges
        bounds = {s: (r.lo, r.hi) for s, r in ranges.items() if isinstance(r, Interval)}
        ctx = Context(story, goals, Shapes(story, goals, bounds))
        return cls(story, settings, goals, ctx, Expander(ctx, EXACT), Book(goals), say)

    def spawn(self) -> Solver:
        """A solver for one task: this one's story, with a book of its own that logs what it learns."""
        return Solver(self.story, self.settings, self.goals, self.ctx, self.exact, Book(self.goals, logged=True), _quiet)

    @property
    def searches(self) -> int:
        """The views searched (each once, however many tasks used its search)."""
        return len(self.viewed)

    @property
    def states(self) -> int:
        """The states those searches kept, in all."""
        return sum(self.viewed.values())

    def take(self, answers: Iterable[Answer]) -> bool:
        """Learn what tasks learned, in their order. True if anything was new."""
        new = False
        for log, counts in answers:
            new |= self.book.replay(log)
            self.runs += counts["runs"]
            self.viewed.update(counts["viewed"])
            self.aimed += counts["aimed"]
        return new

    def open(self, needed: Callable[[int], bool]) -> list[int]:
        return [g for g in range(len(self.goals.goals)) if needed(g) and not self.book.known(g)]

    # -- the phases ----------------------------------------------------------------------------------------

    def run(self, needed: Callable[[int], bool]) -> None:
        """Decide every goal ``needed`` says matters, as far as the budgets allow."""
        workers = Workers(self, self.settings.jobs)
        clean = False
        try:
            self._run(needed, workers)
            clean = True
        finally:
            workers.close(clean)

    def _run(self, needed: Callable[[int], bool], workers: Workers) -> None:
        self.say("searching every state")
        budget = self.settings.exact_states or max(1, self.settings.max_states // 4)
        full = search(self.ctx, EXACT, budget, keep_edges=True)
        self.exact_result = full
        self.book.take_search(full, "exact search")
        if full.complete:
            return
        full.succ = []  # only a complete search's edges are used (to count the traps)
        s = self.settings
        first = s.seed
        while first < s.seed + s.runs:
            self.say(f"random play ({first - s.seed:,} playthroughs so far)")
            wanted = tuple(self.open(needed))
            count = min(s.batch, s.seed + s.runs - first)
            tasks = [("play", f, min(count, s.seed + s.runs - f), wanted) for f in range(first, first + WAVE * count, count)]
            tasks = [t for t in tasks if t[2] > 0]
            first += sum(t[2] for t in tasks)
            if not self.take(workers.map(tasks)):
                break
        self.say("searching the story's graph")
        graph = self.searched(NOTHING)
        self.take_tree(graph)
        groups: dict[View, list[int]] = {}
        opened = self.open(needed)
        for g in opened:
            groups.setdefault(self.first_view(g), []).append(g)
        self.say(f"deciding {len(opened)} goals in {len(groups)} groups")
        ordered = sorted(groups.items(), key=lambda kv: (kv[0].size(), kv[1]))
        self.take(workers.map([("decide", tuple(gs), tuple(opened)) for _, gs in ordered]))
        still = self.open(needed)
        if still:
            self.say("searching everything that decides where play goes")
            self.gates(still)

    def gates(self, goals: list[int] = []) -> SearchResult | None:  # noqa: B006 (never changed)
        """The search of the gates view (phase 7), with what decides ``goals`` too, run once; None when that
        view is everything and the exact search already ran with the same budget."""
        if self.gates_result is None:
            view = self.gates_view(goals)
            if view is None:
                if (self.settings.exact_states or self.settings.max_states // 4) >= self.settings.max_states:
                    return None
                view = EXACT
            self.gates_result = self.searched(view, keep_edges=True)
        return self.gates_result

    def gates_view(self, goals: list[int]) -> View | None:
        """Everything any condition that gates play reads (and the once-only choices that can be taken again),
        and what decides ``goals``."""
        conds = self.goals.gate_conditions() + [c for g in goals for c in self.goals.deciding(self.goals.goals[g])]
        slots, facts = self.reads(conds)
        facts |= {cp.choice.key for plan in self.goals.plans.values() for cp in plan.choices if cp.once}
        view = NOTHING.widened(slots, facts)
        everything = {s for r in self.ctx.shapes.reads.values() for s in r[0]}
        everything_facts = {f for r in self.ctx.shapes.reads.values() for f in r[1]}
        if everything <= slots and everything_facts <= facts:
            return None
        return view

    def decide(self, goals: list[int]) -> None:
        """Phases 4 to 6 (see the module docstring) for ``goals``."""
        wider: dict[int, View] = {}
        guides: dict[int, list[Guide]] = {g: [] for g in goals}
        by_view: dict[View, list[int]] = {}
        for g in goals:
            by_view.setdefault(self.first_view(g), []).append(g)
        for view, group in sorted(by_view.items(), key=lambda kv: (kv[0].size(), kv[1])):
            group = [g for g in group if not self.book.known(g)]
            if not group:
                continue
            # With its edges kept, the same search can steer aimed play toward the goals it cannot decide.
            res = self.searched(view, keep_edges=True, watch=frozenset(group))
            for g in group:
                if self.book.known(g):
                    continue
                found = self.check(g, res)
                if found is not None:
                    wider[g] = found
                if not self.book.known(g) and res.complete:
                    guides[g].append(Guide.of(res, self.ctx.key(view), g))
        todo = [g for g in goals if not self.book.known(g)]
        if todo:
            self.aim(todo, guides)
        todo = [g for g in goals if not self.book.known(g) and g in wider]
        for _ in range(self.settings.rounds):
            if not todo:
                break
            grown: dict[int, View] = {}
            for g in sorted(todo, key=lambda g: (wider[g].size(), g)):
                if self.book.known(g):
                    continue
                res = self.searched(wider[g])
                if not res.complete or self.book.known(g):
                    continue
                found = self.check(g, res)
                if found is not None:
                    grown[g] = found
            wider = grown
            todo = [g for g in grown if not self.book.known(g)]

    def watch_for(self, goals: Iterable[int]) -> None:
        """Let each view's search watch every one of ``goals`` it can guide: its first view or a guide view."""
        plan: dict[View, set[int]] = {}
        for g in goals:
            for view in (self.first_view(g), *self.guide_views(g)):
                plan.setdefault(view, set()).add(g)
        self.watching = {view: frozenset(gs) for view, gs in plan.items()}

    def first_view(self, g: int) -> View:
        return NOTHING.widened(*self.goals.decides[g])

    def play_batch(self, first: int, runs: int, wanted: frozenset[int]) -> None:
        """A batch of coverage-guided random play (seeds ``first`` on), reporting the ``wanted`` goals it sees."""
        book = self.book
        steps = self.settings.max_steps or max(200, 4 * len(self.story.scenes))
        self.runs += cover(
            self.story, self.goals, self.exact, runs, first, steps,
            lambda g, path, seed: book.offer(g, path, seed, "random play"),
            lambda g: g in wanted and book.path[g] is None,
        )

    def searched(self, view: View, keep_edges: bool = False, watch: frozenset[int] = frozenset()) -> SearchResult:
        """The search of ``view``. Searches are kept for the whole run and shared between tasks in a process: a
        later call that needs no more reuses one (an incomplete search is as incomplete whatever it watches).
        Either way the book takes what it shows, so what a task learns never depends on what ran before it."""
        results = self.ctx.results
        if keep_edges:
            watch |= self.watching.get(view, frozenset())
        found = results.get(view)
        if found is None or (found.complete and not ((found.index or not keep_edges) and watch <= found.hits.keys())):
            found = search(self.ctx, view, self.settings.max_states, keep_edges=keep_edges, watch=watch)
            results[view] = found
        self.viewed[view] = found.states
        self.book.take_search(found, _how(self.story, view))
        return found

    def take_tree(self, res: SearchResult) -> None:
        """Play a small search's tree for real: its paths that hold are real, and shortest where they meet the
        search's lower bounds."""
        how = f"{_how(self.story, res.view)}, played for real"
        concretize(self.story, self.goals, self.exact, res, lambda g, path: self.offer(g, path, how), 50_000)

    def offer(self, g: int, path: list[Step], how: str) -> None:
        self.book.offer(g, path, None, how)

    def check(self, g: int, res: SearchResult) -> View | None:
        """Play the view's path to ``g`` for real. Returns the wider view that would rule out what stopped it
        (None when it held, or the view did not reach ``g``)."""
        path = res.witness(g)
        if path is None:
            return None
        rep = check_path(self.story, self.goals, self.exact, path)
        how = f"{_how(self.story, res.view)}, played for real"
        for h, n in sorted(rep.reached.items()):
            self.book.offer(h, path[:n], None, how)
        if rep.ok:
            return None
        slots, facts = self.reads(rep.culprits)
        wider = res.view.widened(slots, facts | rep.facts)
        return None if wider == res.view else wider

    def reads(self, conds: Iterable[Condition]) -> tuple[set[int], set[str]]:
        slots: set[int] = set()
        facts: set[str] = set()
        for cond in conds:
            s, f = self.ctx.shapes.reads.get(id(cond.node), (set(), set()))
            slots |= s
            facts |= f
        return slots, facts

    def aim(self, goals: list[int], guides: dict[int, list[Guide]]) -> None:
        """Aimed play toward each goal (phase 5), steered by the searches of its first view (``guides``) and of
        one value or fact at a time that bears on it (shared between goals)."""
        wanted: dict[View, set[int]] = {}
        for g in goals:
            for view in self.guide_views(g):
                wanted.setdefault(view, set()).add(g)
        for view, watch in sorted(wanted.items(), key=lambda kv: (kv[0].size(), sorted(kv[1]))):
            watch = {g for g in watch if not self.book.known(g)}
            if not watch:
                continue
            res = self.searched(view, keep_edges=True, watch=frozenset(watch))
            if res.complete:
                key = self.ctx.key(view)
                for g in sorted(watch):
                    if not self.book.known(g):
                        guides.setdefault(g, []).append(Guide.of(res, key, g))
        exact_key = self.ctx.key(EXACT)
        distances = Distances(self.story, self.goals)
        missed: set[Hashable] = set()  # goals aimed at in vain, by the states they hold in (``same_states``)
        for g in goals:
            if self.book.known(g):
                continue
            twins = same_states(self.goals, g)
            if twins is not None and twins in missed:
                continue  # the same states were sought for another goal, with the same search
            self.aimed += 1
            cone = self.ctx.key(self.gates_view([g]) or EXACT)
            path = aimed(
                self.story, self.goals, self.exact, exact_key, g, guides.get(g, []), self.settings.aim_states,
                distances.of(g), cone,
            )
            if path is None:
                if twins is not None:
                    missed.add(twins)
                continue
            rep = check_path(self.story, self.goals, self.exact, path)
            for h, n in sorted(rep.reached.items()):
                self.book.offer(h, path[:n], None, "play aimed at it")

    def guide_views(self, g: int) -> list[View]:
        """Small views that bear on ``g``: each value (and the facts) read by a condition that decides it or
        guards a way into its scene, one at a time: several small views steer almost as well as their product,
        at a fraction of its size."""
        goal = self.goals.goals[g]
        slots, facts = self.reads([*self.goals.deciding(goal), *self.goals.gates(goal.scene)])
        out = [NOTHING.widened((slot,), ()) for slot in sorted(slots)]
        if facts:
            out.append(NOTHING.widened((), facts))
        first = self.first_view(g)
        return [v for v in out if v != first]


def _quiet(_: str) -> None:
    pass


def _how(story: Story, view: View) -> str:
    if view.exact:
        return "exact search"
    names = view.describe(story)
    return "search of the story's graph" if not names else "search tracking " + ", ".join(names)
