"""Completion: what fits where the cursor is (``game.loader.context`` says what is expected), each item with what
it is: a scene's title and first line, a variable's type and description, a faction's name..."""

from __future__ import annotations

from lsprotocol import types

from ..engine.spans import NUMBER_FORMS, SPAN_KINDS
from ..loader.context import Expected, expected_at
from .hover import md
from .navigate import Here

_KIND = types.CompletionItemKind


def completion(here: Here) -> types.CompletionList | None:
    text = here.state.workspace.text(here.path)
    if text is None:
        return None
    expected = expected_at(text, here.line, here.column)
    if expected is None:
        return None
    start = here.lines.position(here.line, expected.column)
    end = here.lines.position(here.line, here.column)
    items = [
        types.CompletionItem(
            label=label, kind=kind, detail=detail or None,
            documentation=types.MarkupContent(types.MarkupKind.Markdown, doc) if doc else None,
            text_edit=types.TextEdit(types.Range(start, end), insert), sort_text=f"{rank}{label}",
        )
        for rank, label, kind, detail, doc, insert in _items(here, expected)
    ]
    return types.CompletionList(is_incomplete=False, items=items)


Item = tuple[int, str, types.CompletionItemKind, str, str, str]  # rank, label, kind, detail, doc, insert


def _items(here: Here, e: Expected) -> list[Item]:
    state = here.state
    checked = state.refresh()
    declared = checked.declared
    index = state.index
    out: list[Item] = []
    if e.kind == "scene":
        for sid, info in sorted(index.scenes.items()):
            doc = "\n\n".join(x for x in (" · ".join(md(y) for y in (info.place, info.date) if y),
                                          f"> {md(info.first_line[:200])}" if info.first_line else "") if x)
            out.append((0, sid, _KIND.Class, " ".join(info.title.split()), doc, sid))
    elif e.kind == "choice":
        owner = index.scenes.get(e.owner)
        for c in owner.choices if owner else ():
            out.append((0, c.id, _KIND.Method, " ".join(c.label.split()), f"choice of scene `{e.owner}`", c.id))
    elif e.kind in ("name", "faction", "variable", "number"):
        if e.kind in ("name", "variable", "number"):
            for v in declared.variables.values():
                if e.kind == "number" and v.type is not int:
                    continue
                kind = "int" if v.type is int else "bool"
                start = ("true" if v.default else "false") if v.type is bool else str(v.default)
                out.append((0, v.id, _KIND.Variable, f"{kind} variable, starts at {start}", md(v.description), v.id))
        if e.kind in ("name", "faction"):
            for f in declared.factions.values():
                detail = f"faction: {' '.join(f.name.split())}, trust {f.low}..{f.high}"
                out.append((0, f.id, _KIND.Struct, detail, md(f.description), f.id))
        if e.condition:
            for word in ("and", "or", "not", "true", "false"):
                out.append((2, word, _KIND.Keyword, "", "", word))
            for func, what in (("visited", "true once the scene has been entered"),
                               ("chose", "true once the choice (scene.choice) has been taken"),
                               ("min", "the smaller of two numbers"), ("max", "the larger of two numbers")):
                out.append((1, func, _KIND.Function, what, "", func + "("))
        if e.span and not e.condition:
            for kind in SPAN_KINDS:
                out.append((1, kind, _KIND.Keyword, f"{{{kind} ...}} span", "", kind + (" " if kind == "if" else ": ")))
    elif e.kind == "faction_name":
        faction = declared.factions.get(e.owner)
        if faction is not None:
            out.append((0, faction.id, _KIND.EnumMember, f"its first name: {' '.join(faction.name.split())}", "",
                        faction.id))
            for nid, name in faction.names:
                out.append((0, nid, _KIND.EnumMember, " ".join(name.split()), "", nid))
    elif e.kind == "chapter":
        for ch in declared.chapters.values():
            out.append((0, ch.id, _KIND.Module, " ".join(ch.title.split()), f"order {ch.order}", ch.id))
    elif e.kind == "location":
        for loc in declared.locations.values():
            out.append((0, loc.id, _KIND.Value, " ".join(loc.name.split()), "", loc.id))
    elif e.kind == "ending":
        for end in declared.endings.values():
            out.append((0, end.id, _KIND.Event, " ".join(end.title.split()), "", end.id))
    elif e.kind == "routes":
        for ref in sorted(index.names("routes")):
            defs = index.definitions("routes", ref)
            if defs:
                where = f"chapter {defs[0].how}" if defs[0].how else "story-wide"
                out.append((0, ref, _KIND.Reference, f"route list ({where})", "", ref))
    elif e.kind == "form":
        for form in NUMBER_FORMS:
            out.append((0, form, _KIND.Keyword, "the number in words" if form == "words" else "in words, capitalised",
                        "", form))
    return out


__all__ = ["completion"]
