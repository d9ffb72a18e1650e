"""The import formats: one record per format, from which every suffix set derives.

The folder scan (``decoding.scan``), the importer's choice of reader, ``formats.extract`` and the
``import --help`` text all read ``FORMATS``; adding a format is one record here plus its extractor
(and its name in ``core.model.SOURCE_FORMATS``, the values ``documents.format`` may hold).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from annotator.ingest import formats

# (path, bytes) → (text, title evidence, ((line, unit kind), ...))
Extractor = Callable[[Path, bytes], tuple[str, str, tuple[tuple[str, str], ...]]]


@dataclass(frozen=True)
class Format:
    name: str  # stored as documents.format
    suffixes: tuple[str, ...]  # lower case, with the dot
    label: str  # for help texts
    extract: Extractor | None = None  # None: plain text, decoded by annotator.ingest.decoding


FORMATS: tuple[Format, ...] = (
    Format("text", (".txt", ".md"), "plain text or Markdown"),
    Format("pdf", (".pdf",), "PDF with a text layer", formats.read_pdf),
    Format("docx", (".docx",), "Word", formats.read_docx),
    Format("html", (".html", ".htm"), "web page", formats.read_html),
)


# derived at each call, so that a record added to FORMATS is seen everywhere
def suffixes() -> frozenset[str]:
    """Every format's suffixes: what a folder scan reads."""
    return frozenset(s for f in FORMATS for s in f.suffixes)


def format_of(path: Path | str) -> Format | None:
    """The format a file's suffix names (case-insensitive), None when it names none."""
    suffix = Path(path).suffix.lower()
    return next((f for f in FORMATS if suffix in f.suffixes), None)


def suffix_list() -> str:
    """Every suffix with its format's label, in registry order: '.txt .md (plain text or Markdown), .pdf (…)…'."""
    return ", ".join(f"{' '.join(f.suffixes)} ({f.label})" for f in FORMATS)
