"""Progress of an assignment plan: per annotator and for the overlap sample (no UI, no SQL)."""

from __future__ import annotations

from annotator.errors import AnnotatorError
from annotator.stats import throughput


def progress(store) -> dict:
    """{"plan": {...}, "annotators": {name: {...}}, "overlap": {...}} for the plan in force."""
    plan = store.current_plan()
    if plan is None:
        raise AnnotatorError("no assignment plan in this database: make one with "
                             "`annotator assign --annotators a,b,c`")
    speed = throughput(store)
    names = plan["settings"]["annotators"]
    annotators: dict[str, dict] = {}
    for r in store.progress_rows():
        who = r["annotator"]
        per_hour = (speed.get(who) or {}).get("per_hour")
        annotators[who] = {
            "assigned": r["assigned"], "done": r["done"], "set_aside": r["set_aside"],
            "remaining": r["assigned"] - r["done"] - r["set_aside"],
            "percent_done": round(100 * r["done"] / r["assigned"], 1) if r["assigned"] else None,
            "per_active_hour": round(per_hour, 1) if per_hour is not None else None,
            "sample": {"assigned": r["sample"], "done": r["sample_done"]},
            "in_plan": who in names,
        }
    for who in names:  # somebody in the plan with nothing assigned (more annotators than documents)
        annotators.setdefault(who, {"assigned": 0, "done": 0, "set_aside": 0, "remaining": 0, "percent_done": None,
                                    "per_active_hour": None, "sample": {"assigned": 0, "done": 0}, "in_plan": True})
    o = store.overlap_completion()
    return {
        "plan": {"id": plan["id"], "created_at": plan["created_at"], **plan["settings"]},
        "annotators": annotators,
        "overlap": {"items": o["items"], "with_two_done": o["two_or_more_done"], "all_done": o["all_done"],
                    "percent_ready": round(100 * o["two_or_more_done"] / o["items"], 1) if o["items"] else None},
    }
