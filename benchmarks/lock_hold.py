"""The longest time a bulk write keeps annotators waiting: a 30 MB import and a 100,000-judgment merge.

Measured from outside, as a tagging screen feels it: beside the running command, a probe process
takes the write lock (`BEGIN IMMEDIATE`, then `ROLLBACK`) over and over, trying as the screen does
(a 2 ms wait, a new try every 3 ms), and records how long each took. The longest wait is the
longest stretch the command kept a screen waiting. The command's own duration is printed beside it.

Run: python benchmarks/lock_hold.py [--mb 30] [--judgments 100000]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _corpus import build, write_corpus  # noqa: E402


def probe(db: str, stop, out) -> None:
    """Take and release the write lock until told to stop; report the waits."""
    while not Path(db).exists():
        if stop.is_set():
            out.put([])
            return
        time.sleep(0.01)
    conn = sqlite3.connect(db, timeout=0.002, isolation_level=None)  # as the tagging screen tries
    waits = []
    while not stop.is_set():
        t0 = time.perf_counter()
        while not stop.is_set():
            try:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("ROLLBACK")
                break
            except sqlite3.OperationalError:  # busy (or the database is still being created): try again
                time.sleep(0.003)
        waits.append(time.perf_counter() - t0)
        time.sleep(0.005)
    conn.close()
    out.put(waits)


def measured(db: Path, command: list[str]) -> tuple[float, float, int]:
    """(longest wait, command seconds, probe rounds) for ``annotator --db DB <command>``."""
    stop, out = mp.Event(), mp.Queue()
    p = mp.Process(target=probe, args=(str(db), stop, out))
    p.start()
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "annotator", "--db", str(db), *command], capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    stop.set()
    waits = out.get()
    p.join()
    if r.returncode:
        raise SystemExit(f"annotator {' '.join(command[:1])} failed: {r.stderr.strip()}")
    return (max(waits) if waits else float("nan")), seconds, len(waits)


def merge_source(work: Path, n: int) -> Path:
    """A database holding ``n`` done judgments by one annotator, to merge into another copy."""
    from annotator.store import Store

    db = work / "source.db"
    build(db, n)
    store = Store(db)
    rows = [{"sentence_id": u.id, "annotator": "remote", "labels": ["consultation"], "status": "done", "note": "",
             "updated_at": "2026-01-01T00:00:00.000Z"} for u in store.iter_units("sentence")]
    store.import_judgments(rows[:n])
    assert store.count_status("remote", "done") == n
    store.close()
    return db


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=30)
    ap.add_argument("--judgments", type=int, default=100_000)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="lockhold-"))
    try:
        files, size = write_corpus(work / "reports", args.mb)
        wait, secs, rounds = measured(work / "import.db", ["import", str(work / "reports")])
        print(f"import of {len(files):,} files, {size / 1e6:.1f} MB: {secs:.1f} s; longest wait for the write lock "
              f"{wait * 1000:.0f} ms ({rounds:,} probes)")
        source = merge_source(work, args.judgments)
        target = work / "target.db"
        shutil.copy(source, target)
        with sqlite3.connect(target) as c:  # the same corpus without the judgments
            c.execute("DELETE FROM annotations")
            c.execute("DELETE FROM events")
        wait, secs, rounds = measured(target, ["merge", str(source)])
        print(f"merge of {args.judgments:,} judgments: {secs:.1f} s; longest wait for the write lock "
              f"{wait * 1000:.0f} ms ({rounds:,} probes)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
