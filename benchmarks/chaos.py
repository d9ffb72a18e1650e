"""Reliability drills at length: many SIGKILL trials against the tagging screen, kills during import,
and a longer run of several annotators plus agree/export/backup on one database.

    python benchmarks/chaos.py                       # 500 kill trials, 20 import kills, 4 writers × 60 s
    python benchmarks/chaos.py --kill-trials 100 --seconds 20

Prints trials run, actions shown, judgments checked and judgments lost (the figure that must be 0).
The same drills run shorter in the test suite (tests/test_reliability.py)."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from chaos import concurrency_run, copies_of_seeds, import_kill_trials, kill_trials  # noqa: E402

from annotator.ingest.importer import import_paths  # noqa: E402
from annotator.core.resources import seeds_dir  # noqa: E402
from annotator.store import Store  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kill-trials", type=int, default=500)
    ap.add_argument("--lanes", type=int, default=2, help="databases killed side by side")
    ap.add_argument("--import-trials", type=int, default=20)
    ap.add_argument("--writers", type=int, default=4)
    ap.add_argument("--seconds", type=float, default=60.0, help="length of the concurrency run")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="annotator-chaos-"))
    bad = 0
    try:
        base = Store(work / "seeds.db")
        import_paths(base, [seeds_dir()])

        t0 = time.perf_counter()
        lanes = [work / f"lane{k}.db" for k in range(args.lanes)]
        for lane in lanes:
            base.backup_to(lane)  # a plain file copy would miss what is still in the -wal file
        logs = work / "kill-logs"
        logs.mkdir()
        k = kill_trials(lanes, args.kill_trials, seed=args.seed, workdir=logs)
        print(f"kill -9 during tagging: {k.trials} trials ({k.killed_before_ready} during start-up) in "
              f"{time.perf_counter() - t0:.0f} s; {k.actions_shown} actions shown, {k.judgments_checked} judgments "
              f"checked; integrity failures {k.bad_integrity}; judgments lost {k.lost}")
        bad += len(k.failures)

        t0 = time.perf_counter()
        folder = copies_of_seeds(work / "reports", 1000)
        i = import_kill_trials(work / "import.db", folder, args.import_trials, seed=args.seed)
        print(f"kill -9 during import: {i.trials} trials in {time.perf_counter() - t0:.0f} s; "
              f"{i.documents_checked} documents checked; partial documents {i.partial_documents}")
        bad += len(i.failures)

        t0 = time.perf_counter()
        shared = work / "shared.db"
        base.backup_to(shared)
        c = concurrency_run(shared, writers=args.writers, seconds=args.seconds, workdir=work, seed=args.seed)
        print(f"concurrency: {c.writers} annotators for {c.seconds:.0f} s with {c.reader_runs} agree/export/backup "
              f"runs beside them ({time.perf_counter() - t0:.0f} s); {c.actions_shown} actions shown, "
              f"{c.judgments_checked} judgments checked; judgments lost {c.lost}; errors {len(c.failures)}")
        bad += len(c.failures)
        for f in (k.failures + i.failures + c.failures)[:20]:
            print("  FAILURE:", f)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("result:", "ok" if bad == 0 else f"{bad} failures")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
