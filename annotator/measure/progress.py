"""Progress of an assignment plan: per annotator and for the overlap sample (no UI, no SQL)."""

from __future__ import annotations

from annotator.core.errors import AnnotatorError
from annotator.measure.stats import throughput
from annotator.core.words import count


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
            "speed_note": (speed.get(who) or {}).get("reason"),
            "sample": {"assigned": r["sample"], "done": r["sample_done"]},
            "in_plan": who in names,
        }
    for who in names:  # somebody in the plan with nothing assigned (more annotators than documents)
        annotators.setdefault(who, {"assigned": 0, "done": 0, "set_aside": 0, "remaining": 0, "percent_done": None,
                                    "per_active_hour": None, "speed_note": None, "sample": {"assigned": 0, "done": 0},
                                    "in_plan": True})
    o = store.overlap_completion()
    return {
        "plan": {"id": plan["id"], "created_at": plan["created_at"], **plan["settings"]},
        "annotators": annotators,
        "overlap": {"items": o["items"], "with_two_done": o["two_or_more_done"], "all_done": o["all_done"],
                    "percent_ready": round(100 * o["two_or_more_done"] / o["items"], 1) if o["items"] else None},
    }


def plan_summary(store) -> dict | None:
    """The plan in force and how far its overlap sample has got (for dataset cards), or None."""
    p = store.current_plan()
    if p is None:
        return None
    o = store.overlap_completion()
    return {"id": p["id"], "created_at": p["created_at"], **p["settings"],
            "overlap_sample": {"sentences": o["items"], "with_two_done": o["two_or_more_done"]}}


COLUMNS = ("annotator", "assigned", "done", "aside", "left", "% done", "per hour", "sample")
LEGEND = ("aside: skipped or flagged; per hour: done sentences per active hour (pauses over 5 minutes left out; "
          "n/a under 5 minutes of active time); "
          "sample: done of the overlap-sample sentences assigned")


def table_rows(rep: dict) -> list[tuple[str, ...]]:
    """The progress report as table cells (COLUMNS), for the CLI table and the review dashboard."""
    rows = []
    for who, a in rep["annotators"].items():
        rows.append((who + ("" if a["in_plan"] else " (not in plan)"), str(a["assigned"]), str(a["done"]),
                     str(a["set_aside"]), str(a["remaining"]),
                     "—" if a["percent_done"] is None else f"{a['percent_done']:.1f}",
                     ("n/a" if a.get("speed_note") else "—") if a["per_active_hour"] is None
                     else f"{a['per_active_hour']:.1f}",
                     f"{a['sample']['done']}/{a['sample']['assigned']}"))
    return rows


def overlap_line(rep: dict) -> str:
    o = rep["overlap"]
    ready = "—" if o["percent_ready"] is None else f"{o['percent_ready']:.1f}%"
    return (f"overlap sample: {o['with_two_done']} of {count(o['items'], 'sentence')} "
            f"{'has' if o['with_two_done'] == 1 else 'have'} two or more done judgments "
            f"({ready}); {o['all_done']} have all of theirs")
