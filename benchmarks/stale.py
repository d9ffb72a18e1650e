"""Stale-gold detection speed: `Store.stale_gold()` over a team database, and the per-item query the
review screen runs on each shown item and each gold write.

Three annotators judge every sentence and gold is adjudicated on every one (imports: one event
each); then one annotator's judgments change on 5% of the sentences (a merge-like import).
Run: python benchmarks/stale.py [--sentences 50000]
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _corpus import build  # noqa: E402

from annotator.core.resources import default_taxonomy_path  # noqa: E402
from annotator.store import Store  # noqa: E402
from annotator.core.taxonomy import load_taxonomy  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sentences", type=int, default=50_000)
    args = ap.parse_args()
    tags = list(load_taxonomy(default_taxonomy_path()).tags)
    work = Path(tempfile.mkdtemp(prefix="annotator-stale-"))
    try:
        db = work / "team.db"
        build(db, args.sentences)
        store = Store(db)
        rng = random.Random(7)
        ids = [s.id for s in store.iter_units("sentence")]
        for who in ("alice", "bob", "carol"):
            store.import_judgments([{"sentence_id": sid, "annotator": who, "labels": rng.sample(tags, 2),
                                     "updated_at": "2026-01-01T00:00:00.000Z"} for sid in ids])
        store.import_judgments([{"sentence_id": sid, "annotator": "judge", "labels": rng.sample(tags, 2),
                                 "updated_at": "2026-01-02T00:00:00.000Z"} for sid in ids], layer="gold")
        changed = rng.sample(ids, len(ids) // 20)
        store.import_judgments([{"sentence_id": sid, "annotator": "bob", "labels": rng.sample(tags, 3),
                                 "updated_at": "2026-01-03T00:00:00.000Z"} for sid in changed], action="merge")
        events = store.conn.execute("SELECT count(*) FROM events").fetchone()[0]
        runs = []
        for _ in range(3):
            t = time.perf_counter()
            stale = store.stale_gold()
            runs.append(time.perf_counter() - t)
        assert sorted(stale) == sorted(changed), "stale_gold() disagrees with the changes made"
        per_item = []
        for sid in rng.sample(ids, 200):
            t = time.perf_counter()
            store.stale_gold_annotators(sid)
            per_item.append(time.perf_counter() - t)
        print(f"{len(ids):,} sentences, {events:,} events, {len(stale):,} stale")
        print(f"stale_gold(): median of 3 {statistics.median(runs) * 1000:.0f} ms")
        print(f"stale_gold_annotators(id): median of 200 {statistics.median(per_item) * 1e6:.0f} µs")
        store.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
