"""Each judgment and tagging event a merge source brings, checked field by field."""

from __future__ import annotations

import json
import math
import re
from datetime import datetime, timezone

from annotator.core import model
from annotator.core.taxonomy import Taxonomy
from annotator.core.textsafe import printable_name
from annotator.store import Judgment, now


STATUSES = {"annotation": model.STATUSES, "gold": model.GOLD_STATUSES}


def _iso(value) -> bool:
    if not isinstance(value, str):
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def check_judgment(rec: dict, layer: str, where: str, taxonomy: Taxonomy) -> tuple[dict, list]:
    """Validate one judgment from a merge source, field by field; returns (the row to write, problems).

    Every source, JSONL or database, goes through here: a hostile or damaged source is refused
    with every problem named, and nothing from it is written."""
    problems: list[str] = []
    who = rec.get("annotator")
    if not isinstance(who, str) or not who.strip():
        problems.append(f"{where}: the {'adjudicator' if layer == 'gold' else 'annotator'} name must be a "
                        "non-empty string")
    elif not printable_name(who):
        problems.append(f"{where}: the name {who!r} must be printable text without surrounding spaces "
                        "(no control characters or line breaks), as `assign` requires")
    sid = rec.get("sentence_id")
    if not isinstance(sid, str) or not sid:
        problems.append(f"{where}: the sentence id must be a non-empty string")
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
    row = Judgment(sid, who, labels, status, note, rec.get("updated_at") or now(), rec.get("created_at"),
                   rec.get("taxonomy"), seconds, bool(shown)).as_dict()
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
    if isinstance(rec.get("annotator"), str) and rec["annotator"] and not printable_name(rec["annotator"]):
        problems.append(f"{where}: the name {rec['annotator']!r} must be printable text")
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
