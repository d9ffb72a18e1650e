"""Export speed: 1,000,000 annotated units, next to a floor measured in the same run.

Floor: the same rows (units with their annotations) selected with sqlite3 and written with
json.dumps per row. Ours: `export` to a file (records only; the dataset card's agreement
figures are timed separately).
Run: python benchmarks/export.py [--units 1000000]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _corpus import build  # noqa: E402

from annotator.publish.export import export  # noqa: E402
from annotator.core.resources import default_taxonomy_path  # noqa: E402
from annotator.store import Store  # noqa: E402
from annotator.core.taxonomy import load_taxonomy  # noqa: E402


def floor(db: Path, out: Path) -> float:
    t = time.perf_counter()
    conn = sqlite3.connect(db)
    rows = conn.execute(
        "SELECT s.id, s.doc_id, s.idx, s.kind, s.text, s.section, a.annotator, a.labels, a.status, a.note,"
        " a.updated_at FROM sentences s JOIN annotations a ON a.sentence_id = s.id ORDER BY s.n")
    with open(out, "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    conn.close()
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=1_000_000)
    args = ap.parse_args()
    tax = load_taxonomy(default_taxonomy_path())
    tags = list(tax.tags)
    work = Path(tempfile.mkdtemp(prefix="annotator-export-"))
    try:
        db = work / "x.db"
        build(db, args.units)
        store = Store(db)
        rng = random.Random(5)
        rows = [{"sentence_id": s.id, "annotator": "ann1", "labels": rng.sample(tags, rng.choice((1, 2, 3))),
                 "status": "done", "updated_at": "2026-01-01T00:00:00Z"} for s in store.iter_units("sentence")]
        store.import_judgments(rows)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        print(f"{len(rows)} annotated sentence units")
        t_floor = floor(db, work / "floor.jsonl")
        t = time.perf_counter()
        summary = export(store, tax, work / "ours.jsonl")
        t_ours = time.perf_counter() - t
        from annotator.measure.report import report

        t = time.perf_counter()
        report(store, tax, bootstrap=200)
        t_agree = time.perf_counter() - t
        mb = (work / "ours.jsonl").stat().st_size / 1e6
        print(f"floor (select + json.dumps per row): {t_floor:.2f} s")
        print(f"annotator export (native JSONL, {summary.records} records, {mb:.0f} MB): {t_ours:.2f} s")
        print(f"ratio export/floor: {t_ours / t_floor:.2f}x (target <= 2.0x)")
        print(f"dataset card agreement figures (annotator export without --no-agreement adds): {t_agree:.2f} s")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
