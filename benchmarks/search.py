"""Search a million sentences: the trigram index (store.search) against the full LIKE scan.

    python benchmarks/search.py [--sentences 1000000] [--db PATH]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _corpus import build  # noqa: E402

from annotator.store import Store  # noqa: E402

TERMS = ["委员会", "提案办理", "乡村振兴", "政协", "民主监督", "不存在的词语", "协商"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sentences", type=int, default=1_000_000)
    ap.add_argument("--db", type=Path)
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    tmp = tempfile.TemporaryDirectory()
    db = a.db or Path(tmp.name) / "search.db"
    if not db.exists():
        t = time.perf_counter()
        n = build(db, a.sentences)  # a bulk write: the index is filled afterwards, as an import does
        t1 = time.perf_counter()
        store = Store(db)
        store.index_pending()
        store.close()
        print(f"built {n:,} sentences in {t1 - t:.1f} s, then the trigram index in {time.perf_counter() - t1:.1f} s")
    store = Store(db)
    print(f"{'term':<10} {'hits':>5} {'index ms':>9} {'scan ms':>9}  equal")
    for term in TERMS:
        ti, ts = [], []
        for _ in range(a.repeat):
            t = time.perf_counter(); hits = store.search(term); ti.append((time.perf_counter() - t) * 1e3)
            t = time.perf_counter(); ref = store.search_scan(term); ts.append((time.perf_counter() - t) * 1e3)
        print(f"{term:<10} {len(hits):>5} {statistics.median(ti):>9.1f} {statistics.median(ts):>9.1f}  {hits == ref}")
    store.close()


if __name__ == "__main__":
    main()
