"""A merge source's assignment plan: adopted with its judgments, kept out, or refused."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from annotator.core.textsafe import printable_name
from annotator.publish.placement import AS_IS, Placer
from annotator.core.errors import MergeError
from annotator.store import Store


@dataclass
class SourcePlan:
    """The assignment plan a database source brings, to adopt in the same transaction as its judgments."""

    current: dict
    history: list[dict]
    rows: list[tuple[str, str, int]]
    owners: dict[str, str]


def plan_of(store: Store, src: Store, placer: Placer, path: Path, ignore: bool) -> tuple[SourcePlan | None, str]:
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
        unit = src.sentence(sid) if isinstance(sid, str) else None
        if unit is None or unit.kind != "sentence":
            problems.append(f"assignments row {i}: {sid!r} is not a sentence of the documents")
        elif placer.place(sid, unit.text).how != AS_IS:
            problems.append(f"assignments row {i}: {sid} is another sentence here (the report was segmented "
                            "differently): merge with --ignore-plan and re-plan with `annotator assign`")
        if not printable_name(who):
            problems.append(f"assignments row {i}: the annotator name must be printable text")
        if overlap not in (0, 1):
            problems.append(f"assignments row {i}: overlap must be 0 or 1, not {overlap!r}")
        rows.append((sid, who, overlap))
    if not isinstance(theirs["settings"], dict) or not isinstance(theirs["settings"].get("annotators"), list):
        problems.append(f"plan {theirs['id']}: its settings are not a plan's settings")
    if problems:
        raise MergeError(str(path), problems)
    what = f"adopted its assignment plan {theirs['id']}" + (f" (replacing {ours['id']})" if ours else "")
    return SourcePlan(theirs, history, rows, src.plan_owners()), what


def _settings(plan: dict) -> str:
    s = plan["settings"]
    return (f"{', '.join(map(str, s.get('annotators', [])))}; overlap {s.get('overlap')} to {s.get('per_item')}; "
            f"seed {s.get('seed')}")


