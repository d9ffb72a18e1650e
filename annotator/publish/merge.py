"""Merge judgments from other databases or native JSONL exports, all or nothing per source."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.errors import MergeError, StoreError
from annotator.core.files import read_jsonl
from annotator.publish.placement import AS_IS, BY_ID, REPLACED, UNPLACED, Placer
from annotator.publish.mergecheck import check_event, check_judgment
from annotator.publish.mergeplan import SourcePlan, plan_of
from annotator.publish.sourcecheck import corpus_problems
from annotator.publish.unplaced import Unplaced
from annotator.store import Store, TaxonomyRecord, open_source
from annotator.store.sources import Interrupted, check_schema
from annotator.core.taxonomy import Taxonomy
from annotator.core.words import count

SQLITE_MAGIC = b"SQLite format 3\x00"
# judgments, gold and tagging events a source may bring in one merge: they are validated and placed in
# memory (about 2 kB each: 200,500 judgments peak at 440 MB); beyond this the merge is refused in one
# line, never a MemoryError. Units and documents are streamed, whatever their number.
MAX_SOURCE_ROWS = 1_000_000


@dataclass
class MergeReport:
    source: str
    documents_added: int = 0
    annotations: dict[str, dict[str, int]] = field(default_factory=dict)
    gold: dict[str, dict[str, int]] = field(default_factory=dict)
    plan: str = ""  # what became of the source's assignment plan
    events_copied: int = 0  # tagging events of a database source (their times: stats throughput)
    placed: dict[str, int] = field(default_factory=dict)  # AS_IS/REPLACED/BY_ID/UNPLACED → judgments
    unplaced_file: str = ""  # where the judgments that were not placed are kept (JSONL)
    unplaced_reason: str = ""  # the reason of the first of them
    taxonomy: str = ""  # the taxonomy recorded as the database's, when the merge changed it

    @property
    def unplaced(self) -> int:
        return self.placed.get(UNPLACED, 0)

    def summary(self) -> str:
        def fmt(counts: dict[str, dict[str, int]]) -> str:
            return ", ".join(f"{who}: {c['added']} added / {c['updated']} updated / {c['unchanged']} unchanged"
                             for who, c in sorted(counts.items())) or "none"
        return (f"{self.source}: {count(self.documents_added, 'document')} brought along; judgments — "
                f"{fmt(self.annotations)}; gold — {fmt(self.gold)}"
                + (f"; {count(self.events_copied, 'tagging event')} copied with their times" if self.events_copied else "")
                + (f"; {self.plan}" if self.plan else "") + f"; placement — {self.placement()}"
                + (f"; {self.taxonomy} is now the database's taxonomy" if self.taxonomy else ""))

    def placement(self) -> str:
        p = self.placed
        text = (f"{p.get(AS_IS, 0)} on the sentence with their text, {p.get(REPLACED, 0)} re-placed onto the "
                f"sentence of the same document with their text")
        if p.get(BY_ID):
            text += f", {p[BY_ID]} placed by id (the record has no text to check)"
        if self.unplaced:
            text += f", {self.unplaced} NOT placed (kept in {self.unplaced_file})"
        else:
            text += ", none left unplaced"
        return text


class _Checked:
    """The validated rows of one source, each placed by its text (see placement.py), with every problem
    and no duplicate judgments. ``unplaced`` keeps what could not be placed, with the reason."""

    def __init__(self, taxonomy: Taxonomy, placer: Placer, source: str):
        self.taxonomy, self.placer = taxonomy, placer
        self.rows: dict[str, list[dict]] = {"annotation": [], "gold": []}
        self.problems: list[str] = []
        self.seen: dict[tuple, str] = {}
        # per layer, one per placed row (same order as rows): AS_IS / REPLACED / BY_ID; (source id, text)
        self.how: dict[str, list[str]] = {"annotation": [], "gold": []}
        self.given: dict[str, list[tuple[str, str | None]]] = {"annotation": [], "gold": []}
        self.unplaced = Unplaced(source)
        self.counts: dict[str, int] = {}
        self.moved: dict[tuple[str, str], str] = {}  # (source id, annotator) → id here, tagging events follow

    def add(self, rec: dict, layer: str, where: str, text: str | None, kind=None) -> None:
        row, problems = check_judgment(rec, layer, where, self.taxonomy)
        key = (layer, row["sentence_id"], None if layer == "gold" else row["annotator"])
        if not problems and key in self.seen:
            problems.append(f"{where}: a second {'gold judgment' if layer == 'gold' else 'judgment'} for the same "
                            f"sentence{'' if layer == 'gold' else ' and annotator'} (first at {self.seen[key]})")
        if kind is not None and kind != "sentence":
            problems.append(f"{where}: {row['sentence_id']} is a {kind}, not a sentence: only sentences are judged")
        if text is not None and not isinstance(text, str):
            problems.append(f"{where}: text must be a string")
        self.seen.setdefault(key, where)
        self.problems += problems
        if problems or self.problems:
            return  # the source is refused: placing is moot
        p = self.placer.place(row["sentence_id"], text)
        if p.how == UNPLACED:
            self._unplace(layer, row, text, p.reason)
            return
        self.rows[layer].append({**row, "sentence_id": p.sentence_id})
        self.how[layer].append(p.how)
        self.given[layer].append((row["sentence_id"], text))

    def _unplace(self, layer: str, row: dict, text: str | None, reason: str) -> None:
        self.unplaced.add(layer, row, text, reason)
        self.counts[UNPLACED] = self.counts.get(UNPLACED, 0) + 1

    def finish(self) -> None:
        """Two judgments of one person (or two gold) landing on one sentence: those re-placed there are
        not placed (another had that sentence's id and text, or which one belongs is unknown). Counts
        what went where; ``moved`` maps each placed judgment's source id to its id here."""
        def key(layer, row):
            return layer, row["sentence_id"], None if layer == "gold" else row["annotator"]

        landing: dict[tuple, int] = {}
        for layer in ("annotation", "gold"):
            for row in self.rows[layer]:
                landing[key(layer, row)] = landing.get(key(layer, row), 0) + 1
        for layer in ("annotation", "gold"):
            kept = []
            for row, how, (sid, text) in zip(self.rows[layer], self.how[layer], self.given[layer], strict=True):
                if how == REPLACED and landing[key(layer, row)] > 1:
                    self._unplace(layer, {**row, "sentence_id": sid}, text,
                                  f"another judgment from this source lands on the sentence with its text "
                                  f"({row['sentence_id']})")
                    continue
                kept.append(row)
                self.counts[how] = self.counts.get(how, 0) + 1
                if layer == "annotation":
                    self.moved[(sid, row["annotator"])] = row["sentence_id"]
            self.rows[layer] = kept


def merge(store: Store, taxonomy: Taxonomy, source: str | Path, *, ignore_plan: bool = False,
          record: bool = True) -> MergeReport:
    """Merge one source, all or nothing for what is written; judgments that cannot be placed on the
    sentence with their text are written to ``report.unplaced_file`` instead (the rest is merged).
    ``record``: make ``taxonomy`` the database's, as every writing command does."""
    path = Path(source)
    if not path.is_file():
        raise MergeError(str(path), ["no such file" if not path.exists() else "not a regular file"])
    with open(path, "rb") as fh:
        magic = fh.read(16)
    tax = TaxonomyRecord(taxonomy.name, taxonomy.version, taxonomy.hash, taxonomy.path, taxonomy.source) \
        if record else None
    try:
        if magic == SQLITE_MAGIC:
            return _merge_db(store, taxonomy, path, ignore_plan, tax)
        return _merge_jsonl(store, taxonomy, path, tax)
    except MemoryError:
        raise MergeError(str(path), ["too large to hold in memory; nothing merged (merge it in parts)"]) from None


def _write(store: Store, report: MergeReport, checked: _Checked, new_docs=(), events=(),
           plan: SourcePlan | None = None, tax: TaxonomyRecord | None = None) -> MergeReport:
    """One short transaction per source: everything was read, validated, placed and staged before it.
    The unplaced judgments are written to their file first: if that fails, nothing is merged."""
    report.placed = dict(checked.counts)
    if len(checked.unplaced):
        report.unplaced_reason = checked.unplaced.records[0]["unplaced"]["reason"]
        try:
            report.unplaced_file = checked.unplaced.write(store.path)
        except OSError as exc:
            raise MergeError(report.source, [f"{len(checked.unplaced)} judgments could not be placed and their file "
                                             f"beside {store.path} cannot be written ({exc.strerror or exc})"]) from None
    try:
        for layer in ("annotation", "gold"):
            store.stage_judgments(checked.rows[layer], layer)
        store.stage_events(list(events))
        if plan is not None:  # loaded in short batches, in force only once the judgments are written
            store.stage_plan(plan.rows, plan.owners)
            store.load_staged_plan(plan.current["id"])
        with store.transaction():
            for doc in new_docs:
                doc.add_to(store)
                report.documents_added += 1
            report.annotations = store.apply_staged("annotation")
            report.events_copied = store.apply_staged_events()
            report.gold = store.apply_staged("gold")
            if plan is not None:
                c = plan.current
                store.activate_plan(c["id"], c["settings"], c["created_at"], c["replaces"], plan.history)
            if tax is not None and store.get_meta("taxonomy") != tax.hash:
                store.record_taxonomy_once(tax)
                report.taxonomy = f"{tax.name} ({tax.hash})"
        if plan is not None:
            store.prune_plans()
    except BaseException:
        if report.unplaced_file:  # nothing was merged: the file would claim otherwise
            Path(report.unplaced_file).unlink(missing_ok=True)
            report.unplaced_file = ""
        raise
    finally:
        store.drop_staged()
        store.drop_staged_plan()
    return report


class _Brought:
    """A source's document this database lacks, read from the source (text and units) only when written."""

    def __init__(self, src: Store, doc_id: str):
        self.src, self.doc_id = src, doc_id

    def add_to(self, store: Store) -> None:
        d = self.src.source_document(self.doc_id)
        units = [(u.idx, u.kind, u.text, u.section, u.start, u.end) for u in self.src.units(self.doc_id)]
        store.add_document(d["id"], d["path"], d["title"], d["text"], d["encoding"] or "utf-8", d["segmenter"],
                           units, source_format=d["format"])


def _merge_db(store: Store, taxonomy: Taxonomy, path: Path, ignore_plan: bool,
              tax: TaxonomyRecord | None) -> MergeReport:
    if path.resolve() == Path(store.path).resolve():
        raise MergeError(str(path), ["a database cannot be merged into itself"])
    try:
        check_schema(path)  # only our own schema (store/sources.py); open_source checks it again
    except StoreError as exc:
        raise MergeError(str(path), [str(exc)]) from None
    with open_source(path) as src:
        try:
            rows = src.source_rows()
            if rows > MAX_SOURCE_ROWS:
                raise MergeError(str(path), [f"too large to merge in one go ({rows:,} judgments and tagging events; "
                                             f"at most {MAX_SOURCE_ROWS:,}): export it and merge the JSONL in "
                                             "parts"])
            problems = corpus_problems(src)
            if problems:
                raise MergeError(str(path), problems)
            # documents this database lacks come along: by id here, read again one at a time when written
            new_docs = [d for d in src.source_document_ids() if not store.has_document(d)]
            brought = set(new_docs)
            placer = Placer(store, lambda doc: src.units(doc) if doc in brought else None)
            checked = _Checked(taxonomy, placer, str(path))
            for layer, table in (("annotation", "annotations"), ("gold", "gold")):
                for i, r in enumerate(src.source_judgments(layer), 1):
                    where = f"{table} row {i}"
                    try:
                        labels = json.loads(r["labels"]) if isinstance(r["labels"], str) else r["labels"]
                    except ValueError:
                        labels = r["labels"]  # refused as not a list below
                    text, kind = r.pop("unit_text"), r.pop("unit_kind")
                    if kind is None:
                        checked.problems.append(f"{where}: {r['sentence_id']!r} is no unit of the source's documents "
                                                "(or its sentence_n names another unit)")
                        continue
                    checked.add({**r, "labels": labels}, layer, where, text, kind)
            events = []
            for i, e in enumerate(src.source_events(), 1):
                row, problems = check_event(e, f"events row {i}")
                checked.problems += problems
                events.append(row)
            if checked.problems:
                raise MergeError(str(path), checked.problems)
            try:
                plan, what = plan_of(store, src, placer, path, ignore_plan)
            except (ValueError, TypeError, KeyError) as exc:  # a plan row that is not what a plan writes
                raise MergeError(str(path), [f"its assignment plan is damaged ({type(exc).__name__}: {exc})"]) from None
        except sqlite3.DatabaseError as exc:
            raise MergeError(str(path), [f"not a readable annotator database ({exc})"]) from None
        except Interrupted as exc:
            raise MergeError(str(path), [str(exc)]) from None
        report = MergeReport(str(path), plan=what)
        checked.finish()
        # tagging events follow their judgment to where it was placed; those of unplaced judgments stay out
        events = [{**e, "sentence_id": checked.moved[(e["sentence_id"], e["annotator"])]} for e in events
                  if (e["sentence_id"], e["annotator"]) in checked.moved]
        return _write(store, report, checked, [_Brought(src, d) for d in new_docs], events, plan, tax)


def _merge_jsonl(store: Store, taxonomy: Taxonomy, path: Path, tax: TaxonomyRecord | None) -> MergeReport:
    checked = _Checked(taxonomy, Placer(store), str(path))
    count = 0
    try:
        for lineno, line in read_jsonl(path):  # streamed: lines without judgments cost nothing
            _jsonl_record(checked, line, f"line {lineno}")
            count = len(checked.how["annotation"]) + len(checked.how["gold"]) + len(checked.unplaced)
            if count > MAX_SOURCE_ROWS:
                raise MergeError(str(path), [f"too large to merge in one go (more than {MAX_SOURCE_ROWS:,} judgments): "
                                             "merge it in parts"])
    except (UnicodeDecodeError, OSError) as exc:
        raise MergeError(str(path), [f"cannot read as UTF-8 JSON lines ({exc})"]) from None
    if checked.problems:
        raise MergeError(str(path), checked.problems)
    checked.finish()
    return _write(store, MergeReport(str(path)), checked, tax=tax)


def _jsonl_record(checked: _Checked, line: str, where: str) -> None:
    try:
        rec = json.loads(line)
    except (json.JSONDecodeError, RecursionError) as exc:
        checked.problems.append(f"{where}: malformed JSON ({getattr(exc, 'msg', 'nested too deeply')})")
        return
    if not isinstance(rec, dict) or not isinstance(rec.get("id"), str) or \
            not isinstance(rec.get("annotations") or {}, dict):
        checked.problems.append(f"{where}: not a native annotator record (needs 'id' and 'annotations')")
        return
    sid, text, kind = rec["id"], rec.get("text"), rec.get("kind")
    for who, a in (rec.get("annotations") or {}).items():
        if not isinstance(a, dict):
            checked.problems.append(f"{where}: the annotation by {who!r} is not an object")
            continue
        checked.add({**a, "sentence_id": sid, "annotator": who}, "annotation", f"{where} ({who})", text, kind)
    g = rec.get("gold")
    if g is not None:
        if not isinstance(g, dict):
            checked.problems.append(f"{where}: gold must be an object or null")
            return
        checked.add({**g, "sentence_id": sid, "annotator": g.get("adjudicator")}, "gold", f"{where} (gold)", text, kind)
