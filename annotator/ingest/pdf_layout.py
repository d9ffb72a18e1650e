"""A PDF's characters → the report's text in reading order, from the page geometry.

- Lines are rebuilt from character boxes; a space is written only between two Latin letters or
  digits (never for the gap a Word/WPS export leaves between Chinese and digits: ``14次``).
- Columns: a vertical band in the middle of a page that (almost) no character covers, with text
  on both sides, splits the page; lines crossing it (a title) are read first, then the left
  column, then the right, band by band.
- Paragraphs: a line wraps into the next unless there is evidence of a paragraph end: the next
  line is indented (in a report whose paragraphs are indented), or the line ends in an end mark
  well short of its column's usual right edge, or a paragraph gap follows. Ragged line ends alone
  never end a paragraph; a paragraph cut by a page or column end is joined.
- Headings: lines set larger or bold than the body; a title that wraps is one line, but an
  outline heading (``一、…``) is never glued to it.
- Superscript reference marks are dropped from the sentence; footnotes (small lines at the foot
  of a page, below the body) are written after the paragraph that was open and returned as
  ``meta`` lines; running headers/footers (a line in the top/bottom 10% repeated on most pages
  and set apart from the body by its size or spacing) and page numbers are left out.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field


MARGIN = 0.1
PAGE_NUMBER_RE = re.compile(
    r"^(?:[—\-－–_]*\s*\d{1,4}\s*[—\-－–_]*|第\s*\d{1,4}\s*页(?:\s*[/，,]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}|[Pp]age\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$")
ORDINAL_RE = re.compile(r"^(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十\d]{1,3}[）)]"
                        r"|第[一二三四五六七八九十百\d]+[章节部分篇条])")
FOOTNOTE_START_RE = re.compile(r"^(?:\[?\d{1,3}\]?|[①-⑳]|\*+|注\s*\d*[:：]?)")
END_MARKS = "。！？!?；;：:"
CLOSERS = "”’」』）)》】〕"
BOLD_RE = re.compile(r"bold|heavy|black|semibold|demi|黑体|simhei|hei\b", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")


def _cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x2E80 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0xFF00 <= o <= 0xFFEF or 0x3000 <= o <= 0x303F


def _wordish(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in "%.,-/")


@dataclass
class Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    page: int
    col: int = 0  # 0 spans the page, 1 left column, 2 right column
    col_left: float = 0.0
    col_right: float = 0.0
    marks: int = 0  # superscript reference marks dropped from it
    kind: str = "body"  # body | heading | caption | footnote


@dataclass
class Page:
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)


def _unmapped(t: str) -> bool:
    return t.startswith("(cid:") or t == "\ufffd"


def _private(t: str) -> bool:
    return 0xE000 <= ord(t[0]) <= 0xF8FF  # a symbol font's glyph (a bullet) or an unmapped one


def unreadable_count(chars: list[dict]) -> tuple[int, int, int]:
    """(glyphs without a Unicode mapping, private-use glyphs, all glyphs) of a page."""
    unmapped = private = 0
    for c in chars:
        t = c["text"]
        if t and _unmapped(t):
            unmapped += 1
        elif t and _private(t):
            private += 1
    return unmapped, private, len(chars)


def readable(chars: list[dict]) -> list[dict]:
    """The page's characters without private-use or unmapped glyphs (bullets of symbol fonts; the
    caller refuses a page with more than a stray few)."""
    return [c for c in chars if c["text"] and not _private(c["text"]) and not _unmapped(c["text"])]


def _rows(chars: list[dict]) -> list[list[dict]]:
    """Characters → rows: a character joins a row its box overlaps vertically by at least a third."""
    rows: list[list] = []  # [top, bottom, chars]
    for c in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        h = max(c["bottom"] - c["top"], 0.1)
        for row in reversed(rows[-4:]):
            overlap = min(row[1], c["bottom"]) - max(row[0], c["top"])
            if overlap >= h / 3 or overlap >= (row[1] - row[0]) / 3:
                row[2].append(c)
                row[0], row[1] = min(row[0], c["top"]), max(row[1], c["bottom"])
                break
        else:
            rows.append([c["top"], c["bottom"], [c]])
    return [r[2] for r in rows]


def _line(chars: list[dict], page: int) -> Line | None:
    chars = sorted(chars, key=lambda c: c["x0"])
    sizes = Counter(round(c["size"], 1) for c in chars if c["text"].strip())
    if not sizes:
        return None
    size = sizes.most_common(1)[0][0]
    base = statistics.median(c["bottom"] for c in chars if round(c["size"], 1) == size)
    out: list[str] = []
    marks = 0
    prev = None
    kept = []
    for c in chars:
        t = c["text"]
        if not t.strip():
            continue
        if c["size"] < size * 0.8 and c["bottom"] < base - size * 0.2 and len(chars) > 3 and kept:
            marks += 1  # a superscript reference mark (at a line's start it is a footnote's own number)
            continue
        if prev is not None:
            gap = c["x0"] - prev["x1"]
            if gap > 0.2 * size and _wordish(prev["text"][-1]) and _wordish(t[0]):
                out.append(" ")
            elif gap > 1.5 * size and not (_cjk(prev["text"][-1]) or _cjk(t[0])):
                out.append(" ")
        out.append(t)
        prev = c
        kept.append(c)
    if not kept:
        return None
    bold = sum(1 for c in kept if BOLD_RE.search(c.get("fontname") or "")) > len(kept) / 2
    return Line("".join(out), kept[0]["x0"], max(c["x1"] for c in kept), min(c["top"] for c in kept),
                max(c["bottom"] for c in kept), size, bold, page, marks=marks)


def _gutter(chars: list[dict], width: float) -> tuple[float, float] | None:
    """The x band between two columns: inside the middle of the page, (almost) no character covers it."""
    if len(chars) < 40:
        return None
    cover = [0] * (int(width) + 2)
    for c in chars:
        for x in range(max(int(c["x0"]), 0), min(int(c["x1"]) + 1, len(cover))):
            cover[x] += 1
    occupied = [v for v in cover if v]
    if not occupied:
        return None
    limit = max(1, statistics.median(occupied) * 0.1)
    size = statistics.median(c["size"] for c in chars)
    best = None
    x = int(width * 0.3)
    while x < int(width * 0.7):
        if cover[x] <= limit:
            s = x
            while x < int(width * 0.7) and cover[x] <= limit:
                x += 1
            if x - s >= 0.8 * size and (best is None or x - s > best[1] - best[0]):
                best = (s, x)
        x += 1
    if best is None:
        return None
    g0, g1 = best
    left = sum(1 for c in chars if c["x1"] <= g0 + 1)
    right = sum(1 for c in chars if c["x0"] >= g1 - 1)
    if min(left, right) < len(chars) * 0.2:
        return None
    return float(g0), float(g1)


def page_lines(chars: list[dict], width: float, height: float, page: int) -> Page:
    """One page's characters → its lines in reading order (columns read one after the other)."""
    chars = [c for c in chars if c.get("upright", True) and c["text"]]
    gut = _gutter([c for c in chars if c["text"].strip()], width)
    if gut is None:
        lines = [ln for r in _rows(chars) if (ln := _line(r, page))]
        return Page(width, height, lines)
    g0, g1 = gut
    mid = (g0 + g1) / 2  # a line crossing the gutter's middle spans the page (a title); one that only
    # reaches into the band belongs to its side
    crossing = [c for c in chars if c["x0"] < mid < c["x1"]]
    spanning: list[Line] = []
    taken: set[int] = set()
    for row in _rows(crossing):
        top, bottom = min(c["top"] for c in row), max(c["bottom"] for c in row)
        members = [c for c in chars if top <= (c["top"] + c["bottom"]) / 2 <= bottom and id(c) not in taken]
        taken.update(id(c) for c in members)
        ln = _line(members, page)
        if ln:
            spanning.append(ln)
    side = [c for c in chars if id(c) not in taken]
    left = [ln for r in _rows([c for c in side if (c["x0"] + c["x1"]) / 2 < mid]) if (ln := _line(r, page))]
    right = [ln for r in _rows([c for c in side if (c["x0"] + c["x1"]) / 2 >= mid]) if (ln := _line(r, page))]
    for ln in left:
        ln.col = 1
    for ln in right:
        ln.col = 2
    spanning.sort(key=lambda ln: ln.top)
    out: list[Line] = []
    edges = [-1.0] + [sp.top for sp in spanning] + [height + 1]
    for k in range(len(edges) - 1):
        if k > 0:
            out.append(spanning[k - 1])
        lo, hi = edges[k], edges[k + 1]
        out += [ln for ln in left if lo <= ln.top < hi]
        out += [ln for ln in right if lo <= ln.top < hi]
    return Page(width, height, out)
