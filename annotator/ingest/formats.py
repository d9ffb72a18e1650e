"""Report files of other formats → (extracted text, title evidence, source format).

``.txt``/``.md`` are decoded by annotator.ingest.decoding; this module reads PDF (pdfplumber), Word
(python-docx) and web pages (trafilatura, falling back to <h1>/<title>). Each library is imported
only when a file of its format is read. The extracted text is what the document *is* from then on:
its id, units and offsets all refer to it.

PDF: lines are read with their position and size. Running headers and footers (lines in the top or
bottom margin repeated across pages, digits aside) and page numbers ("— 3 —", "第 3 页", "- 3 -")
are left out; a line that wraps (it reaches the right margin and the next line is not indented) is
joined to the next, across page ends too; a line in a smaller size than the body, set apart, is a
caption (written with two blank lines around it, which the segmenter reads as a caption). The
largest line on the first page is the title evidence. A PDF without any text is refused:
"no text layer: run OCR first".
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from pathlib import Path

from annotator.core.errors import InputError

PDF_SUFFIXES = {".pdf"}
DOCX_SUFFIXES = {".docx"}
HTML_SUFFIXES = {".html", ".htm"}
SUFFIXES = PDF_SUFFIXES | DOCX_SUFFIXES | HTML_SUFFIXES

PAGE_NUMBER_RE = re.compile(
    r"^(?:[—\-－–_]*\s*\d{1,4}\s*[—\-－–_]*|第\s*\d{1,4}\s*页(?:\s*[/，,]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}|[Pp]age\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$")
_DIGITS = re.compile(r"\d+")
MARGIN = 0.1  # top/bottom share of the page where running headers and footers live


@dataclass(frozen=True)
class Extracted:
    text: str
    title: str  # title evidence from the format ("" when none)
    format: str  # "pdf" | "docx" | "html"
    size: int  # bytes on disk


def extract(path: Path) -> Extracted:
    suffix = path.suffix.lower()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"cannot read ({exc.strerror or exc})") from None
    if not data:
        raise InputError(str(path), "empty file")
    try:
        if suffix in PDF_SUFFIXES:
            text, title = _pdf(path)
            fmt = "pdf"
        elif suffix in DOCX_SUFFIXES:
            text, title = _docx(path)
            fmt = "docx"
        elif suffix in HTML_SUFFIXES:
            text, title = _html(data, str(path))
            fmt = "html"
        else:
            raise InputError(str(path), f"unknown format {suffix!r}")
    except InputError:
        raise
    except Exception as exc:  # a damaged file: the library's own reason, in one line
        raise InputError(str(path), f"cannot read as {suffix[1:].upper()}: "
                                    f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:300]) from None
    text = _normalise(text)
    if not text.strip():
        raise InputError(str(path), "no text found")
    return Extracted(text, _one_line(title), fmt, len(data))


def _normalise(text: str) -> str:
    from annotator.ingest.decoding import normalise

    return normalise(text).replace("\x00", "")


def _one_line(s: str | None) -> str:
    return re.sub(r"\s+", " ", s or "").strip()


# ---------------------------------------------------------------- PDF

@dataclass
class _Line:
    text: str
    top: float
    bottom: float
    x0: float
    x1: float
    size: float


def _pdf_lines(path: Path) -> tuple[list[list[_Line]], list[tuple[float, float]]]:
    import logging

    import pdfplumber

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    pages: list[list[_Line]] = []
    dims: list[tuple[float, float]] = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            lines = []
            for ln in page.extract_text_lines(layout=False, strip=True, return_chars=True):
                text = ln["text"].strip()
                if not text:
                    continue
                sizes = [c.get("size", 0) for c in ln.get("chars", ())] or [0]
                lines.append(_Line(text, ln["top"], ln["bottom"], ln["x0"], ln["x1"], max(sizes)))
            pages.append(lines)
            dims.append((float(page.width), float(page.height)))
            page.flush_cache()
    return pages, dims


def _pdf(path: Path) -> tuple[str, str]:
    pages, dims = _pdf_lines(path)
    if not any(pages):
        raise InputError(str(path), "no text layer: run OCR first")
    # running headers/footers: margin lines whose digit-blind text repeats on several pages
    margin_keys: dict[str, int] = {}
    for lines, (_, h) in zip(pages, dims):
        for key in {_DIGITS.sub("#", ln.text) for ln in lines if _in_margin(ln, h)}:
            margin_keys[key] = margin_keys.get(key, 0) + 1
    repeated = {k for k, n in margin_keys.items() if n >= 2 and len(pages) >= 2}
    kept: list[list[_Line]] = []
    for lines, (_, h) in zip(pages, dims):
        kept.append([ln for ln in lines
                     if not PAGE_NUMBER_RE.match(ln.text.replace(" ", ""))
                     and not (_in_margin(ln, h) and _DIGITS.sub("#", ln.text) in repeated)])
    body = [ln for lines in kept for ln in lines]
    if not body:
        raise InputError(str(path), "no text layer: run OCR first")
    body_size = statistics.median(ln.size for ln in body)
    left = min(ln.x0 for ln in body)
    right = max(ln.x1 for ln in body)
    char_w = body_size or 10
    first = kept[0] or next((p for p in kept if p), [])
    title = ""
    if first:
        biggest = max(ln.size for ln in first[:8])
        if biggest > body_size * 1.15:
            title = "".join(ln.text for ln in first[:8] if ln.size >= biggest - 0.5)
    out: list[str] = []
    prev: _Line | None = None  # the last line, if it was body text that may wrap into this one
    for lines in kept:
        for ln in lines:
            small = ln.size < body_size * 0.9
            big = ln.size > body_size * 1.15
            if small and len(ln.text) <= 60:
                out.append("\n\n\n" + ln.text + "\n\n\n")  # a caption, set apart
                prev = None
                continue
            wraps = (prev is not None and not big and prev.x1 >= right - 1.5 * char_w
                     and ln.x0 <= left + 0.5 * char_w and abs(prev.size - ln.size) < 0.5)
            if out:
                out.append("" if wraps else "\n")
            out.append(ln.text)
            prev = None if big else ln
    return re.sub(r"\n{4,}", "\n\n\n", "".join(out)).strip("\n") + "\n", title


def _in_margin(ln: _Line, height: float) -> bool:
    return ln.bottom <= height * MARGIN or ln.top >= height * (1 - MARGIN)


# ---------------------------------------------------------------- Word

def _docx(path: Path) -> tuple[str, str]:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(path))  # body only: section headers and footers are not in it
    out: list[str] = []
    title = ""
    first_heading = ""
    for el in document.element.body.iterchildren():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "p":
            para = Paragraph(el, document)
            text = para.text.strip()
            if not text:
                continue
            style = (para.style.name if para.style is not None else "") or ""
            level = _heading_level(style)
            if style == "Title" and not title:
                title = text
            if level and not first_heading:
                first_heading = text
            out.append(("#" * level + " " if level else "") + text.replace("\n", " "))
        elif tag == "tbl":
            for row in Table(el, document).rows:
                cells = [c.text.strip().replace("\n", " ") for c in row.cells]
                if any(cells):
                    out.append(" ".join(dict.fromkeys(c for c in cells if c)))
    props_title = (document.core_properties.title or "").strip()
    return "\n".join(out) + "\n", title or first_heading or props_title


def _heading_level(style: str) -> int:
    if style == "Title":
        return 1
    m = re.match(r"(?:Heading|标题)\s*(\d)$", style)
    return min(int(m.group(1)) + 1, 6) if m else 0


# ---------------------------------------------------------------- web pages

def _html(data: bytes, name: str) -> tuple[str, str]:
    import logging

    import trafilatura

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    html = _decode_html(data, name)
    text = trafilatura.extract(html, include_comments=False, include_tables=True, favor_recall=True,
                               deduplicate=False) or ""
    h1, head_title = _html_titles(html)
    meta_title = ""
    try:
        meta = trafilatura.extract_metadata(html)
        meta_title = (meta.title or "") if meta is not None else ""
    except Exception:
        pass
    title = h1 or _strip_site(meta_title) or _strip_site(head_title)
    if not text.strip():  # nothing trafilatura calls main text: every text line of the body
        text = _html_fallback_text(html)
    if title and title not in text[:400]:
        text = f"# {title}\n" + text  # the title belongs to the document; it becomes its heading unit
    return text, title


_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)


def _decode_html(data: bytes, name: str) -> str:
    m = _CHARSET_RE.search(data[:4096])
    if m:
        enc = m.group(1).decode("ascii").lower()
        if enc in ("gb2312", "gbk"):
            enc = "gb18030"
        try:
            return data.decode(enc)
        except (LookupError, UnicodeDecodeError):
            pass
    from annotator.ingest.decoding import decode_bytes

    return decode_bytes(data, name)[0]


def _html_titles(html: str) -> tuple[str, str]:
    from lxml import html as lh

    try:
        tree = lh.fromstring(html)
    except Exception:
        return "", ""
    from annotator.ingest.segmenter import is_furniture

    h1 = ""
    for el in tree.iter("h1"):
        t = _one_line(el.text_content())
        if t and not is_furniture(t):
            h1 = t
            break
    t = tree.find(".//title")
    return h1, _one_line(t.text_content()) if t is not None else ""


def _strip_site(title: str) -> str:
    """'…工作报告_某某县人民政府门户网' → '…工作报告': the longest part is the page's own title."""
    parts = [p.strip() for p in re.split(r"\s*(?:[_|｜]|--|—|\s-\s)\s*", title) if p.strip()]
    return max(parts, key=len) if parts else ""


def _html_fallback_text(html: str) -> str:
    from lxml import html as lh

    tree = lh.fromstring(html)
    for bad in tree.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    body = tree.find(".//body")
    return (body if body is not None else tree).text_content()
