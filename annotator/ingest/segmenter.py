"""Chinese report text → ordered units (sentence / heading / caption) with offsets.

Rules (see README "Segmentation"):
- sentences end at 。！？!? and ……; closing quotes/brackets after the end mark stay with it;
  semicolons and commas never end a sentence;
- markdown headings, ordinal headings and short lines without end punctuation become
  ``heading`` or ``caption`` units, never glued to a sentence; ``**`` markers are dropped;
- page-break damage is repaired: a body paragraph that stops mid-sentence is joined to the
  next paragraph when there is evidence that it continues there;
- every unit keeps ``start``/``end`` offsets into the document text; the units' texts,
  concatenated, equal the document text minus whitespace and markup markers.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from annotator.ingest.furniture import FURNITURE_MAX, FURNITURE_RE
from annotator.ingest.marks import CLOSERS, CONTINUATION_START, END_MARKS, END_RE, OPEN_END, PAIRS, WS
from annotator.ingest.titles import choose_title, plain_title, reads_like_title
from annotator.ingest.wordbreak import word_crosses

# Moves whenever any output moves (tests/test_segmentation_golden.py pins it). 1: up to release 9792e61 and
# after; 2: plain-text titles skip a masthead, URLs kept whole, heading fragments after a page break repaired
# on more evidence, 当前页面 breadcrumbs are `meta`, format line kinds (PDF footnotes, web captions).
SEGMENTER_VERSION = 2

MD_HEADING_RE = re.compile(r"^\s*(#{1,6})\s*")
ORDINAL_RE = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}[、.．]"
    r"|[（(][一二三四五六七八九十\d]{1,3}[）)]"
    r"|\d{1,2}(?:[、．.]|\s)"
    r"|第[一二三四五六七八九十百\d]+[章节部分篇条])"
)
BYLINE_RE = re.compile(
    r"^[■▲●◆★□]|(?:通讯员|记者|摄影|策划|编辑|来源)[:：\s]|(?:主席|通讯员|记者)\s+[\u4e00-\u9fff]{2,4}$"
)
DATED_RE = re.compile(r"^(?:\d{4}|[一二〇零○]{4})年")
# “……。”主席说。 — the attribution after a closing quote stays with the quotation
ATTRIBUTION_RE = re.compile(
    r"^[\u4e00-\u9fff·]{1,12}?(?:说|表示|指出|强调|介绍|谈道|说道|感慨道|笑着说|告诉记者)[。！]$")
URL_RE = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.\-]*://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'*+,;=%]*[A-Za-z0-9/#=&%_\-]")
SHORT_LINE = 60  # a line without end punctuation up to this length is a heading/caption


@dataclass
class Segment:
    """One unit as the segmenter cuts it from the text, before it is stored (then it is the store's record)."""

    idx: int
    kind: str  # "sentence" | "heading" | "caption" | "meta"
    text: str
    start: int
    end: int
    section: str | None = None


@dataclass
class Segmented:
    title: str
    units: list[Segment] = field(default_factory=list)


@dataclass
class _Para:
    """One non-blank line with its markup removed, mapped back to document offsets."""

    clean: str
    runs: list[tuple[int, int]]  # (clean index where a run starts, document offset of that char)
    md: bool
    blank_before: int
    blank_after: int = 0
    kind: str = "body"  # body | heading | caption | meta
    indented: bool = False  # the line started with whitespace (a paragraph's first-line indent)

    def doc_offset(self, i: int) -> int:
        if len(self.runs) == 1:
            return self.runs[0][1] + i
        k = bisect.bisect_right(self.runs, (i, float("inf"))) - 1
        c0, d0 = self.runs[k]
        return d0 + (i - c0)


def doc_id_for(text: str) -> str:
    """Stable document id: a hash of the decoded, normalised text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def strip_markup(text: str) -> str:
    """What the 'nothing is lost' invariant compares: text minus whitespace and markup markers."""
    out = []
    for line in text.split("\n"):
        line = MD_HEADING_RE.sub("", line, count=1)
        out.append(line.replace("**", ""))
    return WS.sub("", "".join(out))


def _make_para(line: str, offset: int, blank_before: int) -> _Para | None:
    md = MD_HEADING_RE.match(line) if "#" in line else None
    pos = md.end() if md else 0
    if "**" not in line:  # most lines: no bold markers, one run
        body = line[pos:]
        stripped = body.lstrip()
        lead = len(body) - len(stripped)
        clean = stripped.rstrip()
        if not clean:
            return None
        return _Para(clean, [(0, offset + pos + lead)], bool(md), blank_before, indented=lead > 0)
    runs: list[tuple[int, int, int]] = []  # (clean start, document offset, length)
    parts: list[str] = []
    clean_len = 0
    for piece in line[pos:].split("**"):
        if piece:
            runs.append((clean_len, offset + pos, len(piece)))
            parts.append(piece)
            clean_len += len(piece)
        pos += len(piece) + 2
    clean = "".join(parts)
    stripped = clean.lstrip()
    lead = len(clean) - len(stripped)
    clean = stripped.rstrip()
    if not clean:
        return None
    rebased = []
    for c0, d0, ln in runs:
        if c0 + ln <= lead:
            continue
        if c0 < lead:
            rebased.append((0, d0 + lead - c0))
        else:
            rebased.append((c0 - lead, d0))
    return _Para(clean, rebased, bool(md), blank_before, indented=lead > 0)


def _paragraphs(text: str) -> list[_Para]:
    paras: list[_Para] = []
    blank = 0
    offset = 0
    for line in text.split("\n"):
        p = _make_para(line, offset, blank) if line.strip() else None
        if p is None:
            blank += 1
        else:
            if paras:
                paras[-1].blank_after = blank
            paras.append(p)
            blank = 0
        offset += len(line) + 1
    if paras:
        paras[0].blank_before = 0  # leading and trailing blank lines say nothing about layout
        paras[-1].blank_after = 0
    return paras


def _count_ends(s: str) -> int:
    return len(END_RE.findall(s))


_END_SET = frozenset(END_MARKS)


def _ends_with_end(c: str) -> bool:
    """Does the text end with an end mark (closing quotes/brackets after it allowed)?"""
    c = c.rstrip().rstrip(CLOSERS)
    return bool(c) and (c[-1] in _END_SET or c.endswith("……"))


def _classify(paras: list[_Para], line_kinds: Mapping[str, str] | None = None) -> None:
    seen_body = False
    for p in paras:
        c = p.clean
        if line_kinds and c in line_kinds:
            p.kind = line_kinds[c]  # the format says so (a PDF's footnote, a web page's photo caption)
            continue
        has_end = _ends_with_end(c)
        short = len(c) <= SHORT_LINE
        ends = _count_ends(c) if short else 2  # long lines: only "more than one" matters
        if len(c) <= FURNITURE_MAX and FURNITURE_RE.search(c):
            p.kind = "meta"  # page furniture: a breadcrumb, an info line, a share widget, a page number…
        elif p.md and (short or not END_RE.search(c)):
            p.kind = "heading"  # a long '#' line full of sentences is body text that starts with '#'
        elif p.md:
            p.kind = "body"
        elif len(c) <= 40 and BYLINE_RE.search(c):
            p.kind = "caption"
        elif not has_end:
            if len(c) > SHORT_LINE or ends > 0:
                p.kind = "body"
            elif ((seen_body and (p.blank_before >= 2 or p.blank_after >= 2))
                  or (p.blank_before >= 2 and p.blank_after >= 2)) and not ORDINAL_RE.match(c):
                p.kind = "caption"
            else:
                p.kind = "heading"
        else:
            if ORDINAL_RE.match(c) and ends == 1 and len(c) <= 50:
                p.kind = "heading"
            elif (p.blank_before >= 2 or p.blank_after >= 2) and ends == 1 and len(c) <= SHORT_LINE \
                    and DATED_RE.match(c):  # a dated photo caption set apart by page layout
                p.kind = "caption"
            else:
                p.kind = "body"
        if p.kind == "body":
            seen_body = True


def _unbalanced(fragment: str) -> bool:
    return any(fragment.count(a) > fragment.count(b) for a, b in PAIRS)


def _continues(a: _Para, b: _Para, after_heading: bool = False, wrap_width: int = 0) -> bool:
    """Is paragraph ``b`` the rest of a sentence that ``a`` broke off (page-break damage)?

    ``after_heading``: ``a`` is the first paragraph after a heading; a page break inside it leaves a
    short fragment that reads like a heading, so evidence is asked for: a comma in it, an ending no
    heading has (的, 把, 和…), the length of the document's hard-wrapped lines (``wrap_width``), or a
    word crossing the break."""
    if b.blank_before > 1 or b.md or b.kind in ("caption", "meta") or a.kind == "meta":
        return False
    if b.kind == "heading" and ORDINAL_RE.match(b.clean):
        return False
    last_end = None
    for last_end in END_RE.finditer(a.clean):
        pass
    fragment = a.clean[last_end.end():] if last_end else a.clean
    if b.clean[0] in CONTINUATION_START:
        return True
    if _unbalanced(fragment):
        return True
    if a.kind != "body":  # a short line (title, caption) needs the strong evidence above
        if after_heading and a.kind == "heading" and b.kind == "body" and not a.md and not ORDINAL_RE.match(a.clean):
            return (any(c in a.clean for c in "，,、；;") or a.clean[-1] in OPEN_END
                    or (wrap_width > 0 and abs(len(a.clean) - wrap_width) <= 1)
                    or (wrap_width < 0 and a.indented and not b.indented)
                    or word_crosses(a.clean, b.clean))
        return False
    # a body paragraph (it has finished sentences) that stops mid-sentence, followed by body text
    if last_end is not None and b.kind == "body":
        return True
    return word_crosses(a.clean, b.clean)  # jieba joins a word across the break (立|案 → 立案)


def _wrap_width(paras: list[_Para]) -> int:
    """The length of a hard-wrapped text's lines (a line that stops mid-sentence, followed by body
    text), when most such lines share it; -1 when the text is not hard-wrapped and its paragraphs
    start indented (an unindented line after an indented one then continues it); else 0."""
    body = [p for p in paras if p.kind == "body"]
    if len(body) >= 3 and sum(p.indented for p in body) >= len(body) * 0.6:
        return -1
    lengths = [len(p.clean) for p, q in zip(paras, paras[1:])
               if p.kind == "body" and q.kind == "body" and not _ends_with_end(p.clean) and q.blank_before == 0]
    if len(lengths) < 3:
        return 0
    common, n = Counter(lengths).most_common(1)[0]
    near = sum(1 for x in lengths if abs(x - common) <= 1)
    return common if near >= len(lengths) * 0.5 else 0


def _merge(a: _Para, b: _Para) -> _Para:
    n = len(a.clean)
    runs = a.runs + [(c + n, d) for c, d in b.runs]
    return _Para(a.clean + b.clean, runs, False, a.blank_before, b.blank_after, "body", a.indented)


def _cuts(clean: str) -> list[int]:
    """Sentence ends in a paragraph; a quotation keeps its short attribution (“……。”主席说。)."""
    cuts = [m.end() for m in END_RE.finditer(clean)]
    if cuts and ("://" in clean or "www." in clean):  # a "?" or "!" inside a URL ends nothing
        spans = [m.span() for m in URL_RE.finditer(clean)]
        cuts = [c for c in cuts if not any(a < c < b for a, b in spans)]
    if len(cuts) > 1 and "”" in clean:
        kept = []
        for k, cut in enumerate(cuts):
            if (k + 1 < len(cuts) and clean[cut - 1] in "”」』"
                    and ATTRIBUTION_RE.match(clean[cut:cuts[k + 1]].strip())):
                continue
            kept.append(cut)
        cuts = kept
    return cuts


def segment_rows(text: str, fallback_title: str = "", title_hint: str = "",
                 line_kinds: Iterable[tuple[str, str]] = ()) -> tuple[str, list[tuple]]:
    """Split normalised document text into units: (title, [(idx, kind, text, section, start, end)]).
    ``line_kinds``: (whole line, unit kind) pairs the format knows (a PDF's footnotes are ``meta``, a
    web page's photo captions ``caption``)."""
    paras = _paragraphs(text)
    _classify(paras, dict(line_kinds))
    wrap_width = _wrap_width(paras)
    merged: list[_Para] = []
    i = 0
    while i < len(paras):
        p = paras[i]
        if p.kind != "heading" or not p.md:
            before = next((m for m in reversed(merged) if m.kind != "meta"), None)  # page numbers between
            after_heading = before is not None and before.kind == "heading" and p.kind == "heading"
            while (
                i + 1 < len(paras)
                and p.kind in ("body", "heading")
                and not _ends_with_end(p.clean)
                and _continues(p, paras[i + 1], after_heading, wrap_width)
            ):
                p = _merge(p, paras[i + 1])
                i += 1
        merged.append(p)
        i += 1

    rows: list[tuple] = []
    append = rows.append
    section: str | None = None
    title = ""
    for p in merged:
        clean = p.clean
        if p.kind in ("heading", "caption", "meta"):
            txt = WS.sub(" ", clean).strip()
            append((len(rows), p.kind, txt, section, p.doc_offset(0), p.doc_offset(len(clean) - 1) + 1))
            if p.kind == "heading":
                section = txt
                if not title:
                    title = txt
            continue
        base = p.runs[0][1] if len(p.runs) == 1 else None  # one run: offsets are base + index
        start = 0
        cuts = _cuts(clean)
        if not cuts or cuts[-1] != len(clean):
            cuts.append(len(clean))
        for cut in cuts:
            piece = clean[start:cut]
            stripped = piece.strip()
            if stripped:
                a = start + (len(piece) - len(piece.lstrip()))
                b = a + len(stripped)
                if base is not None:
                    append((len(rows), "sentence", stripped, section, base + a, base + b))
                else:
                    append((len(rows), "sentence", stripped, section, p.doc_offset(a), p.doc_offset(b - 1) + 1))
            start = cut
    md_title = next((p.clean for p in merged if p.md and p.kind == "heading"), "")
    headings = [r[2] for r in rows if r[1] == "heading"]
    if title_hint or any(reads_like_title(h) for h in headings[:8]):
        return choose_title(title_hint, headings, fallback_title), rows
    return md_title or (plain_title(rows) if title else "") or fallback_title, rows


def segment(text: str, fallback_title: str = "", title_hint: str = "",
            line_kinds: Iterable[tuple[str, str]] = ()) -> Segmented:
    """Split normalised document text into units."""
    title, rows = segment_rows(text, fallback_title, title_hint, line_kinds)
    return Segmented(title, [Segment(idx, kind, utext, start, end, section)
                             for idx, kind, utext, section, start, end in rows])
