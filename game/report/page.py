"""``qasas report``'s page: one self-contained HTML file built from ``game.tools.report.ReportData``.

Everything is inside the file: the styles, our script, dagre (the map's layout, vendored in ``assets/``) and
plotly.js (the plots, from the ``plotly`` package of the ``report`` extra). Viewing it needs no network and no
server. The story's text reaches the page only two ways, both inert: escaped into the HTML here
(``html.escape``), or inside the JSON data block, where ``<``, ``>`` and ``&`` are written as ``\\u003c`` etc. so
nothing can close the script element; the script puts it on the page with ``textContent`` and SVG text nodes,
never as markup.
"""

from __future__ import annotations

import html
import json
from collections import Counter
from importlib import resources
from typing import Any

from ..sanitize import sanitize, sanitize_line
from ..tools.graph import LIST_PREFIX, StoryMap
from ..tools.randomtest import spread
from ..tools.report import ReportData, Verdict, scene_source
from . import figures


class MissingExtra(Exception):
    """The plotting library (the ``report`` extra) is not installed."""


def plotly_js() -> str:
    """plotly.js as shipped inside the ``plotly`` package. Raises MissingExtra when it is not installed."""
    try:
        source = resources.files("plotly").joinpath("package_data", "plotly.min.js")
        return source.read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError) as exc:
        raise MissingExtra(
            "qasas report draws its plots with Plotly, which is not installed; install the report extra: "
            "pip install 'jaysh-al-qasas[report]' (or pip install plotly)"
        ) from exc


def asset(name: str) -> str:
    """One of our assets (``assets/``), as text."""
    return resources.files(__package__).joinpath("assets", name).read_text(encoding="utf-8")


def _script(source: str) -> str:
    """A library's source, safe inside <script>: no closing tag, no source-map lookup for a file that is not there."""
    lines = [ln for ln in source.splitlines() if not ln.startswith("//# sourceMappingURL=")]
    return "\n".join(lines).replace("</script", "<\\/script")


def _json(data: Any) -> str:
    """JSON for a <script type="application/json"> block: nothing in it can end the block or open a comment."""
    text = json.dumps(data, ensure_ascii=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def e(value: object) -> str:
    """Text for HTML: escaped, and with control characters and bidi overrides removed."""
    return html.escape(sanitize_line(str(value)), quote=True)


# ---------------------------------------------------------------------------------------------- the data


def _map_data(m: StoryMap, report: ReportData) -> dict[str, Any]:
    story, d = report.story, report.detail
    runs = max(report.runs, 1)

    def ways(choice: str, targets: set[str]) -> int:
        return sum(d.route_runs.get(f"{choice}>{t}", 0) for t in targets)

    nodes = []
    for n in m.nodes.values():
        if n.kind == "chapter":
            count = sum(d.chapter_words.get(n.id, Counter()).values())
        elif n.kind == "routes":
            count = -1  # a list is a way through, not a place: the ways in and out carry the counts
        else:
            count = d.scene_runs.get(n.id, 0)
        nodes.append({
            "id": n.id, "kind": n.kind, "lines": [sanitize_line(x) for x in n.lines()], "ending": bool(n.ending),
            "start": n.start, "outside": n.outside, "chapter": sanitize_line(n.outside_chapter),
            "share": max(count, 0) / runs, "runs": count,
        })
    edges = []
    for k, edge in enumerate(m.edges):
        if m.overview:
            count = -1
        elif edge.shared:  # a route of a shared list: every choice that uses the list may go this way
            users = [c.key for s in story.scenes.values() for c in s.choices if c.shared == edge.shared]
            count = sum(ways(key, {edge.target}) for key in users)
        elif edge.target.startswith(LIST_PREFIX):
            rl = story.routes[edge.target[len(LIST_PREFIX):]]
            count = ways(edge.choice, {r.target for r in rl.routes})
        else:
            count = ways(edge.choice, {edge.target})
        edges.append({
            "id": f"{m.id}-{k}", "source": edge.source, "target": edge.target, "choice": edge.choice,
            "lines": [sanitize_line(x) for x in edge.lines()], "share": min(max(count, 0) / runs, 1.0), "runs": count,
        })
    return {"nodes": nodes, "edges": edges}


def _scenes_data(report: ReportData) -> dict[str, Any]:
    story, d = report.story, report.detail
    runs = max(report.runs, 1)
    verdicts = {(v.kind, v.id): v.verdict for v in report.quicktest.verdicts} if report.quicktest else {}
    out = {}
    for scene in story.scenes.values():
        visits = d.scene_runs.get(scene.id, 0)
        chapter = story.chapters.get(scene.chapter)
        ending = story.endings.get(scene.ending) if scene.ending else None
        out[scene.id] = {
            "title": sanitize_line(scene.title) or scene.id,
            "where": sanitize_line(f"{scene.pos.file}:{scene.pos.line}"),
            "chapter": sanitize_line(chapter.title if chapter else scene.chapter),
            "ending": sanitize_line(ending.title) if ending else "",
            "runs": visits, "share": visits / runs,
            "verdict": verdicts.get(("scene", scene.id), ""),
            "text": [[sanitize_line(when), [sanitize(p) for p in paras]] for when, paras in scene_source(story, scene)],
            "choices": [
                {
                    "id": c.key, "label": sanitize_line(c.label), "where": sanitize_line(f"{c.pos.file}:{c.pos.line}"),
                    "runs": d.choice_runs.get(c.key, 0),
                    "verdict": verdicts.get(("choice", c.key), ""),
                }
                for c in scene.choices
            ],
        }
    return out


def _figures(report: ReportData) -> list[dict[str, Any]]:
    story, res, d = report.story, report.results, report.detail
    out: list[dict[str, Any]] = []
    endings = [(e.title, res.endings.get(eid, 0)) for eid, e in story.endings.items()]
    out.append({"id": "plot-endings", "figure": figures.ending_shares(endings, report.runs)})
    for eid, ending in story.endings.items():
        per = res.trust.get(eid)
        if not per:
            continue
        rows = [(f.name, per.get(f.id, Counter())) for f in story.factions.values()]
        lo = min((f.low for f in story.factions.values()), default=0)
        hi = max((f.high for f in story.factions.values()), default=100)
        title = f"Trust at '{ending.title}' ({res.endings[eid]:,} playthroughs)"
        out.append({"id": f"plot-trust-{eid}", "figure": figures.violins(title, rows, "trust", (lo, hi))})
    out.append({"id": "plot-lengths", "figure": figures.histogram("Choices per playthrough", d.lengths, "choices")})
    out.append({"id": "plot-words", "figure": figures.histogram("Words read per playthrough", d.words, "words")})
    chapters = [(c.title, d.chapter_words[c.id]) for c in sorted(story.chapters.values(), key=lambda c: c.order)
                if c.id in d.chapter_words]
    out.append({"id": "plot-chapter-words", "figure": figures.violins(
        "Words read in each chapter, by the playthroughs that enter it", chapters, "words")})
    routes = [(e.title, d.ending_words[eid]) for eid, e in story.endings.items() if eid in d.ending_words]
    out.append({"id": "plot-ending-words", "figure": figures.violins(
        "Words read on the way to each ending", routes, "words")})
    return out


def page_data(report: ReportData) -> dict[str, Any]:
    """What the page's script draws: the maps, each scene's details, and the figures."""
    return {
        "runs": report.runs,
        "overview": _map_data(report.overview, report),
        "chapters": {m.clusters[0].id: _map_data(m, report) for m in report.chapters if m.clusters},
        "scenes": _scenes_data(report),
        "figures": _figures(report),
    }


# ---------------------------------------------------------------------------------------------- the page


def _scene_link(scene: str, label: str) -> str:
    if not scene:
        return e(label)
    return f'<a class="scene-link" href="#scene-{e(scene)}" data-scene="{e(scene)}">{e(label)}</a>'


def _summary(report: ReportData) -> str:
    story, r = report.story, report.random
    cov = r["coverage"]
    reached = len(r["endings"])
    qt = report.quicktest
    if qt is None:
        proof = "quicktest not run"
    else:
        proof = f"quicktest: {'every verdict in' if qt.complete else 'some verdicts undecided'}"
    items = [
        f"{report.runs:,} random playthroughs (seeds {r['seeds'][0]}..{r['seeds'][1]})",
        f"{cov['scenes_visited']} of {cov['scenes']} scenes visited",
        f"{cov['choices_taken']} of {cov['choices']} choices taken",
        f"{reached} of {len(story.endings)} endings reached",
        f"{len(report.warnings)} lint warning{'s' if len(report.warnings) != 1 else ''}",
        proof,
    ]
    return '<ul class="summary">' + "".join(f"<li>{e(i)}</li>" for i in items) + "</ul>"


def _map_sections(report: ReportData) -> str:
    parts = [
        '<section id="map"><h2>Story map</h2>',
        ('<p class="legend"><span class="swatch low"></span><span class="swatch high"></span> a scene\'s shade: the '
        "share of random playthroughs that visit it; a way's thickness: the share that take it; "
        '<span class="swatch never"></span> red and dashed: never reached in these playthroughs. '
        "Click a scene for its file, line and text.</p>"),
        '<h3 id="map-overview">The chapters</h3><div class="map" data-map="overview"></div>',
    ]
    for m in report.chapters:
        if not m.clusters:
            continue
        c = m.clusters[0]
        parts.append(f'<h3 id="map-{e(c.id)}">{e(c.title)}</h3><div class="map" data-map="{e(c.id)}"></div>')
    parts.append("</section>")
    return "\n".join(parts)


def _plots_sections(report: ReportData) -> str:
    d = report.detail
    words = spread(d.words)
    length = spread(d.lengths)
    ids = [f["id"] for f in _figure_ids(report)]
    trust = [i for i in ids if i.startswith("plot-trust-")]
    return "\n".join([
        '<section id="endings"><h2>Endings</h2><div class="plot" id="plot-endings"></div>',
        "<h3>Trust at each ending</h3>",
        *(f'<div class="plot" id="{e(i)}"></div>' for i in trust),
        "</section>",
        '<section id="lengths"><h2>Length and words</h2>',
        (f'<p>A playthrough makes {length["min"]:,} to {length["max"]:,} choices (median {length["median"]:,}) and '
        f'reads {words["min"]:,} to {words["max"]:,} words of scene text (median {words["median"]:,}).</p>'),
        '<div class="plot" id="plot-lengths"></div><div class="plot" id="plot-words"></div>',
        '<div class="plot" id="plot-chapter-words"></div><div class="plot" id="plot-ending-words"></div>',
        "</section>",
    ])


def _figure_ids(report: ReportData) -> list[dict[str, str]]:
    res = report.results
    ids = [{"id": "plot-endings"}]
    ids += [{"id": f"plot-trust-{eid}"} for eid in report.story.endings if res.trust.get(eid)]
    return ids


_VERDICT_TEXT = {"reachable": "reachable", "unreachable": "proven unreachable", "undecided": "undecided"}


def _verdict_table(verdicts: list[Verdict]) -> str:
    rows = []
    for v in sorted(verdicts, key=lambda v: (v.verdict == "reachable", v.kind, v.id)):
        path = f'<span class="path">{e(" > ".join(v.path))}</span>' if v.path else ""
        rows.append(
            f'<tr class="{e(v.verdict)}"><td>{e(v.kind)}</td><td>{_scene_link(v.scene, v.id)}</td>'
            f"<td>{e(_VERDICT_TEXT.get(v.verdict, v.verdict))}</td><td>{e(v.where)}</td><td>{path}</td></tr>"
        )
    return (
        '<table class="verdicts"><thead><tr><th>what</th><th>id</th><th>verdict</th><th>where</th><th>path</th></tr>'
        "</thead><tbody>" + "".join(rows) + "</tbody></table>"
    )


def _quicktest_section(report: ReportData) -> str:
    qt = report.quicktest
    out = ['<section id="quicktest"><h2>Quicktest: what can happen</h2>']
    if qt is None:
        out.append("<p>Not run (--no-quicktest).</p></section>")
        return "\n".join(out)
    if qt.complete:
        out.append(
            "<p>Every verdict is in: what is reachable comes with a path that plays, and what is unreachable is "
            f"proven ({qt.states:,} states searched).</p>"
        )
    else:
        out.append(
            "<p>Some verdicts are <b>undecided</b>: neither a path nor a proof was found before quicktest's budgets "
            f"ran out ({qt.states:,} states searched). Nothing is called unreachable without a proof.</p>"
        )
    counts = Counter(v.verdict for v in qt.verdicts)
    out.append("<p>" + e(", ".join(f"{n} {_VERDICT_TEXT.get(k, k)}" for k, n in sorted(counts.items()))) + "</p>")
    endings = [v for v in qt.verdicts if v.kind == "ending"]
    others = [v for v in qt.verdicts if v.kind != "ending"]
    out.append("<h3>Endings</h3>" + _verdict_table(endings))
    missing = [v for v in others if v.verdict != "reachable"]
    out.append(f"<h3>Scenes and choices not shown reachable ({len(missing)})</h3>")
    out.append(_verdict_table(missing) if missing else "<p>None: every scene and choice can be reached.</p>")
    reached = [v for v in others if v.verdict == "reachable"]
    out.append(
        f"<details><summary>Scenes and choices proven reachable ({len(reached)})</summary>"
        + _verdict_table(reached) + "</details>"
    )
    if qt.problems:
        out.append("<h3>Also found</h3><ul>")
        out += [f"<li>{_scene_link(scene, message)}</li>" for scene, message in qt.problems]
        out.append("</ul>")
    out.append("</section>")
    return "\n".join(out)


def _lint_section(report: ReportData) -> str:
    out = ['<section id="lint"><h2>Lint</h2>']
    if not report.warnings:
        out.append("<p>No warnings.</p>")
    else:
        out.append('<ul class="warnings">')
        for w, scene in report.warnings:
            out.append(f"<li>{_scene_link(scene, f'{w.file}:{w.line}:{w.column}')}: {e(w.message)}</li>")
        out.append("</ul>")
    out.append("</section>")
    return "\n".join(out)


def build_page(report: ReportData) -> str:
    """The whole page, as one string of HTML."""
    title = f"{sanitize_line(report.story.title)}: story report"
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # Nothing may be fetched: the page is whole as it is, and a story's text must never load anything.
        ("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline' "
        "'unsafe-eval'; style-src 'unsafe-inline'; img-src data:; font-src data:\">"),
        f"<title>{e(title)}</title>",
        f"<style>\n{asset('report.css')}\n</style>",
        "</head><body>",
        f"<header><h1>{e(report.story.title)}</h1><p>Story report</p>{_summary(report)}</header>",
        ('<nav><a href="#map">Map</a> <a href="#endings">Endings</a> <a href="#lengths">Length and words</a> '
        '<a href="#quicktest">Quicktest</a> <a href="#lint">Lint</a></nav>'),
        "<main>",
        _map_sections(report),
        _plots_sections(report),
        _quicktest_section(report),
        _lint_section(report),
        "</main>",
        ('<aside id="detail" hidden><button type="button" class="close" aria-label="Close">&times;</button>'
        '<div class="body"></div></aside>'),
        f'<script type="application/json" id="report-data">{_json(page_data(report))}</script>',
        f"<script>\n{_script(asset('dagre.min.js'))}\n</script>",
        f"<script>\n{_script(plotly_js())}\n</script>",
        f"<script>\n{asset('report.js')}\n</script>",
        "</body></html>",
    ]) + "\n"
