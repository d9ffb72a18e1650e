"""What `merge --from doccano` costs on a large corpus: N documents × 500 sentence units written
through the store, a doccano file of R records taken from them (plus a few texts found nowhere),
then the dry run (placement only), the merge, and its one write transaction timed from inside
(the time a tagging screen may wait for the lock).

Run: python benchmarks/foreign_merge.py [--documents 400] [--records 20000]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotator.core.resources import default_taxonomy_path  # noqa: E402
from annotator.core.taxonomy import load_taxonomy  # noqa: E402
from annotator.ingest.segmenter import SEGMENTER_VERSION  # noqa: E402
from annotator.publish.foreign.merging import merge_foreign  # noqa: E402
from annotator.publish.foreign.records import Options  # noqa: E402
from annotator.store import Store  # noqa: E402

ALPHABET = "政协委员会议协商调研监督提案民生经济建设党组学习乡村振兴生态环境城市治理"


def build(db: Path, documents: int, records: int, src: Path) -> None:
    rng = random.Random(0)
    store = Store(db)
    with store.batch():
        for d in range(documents):
            units, pos = [], 0
            for i in range(500):
                t = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(15, 60))) + f"{d}-{i}。"
                units.append((i, "sentence", t, None, pos, pos + len(t)))
                pos += len(t) + 1
            store.add_document(f"{d:016x}", f"doc{d}.txt", f"doc {d}", "\n".join(u[2] for u in units), "utf-8",
                               SEGMENTER_VERSION, units)
    texts = [t for (t,) in store.conn.execute("SELECT text FROM sentences ORDER BY random() LIMIT ?", (records,))]
    store.close()
    texts += ["这句话不在任何报告中。", "另一句找不到的话。"]
    with open(src, "w", encoding="utf-8") as f:
        for i, t in enumerate(texts, 1):
            f.write(json.dumps({"id": i, "text": t, "label": [rng.choice(["政治协商", "Proposals", "economy"]),
                                                               "review"]}, ensure_ascii=False) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--documents", type=int, default=400)
    ap.add_argument("--records", type=int, default=20000)
    args = ap.parse_args()
    taxonomy = load_taxonomy(default_taxonomy_path())
    with tempfile.TemporaryDirectory() as tmp:
        db, src = Path(tmp) / "big.db", Path(tmp) / "doccano.jsonl"
        build(db, args.documents, args.records, src)
        store = Store(db)
        units = store.count_units()
        t0 = time.perf_counter()
        merge_foreign(store, taxonomy, src, "doccano", Options(annotator="x"), dry_run=True)
        dry = time.perf_counter() - t0
        held = []
        real_tx = store.transaction

        def timed_tx():
            tx = real_tx()
            enter, exit_ = tx.__enter__, tx.__exit__

            def __enter__():
                held.append(time.perf_counter())
                return enter()

            def __exit__(*exc):
                try:
                    return exit_(*exc)
                finally:
                    held[-1] = time.perf_counter() - held[-1]
            tx.__enter__, tx.__exit__ = __enter__, __exit__
            return _Wrap(tx)

        store.transaction = timed_tx
        t0 = time.perf_counter()
        report = merge_foreign(store, taxonomy, src, "doccano", Options(annotator="x"))
        full = time.perf_counter() - t0
        store.close()
    print(f"{units:,} units, {args.records + 2:,} records ({len(report.not_placed)} not placed): "
          f"dry run {dry:.2f} s; merge {full:.2f} s, its write transaction {held[0] * 1000:.0f} ms")


class _Wrap:
    def __init__(self, tx):
        self.tx = tx

    def __enter__(self):
        return self.tx.__enter__()

    def __exit__(self, *exc):
        return self.tx.__exit__(*exc)


if __name__ == "__main__":
    main()
