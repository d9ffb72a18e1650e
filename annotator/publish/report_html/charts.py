"""Charts as inline SVG, drawn by matplotlib (no browser script, no network).

Every string drawn is user data passed through ``core.textsafe.safe`` (no control or bidi characters)
with mathtext off (``$`` is a dollar); matplotlib writes SVG text XML-escaped. The SVG is cut to its
``<svg>`` element, its ids prefixed with the chart's key (several charts share one page), and each bar
or cell carries an id ``<key>-mark-<n>`` so a test can count what was drawn."""

from __future__ import annotations

import html
import io
import re
import warnings

import numpy as np

from annotator.core.model import ALPHA_GOOD, ALPHA_LOW
from annotator.core.textsafe import safe

_PLT = None
COLOURS = {"low": "#c0392b", "tentative": "#d4a017", "good": "#2e8b57", "none": "#999999", "share": "#4a6fa5"}
SERIES = ("#4a6fa5", "#d9822b", "#2e8b57", "#8e44ad", "#c0392b", "#16a085", "#7f8c8d", "#b8860b")
SCALE = 1.3  # shown a little larger than drawn (9 pt labels read as 12 pt)
VECTOR_CELLS = 2500  # heat maps with more cells are drawn as one embedded PNG (data: URI) instead of rects
FONT_STACK = "'DejaVu Sans', 'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif"


def _plt():
    global _PLT
    if _PLT is None:
        import matplotlib

        matplotlib.use("svg", force=True)
        import matplotlib.pyplot as plt

        matplotlib.rcParams.update({"svg.fonttype": "none", "text.parse_math": False, "font.size": 9,
                                    "axes.spines.top": False, "axes.spines.right": False,
                                    "svg.hashsalt": "annotator", "figure.dpi": 72})
        _PLT = plt
    return _PLT


def label(text, width: int = 40) -> str:
    """User text as a chart label: never a control or bidi character, never mathtext, never too long."""
    s = safe(str(text)).replace("\n", " ").replace("\t", " ")
    return s if len(s) <= width else s[:width - 1] + "…"


def band_colour(v: float | None) -> str:
    if v is None or np.isnan(v):
        return COLOURS["none"]
    return COLOURS["low"] if v < ALPHA_LOW else (COLOURS["tentative"] if v < ALPHA_GOOD else COLOURS["good"])


_ID = re.compile(r'\bid="([^"]+)"')
_REF = re.compile(r'(url\(#|xlink:href="#|href="#)([^)"]+)')


def to_svg(fig, key: str, tips: list[str] | None = None) -> str:
    """The figure as an inline ``<svg>``; ``tips[i]`` becomes the hover text (an SVG ``<title>``) of mark i."""
    plt = _plt()
    buf = io.StringIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Glyph missing": the browser draws CJK with the system's fonts
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    plt.close(fig)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    svg = _ID.sub(lambda m: f'id="{key}-{m.group(1)}"', svg)
    svg = _REF.sub(lambda m: f"{m.group(1)}{key}-{m.group(2)}", svg)
    svg = svg.replace("'DejaVu Sans'", FONT_STACK)
    svg = re.sub(r'<svg([^>]*?) width="([\d.]+)pt" height="([\d.]+)pt"',
                 lambda m: f'<svg{m.group(1)} width="{float(m.group(2)) * SCALE:.0f}pt" '
                           f'height="{float(m.group(3)) * SCALE:.0f}pt"', svg, count=1)
    if tips:
        def tip(m):
            i = int(m.group(1))
            return m.group(0) + (f"<title>{html.escape(label(tips[i], 120))}</title>" if i < len(tips) else "")
        svg = re.sub(rf'<g id="{re.escape(key)}-mark-(\d+)">', tip, svg)
    return svg.replace("<svg", f'<svg role="img" class="chart-svg" data-key="{key}"', 1)


def _mark(artists, start: int = 0) -> int:
    for i, a in enumerate(artists, start):
        a.set_gid(f"mark-{i}")
    return start + len(artists)


def bars(key: str, labels: list[str], values: list[float | None], *, ci: list | None = None,
         colours: list[str] | None = None, xlim: tuple[float, float] = (-0.2, 1.0), xlabel: str = "",
         thresholds: bool = True, width: float = 7.0) -> tuple[str, int]:
    """Horizontal bars, first label on top, with optional CI whiskers; None is drawn as no bar. Returns
    (svg, number of bars drawn)."""
    plt = _plt()
    n = len(labels)
    fig, ax = plt.subplots(figsize=(width, 0.8 + 0.24 * max(n, 1)))
    y = np.arange(n)[::-1]
    vals = [np.nan if v is None else v for v in values]
    cols = colours or [band_colour(v) for v in vals]
    drawn = [(yy, v, c) for yy, v, c in zip(y, vals, cols) if not np.isnan(v)]
    if drawn:
        lo = min(0.0, xlim[0])
        rects = ax.barh([d[0] for d in drawn], [d[1] - lo for d in drawn], left=lo, color=[d[2] for d in drawn],
                        height=0.7)
        _mark(list(rects))
    if ci:
        for yy, c in zip(y, ci):
            if c:
                ax.plot([c[0], c[1]], [yy, yy], color="#222222", lw=1.2)
                ax.plot([c[0], c[0]], [yy - 0.2, yy + 0.2], color="#222222", lw=1.2)
                ax.plot([c[1], c[1]], [yy - 0.2, yy + 0.2], color="#222222", lw=1.2)
    for yy, v in zip(y, vals):
        if np.isnan(v):
            ax.text(xlim[0] + 0.01 * (xlim[1] - xlim[0]), yy, "no figure", va="center", fontsize=8, color="#777777")
    if thresholds:
        for t in (ALPHA_LOW, ALPHA_GOOD):
            ax.axvline(t, color="#888888", lw=0.8, ls="--")
    ax.set_yticks(y)
    ax.set_yticklabels([label(s) for s in labels])
    ax.set_ylim(-0.6, n - 0.4)
    ax.set_xlim(*xlim)
    ax.set_xlabel(xlabel)
    cis = ci or [None] * n
    tips = [f"{lab}: {v:.3f}" + (f" [{c[0]:.2f}–{c[1]:.2f}]" if c else "")
            for lab, v, c in zip(labels, vals, cis) if not np.isnan(v)]
    return to_svg(fig, key, tips), len(drawn)


def stacked(key: str, labels: list[str], series: dict[str, list[int]], xlabel: str = "") -> tuple[str, int]:
    """Horizontal stacked bars (e.g. done / skipped / flagged per annotator)."""
    plt = _plt()
    n = len(labels)
    fig, ax = plt.subplots(figsize=(7, 0.9 + 0.3 * max(n, 1)))
    y = np.arange(n)[::-1]
    left = np.zeros(n)
    marks = 0
    for (name, vals), colour in zip(series.items(), SERIES):
        v = np.array(vals, dtype=float)
        rects = ax.barh(y, v, left=left, color=colour, height=0.6, label=label(name))
        marks = _mark(list(rects), marks)
        left += v
    ax.set_yticks(y)
    ax.set_yticklabels([label(s) for s in labels])
    ax.set_xlabel(xlabel)
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=len(series), fontsize=8, frameon=False)
    tips = [f"{who}, {name}: {v}" for name, vals in series.items() for who, v in zip(labels, vals)]
    return to_svg(fig, key, tips), marks


def lines(key: str, x: list, series: dict[str, list[float | None]], *, ylabel: str = "", xlabel: str = "",
          ylim: tuple | None = None, markers: bool = True, dashed: set[str] = frozenset()) -> tuple[str, int]:
    """One line per series over shared x positions (labels of x shown as ticks)."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7, 3.2))
    pos = np.arange(len(x))
    count = 0
    for (name, vals), colour in zip(series.items(), SERIES):
        v = np.array([np.nan if a is None else a for a in vals], dtype=float)
        (line,) = ax.plot(pos, v, color=colour, marker="o" if markers else None, ms=4, label=label(name),
                          ls="--" if name in dashed else "-")
        line.set_gid(f"mark-{count}")
        count += 1
    step = max(1, len(x) // 12)
    ax.set_xticks(pos[::step])
    ax.set_xticklabels([label(s) for s in x][::step], rotation=30 if len(x) > 6 else 0, ha="right" if len(x) > 6 else "center")
    ax.set_ylim(*(ylim or (0, None)))
    ax.set_ylabel(ylabel)
    ax.set_xlabel(xlabel)
    ax.legend(fontsize=8, frameon=False)
    ax.grid(axis="y", color="#dddddd", lw=0.6)
    return to_svg(fig, key, list(series)), count


def heatmap(key: str, matrix, rows: list[str], cols: list[str], *, vmin: float | None = None,
            vmax: float | None = None, cmap: str = "Blues", annotate: bool = True, fmt: str = "{:.2f}",
            colorbar: str = "") -> tuple[str, int]:
    """A matrix as coloured cells (vector rects with a value each when small; one PNG image when it has
    more than VECTOR_CELLS cells). NaN cells are grey. Returns (svg, cells drawn as marks)."""
    plt = _plt()
    from matplotlib.patches import Rectangle

    m = np.array(matrix, dtype=float)
    nr, nc = m.shape
    fig, ax = plt.subplots(figsize=(min(11, 1.6 + 0.34 * nc), min(14, 1.2 + 0.3 * nr)))
    finite = m[~np.isnan(m)]
    lo = vmin if vmin is not None else (float(finite.min()) if finite.size else 0.0)
    hi = vmax if vmax is not None else (float(finite.max()) if finite.size else 1.0)
    hi = hi if hi > lo else lo + 1
    cm = plt.get_cmap(cmap)
    marks = 0
    if nr * nc <= VECTOR_CELLS:
        for i in range(nr):
            for j in range(nc):
                v = m[i, j]
                colour = "#e0e0e0" if np.isnan(v) else cm((v - lo) / (hi - lo))
                r = Rectangle((j, nr - 1 - i), 1, 1, facecolor=colour, edgecolor="white", lw=0.5)
                r.set_gid(f"mark-{marks}")
                marks += 1
                ax.add_patch(r)
                if annotate and not np.isnan(v) and nr * nc <= 400:
                    dark = (v - lo) / (hi - lo) > 0.6
                    ax.text(j + 0.5, nr - 1 - i + 0.5, fmt(v) if callable(fmt) else fmt.format(v), ha="center",
                            va="center", fontsize=7,
                            color="white" if dark else "#222222")
        ax.set_xlim(0, nc)
        ax.set_ylim(0, nr)
        mappable = plt.cm.ScalarMappable(norm=plt.Normalize(lo, hi), cmap=cm)
    else:
        mappable = ax.imshow(np.ma.masked_invalid(m[::-1]), aspect="auto", cmap=cm, vmin=lo, vmax=hi,
                             interpolation="nearest", extent=(0, nc, 0, nr))
        mappable.set_gid("mark-0")
        marks = 1
    ax.set_xticks(np.arange(nc) + 0.5)
    ax.set_xticklabels([label(c) for c in cols], rotation=60, ha="right", fontsize=7)
    step = max(1, nr // 60)
    shown = range(0, nr, step)
    ax.set_yticks([nr - 1 - i + 0.5 for i in shown])
    ax.set_yticklabels([label(rows[i]) for i in shown], fontsize=7)
    ax.spines[:].set_visible(False)
    cb = fig.colorbar(mappable, ax=ax, fraction=0.04, pad=0.02)
    cb.set_label(colorbar)
    tips = [f"{rows[i]} × {cols[j]}: {'—' if np.isnan(m[i, j]) else fmt(m[i, j]) if callable(fmt) else fmt.format(m[i, j])}"
            for i in range(nr) for j in range(nc)] if marks > 1 else None
    return to_svg(fig, key, tips), marks


def compact(v: float) -> str:
    """A count in at most four characters (12k, 1.2M), for a heat map's cells."""
    v = float(v)
    if v >= 1e6:
        return f"{v / 1e6:.1f}M"
    if v >= 1e4:
        return f"{v / 1e3:.0f}k"
    if v >= 1e3:
        return f"{v / 1e3:.1f}k"
    return f"{v:.0f}"


def histogram(key: str, values: list[float], bins: int = 20, xlabel: str = "", xlim=(-0.2, 1.0)) -> tuple[str, int]:
    """How many values fall in each bin (e.g. α per document when there are too many documents for bars)."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7, 2.8))
    lo = min([xlim[0], *values]) if values else xlim[0]
    counts, edges, patches = ax.hist(values, bins=bins, range=(lo, xlim[1]), color=SERIES[0])
    for p, left, right in zip(patches, edges[:-1], edges[1:]):
        p.set_facecolor(band_colour((left + right) / 2))
    _mark(list(patches))
    for t in (ALPHA_LOW, ALPHA_GOOD):
        ax.axvline(t, color="#888888", lw=0.8, ls="--")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("documents")
    tips = [f"{a:.2f} to {b:.2f}: {c:.0f} documents" for a, b, c in zip(edges[:-1], edges[1:], counts)]
    return to_svg(fig, key, tips), len(patches)
