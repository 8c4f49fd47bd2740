"""Playing a story: the Game, the one public API the TUI, saves, replays and tools use (with the records it hands
back, from ``game.engine.state``).

The UI asks "what text, what choices?" and says "choose this one". Everything is deterministic:
story + seed + choice log always give the same state (chance routes roll from the seed and the step number, and
shuffled text from the seed and the visit).
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import compress
from operator import ne

from .chance import roll
from .model import Choice, Effect, Ending, Faction, Passage, Scene, Story
from .plan import TRUST, VARIABLE, plan_of
from .requirements import describe_requirement
from .state import ChoiceView, Header, NameChange, Outcome, State, TrustChange, VariableChange
from .text import fill

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
            forms = self._plan.scenes[st.scene].text
        except KeyError:
            forms = self._plan.scene(self.story, self.scene).text
        v = st.values
        out: list[str] = []
        count = 0  # the visit, worked out when a paragraph with spans first needs it
        for form in forms:
            cls = form.__class__
            if cls is str:
                out.append(form)  # type: ignore[arg-type]
            elif cls is tuple:  # a %-format and the slot of its one value
                value = v[form[1]]  # type: ignore[index]
                out.append(form[0] % value if value.__class__ is int else fill(form, v))  # type: ignore[index,arg-type]
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

    def header(self) -> Header:
        """The current scene's title, place, date and chapter title, rendered."""
        try:
            plan = self._plan.scenes[self.state.scene]
        except KeyError:
            plan = self._plan.scene(self.story, self.scene)
        header = plan.header
        if header is not None:
            return header
        render = self.render
        return _new(Header, tuple([render(text) for text in plan.heading]))

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
            ready = self._plan.scenes[scene.id].views
        except KeyError:
            ready = self._plan.scene(self.story, scene).views
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
        return Outcome(scene.id, choice.id, st.scene, trust, variables, ending, st, result, names)

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

