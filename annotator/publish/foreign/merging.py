"""One foreign source merged: read, labels mapped, placed by text, then written in one short
transaction (all or nothing) with its provenance — or, with ``dry_run``, only the placement table."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.taxonomy import Taxonomy
from annotator.ingest.decoding import file_problem
from annotator.ingest.segmenter import SEGMENTER_VERSION
from annotator.publish.foreign import SOURCES
from annotator.publish.foreign.labels import LabelMapper
from annotator.publish.foreign.placing import (CONFLICTING, IMPORTED, NOT_PLACED, PLACED, REFUSED, RESEGMENTED,
                                               Outcome, place)
from annotator.core.errors import SourceError
from annotator.publish.foreign.records import Options
from annotator.store import Judgment, Store, TaxonomyRecord, now

ORDER = (PLACED, RESEGMENTED, IMPORTED, *NOT_PLACED)


@dataclass
class ForeignReport:
    source: str
    fmt: str
    dry_run: bool
    outcomes: list[Outcome] = field(default_factory=list)
    left_out: dict[str, int] = field(default_factory=dict)
    duplicates: int = 0  # records repeating a judgment already in the source (same labels)
    documents_added: int = 0
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # annotator → added/updated/unchanged
    unplaced_file: str = ""  # where the records not placed were kept (beside the database)

    @property
    def not_placed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.kind in NOT_PLACED]

    def table(self) -> list[str]:
        """The placement table: records and sentences per outcome, then what was left out and why."""
        by = Counter(o.kind for o in self.outcomes)
        sents = Counter()
        for o in self.outcomes:
            sents[o.kind] += len(o.units)
        lines = [f"{'outcome':<18} {'records':>8} {'sentences':>10}"]
        for kind in ORDER:
            if by.get(kind):
                lines.append(f"{kind:<18} {by[kind]:>8} {sents[kind] if sents[kind] else '':>10}")
        for why, n in sorted(self.left_out.items()):
            lines.append(f"left out: {n} {why}")
        if self.duplicates:
            lines.append(f"left out: {self.duplicates} records repeating another record's judgment (same labels)")
        return lines

    def unplaced_lines(self, limit: int | None = None) -> list[str]:
        shown = self.not_placed if limit is None else self.not_placed[:limit]
        out = [f"{o.record.where}: {o.kind}{': ' + o.detail if o.detail else ''} — {o.record.text[:40]!r}"
               for o in shown]
        if limit is not None and len(self.not_placed) > limit:
            out.append(f"… and {len(self.not_placed) - limit} more (all of them with --dry-run)")
        return out

    def summary(self) -> str:
        placed = [o for o in self.outcomes if o.kind not in NOT_PLACED]
        who = ", ".join(f"{w}: {c.get('added', 0)} added / {c.get('updated', 0)} updated / "
                        f"{c.get('unchanged', 0)} unchanged" for w, c in sorted(self.counts.items()))
        verb = "would place" if self.dry_run else "placed"
        return (f"{self.source} ({self.fmt}): {verb} {len(placed)} of {len(self.outcomes)} records on "
                f"{sum(len(o.units) for o in placed)} sentences"
                + (f"; {self.documents_added} new documents" if self.documents_added else "")
                + (f"; judgments — {who}" if who else "")
                + (f"; {len(self.not_placed)} records not placed (kept in {self.unplaced_file})"
                   if self.not_placed and self.unplaced_file else
                   f"; {len(self.not_placed)} records not placed" if self.not_placed else "")
                + ("; nothing written (--dry-run)" if self.dry_run else ""))


def _name_problem(who) -> str | None:
    if not isinstance(who, str) or not who.strip():
        return "no annotator: name one with --annotator (this file does not say who labelled it)"
    if who != who.strip() or "," in who or not who.isprintable():
        return f"annotator name {who!r}: must be printable, without commas or surrounding spaces (--annotator)"
    return None


def merge_foreign(store: Store, taxonomy: Taxonomy, source: str | Path, fmt: str, opts: Options, *,
                  label_map: dict[str, list[str]] | None = None, drop_unknown: bool = False,
                  split_records: bool = False, import_missing: bool = False, dry_run: bool = False) -> ForeignReport:
    path = Path(source)
    if fmt not in SOURCES:
        raise SourceError(str(path), [f"unknown source format {fmt!r} ({', '.join(SOURCES)})"])
    if not path.is_file():
        raise SourceError(str(path), ["no such file" if not path.exists() else "not a regular file"])
    problem = file_problem(path)  # a FIFO or a device is never opened, an oversized file never read
    if problem:
        raise SourceError(str(path), [problem])
    try:  # the digest of the file as read (it goes into the provenance)
        with open(path, "rb") as fh:
            digest = hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError as exc:
        raise SourceError(str(path), [f"cannot read: {exc.strerror or exc}"]) from None
    read = SOURCES[fmt](path, opts)
    problems = list(read.problems)
    mapper = LabelMapper(taxonomy, label_map)
    items = []
    refused: list[Outcome] = []
    unnamed: dict[str, list[str]] = {}
    emptied = 0
    unused = set(opts.renames)
    for rec in read.records:
        if rec.annotator in opts.renames:
            unused.discard(rec.annotator)
            rec.annotator = opts.renames[rec.annotator]
        problem = _name_problem(rec.annotator)
        if problem:
            unnamed.setdefault(problem, []).append(rec.where)
            continue
        labels = mapper(rec.labels)
        if rec.labels and not labels:  # every label unknown (--drop-unknown) or mapped to nothing: no judgment
            emptied += 1
            continue
        single = _single_choice_clash(taxonomy, labels)
        if single:
            refused.append(Outcome(rec, labels, REFUSED, detail=single))
            continue
        items.append((rec, labels))
    for problem, wheres in unnamed.items():
        problems.append(f"{', '.join(wheres[:3])}{f' and {len(wheres) - 3} more records' if len(wheres) > 3 else ''}: "
                        f"{problem}")
    if unused and read.records:
        names = sorted({r.annotator for r in read.records if isinstance(r.annotator, str)})
        problems.append(f"--rename-annotator names {', '.join(map(repr, sorted(unused)))}, not in this file "
                        f"(its annotators: {', '.join(map(repr, names[:10]))}{', …' if len(names) > 10 else ''})")
    if mapper.unknown and not drop_unknown:
        problems.append("unknown labels (not a tag id, title or English name of " + taxonomy.name + "; map them with "
                        "--label-map or leave them out with --drop-unknown): "
                        + ", ".join(f"{name!r} ×{n}" for name, n in mapper.unknown.most_common()))
    if problems:
        raise SourceError(str(path), _dedupe(problems))
    report = ForeignReport(str(path), fmt, dry_run, left_out=dict(read.left_out))
    for name, n in mapper.unknown.items():
        report.left_out[f"× unknown label {name!r} (--drop-unknown)"] = n
    if emptied:
        report.left_out["records whose every label was left out (their judgment would say 'no tag applies')"] = emptied
    for name, n in mapper.mapped_away.items():
        report.left_out[f"× label {name!r} (mapped to nothing in --label-map)"] = n
    outcomes, new_docs = place(store, items, source=str(path), split_records=split_records,
                               import_missing=import_missing)
    order = {id(r): i for i, r in enumerate(read.records)}
    report.outcomes = sorted(outcomes + refused, key=lambda o: order[id(o.record)])
    rows = _judgments(report, taxonomy)
    used = {u.rpartition("-")[0] for o in report.outcomes if o.kind == IMPORTED for u in o.units}
    new_docs = [d for d in new_docs if d.doc_id in used]
    if dry_run:
        report.documents_added = len(new_docs)
        return report
    at = now()
    try:
        store.stage_judgments(rows, "annotation")
        with store.transaction():
            for d in new_docs:
                if store.add_document(d.doc_id, d.path, d.title, d.text, "utf-8", SEGMENTER_VERSION, d.units,
                                      source_format="text"):
                    report.documents_added += 1
            report.counts = store.apply_staged("annotation", f"merge:{fmt}", at=at)
            store.record_taxonomy_once(TaxonomyRecord(taxonomy.name, taxonomy.version, taxonomy.hash, taxonomy.path,
                                                      taxonomy.source))  # the ids the judgments are in
            store.record_provenance(_provenance(path, fmt, report, digest, at), at)
    finally:
        store.drop_staged()
    if report.not_placed:
        report.unplaced_file = _keep_unplaced(store, report)
    return report


def _keep_unplaced(store: Store, report: ForeignReport) -> str:
    """The records not placed, written beside the database so nothing is lost: each as the tool gave it
    (text, label names, annotator, status, note) with where it was and why it was not placed."""
    from annotator.publish.unplaced import write_beside

    rows = [{"text": o.record.text, "labels": o.record.labels, "annotator": o.record.annotator,
             "status": o.record.status, "note": o.record.note,
             "unplaced": {"reason": o.kind + (f": {o.detail}" if o.detail else ""), "where": o.record.where,
                          "source": report.source, "format": report.fmt}} for o in report.not_placed]
    return write_beside(store.path, rows)


def _dedupe(problems: list[str]) -> list[str]:
    return list(dict.fromkeys(problems))


def _single_choice_clash(taxonomy: Taxonomy, labels: list[str]) -> str:
    for facet in taxonomy.facets:
        chosen = [x for x in labels if taxonomy.tags[x].facet == facet.id]
        if not facet.multiple and len(chosen) > 1:
            return f"{', '.join(chosen)} are in the single-choice facet {facet.id}"
    return ""


def _judgments(report: ForeignReport, taxonomy: Taxonomy) -> list[dict]:
    """One judgment per (sentence, annotator); records that give one sentence and annotator different
    labels are conflicting (none of them placed), identical repeats are counted once."""
    at = now()
    rows: dict[tuple, dict] = {}
    by_key: dict[tuple, list[Outcome]] = {}
    for o in report.outcomes:
        if o.kind in NOT_PLACED:
            continue
        for uid in o.units:
            by_key.setdefault((uid, o.record.annotator), []).append(o)
    clashing: dict[int, set[str]] = {}  # id(outcome) → where the records it clashes with are
    for (uid, who), os_ in by_key.items():
        states = {(tuple(o.labels), o.record.status, o.record.note) for o in os_}
        if len(states) > 1:
            wheres = [o.record.where for o in os_]
            for o in os_:
                clashing.setdefault(id(o), set()).update(w for w in wheres if w != o.record.where)
            continue
        o = os_[0]
        report.duplicates += len(os_) - 1 if len(os_) > 1 else 0
        t = o.record.updated_at or at
        rows[(uid, who)] = Judgment(uid, who, o.labels, o.record.status, o.record.note, t, t,
                                    taxonomy.hash).as_dict()
    for o in report.outcomes:
        if id(o) in clashing:
            others = sorted(clashing[id(o)])
            o.kind, o.units = CONFLICTING, []
            o.detail = (f"other labels for the same sentence and annotator at {', '.join(others[:3])}"
                        + (f" and {len(others) - 3} more" if len(others) > 3 else ""))
    return [r for (uid, who), r in rows.items() if not any(id(x) in clashing for x in by_key[(uid, who)])]


def _provenance(path: Path, fmt: str, report: ForeignReport, digest: str, at: str) -> dict:
    placed = [o for o in report.outcomes if o.kind not in NOT_PLACED]
    return {"at": at, "action": f"merge:{fmt}", "format": fmt, "source": str(path.resolve()), "sha256": digest,
            "annotators": sorted({o.record.annotator for o in placed}),
            "records": len(report.outcomes), "records_placed": len(placed),
            "sentences": sum(len(o.units) for o in placed), "records_not_placed": len(report.not_placed),
            "documents_added": report.documents_added, "judgments": report.counts}
