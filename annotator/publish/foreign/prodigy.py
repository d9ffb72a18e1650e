"""Prodigy datasets as ``prodigy db-out`` writes them (JSONL): ``choice`` tasks (``accept``: the option
ids chosen) and binary ``classification`` tasks (one ``label`` accepted or rejected). Who: the
``_annotator_id`` (else ``_session_id``); our own exporter's ``<dataset>-<name>`` comes back as the name.

Answers: accept → a done judgment; ignore → a skipped one (the annotator passed it by; our export's
``meta.status`` says skipped or flagged); reject of a choice task → flagged (Prodigy's reject says the
task itself is wrong); binary tasks of one text and annotator combine: the accepted labels are the
judgment, a rejected label is simply not chosen, and a text with rejects only is left out (it says
which tags do not apply, not which do)."""

from __future__ import annotations

from pathlib import Path

from annotator.publish.foreign.doccano import OUR_ID
from annotator.core.errors import SourceError
from annotator.publish.foreign.records import (Options, ReadResult, Record, iso_time, json_lines,
                                               label_names, read_source_text)

ANSWERS = ("accept", "reject", "ignore")


def _who(rec: dict, meta: dict, opts: Options) -> str | None:
    if opts.annotator:
        return opts.annotator
    who = rec.get("_annotator_id") or rec.get("_session_id")
    if not isinstance(who, str):
        return None
    dataset = meta.get("dataset")
    if isinstance(dataset, str) and dataset and who.startswith(dataset + "-"):
        return who[len(dataset) + 1:]  # our exporter's "<dataset>-<annotator>"
    return who


def read(path: Path, opts: Options) -> ReadResult:
    result = ReadResult()
    binary: dict[tuple, Record] = {}  # (text, who) → the record the binary answers build
    rejected_only: dict[tuple, Record] = {}
    for lineno, rec in json_lines(read_source_text(path), result):
        where = f"line {lineno}"
        if not isinstance(rec, dict):
            result.problems.append(f"{where}: not a Prodigy task (an object with text and answer)")
            continue
        text = rec.get("text")
        if not isinstance(text, str):
            result.problems.append(f"{where}: no text (a Prodigy task carries it in 'text')")
            continue
        answer = rec.get("answer")
        if answer not in ANSWERS:
            result.problems.append(f"{where}: answer must be accept, reject or ignore, not {answer!r} "
                                   "(is this an annotated dataset from `prodigy db-out`?)")
            continue
        meta = rec.get("meta") if isinstance(rec.get("meta"), dict) else {}
        who = _who(rec, meta, opts)
        hint = meta.get("id") if isinstance(meta.get("id"), str) and OUR_ID.fullmatch(meta["id"]) else None
        note = meta.get("note") if isinstance(meta.get("note"), str) else ""
        at = iso_time(rec.get("_timestamp"))
        if "accept" in rec or rec.get("_view_id") == "choice":
            names = label_names(rec.get("accept") or [], where, result)
            if names is None:
                continue
            if answer == "ignore":
                status = meta.get("status") if meta.get("status") in ("skipped", "flagged") else "skipped"
            elif answer == "reject":
                status = "flagged"
            else:
                status = "done"
                if not names and not opts.keep_empty:
                    result.leave_out("accepted choice tasks with no option chosen (--keep-empty stores them as "
                                     "'no tag applies')")
                    continue
            result.records.append(Record(where, text, names, who, status, note, hint, at))
        elif isinstance(rec.get("label"), str):
            if answer == "ignore":
                result.leave_out("ignored binary (classification) tasks")
                continue
            key = (text, who)
            r = binary.get(key)
            if answer == "accept":
                if r is None:
                    r = binary[key] = rejected_only.pop(key, None) or Record(where, text, [], who, "done", note, hint, at)
                    r.labels = []
                if rec["label"] not in r.labels:
                    r.labels.append(rec["label"])
                r.where = r.where if r.where == where else f"{r.where.split(' (')[0]} (and {where})"
            elif r is None:
                rejected_only.setdefault(key, Record(where, text, [], who, "done", note, hint, at))
        elif rec.get("spans") is not None:
            raise SourceError(str(path), [f"{where}: a Prodigy span task (ner, spans.manual): annotator labels whole "
                                          "sentences, not spans — merge a textcat or choice dataset"])
        else:
            result.problems.append(f"{where}: neither a choice task ('accept') nor a binary one ('label'): "
                                   "other Prodigy views are not sentence labels")
    result.records.extend(binary.values())
    if rejected_only:
        result.leave_out("texts with only rejected binary labels (they say which tags do not apply, not which do)",
                         len(rejected_only))
    return result
