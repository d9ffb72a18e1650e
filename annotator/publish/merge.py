"""Merge judgments from other databases or native JSONL exports, all or nothing per source."""

from __future__ import annotations

import json
import math
import re
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from annotator.core.errors import AnnotatorError
from annotator.core import model
from annotator.core.files import read_jsonl
from annotator.ingest.segmenter import SEGMENTER_VERSION
from annotator.store import Store, now, open_source
from annotator.core.taxonomy import Taxonomy
from annotator.core.words import count

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
    plan: str = ""  # what became of the source's assignment plan
    events_copied: int = 0  # tagging events of a database source (their times: stats throughput)

    def summary(self) -> str:
        def fmt(counts: dict[str, dict[str, int]]) -> str:
            return ", ".join(f"{who}: {c['added']} added / {c['updated']} updated / {c['unchanged']} unchanged"
                             for who, c in sorted(counts.items())) or "none"
        return (f"{self.source}: {count(self.documents_added, 'document')} brought along; judgments — "
                f"{fmt(self.annotations)}; gold — {fmt(self.gold)}"
                + (f"; {count(self.events_copied, 'tagging event')} copied with their times" if self.events_copied else "")
                + (f"; {self.plan}" if self.plan else ""))


STATUSES = {"annotation": model.STATUSES, "gold": model.GOLD_STATUSES}


def _iso(value) -> bool:
    if not isinstance(value, str):
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def check_judgment(rec: dict, layer: str, where: str, taxonomy: Taxonomy, kinds: dict[str, str]) -> tuple[dict, list]:
    """Validate one judgment from a merge source, field by field; returns (the row to write, problems).

    Every source, JSONL or database, goes through here: a hostile or damaged source is refused
    with every problem named, and nothing from it is written."""
    problems: list[str] = []
    who = rec.get("annotator")
    if not isinstance(who, str) or not who.strip():
        problems.append(f"{where}: the {'adjudicator' if layer == 'gold' else 'annotator'} name must be a "
                        "non-empty string")
    sid = rec.get("sentence_id")
    kind = kinds.get(sid) if isinstance(sid, str) else None
    if kind is None:
        problems.append(f"{where}: unknown sentence {sid!r} (import the same documents first)")
    elif kind != "sentence":
        problems.append(f"{where}: {sid} is a {kind}, not a sentence: only sentences are judged")
    labels = rec.get("labels")
    if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
        problems.append(f"{where}: labels must be a list of tag ids")
    else:
        if len(set(labels)) != len(labels):
            problems.append(f"{where}: duplicate tags in {labels}")
        for label in taxonomy.unknown(labels):
            problems.append(f"{where}: unknown label {label!r} (not in taxonomy {taxonomy.name})")
        for facet in taxonomy.facets:
            chosen = [x for x in set(labels) if x in taxonomy.tags and taxonomy.tags[x].facet == facet.id]
            if not facet.multiple and len(chosen) > 1:
                problems.append(f"{where}: {', '.join(sorted(chosen))} are in the single-choice facet {facet.id}")
    status = rec.get("status", "done")
    if status not in STATUSES[layer]:
        problems.append(f"{where}: unknown status {status!r} ({', '.join(STATUSES[layer])})")
    note = rec.get("note") if rec.get("note") is not None else ""
    if not isinstance(note, str):
        problems.append(f"{where}: the note must be a string")
    for key in ("updated_at", "created_at"):
        if rec.get(key) is not None and not _iso(rec[key]):
            problems.append(f"{where}: {key} must be an ISO 8601 time string, not {rec[key]!r}")
    seconds = rec.get("seconds", 0)
    if seconds is None:
        seconds = 0
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not math.isfinite(seconds) or seconds < 0:
        problems.append(f"{where}: seconds must be a finite number ≥ 0, not {seconds!r}")
    shown = rec.get("suggestions_shown", 0)
    if shown not in (0, 1, True, False, None):
        problems.append(f"{where}: suggestions_shown must be true/false or 0/1, not {shown!r}")
    if rec.get("taxonomy") is not None and not isinstance(rec["taxonomy"], str):
        problems.append(f"{where}: taxonomy must be a string")
    row = {"sentence_id": sid, "annotator": who, "labels": labels, "status": status, "note": note,
           "updated_at": rec.get("updated_at") or now(), "created_at": rec.get("created_at"),
           "taxonomy": rec.get("taxonomy"), "seconds": seconds, "suggestions_shown": bool(shown)}
    return row, problems


STORE_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")  # as store.now() writes it


def utc_time(value) -> str | None:
    """An ISO 8601 time as the store writes it (UTC, milliseconds, Z), or None when it is not one."""
    if not isinstance(value, str):
        return None
    try:
        t = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if STORE_TIME.fullmatch(value):
        return value
    if t.tzinfo is None:
        t = t.replace(tzinfo=timezone.utc)
    return t.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def check_event(rec: dict, where: str) -> tuple[dict, list[str]]:
    """Validate one tagging event of a database source (its time, who, what, the states as JSON)."""
    problems = []
    at = utc_time(rec.get("at"))
    if at is None:
        problems.append(f"{where}: the time must be ISO 8601, not {rec.get('at')!r}")
    for key in ("annotator", "sentence_id", "action"):
        if not isinstance(rec.get(key), str) or not rec[key]:
            problems.append(f"{where}: {key} must be a non-empty string")
    for key in ("before", "after"):
        raw = rec.get(key)
        if raw is None:
            continue
        try:
            ok = isinstance(raw, str) and isinstance(json.loads(raw), dict)
        except ValueError:
            ok = False
        if not ok:
            problems.append(f"{where}: {key} must be a JSON object or null")
    return {**rec, "at": at}, problems


class _Checked:
    """The validated rows of one source, with every problem and no duplicate judgments."""

    def __init__(self, taxonomy: Taxonomy, kinds: dict[str, str]):
        self.taxonomy, self.kinds = taxonomy, kinds
        self.rows: dict[str, list[dict]] = {"annotation": [], "gold": []}
        self.problems: list[str] = []
        self.seen: dict[tuple, str] = {}

    def add(self, rec: dict, layer: str, where: str) -> None:
        row, problems = check_judgment(rec, layer, where, self.taxonomy, self.kinds)
        key = (layer, row["sentence_id"], None if layer == "gold" else row["annotator"])
        if not problems and key in self.seen:
            problems.append(f"{where}: a second {'gold judgment' if layer == 'gold' else 'judgment'} for the same "
                            f"sentence{'' if layer == 'gold' else ' and annotator'} (first at {self.seen[key]})")
        self.seen.setdefault(key, where)
        self.problems += problems
        self.rows[layer].append(row)


@dataclass
class _SourcePlan:
    """The assignment plan a database source brings, to adopt in the same transaction as its judgments."""

    current: dict
    history: list[dict]
    rows: list[tuple[str, str, int]]
    owners: dict[str, str]


def _plan_of(store: Store, src: Store, kinds: dict[str, str], path: Path, ignore: bool) -> tuple[_SourcePlan | None, str]:
    """What to do with the source's plan: adopt it when this database has none or an older one, keep
    ours when it is the same or newer, refuse when neither plan replaces the other."""
    theirs = src.current_plan()
    if theirs is None:
        return None, ""
    if ignore:
        return None, f"its plan {theirs['id']} left out (--ignore-plan)"
    ours = store.current_plan()
    if ours is not None and store.plan_record(theirs["id"]) is not None:
        return None, ("the same assignment plan" if ours["id"] == theirs["id"]
                      else f"kept this database's plan {ours['id']} (it replaces the source's {theirs['id']})")
    history = src.plan_history()
    if ours is not None and ours["id"] not in {h["id"] for h in history}:
        raise MergeError(str(path), [
            f"its assignment plan {theirs['id']} ({_settings(theirs)}) conflicts with this database's plan "
            f"{ours['id']} ({_settings(ours)}): neither replaces the other. Merge with --ignore-plan to keep this "
            "database's plan, then re-plan with `annotator assign` if needed"])
    problems, rows = [], []
    for i, (sid, who, overlap) in enumerate(src.plan_rows(), 1):
        if kinds.get(sid) != "sentence":
            problems.append(f"assignments row {i}: {sid!r} is not a sentence of the documents")
        if not isinstance(who, str) or not who.strip():
            problems.append(f"assignments row {i}: the annotator name must be a non-empty string")
        if overlap not in (0, 1):
            problems.append(f"assignments row {i}: overlap must be 0 or 1, not {overlap!r}")
        rows.append((sid, who, overlap))
    if not isinstance(theirs["settings"], dict) or not isinstance(theirs["settings"].get("annotators"), list):
        problems.append(f"plan {theirs['id']}: its settings are not a plan's settings")
    if problems:
        raise MergeError(str(path), problems)
    what = f"adopted its assignment plan {theirs['id']}" + (f" (replacing {ours['id']})" if ours else "")
    return _SourcePlan(theirs, history, rows, src.plan_owners()), what


def _settings(plan: dict) -> str:
    s = plan["settings"]
    return (f"{', '.join(map(str, s.get('annotators', [])))}; overlap {s.get('overlap')} to {s.get('per_item')}; "
            f"seed {s.get('seed')}")


def merge(store: Store, taxonomy: Taxonomy, source: str | Path, *, ignore_plan: bool = False) -> MergeReport:
    path = Path(source)
    if not path.is_file():
        raise MergeError(str(path), ["no such file" if not path.exists() else "not a regular file"])
    with open(path, "rb") as fh:
        magic = fh.read(16)
    if magic == SQLITE_MAGIC:
        return _merge_db(store, taxonomy, path, ignore_plan)
    return _merge_jsonl(store, taxonomy, path)


def _write(store: Store, report: MergeReport, checked: _Checked, new_docs=(), events=(),
           plan: _SourcePlan | None = None) -> MergeReport:
    """One short transaction per source: everything was read, validated and staged before it."""
    try:
        for layer in ("annotation", "gold"):
            store.stage_judgments(checked.rows[layer], layer)
        store.stage_events(list(events))
        if plan is not None:  # loaded in short batches, in force only once the judgments are written
            store.stage_plan(plan.rows, plan.owners)
            store.load_staged_plan(plan.current["id"])
        with store.transaction():
            for doc_id, path, title, text, encoding, units, fmt in new_docs:
                store.add_document(doc_id, path, title, text, encoding, SEGMENTER_VERSION, units, source_format=fmt)
                report.documents_added += 1
            report.annotations = store.apply_staged("annotation")
            report.events_copied = store.apply_staged_events()
            report.gold = store.apply_staged("gold")
            if plan is not None:
                c = plan.current
                store.activate_plan(c["id"], c["settings"], c["created_at"], c["replaces"], plan.history)
        if plan is not None:
            store.prune_plans()
    finally:
        store.drop_staged()
        store.drop_staged_plan()
    return report


def _merge_db(store: Store, taxonomy: Taxonomy, path: Path, ignore_plan: bool = False) -> MergeReport:
    if path.resolve() == Path(store.path).resolve():
        raise MergeError(str(path), ["a database cannot be merged into itself"])
    with open_source(path) as src:
        try:
            known_here = store.document_ids()
            new_docs = []
            for d in src.documents():
                if d["id"] in known_here:
                    continue
                doc = src.document(d["id"])
                units = [(u.idx, u.kind, u.text, u.section, u.start, u.end) for u in src.units(d["id"])]
                new_docs.append((d["id"], d["path"], d["title"], doc["text"], d["encoding"] or "utf-8", units,
                                 d.get("format") or "text"))
            kinds = {**src.unit_kinds(), **store.unit_kinds()}
            checked = _Checked(taxonomy, kinds)
            for layer, table in (("annotation", "annotations"), ("gold", "gold")):
                for i, r in enumerate(src.source_judgments(layer), 1):
                    where = f"{table} row {i}"
                    try:
                        labels = json.loads(r["labels"]) if isinstance(r["labels"], str) else r["labels"]
                    except ValueError:
                        labels = r["labels"]  # refused as not a list below
                    checked.add({**r, "labels": labels}, layer, where)
            events = []
            for i, e in enumerate(src.source_events(), 1):
                row, problems = check_event(e, f"events row {i}")
                checked.problems += problems
                events.append(row)
            if checked.problems:
                raise MergeError(str(path), checked.problems)
            try:
                plan, what = _plan_of(store, src, kinds, path, ignore_plan)
            except (ValueError, TypeError, KeyError) as exc:  # a plan row that is not what a plan writes
                raise MergeError(str(path), [f"its assignment plan is damaged ({type(exc).__name__}: {exc})"]) from None
        except sqlite3.DatabaseError as exc:
            raise MergeError(str(path), [f"not a readable annotator database ({exc})"]) from None
        report = MergeReport(str(path), plan=what)
        return _write(store, report, checked, new_docs, events, plan)


def _merge_jsonl(store: Store, taxonomy: Taxonomy, path: Path) -> MergeReport:
    checked = _Checked(taxonomy, store.unit_kinds())
    try:
        lines = list(read_jsonl(path))
    except (UnicodeDecodeError, OSError) as exc:
        raise MergeError(str(path), [f"cannot read as UTF-8 JSON lines ({exc})"]) from None
    for lineno, line in lines:
        where = f"line {lineno}"
        try:
            rec = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as exc:
            checked.problems.append(f"{where}: malformed JSON ({getattr(exc, 'msg', 'nested too deeply')})")
            continue
        if not isinstance(rec, dict) or not isinstance(rec.get("id"), str) or \
                not isinstance(rec.get("annotations", {}), dict):
            checked.problems.append(f"{where}: not a native annotator record (needs 'id' and 'annotations')")
            continue
        sid = rec["id"]
        if sid not in checked.kinds:
            checked.problems.append(f"{where}: unknown sentence {sid!r} (import the same documents first)")
            continue
        for who, a in rec.get("annotations", {}).items():
            if not isinstance(a, dict):
                checked.problems.append(f"{where}: the annotation by {who!r} is not an object")
                continue
            checked.add({**a, "sentence_id": sid, "annotator": who}, "annotation", f"{where} ({who})")
        g = rec.get("gold")
        if g is not None:
            if not isinstance(g, dict):
                checked.problems.append(f"{where}: gold must be an object or null")
                continue
            checked.add({**g, "sentence_id": sid, "annotator": g.get("adjudicator")}, "gold", f"{where} (gold)")
    if checked.problems:
        raise MergeError(str(path), checked.problems)
    return _write(store, MergeReport(str(path)), checked)
