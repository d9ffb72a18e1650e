"""PDF lines in reading order (annotator.ingest.pdf_layout) → paragraphs, headings, captions and
footnotes: the document text, its title evidence and the lines that are ``meta`` (footnotes)."""

from __future__ import annotations

import math
import statistics
from collections import Counter

from annotator.ingest.pdf_layout import (
    CLOSERS, END_MARKS, FOOTNOTE_START_RE, MARGIN, ORDINAL_RE, PAGE_NUMBER_RE, Line, Page, _DIGITS, _wordish)

SENTENCE_END = "。！？!?"


def _body_size(lines: list[Line]) -> float:
    weights: Counter = Counter()
    for ln in lines:
        weights[ln.size] += len(ln.text)
    return weights.most_common(1)[0][0] if weights else 10.0


def _in_margin(ln: Line, height: float) -> bool:
    return ln.bottom <= height * MARGIN or ln.top >= height * (1 - MARGIN)


def _drop_furniture(pages: list[Page], body: float) -> None:
    """Page numbers anywhere; running headers/footers: repeated margin lines set apart from the body."""
    text_pages = [p for p in pages if p.lines]
    keys: Counter = Counter()
    for p in text_pages:
        for key in {_DIGITS.sub("#", ln.text) for ln in p.lines if _in_margin(ln, p.height)}:
            keys[key] += 1
    need = max(2, math.ceil(len(text_pages) * 0.5))
    repeated = {k for k, n in keys.items() if n >= need}
    for p in pages:
        kept = []
        for i, ln in enumerate(p.lines):
            if PAGE_NUMBER_RE.match(ln.text.replace(" ", "")) and (_in_margin(ln, p.height) or ln.size < body * 0.95):
                continue
            if _in_margin(ln, p.height) and _DIGITS.sub("#", ln.text) in repeated and _set_apart(p.lines, i, body):
                continue
            kept.append(ln)
        p.lines = kept


def _set_apart(lines: list[Line], i: int, body: float) -> bool:
    """A running header is not part of the body flow: another size, or a gap wider than a line's."""
    ln = lines[i]
    if abs(ln.size - body) > 0.5:
        return True
    others = [o for j, o in enumerate(lines) if j != i and o.col in (0, ln.col)]
    if not others:
        return True
    gap = min(max(o.top - ln.bottom, ln.top - o.bottom) for o in others)
    return gap > body * 1.5


def _classify(pages: list[Page], body: float) -> None:
    bold_share = sum(len(ln.text) for p in pages for ln in p.lines if ln.bold) / max(
        1, sum(len(ln.text) for p in pages for ln in p.lines))
    for p in pages:
        body_lines = [ln for ln in p.lines if abs(ln.size - body) <= 0.6]
        last_body = max((ln.bottom for ln in body_lines), default=0.0)
        in_notes = False
        for ln in p.lines:
            if ln.size > body * 1.15 or (ln.bold and bold_share < 0.5 and len(ln.text) <= 40
                                         and abs(ln.size - body) <= 0.6):
                ln.kind = "heading"
            elif ln.size < body * 0.9:
                at_foot = ln.top >= last_body - 0.5 and ln.top > p.height * 0.5
                if ln.bottom <= p.height * MARGIN:
                    ln.kind = "furniture"  # small print above the text: a document number, a header
                else:
                    in_notes = at_foot and (in_notes or bool(FOOTNOTE_START_RE.match(ln.text)))
                    ln.kind = "footnote" if in_notes else ("caption" if len(ln.text) <= 60 else "body")


def _geometry(pages: list[Page], body: float) -> tuple[bool, float]:
    """Each line's column edges (its page-column's usual left and right), whether paragraphs are
    indented, and the usual line pitch."""
    by_col: dict[int, list[Line]] = {}
    indented = total = 0
    pitches = []
    for p in pages:
        groups: dict[int, list[Line]] = {}
        for ln in p.lines:
            if ln.kind == "body":
                groups.setdefault(ln.col, []).append(ln)
        for col, lns in groups.items():
            by_col.setdefault(col, []).extend(lns)
            if len(lns) >= 3:
                left, right = _edges(lns)
            else:
                left = right = None
            for ln in lns:
                ln.col_left, ln.col_right = (left, right) if left is not None else (math.nan, math.nan)
            for a, b in zip(lns, lns[1:]):
                if 0 < b.top - a.top < 3 * body:
                    pitches.append(b.top - a.top)
    fallback = {col: _edges(lns) for col, lns in by_col.items()}
    for p in pages:
        for ln in p.lines:
            if ln.kind == "body" and math.isnan(ln.col_left):
                ln.col_left, ln.col_right = fallback[ln.col]
            if ln.kind == "body":
                total += 1
                if 0.8 * ln.size <= ln.x0 - ln.col_left <= 4.5 * ln.size:
                    indented += 1
    return indented >= max(2, total * 0.05), (statistics.median(pitches) if pitches else body * 1.5)


def _edges(lns: list[Line]) -> tuple[float, float]:
    xs0 = sorted(ln.x0 for ln in lns)
    xs1 = sorted(ln.x1 for ln in lns)
    return xs0[len(xs0) // 10], xs1[min(len(xs1) - 1, (len(xs1) * 9) // 10)]


def _ends(text: str) -> bool:
    t = text.rstrip().rstrip(CLOSERS)
    return bool(t) and t[-1] in END_MARKS


def _new_paragraph(a: Line, b: Line, indent_doc: bool, pitch: float, first: bool = False) -> bool:
    """Does line ``b`` start a new paragraph after line ``a`` (``first``: ``a`` began its paragraph)?"""
    if abs(a.size - b.size) > 0.6:
        return True
    indented = b.x0 - b.col_left >= 0.8 * b.size
    same_flow = a.page == b.page and a.col == b.col and b.top > a.top
    if same_flow and b.top - a.top > 1.6 * pitch:
        return True  # paragraph spacing
    if indent_doc and indented:
        return True
    if ORDINAL_RE.match(b.text) and _ends(a.text):
        return True
    if first and ORDINAL_RE.match(a.text) and a.col_right - a.x1 > 3.0 * a.size and not _ends(a.text) \
            and a.text.rstrip()[-1:] not in "，,、":
        return True  # an outline heading set in the body's size: "一、过去一年的工作"
    short = a.col_right - a.x1 > (3.0 if indent_doc else 1.5) * a.size
    return short and a.text.rstrip().rstrip(CLOSERS)[-1:] in SENTENCE_END


def assemble(pages: list[Page]) -> tuple[str, str, list[str]]:
    """(text, title, meta lines: footnotes and small print in the top margin)."""
    all_lines = [ln for p in pages for ln in p.lines]
    if not all_lines:
        return "", "", []
    body = _body_size(all_lines)
    _drop_furniture(pages, body)
    _classify(pages, body)
    indent_doc, pitch = _geometry(pages, body)
    blocks: list[list] = []  # [kind, text, last line]
    pending: list[tuple[str, str]] = []  # footnotes and captions waiting for the open paragraph to end
    notes: list[str] = []
    open_para = False

    def flush() -> None:
        nonlocal open_para
        open_para = False
        for kind, text in pending:
            blocks.append([kind, text, None])
        pending.clear()

    for p in pages:
        for ln in p.lines:
            if ln.kind == "furniture":  # kept as meta, after the paragraph it interrupts
                (pending.append(("meta", ln.text)) if open_para else blocks.append(["meta", ln.text, None]))
                continue
            if ln.kind == "footnote":
                if pending and pending[-1][0] == "footnote" and not FOOTNOTE_START_RE.match(ln.text):
                    pending[-1] = ("footnote", pending[-1][1] + _joiner(pending[-1][1], ln.text) + ln.text)
                else:
                    pending.append(("footnote", ln.text))
            elif ln.kind == "caption":
                pending.append(("caption", ln.text))
            elif ln.kind == "heading":
                flush()
                prev = blocks[-1] if blocks else None
                if (prev is not None and prev[0] == "heading" and prev[2] is not None
                        and prev[2].page == ln.page and abs(prev[2].size - ln.size) < 0.5
                        and prev[2].col == ln.col and 0 <= ln.top - prev[2].bottom < ln.size
                        and not ORDINAL_RE.match(ln.text)):
                    prev[1] += _joiner(prev[1], ln.text) + ln.text  # a title or heading that wraps
                    prev[2] = ln
                else:
                    blocks.append(["heading", ln.text, ln])
            else:
                prev = blocks[-1] if blocks else None
                if open_para and prev is not None and not _new_paragraph(prev[2], ln, indent_doc, pitch,
                                                                                       prev[1] == prev[2].text):
                    prev[1] += _joiner(prev[1], ln.text) + ln.text
                    prev[2] = ln
                else:
                    flush()
                    blocks.append(["body", ln.text, ln])
                    open_para = True
                continue
            if ln.kind == "heading":
                open_para = False
    flush()
    out: list[str] = []
    for kind, text, _ in blocks:
        if kind == "caption":
            out.append("\n\n" + text + "\n\n")
        else:
            out.append(text)
            if kind in ("footnote", "meta"):
                notes.append(text)
    title = ""
    first_page = next((p for p in pages if p.lines), None)
    if first_page is not None:
        biggest = max(ln.size for ln in first_page.lines)
        if biggest > body * 1.15:
            title = next((b[1] for b in blocks if b[0] == "heading" and b[2] is not None
                          and b[2].page == first_page.lines[0].page and b[2].size >= biggest - 0.5), "")
    text = "\n".join(out)
    while "\n\n\n\n" in text:
        text = text.replace("\n\n\n\n", "\n\n\n")
    return text.strip("\n") + "\n", title, notes


def _joiner(a: str, b: str) -> str:
    return " " if a and b and _wordish(a[-1]) and _wordish(b[0]) and a[-1].isalpha() and b[0].isalpha() else ""
