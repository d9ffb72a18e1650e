"""Start of the tagging screen on 1,000,000 sentences against 1,000: launch to the first sentence on
screen, measured inside the app as ``benchmarks/tui.py --inapp`` does (Textual's test pilot), the two
databases alternating; prints the ratio of the medians (target <= 1.2).

Run: python benchmarks/launch.py [--runs 5] [--cache DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import tui  # noqa: E402
from _corpus import build  # noqa: E402

from annotator.store import Store  # noqa: E402


def database(cache: Path, n: int) -> Path:
    db = cache / f"launch{n}.db"
    if not db.exists():
        build(db, n)
        store = Store(db)
        store.index_pending()  # as an import leaves it
        store.close()
    return db


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--cache", help="keep the built databases here")
    a = ap.parse_args()
    cache = Path(a.cache) if a.cache else Path(tempfile.mkdtemp(prefix="annotator-launch-"))
    cache.mkdir(parents=True, exist_ok=True)
    sizes = (1000, 1_000_000)
    dbs = {n: database(cache, n) for n in sizes}
    got: dict[int, list[float]] = {n: [] for n in sizes}
    try:
        for r in range(a.runs):
            for n in sizes:
                work = cache / f"run{n}.db"
                shutil.copy(dbs[n], work)
                got[n].append(asyncio.run(tui.measure_inapp(work, 3))["launch_ms"])
                for p in cache.glob(f"run{n}.db*"):
                    p.unlink()
            print(f"run {r + 1}: 1,000: {got[1000][-1]:.0f} ms, 1,000,000: {got[1_000_000][-1]:.0f} ms", flush=True)
    finally:
        if not a.cache:
            shutil.rmtree(cache, ignore_errors=True)
    m1, m2 = statistics.median(got[1000]), statistics.median(got[1_000_000])
    print(f"launch to first sentence, median: 1,000 sentences {m1:.0f} ms, 1,000,000 sentences {m2:.0f} ms; "
          f"ratio 1M/1k {m2 / m1:.2f} (target <= 1.2)")


if __name__ == "__main__":
    main()
