"""Start of the tagging screen on 1,000,000 sentences against 1,000: launch to the first sentence on
screen, measured inside the app as ``benchmarks/tui.py --inapp`` does (Textual's test pilot), the two
databases alternating; prints the ratio of the medians (target <= 1.2). With ``--while-training N``
each launch happens while a suggestion model is being trained on another database of N judgments (the
training process a screen starts, ``python -m annotator.annotate.trainer``), as on a server where
another screen is retraining: both sizes face the same training.

Run: python benchmarks/launch.py [--runs 5] [--cache DIR] [--while-training 20000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
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


class Training:
    """A training process on a database of judgments, started again whenever it finishes."""

    def __init__(self, cache: Path, judgments: int):
        from retrain import make_db
        from suggest import synthetic

        from annotator.annotate import shared
        from annotator.annotate.suggest import Highlighter
        from annotator.core.resources import default_taxonomy_path
        from annotator.core.taxonomy import load_taxonomy
        from annotator.ingest.segmenter import segment
        from _corpus import seed_texts

        tax = load_taxonomy(default_taxonomy_path())
        sentences = [u.text for _, text in seed_texts() for u in segment(text).units if u.kind == "sentence"]
        folder = cache / "training"
        folder.mkdir(exist_ok=True)
        self.db = make_db(folder, synthetic(sentences, Highlighter(tax), judgments, random.Random(1)), tax)
        self.model = shared.model_path(str(self.db))
        self.spec = json.dumps({"source": tax.source, "path": tax.path}).encode("utf-8")
        self.proc: subprocess.Popen | None = None

    def ensure(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            self.model.unlink(missing_ok=True)  # so that it trains, not loads
            self.proc = subprocess.Popen([sys.executable, "-m", "annotator.annotate.trainer", str(self.db)],
                                         stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.proc.stdin.write(self.spec)
            self.proc.stdin.close()
            time.sleep(1.0)  # past its start-up: the fits are running

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--cache", help="keep the built databases here")
    ap.add_argument("--while-training", type=int, default=0, metavar="N",
                    help="launch while a model trains on N other judgments")
    a = ap.parse_args()
    cache = Path(a.cache) if a.cache else Path(tempfile.mkdtemp(prefix="annotator-launch-"))
    cache.mkdir(parents=True, exist_ok=True)
    sizes = (1000, 1_000_000)
    dbs = {n: database(cache, n) for n in sizes}
    got: dict[int, list[float]] = {n: [] for n in sizes}
    training = Training(cache, a.while_training) if a.while_training else None
    try:
        for r in range(a.runs):
            for n in sizes:
                work = cache / f"run{n}.db"
                shutil.copy(dbs[n], work)
                if training:
                    training.ensure()
                got[n].append(asyncio.run(tui.measure_inapp(work, 3))["launch_ms"])
                for p in cache.glob(f"run{n}.db*"):
                    p.unlink()
            print(f"run {r + 1}: 1,000: {got[1000][-1]:.0f} ms, 1,000,000: {got[1_000_000][-1]:.0f} ms", flush=True)
    finally:
        if training:
            training.stop()
        if not a.cache:
            shutil.rmtree(cache, ignore_errors=True)
    m1, m2 = statistics.median(got[1000]), statistics.median(got[1_000_000])
    during = f" (while a model trains on {a.while_training:,} judgments)" if a.while_training else ""
    print(f"launch to first sentence{during}, median: 1,000 sentences {m1:.0f} ms, 1,000,000 sentences {m2:.0f} ms; "
          f"ratio 1M/1k {m2 / m1:.2f} (target <= 1.2)")


if __name__ == "__main__":
    main()
