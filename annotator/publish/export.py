"""Datasets out of the store: label resolution, JSONL records (native, doccano, Prodigy), splits, atomic files."""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

from annotator.publish.csvtable import Table
from annotator.core.errors import ExportError
from annotator.core.files import FileSet
from annotator.store import Store
from annotator.store.records import exported
from annotator.core.taxonomy import Taxonomy
from annotator.core.textsafe import to_json
from annotator.core.words import count as counted

FORMATS = ("jsonl", "doccano", "prodigy", "csv")


def resolve(gold: dict | None, annotations: dict[str, dict]) -> tuple[list[str] | None, str | None]:
    """Adjudicated gold, else the set every done annotator chose, else a strict-majority set, else None.

    An empty set ("none of these") resolves like any other set. ``agreed`` needs two or more
    annotators who chose the same set; a set only one annotator finished is ``single``."""
    if gold is not None and gold.get("status", "done") == "done":
        return sorted(gold["labels"]), "gold"
    done = [tuple(sorted(a["labels"])) for a in annotations.values() if a["status"] == "done"]
    if not done:
        return None, None
    top, count = Counter(done).most_common(1)[0]
    if count == len(done):
        return list(top), ("agreed" if count >= 2 else "single")
    if count * 2 > len(done):
        return list(top), "majority"
    return None, None


@dataclass
class JudgedUnit:
    """A stored unit with every judgment on it and its gold, as the exports read it."""

    n: int
    id: str
    doc: str
    idx: int
    kind: str
    text: str
    section: str | None
    title: str
    annotations: dict[str, dict]  # annotator → {labels, status, note, updated_at, ...}
    gold: dict | None
    done: list[tuple[str, ...]]  # the done label sets
    flagged: bool

    @property
    def n_done(self) -> int:
        return len(self.done)


def iter_units(store: Store, kinds: str | None = "sentence") -> Iterator[JudgedUnit]:
    """Units in corpus order with every annotator's judgment and the gold one, as plain values
    (every JSON written from them goes through the encoder; nothing is spliced from stored text)."""
    titles = {d["id"]: d["title"] for d in store.documents()}
    parse = _LabelSets()
    unit: JudgedUnit | None = None
    for row in store.export_rows(kinds):
        if unit is None or row.n != unit.n:
            if unit is not None:
                yield unit
            gold = None
            if row.gold_labels is not None:
                g = exported(row, list(parse(row.gold_labels)), gold=True)
                gold = {"labels": g.pop("labels"), "status": g.pop("status"), "adjudicator": row.adjudicator, **g}
            unit = JudgedUnit(row.n, row.id, row.doc_id, row.idx, row.kind, row.text, row.section,
                        titles.get(row.doc_id, ""), {}, gold, [], False)
        who = row.annotator
        if who is None:
            continue
        labels, status = parse(row.labels), row.status
        unit.annotations[who] = exported(row, list(labels))
        if status == "done":
            unit.done.append(labels)
        elif status == "flagged":
            unit.flagged = True
    if unit is not None:
        yield unit


class _LabelSets:
    """Stored label JSON → a sorted tuple of tag ids, parsed once per distinct set."""

    def __init__(self):
        self.cache: dict[str, tuple[str, ...]] = {}

    def __call__(self, raw: str) -> tuple[str, ...]:
        hit = self.cache.get(raw)
        if hit is None:
            try:
                value = json.loads(raw)
            except (TypeError, ValueError):
                value = None
            if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
                raise ExportError(f"a stored label set is not a list of tag ids: {str(raw)[:80]!r}")
            hit = self.cache[raw] = tuple(sorted(value))
        return hit


def select(unit: JudgedUnit, source: str) -> tuple[list[str] | None, str | None]:
    """The unit's labels for a --source; 'resolved' follows resolve() (gold, agreed, majority)."""
    if source == "resolved":
        return resolve(unit.gold, unit.annotations)
    if source == "gold":
        gold = unit.gold
        if gold and gold.get("status") == "done":
            return sorted(gold["labels"]), "gold"
        return None, None
    if source.startswith("annotator:"):
        a = unit.annotations.get(source.split(":", 1)[1])
        if a and a["status"] == "done":
            return sorted(a["labels"]), source
        return None, None
    raise ExportError(f"unknown --source '{source}' (resolved, gold, annotator:NAME)")


def unresolved_reason(unit: JudgedUnit, source: str) -> str:
    """Why ``select`` gave a unit no labels, in a few words the dataset card counts."""
    if source == "gold":
        return "gold still a draft" if unit.gold else "no adjudicated gold"
    if source.startswith("annotator:"):
        return f"no done judgment by {source.split(':', 1)[1]}"
    if unit.done:
        what = "gold still a draft" if unit.gold else "no gold"
        return f"disagreement without a majority, {what}"
    statuses = {a["status"] for a in unit.annotations.values()}
    if not statuses:
        return "not judged"
    if statuses == {"draft"}:
        return "drafts only"
    return "skipped or flagged, none done"


def native(unit: JudgedUnit, labels: list[str] | None, label_source: str | None, taxonomy: Taxonomy) -> dict:
    labels = labels if labels is not None else []
    return {
        "id": unit.id, "doc": unit.doc, "title": unit.title, "section": unit.section, "idx": unit.idx,
        "kind": unit.kind, "text": unit.text, "labels": labels, "label_source": label_source,
        "facets": taxonomy.by_facet(labels),
        "annotations": unit.annotations,
        "gold": unit.gold,
        "flagged": unit.flagged,
    }


LABEL_NAMES = ("id", "title", "en")  # how a doccano export names the tags (merge --from reads each back)


def doccano(unit: JudgedUnit, labels: list[str] | None, taxonomy: Taxonomy | None = None, names: str = "id") -> dict:
    """A doccano text-classification record; ``names`` title/en writes the tags as a doccano project
    that used their Chinese titles or English names holds them (its labels come back unchanged)."""
    labels = labels or []
    if names != "id" and taxonomy is not None:
        labels = [getattr(taxonomy.tags[t], names) if t in taxonomy.tags else t for t in labels]
    return {"id": unit.id, "text": unit.text, "label": labels}


def _hash32(*parts: str) -> int:
    """A stable signed 32-bit hash (Prodigy's hashes are signed 32-bit integers)."""
    v = int.from_bytes(hashlib.sha1("\x1f".join(parts).encode("utf-8")).digest()[:4], "big")
    return v - (1 << 32) if v >= (1 << 31) else v


def prodigy(unit: JudgedUnit, taxonomy: Taxonomy, dataset: str) -> Iterator[dict]:
    """One Prodigy 'choice' task per (unit, annotator) judgment: done → accept, skipped/flagged → ignore."""
    options = [{"id": t.id, "text": f"{t.title} / {t.en}"} for t in taxonomy.tags.values()]
    input_hash = _hash32(unit.text)
    task_hash = _hash32(unit.text, *[o["id"] for o in options])
    for who, a in sorted(unit.annotations.items()):
        if a["status"] == "draft":
            continue
        yield {
            "text": unit.text,
            "meta": {"id": unit.id, "doc": unit.doc, "title": unit.title, "section": unit.section, "idx": unit.idx,
                     "status": a["status"], "note": a.get("note", ""), "dataset": dataset},
            "options": options,
            "accept": sorted(a["labels"]) if a["status"] == "done" else [],
            "answer": "accept" if a["status"] == "done" else "ignore",
            "_annotator_id": f"{dataset}-{who}",
            "_session_id": f"{dataset}-{who}",
            "_input_hash": input_hash,
            "_task_hash": task_hash,
            "_view_id": "choice",
            "config": {"choice_style": "multiple"},
        }


def parse_split(spec: str) -> list[tuple[str, float]]:
    parts = []
    for item in spec.split(","):
        name, _, frac = item.partition("=")
        try:
            value = float(frac)
        except ValueError:
            raise ExportError(f"--split: '{item}' is not name=fraction") from None
        if not name or value < 0:
            raise ExportError(f"--split: '{item}' is not name=fraction")
        parts.append((name.strip(), value))
    total = sum(v for _, v in parts)
    if total <= 0:
        raise ExportError("--split: fractions must add up to more than 0")
    return [(n, v / total) for n, v in parts]


def assign_splits(doc_sizes: dict[str, int], splits: list[tuple[str, float]], seed: int) -> dict[str, str]:
    """Whole documents go to splits (no leakage), deterministic for a seed: shuffled; first every split
    with a share gets one document with records (largest share first, so no split is left empty when
    there are documents enough), then each document goes to the split furthest below its share."""
    docs = sorted(doc_sizes)
    random.Random(seed).shuffle(docs)
    total = sum(doc_sizes.values()) or 1
    have = {name: 0 for name, _ in splits}
    out = {}
    with_records = [d for d in docs if doc_sizes[d] > 0]
    for (name, share), d in zip(sorted((s for s in splits if s[1] > 0), key=lambda s: -s[1]), with_records):
        out[d] = name
        have[name] += doc_sizes[d]
    for d in docs:
        if d in out:
            continue
        name = max(splits, key=lambda s: (s[1] * total - have[s[0]], s[1]))[0]
        out[d] = name
        have[name] += doc_sizes[d]
    return out


@dataclass
class ExportSummary:
    files: list[str] = field(default_factory=list)
    records: int = 0
    per_split: dict[str, int] = field(default_factory=dict)
    per_label: Counter = field(default_factory=Counter)
    per_source: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)  # what the user should know (a split left empty…)
    unresolved: Counter | None = field(default_factory=Counter)  # sentence units without labels, by reason
    # (None for prodigy, which writes every judgment and resolves nothing)
    csv: dict | None = None  # csv only: column → meaning, BOM, formula-like cells


def records(store: Store, taxonomy: Taxonomy, fmt: str, source: str, include_all: bool,
            dataset: str, table: Table | None = None, unresolved: Counter | None = None, label_names: str = "id"
            ) -> Iterator[tuple[str, str, list[str] | None, str | None]]:
    """(doc id, line, labels, label source) in corpus order for the chosen format (csv: rows of ``table``);
    ``unresolved`` counts the sentence units left without labels, by reason."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown --format '{fmt}' ({', '.join(FORMATS)})")
    kinds = None if include_all else "sentence"
    for unit in iter_units(store, kinds):
        if fmt == "prodigy":
            for rec in prodigy(unit, taxonomy, dataset):
                yield unit.doc, to_json(rec) + "\n", rec["accept"], "annotator"
            continue
        labels, label_source = select(unit, source)
        if labels is None and unresolved is not None and unit.kind == "sentence":
            unresolved[unresolved_reason(unit, source)] += 1
        if labels is None and not include_all:
            continue
        if fmt == "csv":
            yield unit.doc, table.row(unit, labels, label_source), labels, label_source
        elif fmt == "jsonl":
            yield unit.doc, to_json(native(unit, labels, label_source, taxonomy)) + "\n", labels, label_source
        else:
            yield unit.doc, to_json(doccano(unit, labels, taxonomy, label_names)) + "\n", labels, label_source


def manifest_path(out: Path) -> Path:
    return out.with_name(f"{out.stem}.manifest.json")


def export(store: Store, taxonomy: Taxonomy, out: Path | None, *, fmt: str = "jsonl", source: str = "resolved",
           include_all: bool = False, split: str | None = None, seed: int = 0, force: bool = False,
           stdout=None, progress: Callable[[int], None] | None = None, fileset: FileSet | None = None,
           excel: bool = False, label_names: str = "id") -> ExportSummary:
    """Write the dataset; ``out`` None means ``stdout`` (written only once complete). With ``split``,
    one file per split. The files join ``fileset`` (committed by the caller with its other files),
    or a set of their own committed here with its manifest. ``excel`` (csv only): a BOM, and cells
    that begin with a formula character prefixed with an apostrophe."""
    summary = ExportSummary()
    if label_names not in LABEL_NAMES:
        raise ExportError(f"--label-names: {label_names!r} is not one of {', '.join(LABEL_NAMES)}")
    if label_names != "id" and fmt != "doccano":
        raise ExportError("--label-names goes with --format doccano")
    if excel and fmt != "csv":
        raise ExportError("--excel goes with --format csv")
    table = Table(store.annotators(), taxonomy, excel) if fmt == "csv" else None
    if fmt == "prodigy":
        summary.unresolved = None
    dataset = Path(store.path).stem
    splits = parse_split(split) if split else None
    if splits and out is None:
        raise ExportError("--split needs a file --out (one file per split), not stdout")
    if source.startswith("annotator:") and source.split(":", 1)[1] not in store.annotators():
        raise ExportError(f"--source {source}: no judgments by {source.split(':', 1)[1]!r} in {store.path} "
                          f"(annotators: {', '.join(store.annotators()) or 'none'})")
    if splits:
        ext = out.suffix or (".csv" if fmt == "csv" else ".jsonl")
        targets = {name: out.with_name(f"{out.stem}-{name}{ext}") for name, _ in splits}
        doc_sizes = Counter(doc for doc, *_ in records(store, taxonomy, fmt, source, include_all, dataset,
                                                       Table([], taxonomy) if table else None))
        doc_sizes.update({d: 0 for d in store.doc_sentence_counts() if d not in doc_sizes})
        assignment = assign_splits(doc_sizes, splits, seed)  # by the records each document will give
    else:
        targets = {"": out} if out is not None else {}
        assignment = None
    own = fileset is None and out is not None
    if own:
        fileset = FileSet(manifest_path(out), force)
    buffer = None
    try:
        files = {name: fileset.open(path) for name, path in targets.items()} if targets else {}
        if not files:
            buffer = tempfile.SpooledTemporaryFile(max_size=64_000_000, mode="w+", encoding="utf-8", newline="")
        if table is not None:  # every file starts with the header
            for f in (files.values() if files else [buffer]):
                f.write(table.header())
        count = 0
        tally: dict[tuple, int] = {}  # (split, source, label set) → records; expanded once at the end
        write = files[""].write if list(files) == [""] else (buffer.write if buffer is not None else None)
        for doc, line, labels, label_source in records(store, taxonomy, fmt, source, include_all, dataset, table,
                                                       summary.unresolved, label_names):
            key = assignment[doc] if assignment is not None else ""
            if write is not None:
                write(line)
            else:
                files[key].write(line)
            k = (key or "all", label_source or "unresolved", tuple(labels) if labels else ())
            tally[k] = tally.get(k, 0) + 1
            count += 1
            if progress and count % 1000 == 0:
                progress(1000)
        for (split_name, src, labels), c in tally.items():
            summary.per_split[split_name] = summary.per_split.get(split_name, 0) + c
            summary.per_source[src] += c
            for label in labels:
                summary.per_label[label] += c
        summary.records = count
        if table is not None:
            summary.csv = {"columns": table.columns, "bom": excel, "formula_cells": table.formula_cells,
                           "formula_cells_prefixed": excel}
            if table.formula_cells and not excel:
                summary.notes.append(f"{table.formula_cells} cells begin with =, +, -, @ or a tab: a spreadsheet "
                                     "may read them as formulas (R and pandas do not); --excel prefixes them with '")
        if splits:
            empty = [name for name, share in splits if share > 0 and not summary.per_split.get(name)]
            if empty:
                summary.notes.append(f"split{'s' if len(empty) > 1 else ''} {', '.join(empty)} left empty: only "
                                     f"{counted(sum(1 for v in doc_sizes.values() if v), 'document')} "
                                     f"{'has' if sum(1 for v in doc_sizes.values() if v) == 1 else 'have'} records, and "
                                     "documents are never divided between splits")
        if own:
            fileset.commit(run_id(), {"database": store.path})
        if buffer is not None:  # complete: only now does anything reach stdout
            buffer.seek(0)
            shutil.copyfileobj(buffer, stdout)
    except BaseException:
        if own:
            fileset.abort()
        raise
    finally:
        if buffer is not None:
            buffer.close()
    summary.files = [str(p) for p in targets.values()]
    return summary


def run_id() -> str:
    """Names one export run (in its manifest and dataset card)."""
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ") + f"-{os.getpid()}"
