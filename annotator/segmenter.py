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
from dataclasses import dataclass, field

SEGMENTER_VERSION = 1

END_MARKS = "。！？!?"
CLOSERS = "”’」』）)》】〕"
END_RE = re.compile(r"(?:[。！？!?]|…{2,})+[" + CLOSERS + r"]*")
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
# characters that cannot start a sentence: a paragraph starting with one continues the previous
CONTINUATION_START = "，,、；;：:。．.！!？?”’」』）)》】〕"
PAIRS = (("“", "”"), ("《", "》"), ("（", "）"), ("(", ")"), ("「", "」"), ("【", "】"))
SHORT_LINE = 60  # a line without end punctuation up to this length is a heading/caption
WS = re.compile(r"\s+")


@dataclass
class Unit:
    idx: int
    kind: str  # "sentence" | "heading" | "caption"
    text: str
    start: int
    end: int
    section: str | None = None


@dataclass
class Segmented:
    title: str
    units: list[Unit] = field(default_factory=list)


@dataclass
class _Para:
    """One non-blank line with its markup removed, mapped back to document offsets."""

    clean: str
    runs: list[tuple[int, int]]  # (clean index where a run starts, document offset of that char)
    md: bool
    blank_before: int
    blank_after: int = 0
    kind: str = "body"  # body | heading | caption

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
    md = MD_HEADING_RE.match(line)
    pos = md.end() if md else 0
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
    return _Para(clean, rebased, bool(md), blank_before)


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


def _classify(paras: list[_Para]) -> None:
    seen_body = False
    for p in paras:
        c = p.clean
        has_end = _ends_with_end(c)
        short = len(c) <= SHORT_LINE
        ends = _count_ends(c) if short else 2  # long lines: only "more than one" matters
        if p.md and (short or not END_RE.search(c)):
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


_jieba = None


def load_jieba():
    """jieba with its dictionary loaded (once per process); its log lines stay off stderr."""
    global _jieba
    if _jieba is None:
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        _jieba = jieba
    return _jieba


def _word_crosses(tail: str, head: str) -> bool:
    """Does jieba segment a word across the break (立|案 → 立案)?"""
    load_jieba()
    a, b = tail[-6:], head[:6]
    pos = 0
    for tok in _jieba.cut(a + b, HMM=False):
        if pos < len(a) < pos + len(tok):
            return True
        pos += len(tok)
    return False


def _continues(a: _Para, b: _Para) -> bool:
    """Is paragraph ``b`` the rest of a sentence that ``a`` broke off (page-break damage)?"""
    if b.blank_before > 1 or b.md or b.kind == "caption":
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
        return False
    # a body paragraph (it has finished sentences) that stops mid-sentence, followed by body text
    if last_end is not None and b.kind == "body":
        return True
    return _word_crosses(a.clean, b.clean)  # jieba joins a word across the break (立|案 → 立案)


def _merge(a: _Para, b: _Para) -> _Para:
    n = len(a.clean)
    runs = a.runs + [(c + n, d) for c, d in b.runs]
    return _Para(a.clean + b.clean, runs, False, a.blank_before, b.blank_after, "body")


def segment_rows(text: str, fallback_title: str = "") -> tuple[str, list[tuple]]:
    """Split normalised document text into units: (title, [(idx, kind, text, section, start, end)])."""
    paras = _paragraphs(text)
    _classify(paras)
    merged: list[_Para] = []
    i = 0
    while i < len(paras):
        p = paras[i]
        if p.kind != "heading" or not p.md:
            while (
                i + 1 < len(paras)
                and p.kind in ("body", "heading")
                and not _ends_with_end(p.clean)
                and _continues(p, paras[i + 1])
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
        if p.kind in ("heading", "caption"):
            txt = WS.sub(" ", clean).strip()
            append((len(rows), p.kind, txt, section, p.doc_offset(0), p.doc_offset(len(clean) - 1) + 1))
            if p.kind == "heading":
                section = txt
                if not title:
                    title = txt
            continue
        base = p.runs[0][1] if len(p.runs) == 1 else None  # one run: offsets are base + index
        start = 0
        cuts = [m.end() for m in END_RE.finditer(clean)]
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
    return md_title or title or fallback_title, rows


def segment(text: str, fallback_title: str = "") -> Segmented:
    """Split normalised document text into units."""
    title, rows = segment_rows(text, fallback_title)
    return Segmented(title, [Unit(idx, kind, utext, start, end, section)
                             for idx, kind, utext, section, start, end in rows])
