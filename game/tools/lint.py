"""Lint: load a story and find every problem, errors and certain warnings, each at file:line:col.

Returns data (``lint`` -> stats, errors, warnings); ``game/commands/lint.py`` prints it as text or JSON, and the
report links each warning to its scene.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Callable, Sequence

from ..engine import Choice, Condition, Pos, Story, Template
from ..engine.conditions import Binary, Bool, Call, Name, Node, Num, names_in, to_source
from ..engine.text import Show
from ..loader import Problem, check_story, shown_path
from ..loader.terms import TermFinder, term_pattern
from ..loader.walk import redact_outside
from .analysis import (
    FALSE,
    TRUE,
    Analysis,
    Env,
    Interval,
    Site,
    analyse,
    calls_in,
    condition_sites,
    story_effects,
    text_sites,
)


def lint(
    path: str, strict: bool = False, formerly_in: Sequence[str] = ()
) -> tuple[dict, list[Problem], list[Problem]]:
    """Return (stats, errors, warnings) for the story at ``path``. ``formerly_in``: playthroughs and saves (files
    or folders) to check former ids against: each ``formerly:`` id none of this story's names is warned about
    (without them, former ids are not judged: only the author knows which saves are still out there); files of
    other stories are skipped, and ``stats["formerly"]`` says how many were checked and which were skipped (see
    ``FormerIdCheck``)."""
    story, problems = check_story(path)
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    formerly: dict[str, object] | None = None
    if story is not None and not errors:
        deep = deep_warnings(story)
        if formerly_in:
            from .formerly import check_former_ids

            check = check_former_ids(story, formerly_in)
            deep.extend(check.warnings)
            formerly = check.to_json()
        # As the loader does for its own problems: nothing from a file reached through a link out of the story.
        files = [shown_path(os.path.join(path, "story.yaml")), *story.source_files]
        warnings = redact_outside(path, [*warnings, *deep], files)
    if strict:
        errors = sorted(errors + [Problem(w.file, w.line, w.column, w.message, "error") for w in warnings])
        warnings = []
    stats: dict[str, object] = {**story.stats()} if story is not None else {}
    if formerly is not None:
        stats["formerly"] = formerly
    return stats, errors, sorted(warnings)


def deep_warnings(story: Story, analysis: Analysis | None = None) -> list[Problem]:
    """Warnings beyond load errors, each at file:line:col; every one is certain, never a guess.

    Unreachable scenes; scenes from which no ending can be reached; endings no scene reaches; variables never read
    or never changed; factions never changed; conditions that can never be true or are always true (interval
    analysis, see ``game.tools.analysis``); routes that can never be taken; two visible choices with the same
    label; locations without a glossary entry and glossary terms the story never mentions. ``analysis``: the
    story's analysis if it is at hand (one made for a story of the same ``structure`` will do).
    """
    found: list[Problem] = []

    def warn(pos: Pos, message: str) -> None:
        found.append(Problem(pos.file, pos.line, pos.column, message, "warning"))

    a = analysis if analysis is not None else analyse(story)
    _reachability(story, a, warn)
    _conditions(story, a, warn)
    _text(story, a, warn)
    _usage(story, warn)
    _labels(story, warn)
    _glossary(story, warn)
    return sorted(set(found))


Warn = Callable[[Pos, str], None]


def _reachability(story: Story, a: Analysis, warn: Warn) -> None:
    for scene in story.scenes.values():
        if scene.id not in a.reachable:
            if scene.id not in a.static_reachable:
                warn(scene.pos, f"scene {scene.id!r} is never reached: no path from the start scene {story.start!r} leads to it")
            else:
                warn(
                    scene.pos,
                    f"scene {scene.id!r} is never reached: every way to it is a choice or route that can never be taken",
                )
        elif scene.id not in a.can_end:
            if not any(c.key in a.takeable for c in scene.choices):
                warn(scene.pos, f"scene {scene.id!r} is a dead end: it is not an ending and none of its choices can ever be taken")
            else:
                warn(scene.pos, f"no ending can be reached from scene {scene.id!r}: every way on from it goes round in circles or stops at a dead end")
    ending_scenes: dict[str, list[str]] = {}
    for scene in story.scenes.values():
        if scene.ending:
            ending_scenes.setdefault(scene.ending, []).append(scene.id)
    for ending in story.endings.values():
        scenes = ending_scenes.get(ending.id, [])
        if not scenes:
            warn(ending.pos, f"ending {ending.id!r} is never reached: no scene has 'ending: {ending.id}'")
        elif not any(s in a.reachable for s in scenes):
            names = ", ".join(repr(s) for s in scenes)
            warn(ending.pos, f"ending {ending.id!r} is never reached: its scene{'s' if len(scenes) > 1 else ''} {names} can never be reached")


def _explain(node: Node, a: Analysis, env: Env | None) -> str:
    """Why a verdict holds: the ranges of the names the condition reads where it is read, and the facts it uses."""
    parts = []
    for name in sorted(names_in(node)):
        r = a.range_of(name, env)
        if isinstance(r, Interval):
            parts.append(f"{name} is always {r}" if r.lo == r.hi else f"{name} stays within {r}")
        else:
            parts.append(f"{name} is always {'true' if True in r else 'false'}" if len(r) == 1 else f"{name} can be true or false")
    for func, arg in sorted(calls_in(node)):
        verdict = a.facts.call(Call(func, arg, 0, 0))
        if verdict == TRUE:
            parts.append(f"{func}({arg}) is always true")
        elif verdict == FALSE:
            parts.append(f"{func}({arg}) is never true" + (" (that scene is never reached)" if func == "visited" else " (that choice is never taken)"))
    return f" (here {'; '.join(parts)})" if parts else ""


_NEVER = {
    "passage": "the passage is never shown",
    "if": "choice {choice} is never shown",
    "requires": "choice {choice} is never enabled",
    "route": "the route to {target} in choice {choice} is never taken",
    "text": "the span never shows its first part",
}
_ALWAYS = {
    "passage": "it could be left out",
    "if": "the 'if' could be left out",
    "requires": "the 'requires' could be left out",
    "route": "the routes after it in choice {choice} are never taken",
    "text": "the span always shows its first part",
}


def _conditions(story: Story, a: Analysis, warn: Warn) -> None:
    """Conditions decided the same way wherever they are read, and routes never taken. A YAML node that aliases
    or shared route lists make part of several choices is judged over all its uses and reported once."""
    uses: dict[tuple[Pos, str, str, str, int], list[tuple[Site, frozenset[bool]]]] = {}
    never_taken: dict[tuple[Pos, str], list[tuple[str, bool]]] = {}  # route -> (choice id, never taken there)
    for scene in story.scenes.values():
        if scene.id not in a.reachable:
            continue
        for site in condition_sites(scene):
            # Judged where the engine reads it: a passage or an 'if' in the scene as entered, a 'requires' only
            # when its choice is shown, a route's 'if' after the choice's effects and only if the routes before it
            # did not apply. A condition that is never read at all is left to the other warnings.
            verdict = a.site_verdict(site)
            if verdict:
                key = (site.condition.pos, site.condition.source, site.role,
                       site.choice.id if site.choice else "", site.route)
                uses.setdefault(key, []).append((site, verdict))
        for ch in scene.choices:
            if ch.key not in a.takeable:
                continue
            flags = a.routes[ch.key]
            for k, route in enumerate(ch.routes):
                unread = route.when is not None and a.site_verdict(Site(scene, "route", route.when, ch, k)) == FALSE
                never_taken.setdefault((route.pos, route.target), []).append((ch.id, not flags[k] and not unread))
    for sites in uses.values():
        verdict = frozenset().union(*(v for _, v in sites))
        if len(verdict) != 1:
            continue
        site = sites[0][0]
        choice = repr(site.choice.id) if site.choice else ""
        target = repr(site.choice.routes[site.route].target) if site.choice and site.route >= 0 else ""
        what = (_NEVER if True not in verdict else _ALWAYS)[site.role].format(choice=choice, target=target)
        always = "can never be true" if True not in verdict else "is always true"
        explained = {s.scene.id: _explain(s.condition.node, a, a.env_at(s)) for s, _ in sites}
        explain = next(iter(explained.values()))
        if len(set(explained.values())) > 1:  # one node read in several scenes, with other ranges in each
            explain = " (" + "; ".join(f"in scene {sid!r}: {e[len(' (here '):-1]}" for sid, e in explained.items() if e) + ")"
        warn(site.condition.pos, f"condition {site.condition.source!r} {always}{explain}: {what}")
    for (pos, target), seen in never_taken.items():
        if seen and all(never for _, never in seen):
            choices = list(dict.fromkeys(cid for cid, _ in seen))
            named = f"choice {choices[0]!r}" if len(choices) == 1 else "choices " + ", ".join(map(repr, choices))
            warn(pos, f"the route to {target!r} in {named} is never taken: a route before it always applies")


def _text(story: Story, a: Analysis, warn: Warn) -> None:
    """Inside text: span conditions decided the same way wherever the text is read (a label shared by scenes is
    judged over all of them), alternatives that can never show, and route lists nothing uses."""
    verdicts: dict[tuple[Pos, str], set[bool]] = {}
    first: dict[tuple[Pos, str], Site] = {}
    for scene in story.scenes.values():
        if scene.id not in a.reachable:
            continue
        for site in text_sites(story, scene):
            if site.choice is not None and site.role == "result" and site.choice.key not in a.takeable:
                continue
            key = (site.condition.pos, site.condition.source)
            verdicts.setdefault(key, set()).update(a.site_verdict(site))
            first.setdefault(key, site)
    for key, verdict in verdicts.items():
        if len(verdict) == 1:
            site = first[key]
            always = "can never be true" if True not in verdict else "is always true"
            what = (_NEVER if True not in verdict else _ALWAYS)["text"]
            explain = _explain(site.condition.node, a, a.env_at(site))
            warn(site.condition.pos, f"condition {site.condition.source!r} {always}{explain}: {what}")
    # Alternatives by visit: where the text is read at most once, only the first can show.
    once_only: dict[Pos, tuple[str, bool]] = {}  # a span -> (its kind, whether every use of it is read at most once)
    for scene in story.scenes.values():
        if scene.id not in a.reachable:
            continue
        entered_once = scene.id not in a.cyclic
        texts = [p for passage in scene.text for p in passage.paragraphs]
        texts += [t for src in (scene.title, scene.place, scene.date) if (t := story.templates.get(src))]
        texts += [t for c in scene.choices for src in (c.label, c.reason) if (t := story.templates.get(src))]
        uses = [(t, entered_once) for t in texts]
        uses += [(t, entered_once or c.once) for c in scene.choices for t in c.result]
        for template, once in uses:
            for vary in template.alternatives():
                if vary.kind != "shuffle" and len(vary.alternatives) > 1:
                    kind, before = once_only.get(vary.pos, (vary.kind, True))
                    once_only[vary.pos] = (kind, before and once)
    for pos, (kind, once) in once_only.items():
        if once:
            warn(pos, f"only the first alternative of this {{{kind}: ...}} can ever show: the text is read at most once in a playthrough")
    used = {c.shared for scene in story.scenes.values() for c in scene.choices}
    for rl in story.routes.values():
        if rl.id not in used:
            warn(rl.pos, f"route list {rl.id!r} is never used: no goto says {{use: {rl.id}}}")


def _text_names(story: Story) -> set[str]:
    """Every name the text a player reads shows or tests."""
    read: set[str] = set()
    templates = list(story.templates.values())
    for scene in story.scenes.values():
        templates += [p for passage in scene.text for p in passage.paragraphs]
        templates += [p for c in scene.choices for p in c.result]
    for t in templates:
        read.update(t.names)
        if t.source:
            for c in t.conditions():
                read |= names_in(c.node)
            read.update(story.slot_names[x.slot] for x in _shows(t))
    return read


def _shows(template: Template) -> list[Show]:
    from ..engine.text import Em, Vary, When

    out: list[Show] = []
    stack = [template.parts]
    while stack:
        for p in stack.pop():
            if isinstance(p, Show):
                out.append(p)
            elif isinstance(p, When):
                stack += [p.then, p.other]
            elif isinstance(p, Vary):
                stack += list(p.alternatives)
            elif isinstance(p, Em):
                stack.append(p.parts)
    return out


def _usage(story: Story, warn: Warn) -> None:
    read: set[str] = _text_names(story)
    changed: set[str] = set()
    for scene in story.scenes.values():
        for site in condition_sites(scene):
            read |= names_in(site.condition.node)
        for effect, _choice in story_effects(scene):
            if effect.kind != "rename":
                changed.add(effect.target)
    for v in story.variables.values():
        if v.id not in read and v.id not in changed:
            warn(v.pos, f"variable {v.id!r} is never used: no condition or text reads it and no effect changes it")
        elif v.id not in read:
            warn(v.pos, f"variable {v.id!r} is changed but never read: no condition or text uses it")
        elif v.id not in changed:
            shown = ("true" if v.default else "false") if v.type is bool else str(v.default)
            warn(v.pos, f"variable {v.id!r} never changes: no effect sets it, so it is always {shown}")
    for f in story.factions.values():
        if f.id not in changed:
            warn(f.pos, f"faction {f.id!r} never changes: no 'trust' or 'fair' effect names it, so trust stays at {f.initial}")


def _exclusive(x: Condition | None, y: Condition | None) -> bool:
    """True when two visibility conditions can obviously never hold together (``a`` / ``not a``, or
    ``n == 1`` / ``n == 2``), so two choices with the same label are alternatives, never shown side by side."""
    if x is None or y is None:
        return False
    sx, sy = to_source(x.node), to_source(y.node)
    if sx == f"(not {sy})" or sy == f"(not {sx})" or sx == f"(not ({sy}))" or sy == f"(not ({sx}))":
        return True
    nx, ny = x.node, y.node
    if (
        isinstance(nx, Binary)
        and isinstance(ny, Binary)
        and isinstance(nx.left, Name)
        and isinstance(ny.left, Name)
        and nx.left.name == ny.left.name
        and isinstance(nx.right, (Num, Bool))
        and isinstance(ny.right, (Num, Bool))
    ):
        a, b = nx.right.value, ny.right.value
        if nx.op == ny.op == "==" and a != b:
            return True
        pairs = {("<", ">="), (">=", "<"), ("<=", ">"), (">", "<=")}
        if (nx.op, ny.op) in pairs and a == b:
            return True
    return False


def _labels(story: Story, warn: Warn) -> None:
    for scene in story.scenes.values():
        seen: dict[str, Choice] = {}
        for choice in scene.choices:
            label = " ".join(choice.label.split()).casefold()
            first = seen.get(label)
            if first is not None and not _exclusive(first.visible_if, choice.visible_if):
                warn(choice.pos, f"scene {scene.id!r} has two choices labelled {choice.label!r} ({first.id!r} and {choice.id!r}); a player cannot tell them apart")
            else:
                seen.setdefault(label, choice)


def _glossary(story: Story, warn: Warn) -> None:
    """The glossary convention (scenes/README.md): every location's name contains a glossary term, and every
    glossary term appears somewhere a player can read it. Text is shown literally, so there is no link markup."""
    patterns = {term: term_pattern(term) for term in story.glossary}
    for loc in story.locations.values():
        if not any(p.search(unicodedata.normalize("NFC", loc.name)) for p in patterns.values()):
            warn(loc.pos, f"location {loc.id!r} ({loc.name!r}) has no glossary entry: add a glossary term that appears in its name")
    texts: list[str] = [story.title]
    texts += [c.title for c in story.chapters.values()]
    texts += [f"{f.name}\n{f.description}" for f in story.factions.values()]
    texts += [v.description for v in story.variables.values()]
    texts += [e.title for e in story.endings.values()] + [loc.name for loc in story.locations.values()]
    texts += [name for f in story.factions.values() for _, name in f.names]
    for scene in story.scenes.values():
        texts += [scene.title, scene.place, scene.date]
        for passage in scene.text:
            for para in passage.paragraphs:
                texts.append(para.source or " ".join(p for p in para.parts if isinstance(p, str)))
        for choice in scene.choices:
            texts += [choice.label, choice.reason]
            texts += [para.source or " ".join(p for p in para.parts if isinstance(p, str)) for para in choice.result]
    corpus = TermFinder("\n".join(texts))
    for term, entry in story.glossary.items():
        if corpus.search(term, patterns[term]):
            continue
        others = unicodedata.normalize("NFC", "\n".join(e.text for t, e in story.glossary.items() if t != term))
        if not patterns[term].search(others):
            warn(entry.pos, f"glossary term {term!r} appears nowhere in the story (check its spelling against the text)")
