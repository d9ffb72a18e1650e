"""Opening a PDF safely and reading its characters page by page, with the limits checked first.

Before pdfminer parses anything: the file must start with ``%PDF-`` (within its first KiB), and no
stream may inflate past MAX_STREAM_BYTES (checked on the raw bytes with a bounded decompressor, so
a small file that inflates to gigabytes is refused in a fraction of a second). Then the page count
is capped, pages are read one at a time and released (memory stays flat with the page count), and
the wall time is checked between pages. An empty user password (the usual "no copy / no print"
government PDF) opens; a real password is refused.
"""

from __future__ import annotations

import re
import time
import zlib
from pathlib import Path
from typing import Iterator

from annotator.core.errors import InputError

MAX_PAGES = 5000
MAX_STREAM_BYTES = 256 * 1024 * 1024  # one stream, inflated
MAX_TOTAL_INFLATED = 1024 * 1024 * 1024  # all streams of the file, inflated
MAX_SECONDS = 300.0  # wall time for one PDF, checked between pages
UNREADABLE = "this PDF's text layer cannot be read; OCR is not supported"
_STREAM_RE = re.compile(rb"stream\r?\n")
_ENDSTREAM = b"endstream"
_IMAGE_RE = re.compile(rb"/Subtype\s*/Image(?![A-Za-z])")


def check_header(path: Path) -> None:
    with open(path, "rb") as fh:
        head = fh.read(1024)
    if b"%PDF-" not in head:
        raise InputError(str(path), "not a PDF (no %PDF- header)")


def check_streams(path: Path, max_stream: int = MAX_STREAM_BYTES, max_total: int = MAX_TOTAL_INFLATED) -> None:
    """Inflate every Flate stream of the raw file (images aside: they are never decoded) with a
    bounded decompressor; refuse a bomb."""
    import mmap

    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
        total = 0
        pos = 0
        while True:
            m = _STREAM_RE.search(data, pos)
            if m is None:
                return
            start = m.end()
            end = data.find(_ENDSTREAM, start)
            if end < 0:
                return
            pos = end + len(_ENDSTREAM)
            head = data[max(0, m.start() - 1024):m.start()]  # this stream's dictionary
            head = head[head.rfind(b"endobj") + 1:]
            if _IMAGE_RE.search(head):
                continue  # an image: never decoded to read text
            chunk = _ascii_decoded(head, data[start:end])
            if chunk is not None:
                total += _inflated_size(path, chunk, max_stream, max_total - total)


_FILTER_RE = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[A-Za-z0-9]+)")


def _ascii_decoded(head: bytes, raw: bytes) -> bytes | None:
    """The stream's bytes with its ASCII85/ASCIIHex filters undone (at most 4 times its size), for
    the Flate check; None when a Flate stream is not what the filters lead to."""
    import base64

    m = _FILTER_RE.search(head)
    names = re.findall(rb"/([A-Za-z0-9]+)", m.group(1)) if m else []
    for name in names:
        if name in (b"FlateDecode", b"Fl"):
            return raw
        try:
            if name in (b"ASCII85Decode", b"A85"):
                raw = base64.a85decode(raw.strip().removesuffix(b"~>").removeprefix(b"<~"), ignorechars=b" \t\r\n")
            elif name in (b"ASCIIHexDecode", b"AHx"):
                raw = bytes.fromhex(re.sub(rb"\s", b"", raw).rstrip(b">").decode("ascii"))
            else:
                return None
        except ValueError:
            return None
    return raw if not names else None


def _inflated_size(path: Path, chunk: bytes, max_stream: int, room: int) -> int:
    d = zlib.decompressobj()
    size = 0
    try:
        while chunk:
            size += len(d.decompress(chunk, 1 << 20))
            if size > max_stream or size > room:
                raise InputError(str(path), f"a stream of this PDF inflates past "
                                            f"{min(max_stream, room) // (1024 * 1024)} MB; refused")
            if d.eof:
                break
            chunk = d.unconsumed_tail
    except zlib.error:
        pass  # not Flate data (or damaged): pdfminer decides
    return size


_ORDERINGS = (("UniGB", "GB1"), ("GB", "GB1"), ("UniCNS", "CNS1"), ("B5", "CNS1"), ("ETen", "CNS1"),
              ("UniJIS", "Japan1"), ("UniKS", "Korea1"))
_KNOWN_ORDERINGS = {b"GB1", b"CNS1", b"Japan1", b"Korea1", b"Identity", b"UCS"}
_patched = False


def _repair_cid_system_info() -> None:
    """Encrypted PDFs whose CID font names its character collection in a string pdfminer cannot
    decrypt (the "no copy" PDFs: ``Ordering`` comes out as noise, every glyph as ``(cid:N)``): take the
    collection from the predefined CMap's name (``UniGB-UCS2-H`` → Adobe-GB1), which is not encrypted."""
    global _patched
    if _patched:
        return
    from pdfminer import pdffont
    from pdfminer.psparser import literal_name

    original = pdffont.PDFCIDFont.__init__

    def __init__(self, rsrcmgr, spec, *args, **kwargs):
        try:
            info = spec.get("CIDSystemInfo")
            ordering = info.get("Ordering") if isinstance(info, dict) else None
            if isinstance(ordering, bytes) and (ordering not in _KNOWN_ORDERINGS or info.get("Registry") != b"Adobe"):
                encoding = literal_name(spec.get("Encoding"))
                for prefix, name in _ORDERINGS:
                    if encoding.startswith(prefix):
                        spec = dict(spec, CIDSystemInfo=dict(info, Registry=b"Adobe", Ordering=name.encode()))
                        break
        except Exception:
            pass
        original(self, rsrcmgr, spec, *args, **kwargs)

    pdffont.PDFCIDFont.__init__ = __init__
    _patched = True


def open_pdf(fh, path: Path):
    """pdfminer's document opened with the empty user password; a real password is refused in one line."""
    import logging

    from pdfminer.pdfdocument import PDFDocument, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFParser

    _repair_cid_system_info()
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        return PDFDocument(PDFParser(fh), password="")
    except PDFPasswordIncorrect:
        raise InputError(str(path), "this PDF is protected by a password; it cannot be opened") from None


def page_count(doc) -> int:
    from pdfminer.pdftypes import resolve1

    try:
        pages = resolve1(doc.catalog["Pages"])
        return int(resolve1(pages.get("Count", 0)))
    except Exception:
        return 0


def iter_pages(path: Path, max_pages: int = MAX_PAGES, max_seconds: float = MAX_SECONDS) -> Iterator[tuple[float, float, list[dict]]]:
    """(width, height, chars) of each page in order; each page is released before the next is read.
    A char is a dict: text, x0, x1, top, bottom (from the page's top), size, fontname, upright."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LTChar, LTContainer
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    check_header(path)
    check_streams(path)
    started = time.monotonic()
    with open(path, "rb") as fh:
        doc = open_pdf(fh, path)
        n = page_count(doc)
        if n > max_pages:
            raise InputError(str(path), f"{n} pages: more than the limit of {max_pages} pages")
        resources = PDFResourceManager(caching=True)
        device = PDFPageAggregator(resources, laparams=None)
        interpreter = PDFPageInterpreter(resources, device)
        for i, page in enumerate(PDFPage.create_pages(doc)):
            if i >= max_pages:
                raise InputError(str(path), f"more than the limit of {max_pages} pages")
            if time.monotonic() - started > max_seconds:
                raise InputError(str(path), f"reading took longer than {max_seconds:.0f} s (stopped at page {i + 1})")
            interpreter.process_page(page)
            layout = device.get_result()
            x0, y0, x1, y1 = page.mediabox
            width, height = abs(x1 - x0), abs(y1 - y0)
            if (page.rotate or 0) % 180 == 90:
                width, height = height, width
            chars: list[dict] = []
            stack = [layout]
            while stack:
                for obj in stack.pop():
                    if isinstance(obj, LTChar):
                        chars.append({"text": obj.get_text(), "x0": obj.x0, "x1": obj.x1, "top": height - obj.y1,
                                      "bottom": height - obj.y0, "size": obj.size, "fontname": obj.fontname,
                                      "upright": obj.upright})
                    elif isinstance(obj, LTContainer):
                        stack.append(obj)
            del layout
            doc._cached_objs.clear()  # content streams already read: do not keep them all
            yield float(width), float(height), chars
