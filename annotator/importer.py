"""files → segmenter → store: import reports idempotently, refusing what is not text."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from annotator.errors import InputError
from annotator.segmenter import SEGMENTER_VERSION, doc_id_for, segment
from annotator.store import Store
from annotator.textio import find_text_files, read_text


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)  # paths
    unchanged: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    empty: list[str] = field(default_factory=list)
    sentences: int = 0
    units: int = 0
    bytes: int = 0

    def summary(self) -> str:
        return (
            f"{len(self.added)} documents added, {len(self.unchanged)} unchanged, "
            f"{len(self.refused)} refused, {len(self.empty)} empty; "
            f"{self.sentences} sentences added ({self.units} units)"
        )


def import_paths(store: Store, paths: list[str | Path],
                 progress: Callable[[str], None] | None = None) -> ImportReport:
    """Import files and folders (recursively: .txt, .md). Each document is all or nothing."""
    report = ImportReport()
    for f in find_text_files(paths):
        try:
            decoded = read_text(f)
        except InputError as exc:
            if exc.reason == "empty file":
                report.empty.append(str(f))
            else:
                report.refused.append((str(f), exc.reason))
            if progress:
                progress(str(f))
            continue
        doc_id = doc_id_for(decoded.text)
        if store.has_document(doc_id):
            report.unchanged.append(str(f))
        else:
            seg = segment(decoded.text, fallback_title=f.stem)
            units = [(u.idx, u.kind, u.text, u.section, u.start, u.end) for u in seg.units]
            if store.add_document(doc_id, str(f), seg.title, decoded.text, decoded.encoding, SEGMENTER_VERSION, units):
                report.added.append(str(f))
                report.units += len(units)
                report.sentences += sum(1 for u in seg.units if u.kind == "sentence")
                report.bytes += decoded.size
            else:
                report.unchanged.append(str(f))
        if progress:
            progress(str(f))
    return report
