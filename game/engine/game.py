"""Playing a story: the State and the Game, the one public API the TUI, saves, replays and tools use.

The UI asks "what text, what choices?" and says "choose this one". Everything is deterministic:
story + seed + choice log always give the same state (chance routes roll from the seed and the step number, and
shuffled text from the seed and the visit).
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import compress
from operator import ne
from typing import NamedTuple

from .chance import roll
from .model import Choice, Effect, Ending, Faction, Passage, Scene, Story
from .plan import TRUST, VARIABLE, plan_of
from .records import field, record
from .requirements import describe_requirement
from .text import Template, fill

Value = int | bool
_new = tuple.__new__  # a named tuple made in C, without the Python-level __new__ of its class

__all__ = [
    "ChoiceError", "ChoiceView", "Game", "Header", "NameChange", "Outcome", "ReplayError", "State", "TrustChange",
    "VariableChange", "available_choices", "describe_requirement", "roll",
]


class ChoiceError(Exception):
    """A choice that cannot be taken here: unknown, hidden, disabled, or the story has ended."""


class ReplayError(Exception):
    """A choice log that no longer applies to the story; ``step`` is 1-based."""

    def __init__(self, step: int, scene: str, choice: str, message: str) -> None:
        super().__init__(f"step {step}: {message}")
        self.step = step
        self.scene = scene
        self.choice = choice
        self.message = message


@record(frozen=False)
class State:
    """Everything that changes during play. Compare two states with ``==``; copy with ``copy()``.

    ``counts`` holds how many times a scene was entered (by scene id) or a choice taken (by 'scene.choice'), kept
    only for the scenes and choices whose text varies with it."""

    scene: str
    values: list[Value]
    visited: set[str]
    chosen: set[str]
    log: list[tuple[str, str]]
    seed: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def copy(self) -> State:
        return State(
            self.scene, list(self.values), set(self.visited), set(self.chosen), list(self.log), self.seed,
            dict(self.counts),
        )

    @property
    def turn(self) -> int:
        return len(self.log)

    def to_dict(self, story: Story) -> dict:
        """A plain, JSON/YAML-friendly snapshot (names, not slots)."""
        out = {
            "scene": self.scene,
            "trust": {f.id: self.values[f.slot] for f in story.factions.values()},
            "variables": {v.id: self.values[v.slot] for v in story.variables.values()},
            "visited": sorted(self.visited),
            "chosen": sorted(self.chosen),
            "log": [f"{s}.{c}" for s, c in self.log],
            "seed": self.seed,
        }
        names = {f.id: _name_id(f, self.values) for f in story.factions.values() if f.name_slot >= 0}
        if any(names.values()):
            out["names"] = {k: v for k, v in names.items() if v}
        if self.counts:
            out["counts"] = dict(sorted(self.counts.items()))
        return out


def _name_id(faction: Faction, values: list[Value]) -> str:
    n = int(values[faction.name_slot])
    return faction.names[n - 1][0] if 0 < n <= len(faction.names) else ""


# The small records a choice produces are named tuples: made in C, which matters when a screen's worth of them is
# built for every step (rendered play runs at hundreds of thousands of choices a second).


class TrustChange(NamedTuple):
    faction: str
    before: int
    after: int

    @property
    def delta(self) -> int:
        return self.after - self.before


class VariableChange(NamedTuple):
    name: str
    before: Value
    after: Value


class NameChange(NamedTuple):
    """A faction renamed by the choice: its display names before and after."""

    faction: str
    before: str
    after: str


@record(frozen=False)  # made on every step of rendered play, and a frozen record's stores cost more
class Outcome:
    """What one choice did: where it led, what it changed (on the choice and on entering the scene), and its
    result: the aftermath paragraphs the story shows before the next scene. A record: read it, do not change it."""

    scene_from: str
    choice: str
    scene_to: str
    trust: tuple[TrustChange, ...] = ()
    variables: tuple[VariableChange, ...] = ()
    ending: Ending | None = None
    state: State | None = field(default=None, compare=False)
    result: tuple[str, ...] = ()
    names: tuple[NameChange, ...] = ()

    # Written out rather than made by @record: one is made on every step of rendered play and of a replay, and plain
    # assignments cost a fraction of a generic __init__'s stores. Keep it in step with the fields above (a test does).
    def __init__(
        self, scene_from: str, choice: str, scene_to: str, trust: tuple[TrustChange, ...] = (),
        variables: tuple[VariableChange, ...] = (), ending: Ending | None = None, state: State | None = None,
        result: tuple[str, ...] = (), names: tuple[NameChange, ...] = (),
    ) -> None:
        self.scene_from = scene_from
        self.choice = choice
        self.scene_to = scene_to
        self.trust = trust
        self.variables = variables
        self.ending = ending
        self.state = state
        self.result = result
        self.names = names


class ChoiceView(NamedTuple):
    """A visible choice as the player sees it (label and reason rendered)."""

    id: str
    label: str
    enabled: bool
    reason: str
    number: int  # 1-based position among visible choices


class Header(NamedTuple):
    """A scene's heading as the player sees it, rendered: title, place, date and the chapter's title."""

    title: str
    place: str
    date: str
    chapter: str


def apply_effects(story: Story, effects: Iterable[Effect], values: list[Value]) -> None:
    """Apply effects in place. Trust is clamped to each faction's range; variables are not clamped."""
    lows, highs = story.lows, story.highs
    for e in effects:
        s = e.slot
        kind = e.kind
        if kind == "trust":
            v = values[s] + e.amount  # type: ignore[operator]
            lo, hi = lows[s], highs[s]
            values[s] = lo if v < lo else hi if v > hi else v  # noqa: FURB136 - a call to min() costs more, every step
        elif kind == "fair":
            v = values[s]
            amt = int(e.amount)
            # Rounded toward the starting value, so a meter approaches its ends but never pins there.
            if amt >= 0:
                values[s] = v + (highs[s] - v) * amt // 100  # type: ignore[operator]
            else:
                values[s] = v - (v - lows[s]) * -amt // 100  # type: ignore[operator]
        elif kind == "add":
            values[s] = values[s] + e.amount  # type: ignore[operator]
        else:  # set, rename
            values[s] = e.amount


def available_choices(scene: Scene, values: list[Value], visited: set[str], chosen: set[str]) -> list[Choice]:
    """The choices of ``scene`` that can be taken in this state: visible, enabled, not a once-only choice already
    taken, and fallbacks only when nothing else can be taken. For tools that keep their own states."""
    if scene.simple:
        return [
            ch
            for ch in scene.choices
            if (ch.visible_if is None or ch.visible_if.test(values, visited, chosen))
            and (ch.enabled_if is None or ch.enabled_if.test(values, visited, chosen))
        ]
    out = [ch for ch in scene.choices if not ch.fallback and _open(ch, values, visited, chosen)]
    return out or [ch for ch in scene.choices if ch.fallback and _open(ch, values, visited, chosen)]


def _open(ch: Choice, values: list[Value], visited: set[str], chosen: set[str]) -> bool:
    return (
        not (ch.once and ch.key in chosen)
        and (ch.visible_if is None or bool(ch.visible_if.test(values, visited, chosen)))
        and (ch.enabled_if is None or bool(ch.enabled_if.test(values, visited, chosen)))
    )


class Game:
    """One playthrough of a story. ``Game(story, seed)`` starts a new game in the start scene."""

    __slots__ = ("_plan", "state", "story")

    def __init__(self, story: Story, seed: int = 0, *, state: State | None = None) -> None:
        self.story = story
        self._plan = plan_of(story)
        if state is not None:
            self.state = state
            return
        self.state = State(story.start, list(story.defaults), set(), set(), [], seed)
        self._enter(story.scenes[story.start])

    # ------------------------------------------------------------------------------- reading

    @property
    def scene(self) -> Scene:
        return self.story.scenes[self.state.scene]

    @property
    def ending(self) -> Ending | None:
        scene = self.scene
        return self.story.endings.get(scene.ending) if scene.ending else None

    @property
    def turn(self) -> int:
        return len(self.state.log)

    def value(self, name: str) -> Value:
        """The current value of a variable or of a faction's trust."""
        story = self.story
        item = story.factions.get(name) or story.variables.get(name)
        if item is None:
            raise KeyError(name)
        return self.state.values[item.slot]

    def trust(self) -> dict[str, int]:
        """Trust per faction, in the manifest's order."""
        v = self.state.values
        return {f.id: int(v[f.slot]) for f in self.story.factions.values()}

    def variables(self) -> dict[str, Value]:
        v = self.state.values
        return {var.id: v[var.slot] for var in self.story.variables.values()}

    def _visit(self) -> int:
        scene = self.scene
        return self.state.counts.get(scene.id, 1) if scene.counted else 1

    def render(self, source: str, count: int | None = None) -> str:
        """Any text of the story (a title, a label, a name...) as the player sees it now. ``count`` picks the
        alternatives of seq/cycle/once/shuffle spans (default: this visit to the current scene)."""
        template = self.story.templates.get(source)
        if template is None:
            return source
        st = self.state
        return template.render(st.values, st.visited, st.chosen, self._visit() if count is None else count, st.seed)

    def text(self) -> list[str]:
        """The current scene's paragraphs, with conditional passages, spans and values resolved. A paragraph with
        emphasis is a ``Styled`` string."""
        st = self.state
        try:
            forms = self._plan.texts[st.scene]
        except KeyError:
            forms = self._text_forms()
        v = st.values
        out: list[str] = []
        count = 0  # the visit, worked out when a paragraph with spans first needs it
        for form in forms:
            cls = form.__class__
            if cls is str:
                out.append(form)  # type: ignore[arg-type]
            elif cls is tuple:  # a %-format and its slot(s)
                if form[1].__class__ is int and (value := v[form[1]]).__class__ is int:  # type: ignore[index]
                    out.append(form[0] % value)  # type: ignore[index]
                else:
                    out.append(fill(form, v))  # type: ignore[arg-type]
            else:  # a paragraph with spans, or a passage with a condition
                if cls is Passage:
                    if not form.when.test(v, st.visited, st.chosen):  # type: ignore[union-attr]
                        continue
                    paragraphs = form.paragraphs  # type: ignore[union-attr]
                else:
                    paragraphs = (form,)  # type: ignore[assignment]
                if not count:
                    count = st.counts.get(st.scene, 1) if self.story.scenes[st.scene].counted else 1
                for t in paragraphs:
                    text = t.render(v, st.visited, st.chosen, count, st.seed)
                    if text:
                        out.append(text)
        return out

    def _text_forms(self) -> tuple[str | tuple[str, int | tuple[int, ...]] | Template | Passage, ...]:
        """The current scene's text, ready for ``text``: each paragraph without spans as its form
        (``Template.plain_form``; none for one that is always empty), each with spans as its template, and each
        passage with a condition as it is. Kept for every game of the story."""
        scene = self.story.scenes[self.state.scene]
        forms: list[str | tuple[str, int | tuple[int, ...]] | Template | Passage] = []
        for passage in scene.text:
            if passage.when is not None:
                forms.append(passage)
                continue
            for t in passage.paragraphs:
                form = t if t.source else t.plain_form()
                if form != "":
                    forms.append(form)
        ready = self._plan.texts[scene.id] = tuple(forms)
        return ready

    def header(self) -> Header:
        """The current scene's title, place, date and chapter title, rendered."""
        sid = self.state.scene
        headers = self._plan.headers
        try:
            known = headers[sid]
        except KeyError:
            known = None
        if known:
            return known  # type: ignore[no-any-return]
        story = self.story
        scene = story.scenes[sid]
        chapter = story.chapters.get(scene.chapter)
        texts = (scene.title, scene.place, scene.date, chapter.title if chapter else "")
        templates = story.templates
        if known is None:  # the first time the scene is shown: keep its heading when nothing in it varies
            constant = not any(text in templates for text in texts)
            headers[sid] = _new(Header, texts) if constant else ()
            if constant:
                return headers[sid]  # type: ignore[no-any-return]
        render = self.render
        return _new(Header, tuple([render(text) for text in texts]))

    def faction_name(self, faction_id: str) -> str:
        """A faction's display name now: renamed by an effect, and rendered."""
        return self.render(_display_name(self.story.factions[faction_id], self.state.values))

    def ending_title(self) -> str:
        """The title of the ending reached, rendered ('' before an ending)."""
        ending = self.ending
        return self.render(ending.title) if ending is not None else ""

    def choices(self) -> list[ChoiceView]:
        """The visible choices, each enabled or disabled with the reason (labels and reasons rendered)."""
        st = self.state
        v, s, c = st.values, st.visited, st.chosen
        scene = self.story.scenes[st.scene]
        simple = scene.simple
        try:
            ready = self._plan.views[scene.id]
        except KeyError:
            ready = self._ready_views(scene)
        views: list[ChoiceView] = []
        fallbacks = False
        n = 0
        for choice, shown in ready:
            if not simple:
                if choice.fallback:
                    fallbacks = True
                    continue
                if choice.once and choice.key in c:
                    continue
            test = choice.visible_if
            if test is not None and not test.test(v, s, c):
                continue
            n += 1
            test = choice.enabled_if
            if test is None or test.test(v, s, c):
                views.append(shown[n - 1] if shown else _new(ChoiceView, (choice.id, self.render(choice.label), True, "", n)))
            else:
                views.append(_new(ChoiceView, (choice.id, self.render(choice.label), False, self.reason(choice), n)))
        if fallbacks and not any(view.enabled for view in views):
            for choice in scene.choices:
                if choice.fallback and _visible(choice, v, s, c):
                    enabled = choice.enabled_if is None or bool(choice.enabled_if.test(v, s, c))
                    reason = "" if enabled else self.reason(choice)
                    views.append(ChoiceView(choice.id, self.render(choice.label), enabled, reason, len(views) + 1))
        return views

    def _ready_views(self, scene: Scene) -> tuple[tuple[Choice, tuple[ChoiceView, ...]], ...]:
        """Each choice of ``scene`` with its views when enabled, numbered 1, 2, ... (its label as written; none for
        a choice whose label varies): made once per story, as a view is made in C but still costs more than finding
        it."""
        templates = self.story.templates
        numbers = range(1, len(scene.choices) + 1)
        ready = tuple(
            (ch, () if ch.label in templates else tuple(_new(ChoiceView, (ch.id, ch.label, True, "", n)) for n in numbers))
            for ch in scene.choices
        )
        self._plan.views[scene.id] = ready
        return ready

    def reason(self, choice: Choice) -> str:
        """Why a choice is disabled now: the author's reason, or the parts of its requirement that fail."""
        if choice.reason:
            return self.render(choice.reason)
        return describe_requirement(self.story, choice, self.state, self.faction_name)

    def available(self) -> list[Choice]:
        """The choices that can be taken now. Fast; used by playtest tools."""
        st = self.state
        return available_choices(self.scene, st.values, st.visited, st.chosen)

    # ------------------------------------------------------------------------------- playing

    def choose(self, choice_id: str) -> Outcome:
        """Take a choice by its id. Returns what changed; raises ChoiceError if it cannot be taken."""
        st = self.state
        story = self.story
        scene = story.scenes[st.scene]
        if scene.ending:
            raise ChoiceError(f"the story has ended (ending {scene.ending!r}); there is nothing to choose")
        for choice in scene.choices:  # (Scene.choice, without the call)
            if choice.id == choice_id:
                break
        else:
            raise ChoiceError(f"scene {scene.id!r} has no choice {choice_id!r}")
        v, s, c = st.values, st.visited, st.chosen
        if choice.visible_if is not None and not choice.visible_if.test(v, s, c):
            raise ChoiceError(f"choice {choice_id!r} is hidden here")
        if not scene.simple:
            if choice.once and choice.key in c:
                raise ChoiceError(f"choice {choice_id!r} is hidden here (it can be taken once, and it was)")
            if choice.fallback and choice not in self.available():
                raise ChoiceError(f"choice {choice_id!r} is hidden here (it is a fallback, and other choices remain)")
        if choice.enabled_if is not None and not choice.enabled_if.test(v, s, c):
            raise ChoiceError(f"choice {choice_id!r} is disabled: {self.reason(choice)}")
        before = v.copy()
        plan = self._plan
        renamable = plan.renamable
        # (A name as written changes only with its name slot, read from the values kept anyway.)
        names_before = [self.faction_name(f.id) for f in renamable] if renamable and not plan.names_fixed else ()
        result = self._advance(choice, True)
        after = st.values
        trust: tuple[TrustChange, ...] = ()
        variables: tuple[VariableChange, ...] = ()
        names: tuple[NameChange, ...] = ()
        to = story.scenes[st.scene]
        if before != after:
            table = plan.slots
            if table is None:
                trust, variables = _changes(story, before, after)
            elif len(choice.effects) == 1 and not to.on_enter:  # one effect, so one slot moved
                i = choice.effects[0].slot
                kind, name = table[i]
                if kind is TRUST:
                    trust = (_new(TrustChange, (name, before[i], after[i])),)
                elif kind is VARIABLE:
                    variables = (_new(VariableChange, (name, before[i], after[i])),)
            else:
                # The slots that changed, found in C; usually one. (tuple.__new__: the named tuples made in C.)
                moved = []
                changed = []
                for i in compress(plan.span, map(ne, before, after)):
                    kind, name = table[i]
                    if kind is TRUST:
                        moved.append(_new(TrustChange, (name, before[i], after[i])))
                    elif kind is VARIABLE:
                        changed.append(_new(VariableChange, (name, before[i], after[i])))
                trust, variables = tuple(moved), tuple(changed)
            if names_before:
                names = tuple(
                    NameChange(f.id, old, new)
                    for f, old in zip(renamable, names_before)
                    if (new := self.faction_name(f.id)) != old
                )
            elif renamable:
                for f in renamable:
                    i = f.name_slot
                    if before[i] != after[i] and (old := _display_name(f, before)) != (new := _display_name(f, after)):
                        names += (NameChange(f.id, old, new),)
        ending = story.endings.get(to.ending) if to.ending else None
        return Outcome(scene.id, choice.id, to.id, trust, variables, ending, st, result, names)

    def _result(self, choice: Choice) -> tuple[str, ...]:
        st = self.state
        count = st.counts.get(choice.key, 1) if choice.counted else 1
        v, s, c, seed = st.values, st.visited, st.chosen, st.seed
        out = []
        for t in choice.result:
            text = t.render(v, s, c, count, seed)
            if text:
                out.append(text)
        return tuple(out)

    def step(self, choice: Choice) -> None:
        """Take ``choice`` without checks or events (the caller knows it is available). The hot path."""
        self._advance(choice)

    def _advance(self, choice: Choice, results: bool = False) -> tuple[str, ...]:
        """Take ``choice`` (its effects, the chosen set, counts and log), follow its route and enter the scene it
        leads to; with ``results``, render its result in between (after its effects, before the scene's). One
        function for what every step of every kind of play does."""
        st = self.state
        values = st.values
        if choice.effects:
            apply_effects(self.story, choice.effects, values)
        key = choice.key
        st.chosen.add(key)
        if choice.counted:
            st.counts[key] = st.counts.get(key, 0) + 1
        log = st.log
        log.append((st.scene, choice.id))
        result = self._result(choice) if results and choice.result else ()
        routes = choice.routes
        if len(routes) == 1:
            target = routes[0].target
        else:
            target = routes[-1].target
            step = len(log)
            for k, r in enumerate(routes):
                if r.when is not None and not r.when.test(values, st.visited, st.chosen):
                    continue
                if r.chance is not None and roll(st.seed, step, k) >= r.chance:
                    continue
                target = r.target
                break
        # Entering it, as _enter does (written out: a call costs as much as the rest).
        scene = self.story.scenes[target]
        st.scene = target
        if scene.on_enter:
            apply_effects(self.story, scene.on_enter, values)
        st.visited.add(target)
        if scene.counted:
            st.counts[target] = st.counts.get(target, 0) + 1
        return result

    def _enter(self, scene: Scene) -> None:
        st = self.state
        st.scene = scene.id
        if scene.on_enter:
            apply_effects(self.story, scene.on_enter, st.values)
        st.visited.add(scene.id)
        if scene.counted:
            st.counts[scene.id] = st.counts.get(scene.id, 0) + 1

    # ----------------------------------------------------------------------- replays & copies

    @classmethod
    def replay(cls, story: Story, seed: int, log: Iterable[tuple[str, str]]) -> Game:
        """Rebuild a game by replaying a choice log from the start. Raises ReplayError naming the step.
        Scenes and choices named by a former id (``formerly:``) are followed to their id now."""
        game = cls(story, seed)
        for i, (scene_id, choice_id) in enumerate(log, 1):
            here = game.state.scene
            scene_id, choice_id = story.current_choice(scene_id, choice_id)
            if scene_id not in story.scenes:
                raise ReplayError(i, scene_id, choice_id, f"scene {scene_id!r} no longer exists")
            if scene_id != here:
                raise ReplayError(
                    i, scene_id, choice_id, f"expected to be in scene {scene_id!r} but the story led to {here!r}"
                )
            try:
                game.choose(choice_id)
            except ChoiceError as exc:
                raise ReplayError(i, scene_id, choice_id, str(exc)) from None
        return game

    def snapshot(self) -> State:
        """A copy of the current state, safe to keep while play goes on."""
        return self.state.copy()

    def fork(self) -> Game:
        return Game(self.story, state=self.state.copy())


def _display_name(faction: Faction, values: list[Value]) -> str:
    """A faction's display name as written, by its name slot in ``values``."""
    if faction.name_slot >= 0:
        n = int(values[faction.name_slot])
        if 0 < n <= len(faction.names):
            return faction.names[n - 1][1]
    return faction.name


def _changes(story: Story, before: list[Value], after: list[Value]) -> tuple[tuple[TrustChange, ...], tuple[VariableChange, ...]]:
    """The trust and variable changes between two states' values, faction by faction and variable by variable."""
    trust = tuple(TrustChange(f.id, before[f.slot], after[f.slot]) for f in story.factions.values()  # type: ignore[arg-type]
                  if before[f.slot] != after[f.slot])
    variables = tuple(VariableChange(x.id, before[x.slot], after[x.slot]) for x in story.variables.values()
                      if before[x.slot] != after[x.slot])
    return trust, variables


def _visible(ch: Choice, values: list[Value], visited: set[str], chosen: set[str]) -> bool:
    return not (ch.once and ch.key in chosen) and (ch.visible_if is None or bool(ch.visible_if.test(values, visited, chosen)))

