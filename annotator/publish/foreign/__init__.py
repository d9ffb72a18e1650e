"""Labels brought in from other tools' exports (doccano, Label Studio, Prodigy, a spreadsheet's CSV),
placed on our units by their text: see ``merging.merge_foreign`` and ``placing``."""

from __future__ import annotations

from annotator.publish.foreign import csvsource, doccano, labelstudio, prodigy

# --from NAME → the reader of that tool's export: read(path, Options) -> ReadResult
SOURCES = {
    "doccano": doccano.read,
    "label-studio": labelstudio.read,
    "prodigy": prodigy.read,
    "csv": csvsource.read,
}
