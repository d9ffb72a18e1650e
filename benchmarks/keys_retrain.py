"""A key while the model retrains: handler time of a tag toggle (p50/p99, measured inside the app as
``benchmarks/tui.py --inapp`` does) while the screen's training process runs, against the same keys
once the model is in place, in the same run. The database: the seeds with every sentence judged by
``--annotators`` annotators (40: 16,040 judgments, so a training lasts several seconds).

Run: python benchmarks/keys_retrain.py [--annotators 40] [--keys 200]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotator.annotate import shared  # noqa: E402
from annotator.core.resources import default_taxonomy_path, seeds_dir  # noqa: E402
from annotator.core.taxonomy import load_taxonomy  # noqa: E402
from annotator.ingest.importer import import_paths  # noqa: E402
from annotator.store import Store  # noqa: E402
from annotator.tui.app import build_app  # noqa: E402

LABELS = [["review"], ["plan", "politics"], ["review", "member"], []]


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


async def measure(db: Path, keys: int) -> tuple[list[float], list[float], int]:
    tax = load_taxonomy(default_taxonomy_path())
    app = build_app(Store(db), tax, "keys")
    during, after = [], []
    async with app.run_test(size=(120, 40)) as pilot:
        while not shared._RUNNING:  # the screen's worker has started its training process
            await pilot.pause(0.01)
        while shared._RUNNING and len(during) < keys:
            app.timings.clear()
            await pilot.press("c")
            during += [t * 1000 for n, t in app.timings if n == "toggle"]
        trained_keys = len(during)
        await app.workers.wait_for_complete()
        while len(after) < len(during):
            app.timings.clear()
            await pilot.press("c")
            after += [t * 1000 for n, t in app.timings if n == "toggle"]
    return during, after, trained_keys


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--annotators", type=int, default=40)
    ap.add_argument("--keys", type=int, default=200)
    a = ap.parse_args()
    db = Path(tempfile.mkdtemp(prefix="annotator-keys-")) / "k.db"
    store = Store(db)
    import_paths(store, [seeds_dir()])
    tax = load_taxonomy(default_taxonomy_path())
    store.record_taxonomy(tax.name, tax.version, tax.hash, tax.path, tax.source)
    units = list(store.iter_units("sentence"))
    store.import_judgments([{"sentence_id": u.id, "annotator": f"a{k}", "labels": LABELS[(i + k) % 4]}
                            for k in range(a.annotators) for i, u in enumerate(units)])
    store.close()
    t = time.perf_counter()
    try:
        during, after, n = asyncio.run(measure(db, a.keys))
    finally:
        shutil.rmtree(db.parent, ignore_errors=True)
    print(f"{len(units) * a.annotators:,} judgments; {n} toggles while the training process ran, "
          f"{len(after)} after (run {time.perf_counter() - t:.0f} s)")
    print(f"toggle while training p50 {statistics.median(during):.2f} ms, p99 {pct(during, 99):.2f} ms; "
          f"at rest p50 {statistics.median(after):.2f} ms, p99 {pct(after, 99):.2f} ms; "
          f"ratio of p50 {statistics.median(during) / statistics.median(after):.2f}")


if __name__ == "__main__":
    main()
