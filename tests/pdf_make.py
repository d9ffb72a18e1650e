"""Report PDFs with real layouts, drawn character by character with reportlab (STSong-Light, a CID
font every reportlab has): ragged and justified lines, two columns, footnotes with superscript
marks, page breaks inside sentences and after headings, running headers, page numbers, the gap a
Word export leaves between Chinese and digits, encryption."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

FONT = "STSong-Light"


def _font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


@dataclass
class Doc:
    """Blocks: ("title"|"heading"|"para"|"note"|"pagebreak", text). A "para" may hold ^N marks: a
    superscript footnote mark N whose note text is notes[N]."""

    blocks: list[tuple[str, str]]
    notes: dict[str, str] = field(default_factory=dict)
    columns: int = 1
    ragged: bool = False
    indent: bool = True
    size: float = 11.0
    header: str = ""  # running header on every page
    page_numbers: str = ""  # e.g. "— {} —"
    header_in_body: str = ""  # a body line repeated at the top of every page (not furniture)
    digit_gap: float = 0.0  # extra gap between Chinese and digits (Word/LibreOffice exports)
    encrypt: dict | None = None  # reportlab StandardEncryption arguments


def render(doc: Doc, path: Path) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    _font()
    w, h = A4
    kw = {}
    if doc.encrypt is not None:
        from reportlab.lib.pdfencrypt import StandardEncryption

        kw["encrypt"] = StandardEncryption(**doc.encrypt)
    c = canvas.Canvas(str(path), pagesize=A4, **kw)
    size = doc.size
    margin_x, top_y, bottom_y = 72.0, h - 80, 110.0
    gutter = 24.0
    col_w = (w - 2 * margin_x - gutter * (doc.columns - 1)) / doc.columns
    per_line = int(col_w // size)
    state = {"page": 1, "col": 0, "y": top_y, "notes": []}

    def furniture() -> None:
        if doc.header:
            c.setFont(FONT, 8)
            c.drawString(margin_x, h - 40, doc.header)
        if doc.page_numbers:
            c.setFont(FONT, 9)
            c.drawCentredString(w / 2, 40, doc.page_numbers.format(state["page"]))
        if doc.header_in_body:
            _draw(c, margin_x, h - 66, doc.header_in_body, size, 0)

    def notes_at_foot() -> None:
        if not state["notes"]:
            return
        y = bottom_y - 14
        c.line(margin_x, y + 10, margin_x + 120, y + 10)
        for mark, text in state["notes"]:
            for k in range(0, len(text), int((w - 2 * margin_x) // 8) - 2):
                chunk = text[k:k + int((w - 2 * margin_x) // 8) - 2]
                _draw(c, margin_x, y, (mark + " " if k == 0 else "") + chunk, 8, 0)
                y -= 11
        state["notes"] = []

    def next_column() -> None:
        if state["col"] + 1 < doc.columns:
            state["col"] += 1
        else:
            notes_at_foot()
            c.showPage()
            state["page"] += 1
            state["col"] = 0
            furniture()
        state["y"] = top_y

    def x_of_col() -> float:
        return margin_x + state["col"] * (col_w + gutter)

    furniture()
    line_no = 0
    for kind, text in doc.blocks:
        if kind == "pagebreak":
            state["col"] = doc.columns - 1
            next_column()
            continue
        if kind == "title":
            c.setFont(FONT, 18)
            _draw(c, (w - 18 * len(text)) / 2, state["y"], text, 18, 0)
            state["y"] -= 40
            continue
        if kind == "heading":
            if state["y"] < bottom_y + 2 * size:
                next_column()
            _draw(c, x_of_col(), state["y"], text, size + 3, 0)
            state["y"] -= (size + 3) * 1.9
            continue
        # a paragraph: split into lines of per_line characters (marks take no width)
        chars = _tokens(text)
        lines: list[list[str]] = []
        cur: list[str] = []
        width = per_line - (2 if doc.indent else 0)
        for tok in chars:
            cur.append(tok)
            if sum(1 for t in cur if not t.startswith("^")) >= width:
                lines.append(cur)
                cur = []
                line_no += 1
                width = per_line - ((line_no * 7) % 4 if doc.ragged else 0)
        if cur:
            lines.append(cur)
        for k, toks in enumerate(lines):
            if state["y"] < bottom_y:
                next_column()
            x = x_of_col() + (2 * size if k == 0 and doc.indent else 0)
            prev = ""
            for tok in toks:
                if tok.startswith("^"):
                    mark = tok[1:]
                    _draw(c, x, state["y"] + size * 0.45, mark, size * 0.55, 0)
                    x += size * 0.35
                    state["notes"].append((mark, doc.notes[mark]))
                    continue
                if doc.digit_gap and prev and prev.isdigit() != tok.isdigit():
                    x += doc.digit_gap
                _draw(c, x, state["y"], tok, size, 0)
                x += _width(tok, size)
                prev = tok
            state["y"] -= size * 1.6
        if not doc.indent:
            state["y"] -= size * 0.8
    notes_at_foot()
    c.showPage()
    c.save()
    return path


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(text):
        if text[i] == "^":
            j = i + 1
            while j < len(text) and text[j].isdigit():
                j += 1
            out.append("^" + text[i + 1:j])
            i = j
        else:
            out.append(text[i])
            i += 1
    return out


def _width(s: str, size: float) -> float:
    from reportlab.pdfbase import pdfmetrics

    return pdfmetrics.stringWidth(s, FONT, size)


def _draw(c, x: float, y: float, text: str, size: float, gap: float) -> None:
    c.setFont(FONT, size)
    c.drawString(x, y, text)


def render_flowing(path: Path, paras: list[str], title: str, headings: list[str], columns: int = 1,
                   justified: bool = True, header: str = "") -> Path:
    """The same report typeset by reportlab's own layout engine (platypus frames, CJK word wrap,
    first-line indents, justified or left-aligned), as a word processor would."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph

    _font()
    body = ParagraphStyle("b", fontName=FONT, fontSize=11, leading=18, firstLineIndent=22,
                          alignment=4 if justified else 0, wordWrap="CJK")
    head = ParagraphStyle("h", fontName=FONT, fontSize=14, leading=22, spaceBefore=6, spaceAfter=6)
    big = ParagraphStyle("t", fontName=FONT, fontSize=20, leading=28, alignment=1, spaceAfter=12)

    def on_page(c, doc) -> None:
        if header:
            c.setFont(FONT, 8)
            c.drawString(72, A4[1] - 40, header)
        c.setFont(FONT, 9)
        c.drawCentredString(A4[0] / 2, 30, f"- {doc.page} -")

    doc = BaseDocTemplate(str(path), pagesize=A4)
    w = (A4[0] - 144 - 18 * (columns - 1)) / columns
    frames = [Frame(72 + k * (w + 18), 72, w, A4[1] - 144, id=f"c{k}") for k in range(columns)]
    doc.addPageTemplates([PageTemplate(frames=frames, onPage=on_page)])
    half = len(paras) // 2
    story = [Paragraph(title, big), Paragraph(headings[0], head)] + [Paragraph(p, body) for p in paras[:half]]
    story += [Paragraph(headings[1], head)] + [Paragraph(p, body) for p in paras[half:]]
    doc.build(story)
    return path
