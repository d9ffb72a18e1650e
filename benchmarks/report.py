"""HTML report at scale: 1,000,000 sentence units, 200,000 done judgments by 3 annotators (10% missing,
~75% agreement per tag, as in benchmarks/agreement.py).

Reports the time of the whole `annotator report` (a new process: imports, every figure with 1,000
bootstrap resamples, per-tag intervals, charts, the page written, the suggestion evaluation on a seeded sample of 500
labelled sentences) and the file's size; then the same with --no-suggestions. Wall time and the child's CPU
time are both printed: on a shared machine the wall time depends on the load.
Targets: under 30 s, under 10 MB.
Run: python benchmarks/report.py [--units 1000000] [--judgments 200000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _corpus import build  # noqa: E402
from agreement import ANNOTATORS, realistic_sets  # noqa: E402

from annotator.core.resources import default_taxonomy_path  # noqa: E402
from annotator.core.taxonomy import load_taxonomy  # noqa: E402
from annotator.store import Store  # noqa: E402


def run(db: Path, out: Path, *extra: str) -> str:
    """Wall time, the child's CPU time (user + system: what a busy shared machine does not inflate) and
    the load average, as one string."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "annotator", "--db", str(db), "report", "--out", str(out), *extra],
                          capture_output=True, text=True)
    took = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert proc.returncode == 0, proc.stderr[-2000:]
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return f"{took:.1f} s wall, {cpu:.1f} s CPU (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=1_000_000)
    ap.add_argument("--judgments", type=int, default=200_000)
    ap.add_argument("--keep", default=None, help="Build the database here once and reuse it on later runs.")
    args = ap.parse_args()
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="annotator-report-"))
    work.mkdir(parents=True, exist_ok=True)
    db = work / "report.db"
    try:
        if not db.exists():
            t = time.perf_counter()
            build(db, args.units)
            tax = load_taxonomy(default_taxonomy_path())
            store = Store(db)
            items = int(args.judgments / (len(ANNOTATORS) * 0.9))
            rng = random.Random(42)
            sids = [s.id for s in store.iter_units("sentence")]
            sids = rng.sample(sids, items)
            judgments = realistic_sets(tax, items, rng)
            rows = [{"sentence_id": sid, "annotator": a, "labels": sorted(s), "status": "done",
                     "updated_at": "2026-01-01T00:00:00Z"} for sid, j in zip(sids, judgments) for a, s in j.items()]
            store.record_taxonomy(tax.name, tax.version, tax.hash, tax.path, tax.source)
            store.import_judgments(rows)
            units, docs = store.count_units(), store.count_documents()
            store.close()
            print(f"built {units} units in {docs} documents, {len(rows)} done judgments by {len(ANNOTATORS)} "
                  f"annotators on {items} sentences in {time.perf_counter() - t:.0f} s")
        out = work / "report.html"
        took = run(db, out)
        print(f"annotator report (suggestions cross-validated on a 500-sentence sample): {took}, "
              f"{out.stat().st_size / 1e6:.2f} MB (targets: < 30 s, < 10 MB)")
        took = run(db, out, "--no-suggestions")
        print(f"annotator report --no-suggestions: {took}, {out.stat().st_size / 1e6:.2f} MB")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
