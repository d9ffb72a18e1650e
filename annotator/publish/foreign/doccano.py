"""doccano exports: text classification JSONL (``{"id", "text", "label": [...]}`` plus any metadata), one
file, or the zip of one ``<username>.jsonl`` per member that a project without collaborative
annotation exports. Sequence-labelling exports (spans) are refused in one line: annotator labels
whole sentences, and a span's label is not a sentence's."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

from annotator.publish.foreign.records import (Options, ReadResult, Record, json_lines, label_names,
                                               read_source_text)
from annotator.ingest.decoding import MAX_BYTES, decode_bytes
from annotator.core.errors import InputError, SourceError

OUR_ID = re.compile(r"[0-9a-f]{16}-\d+")  # a stable unit id as our exporter writes it
SPANS = ("a doccano sequence-labelling export (spans [start, end, label]): annotator labels whole sentences, "
         "not spans — export the doccano project as text classification, or turn the spans into sentence labels first")


def _is_span(v) -> bool:
    return (isinstance(v, list) and len(v) == 3 and isinstance(v[0], int) and isinstance(v[1], int)) or \
        (isinstance(v, dict) and ("start_offset" in v or "start" in v))


def read_lines(text: str, who: str | None, prefix: str, opts: Options, result: ReadResult, path: Path,
               counted: str = "line") -> None:
    for lineno, rec in json_lines(text, result):
        where = f"{prefix}{counted} {lineno}"
        if not isinstance(rec, dict):
            result.problems.append(f"{where}: not a doccano record (an object with text and label)")
            continue
        if "annotations" in rec and "label" not in rec:
            raise SourceError(str(path), [
                f"{where}: a doccano 1.0–1.2 export (annotations with numeric label ids and user ids): export the "
                "project again from doccano 1.3 or later, which writes label names"])
        labels = rec.get("label", rec.get("cats", rec.get("labels")))
        spans = rec.get("entities") or []
        if spans or (isinstance(labels, list) and any(_is_span(v) for v in labels)):
            raise SourceError(str(path), [f"{where}: {SPANS}"])
        text_ = rec.get("text", rec.get("data"))
        if not isinstance(text_, str):
            result.problems.append(f"{where}: no text (doccano records carry it in 'text')")
            continue
        if labels is None:
            labels = []
        names = label_names(labels, where, result)
        if names is None:
            continue
        if not names and not opts.keep_empty:
            result.leave_out("records with no label (doccano writes [] for examples nobody labelled; "
                             "--keep-empty stores them as 'no tag applies')")
            continue
        rid = rec.get("id")
        hint = rid if isinstance(rid, str) and OUR_ID.fullmatch(rid) else None
        result.records.append(Record(where, text_, names, who, unit_hint=hint))


def read(path: Path, opts: Options) -> ReadResult:
    result = ReadResult()
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            members = [m for m in z.infolist() if not m.is_dir() and m.filename.lower().endswith((".jsonl", ".json"))
                       and not Path(m.filename).name.startswith("._") and "__MACOSX" not in m.filename]
            if not members:
                raise SourceError(str(path), ["a zip without .jsonl files: not a doccano export"])
            for m in members:
                who = opts.annotator or Path(m.filename).stem
                if m.file_size > MAX_BYTES:
                    raise SourceError(str(path), [f"{m.filename}: {m.file_size:,} bytes unpacked, over the "
                                                  f"{MAX_BYTES:,} limit for one file"])
                try:
                    text, _ = decode_bytes(z.read(m), m.filename)
                except InputError as exc:
                    result.problems.append(f"{m.filename}: {exc.reason}")
                    continue
                read_lines(text.lstrip("\ufeff"), who, f"{m.filename}: ", opts, result, path)
        return result
    text = read_source_text(path)
    if text.lstrip().startswith("["):  # doccano's JSON export: one list of the same records
        try:
            records = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise SourceError(str(path), [f"not JSON ({getattr(exc, 'msg', 'nested too deeply')})"]) from None
        text = "\n".join(json.dumps(r, ensure_ascii=False) for r in records) if isinstance(records, list) else text
        read_lines(text, opts.annotator, "", opts, result, path, "record")
        return result
    read_lines(text, opts.annotator, "", opts, result, path)
    return result
