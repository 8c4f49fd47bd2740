"""The report's plots, as Plotly figures (plain dicts: ``{"data": [...], "layout": {...}}``) drawn in the page by
plotly.js. Distributions arrive as value -> count; violins get an exact stand-in for the runs (the distribution's
quantiles at evenly spaced points), so a plot of ten thousand runs costs a few hundred numbers.

Plotly reads a few HTML tags in its text (``<b>``, ``<br>``, ``<a>``): every piece of the story's text is escaped
here (``&``, ``<``, ``>`` as entities, which plotly shows as the characters), so a name is only ever a name.
"""

from __future__ import annotations

import html
from collections import Counter
from typing import Any

from ..sanitize import sanitize_line
from ..tools.randomtest import spread

Figure = dict[str, Any]

SAMPLES = 200  # quantile points standing for one distribution in a violin
BLUE = "#2b6cb0"
FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 12}


def text(value: str) -> str:
    """Story text made safe for a Plotly label: one line, no control characters, no tags."""
    return html.escape(sanitize_line(value), quote=False)


def quantile_points(values: Counter[int], n: int = SAMPLES) -> list[int]:
    """``n`` values (at most the number of runs) at evenly spaced quantiles of the distribution."""
    total = sum(values.values())
    if total == 0:
        return []
    n = min(n, total)
    ordered = sorted(values.items())
    out: list[int] = []
    k, acc = 0, ordered[0][1]
    for i in range(n):
        rank = (i + 0.5) * total / n  # the middle of the i-th of n equal slices
        while acc < rank and k + 1 < len(ordered):
            k += 1
            acc += ordered[k][1]
        out.append(ordered[k][0])
    return out


def _layout(title: str, height: int, **extra: Any) -> dict[str, Any]:
    return {
        "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 14}},
        "height": height,
        "margin": {"l": 10, "r": 20, "t": 40, "b": 40},
        "font": FONT,
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "showlegend": False,
        **extra,
    }


def _axis(title: str, **extra: Any) -> dict[str, Any]:
    return {"title": {"text": title}, "gridcolor": "#e5e7eb", "zeroline": False, "automargin": True, **extra}


def ending_shares(endings: list[tuple[str, int]], runs: int) -> Figure:
    """A bar per ending (title, runs reaching it): its share of the playthroughs."""
    names = [text(t) for t, _ in endings]
    shares = [100 * n / max(runs, 1) for _, n in endings]
    return {
        "data": [{
            "type": "bar", "orientation": "h", "y": names, "x": shares, "marker": {"color": BLUE},
            "text": [f"{s:.1f}% ({n:,})" for s, (_, n) in zip(shares, endings)], "textposition": "auto",
            "hovertemplate": "%{y}: %{x:.1f}% of playthroughs<extra></extra>",
        }],
        "layout": _layout(
            "Endings: share of playthroughs", 80 + 34 * len(names),
            xaxis=_axis("% of playthroughs", rangemode="tozero"), yaxis=_axis("", autorange="reversed"),
        ),
    }


def violins(title: str, rows: list[tuple[str, Counter[int]]], unit: str, span: tuple[float, float] | None = None) -> Figure:
    """One horizontal violin per row (a name and a distribution), with its box, median and mean."""
    data = []
    for name, values in rows:
        points = quantile_points(values)
        if not points:
            continue
        s = spread(values)
        data.append({
            "type": "violin", "orientation": "h", "x": points, "name": text(name),
            "box": {"visible": True}, "meanline": {"visible": True}, "points": False, "spanmode": "hard",
            "line": {"color": BLUE}, "fillcolor": "rgba(43,108,176,0.25)", "hoveron": "violins+kde",
            # The name is the category on the axis; the hover text names it through plotly, never by pasting it into
            # a template plotly would also read (%{...}).
            "hovertemplate": f"min {s['min']}, median {s['median']}, max {s['max']} {unit}<extra>%{{fullData.name}}</extra>",
        })
    xaxis = _axis(unit)
    if span is not None:
        xaxis["range"] = [span[0] - 1, span[1] + 1]
    return {
        "data": data,
        "layout": _layout(title, 90 + 46 * max(len(data), 1), xaxis=xaxis, yaxis=_axis("", autorange="reversed")),
    }


def histogram(title: str, values: Counter[int], unit: str, bins: int = 40) -> Figure:
    """Runs by value (binned to at most ``bins`` bars), with the minimum, median and maximum in the title."""
    s = spread(values)
    lo, hi = (min(values), max(values)) if values else (0, 0)
    width = max(1, -(-(hi - lo + 1) // bins))
    binned: Counter[int] = Counter()
    for v, n in values.items():
        binned[lo + (v - lo) // width * width] += n
    xs = sorted(binned)
    label = (lambda x: f"{x}") if width == 1 else (lambda x: f"{x}-{x + width - 1}")
    return {
        "data": [{
            "type": "bar", "x": [x + (width - 1) / 2 for x in xs], "y": [binned[x] for x in xs],
            "width": [width * 0.9] * len(xs), "marker": {"color": BLUE},
            "customdata": [label(x) for x in xs],
            "hovertemplate": f"%{{customdata}} {unit}: %{{y:,}} playthroughs<extra></extra>",
        }],
        "layout": _layout(
            f"{title}: min {s['min']:,}, median {s['median']:,}, max {s['max']:,}", 260,
            xaxis=_axis(unit), yaxis=_axis("playthroughs", rangemode="tozero"), bargap=0.05,
        ),
    }
