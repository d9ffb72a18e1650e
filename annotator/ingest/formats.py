"""Report files of other formats → (extracted text, title evidence, source format).

``.txt``/``.md`` are decoded by annotator.ingest.decoding; this module reads PDF (pdfplumber), Word
(python-docx) and web pages (trafilatura, falling back to <h1>/<title>). Each library is imported
only when a file of its format is read. The extracted text is what the document *is* from then on:
its id, units and offsets all refer to it.

PDF: read page by page within limits (annotator.ingest.pdf_read), lines and columns rebuilt from
the character boxes (pdf_layout), then paragraphs, headings, captions and footnotes (pdf_flow);
footnotes come back as ``meta`` lines. A PDF without any text is refused ("no text layer: run OCR
first"), one whose text is unmappable glyphs too ("this PDF's text layer cannot be read; OCR is not
supported").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from annotator.core.errors import InputError

PDF_SUFFIXES = {".pdf"}
DOCX_SUFFIXES = {".docx"}
HTML_SUFFIXES = {".html", ".htm"}
SUFFIXES = PDF_SUFFIXES | DOCX_SUFFIXES | HTML_SUFFIXES



@dataclass(frozen=True)
class Extracted:
    text: str
    title: str  # title evidence from the format ("" when none)
    format: str  # "pdf" | "docx" | "html"
    size: int  # bytes on disk
    meta: tuple[str, ...] = ()  # lines of the text that are meta units (a PDF's footnotes)


def extract(path: Path) -> Extracted:
    suffix = path.suffix.lower()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"cannot read ({exc.strerror or exc})") from None
    if not data:
        raise InputError(str(path), "empty file")
    meta: tuple[str, ...] = ()
    try:
        if suffix in PDF_SUFFIXES:
            text, title, meta = _pdf(path)
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
    return Extracted(text, _one_line(title), fmt, len(data), tuple(_normalise(m).strip() for m in meta))


def _normalise(text: str) -> str:
    from annotator.ingest.decoding import normalise

    return normalise(text).replace("\x00", "")


def _one_line(s: str | None) -> str:
    return re.sub(r"\s+", " ", s or "").strip()


# ---------------------------------------------------------------- PDF

def _pdf(path: Path) -> tuple[str, str, tuple[str, ...]]:
    from annotator.ingest.pdf_flow import assemble
    from annotator.ingest.pdf_layout import page_lines, unreadable_share
    from annotator.ingest.pdf_read import UNREADABLE, iter_pages

    pages = []
    bad = total = 0
    for n, (width, height, chars) in enumerate(iter_pages(path)):
        b, t = unreadable_share(chars)
        bad, total = bad + b, total + t
        if total >= 200 and bad > total * 0.3:
            raise InputError(str(path), UNREADABLE)
        pages.append(page_lines(chars, width, height, n))
    if total and bad > total * 0.3:
        raise InputError(str(path), UNREADABLE)
    text, title, notes = assemble(pages)
    if not text.strip():
        raise InputError(str(path), "no text layer: run OCR first")
    return text, title, tuple(notes)


# ---------------------------------------------------------------- Word

MAX_DOCX_ENTRIES = 5000
MAX_DOCX_XML_BYTES = 50 * 1024 * 1024  # the XML parts python-docx parses, uncompressed
MAX_DOCX_BYTES = 1024 * 1024 * 1024  # every part, images included, uncompressed


def check_docx_zip(path: Path) -> None:
    """Refuse a zip bomb before python-docx inflates anything: entry count and declared sizes (a part
    that lies about its size fails its CRC check when read, it is never inflated past it)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except zipfile.BadZipFile as exc:
        raise InputError(str(path), f"cannot read as DOCX: not a Word file ({exc})") from None
    if len(infos) > MAX_DOCX_ENTRIES:
        raise InputError(str(path), f"{len(infos)} parts inside: more than {MAX_DOCX_ENTRIES}; refused")
    xml = sum(i.file_size for i in infos if i.filename.endswith((".xml", ".rels")))
    total = sum(i.file_size for i in infos)
    mb = 1024 * 1024
    if xml > MAX_DOCX_XML_BYTES:
        raise InputError(str(path), f"its XML inflates to {xml // mb} MB: more than the limit of "
                                    f"{MAX_DOCX_XML_BYTES // mb} MB; refused")
    if total > MAX_DOCX_BYTES:
        raise InputError(str(path), f"inflates to {total // mb} MB: more than the limit of {MAX_DOCX_BYTES // mb} MB; refused")


def _docx(path: Path) -> tuple[str, str]:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    check_docx_zip(path)
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
