"""Judgments a merge could not place are never lost: they are written beside the database.

``<database>.unplaced-<UTC time>.jsonl``: one native record per judgment (``id``, ``doc``, ``kind``,
``text`` and the judgment under ``annotations`` or ``gold``, every field kept), plus ``unplaced``:
the reason, the source and the layer. The file is itself a merge source: once the reason is dealt
with (the report imported, say), ``annotator merge FILE`` places what it can.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from annotator.core.files import write_atomically
from annotator.core.textsafe import to_json
from annotator.store import records



class Unplaced:
    def __init__(self, source: str):
        self.source = source
        self.records: list[dict] = []

    def __len__(self) -> int:
        return len(self.records)

    def add(self, layer: str, row: dict, text: str | None, reason: str) -> None:
        sid = row["sentence_id"]
        doc = sid.rpartition("-")[0] if isinstance(sid, str) else None
        rec = {"id": sid, "doc": doc, "kind": "sentence", "text": text}
        if layer == "gold":
            rec["gold"] = {**{k: row.get(k) for k in records.GOLD_VALUES}, "adjudicator": row["annotator"]}
        else:
            rec["annotations"] = {row["annotator"]: {k: row.get(k) for k in records.VALUES}}
        rec["unplaced"] = {"reason": reason, "source": self.source, "layer": layer}
        self.records.append(rec)

    def write(self, database: str) -> str:
        """Write the records beside ``database`` (a new file, never overwriting one); returns its path."""
        return write_beside(database, self.records)


def write_beside(database: str, records: list[dict]) -> str:
    """``<database>.unplaced-<UTC time>.jsonl`` (a new file, never overwriting one), one JSON object per
    line with Chinese as written; returns its path."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    base = f"{database}.unplaced-{stamp}"
    path, k = Path(f"{base}.jsonl"), 1
    while path.exists():
        k += 1
        path = Path(f"{base}-{k}.jsonl")
    write_atomically(path, "".join(to_json(r) + "\n" for r in records))
    return str(path)
