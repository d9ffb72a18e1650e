"""Label Studio's JSON export: a list of tasks, each with ``data.text`` (or the --text-column key) and
``annotations``, each annotation with ``completed_by`` (a user id, or an object with an email) and
``result`` items. ``choices`` (``value.choices``) and ``taxonomy`` (``value.taxonomy``: paths, the last
step is the label) are labels; a ``textarea`` is the judgment's note. Span results (``labels``) are
refused in one line; cancelled (skipped) annotations, predictions, drafts and other result types are
left out and counted."""

from __future__ import annotations

import json
from pathlib import Path

from annotator.publish.foreign.doccano import OUR_ID
from annotator.core.errors import SourceError
from annotator.publish.foreign.records import Options, ReadResult, Record, iso_time, read_source_text

SPAN_TYPES = {"labels", "hypertextlabels", "paragraphlabels"}


def annotator_of(completed_by) -> str | None:
    """A Label Studio user as an annotator name: the email, else ``user<id>``."""
    if isinstance(completed_by, dict):
        email = completed_by.get("email")
        if isinstance(email, str) and email.strip():
            return email.strip()
        completed_by = completed_by.get("id")
    if isinstance(completed_by, int) and not isinstance(completed_by, bool):
        return f"user{completed_by}"
    return None


def read(path: Path, opts: Options) -> ReadResult:
    result = ReadResult()
    try:
        tasks = json.loads(read_source_text(path))
    except (ValueError, RecursionError) as exc:
        raise SourceError(str(path), [f"not JSON ({getattr(exc, 'msg', 'nested too deeply')}): Label Studio's "
                                      "export is one JSON list of tasks (Export → JSON)"]) from None
    if isinstance(tasks, dict):
        tasks = [tasks]
    if not isinstance(tasks, list):
        raise SourceError(str(path), ["not a Label Studio JSON export (a list of tasks)"])
    first = tasks[0] if tasks and isinstance(tasks[0], dict) else {}
    if "data" not in first and ("annotator" in first or "annotation_id" in first):
        raise SourceError(str(path), ["a Label Studio JSON-MIN export (one flat object per annotation): export "
                                      "the project as JSON, which keeps every annotation's result and annotator"])
    for t, task in enumerate(tasks, 1):
        tid = task.get("id", t) if isinstance(task, dict) else t
        where_task = f"task {tid}"
        if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
            result.problems.append(f"{where_task}: not a Label Studio task (an object with data and annotations)")
            continue
        data = task["data"]
        text = data.get(opts.text_column)
        if not isinstance(text, str):
            keys = ", ".join(k for k, v in data.items() if isinstance(v, str)) or "none"
            result.problems.append(f"{where_task}: no data.{opts.text_column} (text fields: {keys}; choose one "
                                   "with --text-column)")
            continue
        hint = next((v for k in ("id", "sentence_id") if isinstance(v := data.get(k), str) and OUR_ID.fullmatch(v)),
                    None)
        if task.get("predictions"):
            result.leave_out("model predictions (not judgments)", len(task["predictions"]))
        if task.get("drafts"):
            result.leave_out("unsubmitted drafts", len(task["drafts"]))
        annotations = task.get("annotations") or task.get("completions") or []
        if not isinstance(annotations, list):
            result.problems.append(f"{where_task}: annotations must be a list")
            continue
        for a, ann in enumerate(annotations, 1):
            where = f"{where_task} annotation {ann.get('id', a) if isinstance(ann, dict) else a}"
            if not isinstance(ann, dict) or not isinstance(ann.get("result", []), list):
                result.problems.append(f"{where}: not an annotation (an object with a result list)")
                continue
            if ann.get("was_cancelled"):
                result.leave_out("cancelled (skipped) annotations")
                continue
            who = opts.annotator or annotator_of(ann.get("completed_by"))
            labels: list[str] = []
            notes: list[str] = []
            for item in ann.get("result", []):
                kind = item.get("type") if isinstance(item, dict) else None
                value = item.get("value") if isinstance(item, dict) else None
                if kind in SPAN_TYPES:
                    raise SourceError(str(path), [f"{where}: a span annotation ({kind}): annotator labels whole "
                                                  "sentences, not spans — use Choices in the labelling config"])
                if not isinstance(value, dict):
                    result.problems.append(f"{where}: a result without a value")
                    continue
                if kind == "choices":
                    chosen = value.get("choices")
                    if not isinstance(chosen, list) or not all(isinstance(c, str) for c in chosen):
                        result.problems.append(f"{where}: value.choices must be a list of names")
                        continue
                    labels += chosen
                elif kind == "taxonomy":
                    paths = value.get("taxonomy")
                    if not isinstance(paths, list) or not all(isinstance(p, list) and p and
                                                              all(isinstance(s, str) for s in p) for p in paths):
                        result.problems.append(f"{where}: value.taxonomy must be a list of paths of names")
                        continue
                    labels += [p[-1] for p in paths]
                elif kind == "textarea":
                    texts = value.get("text")
                    notes += [x for x in (texts if isinstance(texts, list) else [texts]) if isinstance(x, str)]
                else:
                    result.leave_out(f"results of type {kind!r} (not labels)")
            labels = list(dict.fromkeys(labels))
            if not labels and not opts.keep_empty:
                result.leave_out("annotations with no choice (--keep-empty stores them as 'no tag applies')")
                continue
            result.records.append(Record(where, text, labels, who, "done", " / ".join(n.strip() for n in notes if n.strip()), hint,
                                         iso_time(ann.get("updated_at") or ann.get("created_at"))))
    return result
