"""Hover: what the name under the cursor is. A scene's title, place, date and first line; a choice's label; a
variable's type, start and where it is set; a faction's names, range and description; a chapter, location,
ending, route list or glossary term; and for a condition, lint's verdict when it can never hold or always holds.

Story text is shown as text: every piece of it is escaped, so nothing an author writes becomes Markdown (a link
or an image the editor would fetch) in a hover.
"""

from __future__ import annotations

import re

from lsprotocol import types

from ..engine import Story
from ..loader.index import Ref
from .navigate import Here

_MARKDOWN = re.compile(r"([\\`*_\[\]<>#|~!])")
_MAX_PLACES = 8


def md(text: str) -> str:
    """Story text made safe to show in Markdown (one line, every special character escaped)."""
    return _MARKDOWN.sub(r"\\\1", " ".join(text.split()))


def shown(story: Story | None, source: str) -> str:
    """Text as a player first reads it (spans at their first visit, names at their starting values); as written
    when the story does not build."""
    template = story.templates.get(source) if story is not None else None
    if story is None or template is None:
        return source
    return template.render(list(story.defaults), set(), set(), 1, 0)


def _opening(story: Story | None, sid: str, written: str) -> str:
    """A scene's first paragraph as a player first reads it (the first one shown whatever happened)."""
    scene = story.scenes.get(sid) if story is not None else None
    if story is None or scene is None:
        return written
    for passage in sorted(scene.text, key=lambda p: p.when is not None):
        if passage.paragraphs:
            return passage.paragraphs[0].render(list(story.defaults), set(), set(), 1, 0) or written
    return written


def hover(here: Here) -> types.Hover | None:
    refs = here.refs_here()
    if not refs:
        ref = here.ref()  # a glossary term, searched on demand
        refs = [ref] if ref is not None else []
    if not refs:
        return None
    names = [r for r in refs if r.kind != "condition"]
    conditions = [r for r in refs if r.kind == "condition"]
    parts: list[str] = []
    ref = min(names, key=lambda r: r.span.end_column - r.span.column) if names else None
    if ref is not None:
        parts.append(_describe(here, ref))
    for c in conditions:
        verdict = _verdict(here, c)
        if verdict:
            parts.append(verdict)
    parts = [p for p in parts if p]
    if not parts:
        return None
    span = ref.span if ref is not None else conditions[0].span
    return types.Hover(
        contents=types.MarkupContent(types.MarkupKind.Markdown, "\n\n---\n\n".join(parts)),
        range=here.lines.range(span) if span.file == here.shown else None,
    )


def _verdict(here: Here, c: Ref) -> str:
    """Lint's verdict on a condition (from its range analysis): said only when it never or always holds."""
    for w in here.state.warnings:
        if (w.file, w.line, w.column) == (c.span.file, c.span.line, c.span.column) and w.message.startswith(
            "condition "
        ):
            return f"**lint:** {md(w.message)}"
    return ""


def _describe(here: Here, ref: Ref) -> str:
    state = here.state
    checked = state.refresh()
    declared = checked.declared
    story = checked.story or state.good
    index = state.index
    if ref.kind == "scene":
        owner = ref.scene if ref.role == "former" else ref.name
        return _scene(here, owner, former=ref.name if ref.role == "former" or ref.name not in index.scenes else "")
    if ref.kind == "choice":
        return _choice(here, ref)
    if ref.kind == "name":
        if ref.name in declared.variables:
            return _variable(here, ref.name, story)
        if ref.name in declared.factions:
            return _faction(here, ref.name)
        return f"`{ref.name}`: no variable or faction has this name"
    if ref.kind == "chapter":
        ch = declared.chapters.get(ref.name)
        if ch is None:
            return f"`{ref.name}`: no chapter has this id"
        count = sum(1 for s in index.scenes.values() if s.chapter == ref.name)
        return f"**{md(shown(story, ch.title))}** · chapter `{ch.id}` (order {ch.order}) · {count} scene{'s' if count != 1 else ''}"
    if ref.kind == "location":
        loc = declared.locations.get(ref.name)
        if loc is None:
            return f"`{ref.name}`: no location has this id"
        count = sum(1 for s in index.scenes.values() if s.location == ref.name)
        return f"**{md(loc.name)}** · location `{loc.id}` · marked by {count} scene{'s' if count != 1 else ''}"
    if ref.kind == "ending":
        end = declared.endings.get(ref.name)
        if end is None:
            return f"`{ref.name}`: no ending has this id"
        scenes = sorted(s.id for s in index.scenes.values() if s.ending == ref.name)
        where = ", ".join(f"`{s}`" for s in scenes) or "no scene yet"
        return f"**{md(shown(story, end.title))}** · ending `{end.id}` · reached in {where}"
    if ref.kind == "routes":
        return _routes(ref.name, story)
    if ref.kind == "term":
        entry = declared.glossary.get(ref.name)
        if entry is None:
            return ""
        return f"**{md(entry.term)}** · glossary ({entry.kind})\n\n{md(entry.text)}"
    return ""


def _scene(here: Here, sid: str, former: str = "") -> str:
    info = here.state.index.scenes.get(sid)
    if info is None:
        return f"`{sid}`: no scene has this id"
    checked = here.state.refresh()
    declared = checked.declared
    story = checked.story or here.state.good
    title = shown(story, info.title)
    lines = [f"**{md(title)}** · scene `{sid}`" + (f" (formerly `{former}`)" if former else "")]
    where = " · ".join(md(shown(story, x)) for x in (info.place, info.date) if x)
    if where:
        lines.append(where)
    chapter = declared.chapters.get(info.chapter)
    facts = [f"chapter: {md(shown(story, chapter.title)) if chapter else info.chapter}"] if info.chapter else []
    if info.ending:
        end = declared.endings.get(info.ending)
        facts.append(f"ending: {md(shown(story, end.title)) if end else info.ending}")
    else:
        facts.append(f"{len(info.choices)} choice{'s' if len(info.choices) != 1 else ''}")
    if info.formerly:
        facts.append("formerly " + ", ".join(f"`{f}`" for f in info.formerly))
    lines.append(" · ".join(facts))
    opening = _opening(story, sid, info.first_line)
    if opening:
        first = opening if len(opening) <= 240 else opening[:239] + "…"
        lines.append(f"> {md(first)}")
    return "\n\n".join(lines)


def _choice(here: Here, ref: Ref) -> str:
    sid, _, cid = ref.name.partition(".")
    if ref.role == "former":
        sid, cid = ref.scene, ref.choice
    info = here.state.index.scenes.get(sid)
    found = next((c for c in info.choices if c.id == cid or cid in c.formerly), None) if info else None
    if info is None or found is None:
        return f"`{sid}.{cid}`: no choice has this id"
    story = here.state.refresh().story or here.state.good
    head = f"**{md(shown(story, found.label))}** · choice `{found.id}` of scene `{sid}`"
    lines = [f"{head} ({md(shown(story, info.title))})"]
    if found.formerly:
        lines.append("formerly " + ", ".join(f"`{f}`" for f in found.formerly))
    scene = story.scenes.get(sid) if story is not None else None
    choice = scene.choice(found.id) if scene is not None else None
    if choice is not None:
        targets = list(dict.fromkeys(choice.targets))
        lines.append("leads to " + ", ".join(f"`{t}`" for t in targets))
    return "\n\n".join(lines)


def _places(here: Here, name: str, hows: tuple[str, ...]) -> str:
    """Where a name is changed: the scenes and choices of its effects."""
    refs = [r for r in here.state.index.refs("name", name) if r.how in hows]
    if not refs:
        return "never changed by an effect"
    shown = [f"`{r.scene}.{r.choice}`" if r.choice else f"`{r.scene}` (on entering)" for r in refs[:_MAX_PLACES]]
    more = f" and {len(refs) - _MAX_PLACES} more" if len(refs) > _MAX_PLACES else ""
    return ", ".join(shown) + more


def _variable(here: Here, name: str, story: Story | None) -> str:
    v = here.state.refresh().declared.variables[name]
    kind = "int" if v.type is int else "bool"
    start = ("true" if v.default else "false") if v.type is bool else str(v.default)
    head = f"**{name}** · variable: {kind}, starts at {start}"
    if v.low is not None:
        head += f", range {v.low}..{v.high}"
    lines = [head]
    if v.description:
        lines.append(md(v.description))
    lines.append("set in " + _places(here, name, ("set", "add")))
    return "\n\n".join(lines)


def _faction(here: Here, name: str) -> str:
    f = here.state.refresh().declared.factions[name]
    story = here.state.refresh().story or here.state.good
    lines = [f"**{md(shown(story, f.name))}** · faction `{f.id}`: trust {f.low}..{f.high}, starts at {f.initial}"]
    if f.names:
        lines.append("also named " + ", ".join(f"{md(shown(story, n))} (`{i}`)" for i, n in f.names))
    if f.description:
        lines.append(md(f.description))
    lines.append("trust changed in " + _places(here, name, ("trust", "fair")))
    return "\n\n".join(lines)


def _routes(name: str, story: Story | None) -> str:
    rl = story.routes.get(name) if story is not None else None
    if rl is None:
        return f"route list `{name}`"
    where = f"chapter `{rl.chapter}`" if rl.chapter else "the whole story"
    steps = []
    for r in rl.routes:
        cond = f"if {md(r.when.source)}" if r.when is not None else ""
        chance = f"{r.chance}% of the time" if r.chance is not None else ""
        steps.append(f"{', '.join(x for x in (cond, chance) if x) or 'otherwise'} → `{r.target}`")
    return f"**{name}** · route list for {where}\n\n" + "\n\n".join(f"- {s}" for s in steps)


__all__ = ["hover", "md", "shown"]
