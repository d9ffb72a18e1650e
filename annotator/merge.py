"""Merge judgments from other databases or native JSONL exports, all or nothing per source."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from annotator.errors import AnnotatorError
from annotator.files import read_jsonl
from annotator.segmenter import SEGMENTER_VERSION
from annotator.store import Store
from annotator.taxonomy import Taxonomy

SQLITE_MAGIC = b"SQLite format 3\x00"
MAX_SHOWN = 20


class MergeError(AnnotatorError):
    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        more = f" (and {len(problems) - MAX_SHOWN} more)" if len(problems) > MAX_SHOWN else ""
        super().__init__(f"{source}: nothing merged: " + "; ".join(problems[:MAX_SHOWN]) + more)


@dataclass
class MergeReport:
    source: str
    documents_added: int = 0
    annotations: dict[str, dict[str, int]] = field(default_factory=dict)
    gold: dict[str, dict[str, int]] = field(default_factory=dict)

    def summary(self) -> str:
        def fmt(counts: dict[str, dict[str, int]]) -> str:
            return ", ".join(f"{who}: {c['added']} added / {c['updated']} updated / {c['unchanged']} unchanged"
                             for who, c in sorted(counts.items())) or "none"
        return (f"{self.source}: {self.documents_added} documents brought along; judgments — "
                f"{fmt(self.annotations)}; gold — {fmt(self.gold)}")


def _check_labels(labels, taxonomy: Taxonomy, where: str, problems: list[str]) -> None:
    if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
        problems.append(f"{where}: labels must be a list of tag ids")
        return
    for label in taxonomy.unknown(labels):
        problems.append(f"{where}: unknown label '{label}' (not in taxonomy {taxonomy.name})")


def merge(store: Store, taxonomy: Taxonomy, source: str | Path) -> MergeReport:
    path = Path(source)
    if not path.exists():
        raise MergeError(str(path), ["no such file"])
    with open(path, "rb") as fh:
        magic = fh.read(16)
    if magic == SQLITE_MAGIC:
        return _merge_db(store, taxonomy, path)
    return _merge_jsonl(store, taxonomy, path)


def _merge_db(store: Store, taxonomy: Taxonomy, path: Path) -> MergeReport:
    if path.resolve() == Path(store.path).resolve():
        raise MergeError(str(path), ["a database cannot be merged into itself"])
    src = Store(path, create=False)
    try:
        problems: list[str] = []
        known_here = store.document_ids()
        new_docs = [d for d in src.documents() if d["id"] not in known_here]
        annotations = []
        for a in src.iter_annotations():
            _check_labels(a["labels"], taxonomy, f"annotation {a['sentence_id']} by {a['annotator']}", problems)
            annotations.append(a)
        gold = []
        for g in src.iter_gold():
            _check_labels(g["labels"], taxonomy, f"gold {g['sentence_id']}", problems)
            gold.append({**g, "annotator": g["adjudicator"] or "unknown"})
        if problems:
            raise MergeError(str(path), problems)
        report = MergeReport(str(path))
        with store.transaction():
            for d in new_docs:
                doc = src.document(d["id"])
                units = [(u.idx, u.kind, u.text, u.section, u.start, u.end) for u in src.units(d["id"])]
                store.add_document(d["id"], d["path"], d["title"], doc["text"], d["encoding"] or "utf-8",
                                   SEGMENTER_VERSION, units, source_format=d.get("format") or "text")
                report.documents_added += 1
            report.annotations = store.import_judgments(annotations, action="merge")
            report.gold = store.import_judgments(gold, layer="gold", action="merge")
        return report
    finally:
        src.close()


def _merge_jsonl(store: Store, taxonomy: Taxonomy, path: Path) -> MergeReport:
    problems: list[str] = []
    annotations, gold = [], []
    try:
        lines = list(read_jsonl(path))
    except (UnicodeDecodeError, OSError) as exc:
        raise MergeError(str(path), [f"cannot read as UTF-8 JSON lines ({exc})"]) from None
    for lineno, line in lines:
        where = f"line {lineno}"
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{where}: malformed JSON ({exc.msg})")
            continue
        if not isinstance(rec, dict) or not isinstance(rec.get("id"), str) or \
                not isinstance(rec.get("annotations", {}), dict):
            problems.append(f"{where}: not a native annotator record (needs 'id' and 'annotations')")
            continue
        sid = rec["id"]
        if store.sentence_n(sid) is None:
            problems.append(f"{where}: unknown sentence '{sid}' (import the same documents first)")
            continue
        for who, a in rec.get("annotations", {}).items():
            if not isinstance(a, dict):
                problems.append(f"{where}: annotation by '{who}' is not an object")
                continue
            _check_labels(a.get("labels"), taxonomy, f"{where} ({who})", problems)
            status = a.get("status", "done")
            if status not in ("draft", "done", "skipped", "flagged"):
                problems.append(f"{where} ({who}): unknown status '{status}'")
            annotations.append({**a, "sentence_id": sid, "annotator": who, "status": status})
        g = rec.get("gold")
        if g:
            _check_labels(g.get("labels"), taxonomy, f"{where} (gold)", problems)
            gold.append({**g, "sentence_id": sid, "annotator": g.get("adjudicator") or "unknown"})
    if problems:
        raise MergeError(str(path), problems)
    report = MergeReport(str(path))
    with store.transaction():
        report.annotations = store.import_judgments(annotations, action="merge")
        report.gold = store.import_judgments(gold, layer="gold", action="merge")
    return report
