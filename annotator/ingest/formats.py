"""Report files of other formats → (extracted text, title evidence, source format).

``.txt``/``.md`` are decoded by annotator.ingest.decoding; this module reads PDF (pdfminer.six, annotator.ingest.pdf_*), Word
(python-docx) and web pages (annotator.ingest.html). Each library is imported
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


@dataclass(frozen=True)
class Extracted:
    text: str
    title: str  # title evidence from the format ("" when none)
    format: str  # the registry's name: "pdf" | "docx" | "html"
    size: int  # bytes on disk
    kinds: tuple[tuple[str, str], ...] = ()  # (line, unit kind) the format knows: footnotes, captions


def extract(path: Path) -> Extracted:
    suffix = path.suffix.lower()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"cannot read ({exc.strerror or exc})") from None
    if not data:
        raise InputError(str(path), "empty file")
    from annotator.ingest.registry import format_of  # here: the registry imports this module's readers

    fmt = format_of(path)
    if fmt is None or fmt.extract is None:
        raise InputError(str(path), f"unknown format {suffix!r}")
    try:
        text, title, kinds = fmt.extract(path, data)
    except InputError:
        raise
    except Exception as exc:  # a damaged file: the library's own reason, in one line
        raise InputError(str(path), f"cannot read as {suffix[1:].upper()}: "
                                    f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:300]) from None
    text = _normalise(text)
    if not text.strip():
        raise InputError(str(path), "no text found")
    return Extracted(text, _one_line(title), fmt.name, len(data),
                     tuple((_normalise(line).strip(), kind) for line, kind in kinds))


def _normalise(text: str) -> str:
    from annotator.ingest.decoding import normalise

    return normalise(text).replace("\x00", "")


def _one_line(s: str | None) -> str:
    return re.sub(r"\s+", " ", s or "").strip()


# ---------------------------------------------------------------- PDF

def read_pdf(path: Path, data: bytes) -> tuple[str, str, tuple[tuple[str, str], ...]]:
    """A text layer with glyphs that have no Unicode mapping is refused whole (more than three, or
    mostly symbol-font glyphs): its text would be wrong, and storing it would be worse. A stray
    unmapped glyph or two (a bullet) and symbol-font glyphs are left out; "(cid:N)" is never stored."""
    from annotator.ingest.pdf_flow import assemble
    from annotator.ingest.pdf_layout import page_lines, readable, unreadable_count
    from annotator.ingest.pdf_read import UNREADABLE, iter_pages

    pages = []
    unmapped = private = total = 0
    for n, (width, height, chars) in enumerate(iter_pages(path)):
        u, p, t = unreadable_count(chars)
        unmapped, private, total = unmapped + u, private + p, total + t
        if total >= 200 and (unmapped > total * 0.01 or private > total * 0.3):
            raise InputError(str(path), UNREADABLE)  # early: do not read 2,000 pages of noise
        pages.append(page_lines(readable(chars), width, height, n))
    if unmapped > 3 or (total and private > total * 0.3):
        raise InputError(str(path), UNREADABLE)
    text, title, notes = assemble(pages)
    if not text.strip():
        raise InputError(str(path), "no text layer: run OCR first")
    return text, title, tuple((note, "meta") for note in notes)


# ---------------------------------------------------------------- web pages

def read_html(path: Path, data: bytes) -> tuple[str, str, tuple[tuple[str, str], ...]]:
    from annotator.ingest.html import extract_html

    return extract_html(data, str(path))


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


def read_docx(path: Path, data: bytes) -> tuple[str, str, tuple[tuple[str, str], ...]]:
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
    return "\n".join(out) + "\n", title or first_heading or props_title, ()


def _heading_level(style: str) -> int:
    if style == "Title":
        return 1
    m = re.match(r"(?:Heading|标题)\s*(\d)$", style)
    return min(int(m.group(1)) + 1, 6) if m else 0
