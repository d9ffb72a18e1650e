"""Retraining the suggestion model, whole processes as the tagging screen runs them, against a bare
scikit-learn fit of the same judgments measured in the same run (also a whole process):

- ours: ``python -m annotator.annotate.trainer DB`` — what a screen starts when the judgments changed:
  start-up, reading the judgments, jieba for the keyword rules' precision, features, fits, calibration,
  the model file written (removed before each run, so every run trains);
- bare: TF-IDF character 1–2-grams + one-vs-rest logistic regression (scikit-learn defaults) on the
  same texts and labels, read from a JSONL file, start-up included;
- load: what every other screen on the database pays instead: loading the model file;
- then a retrain as the screen runs it while people tag: 25 more judgments since the model on disk
  (the screen retrains every 25 confirmations), so the trainer reuses the earlier model's keyword
  precision (``shared.reused_precision``) and every other step runs again.

Each process's peak resident memory is its own high-water mark (``VmHWM``, read by the process as it
exits; a child's ``ru_maxrss`` would count this script's size at the fork).

Judgments are synthetic (benchmarks/suggest.py's generator: clauses of different seed sentences, their
keyword tags plus a period tag), stored as documents of 40 sentences, each judged once.
Run: python benchmarks/retrain.py [--judgments 10000 100000] [--repeat 2]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))

from _corpus import seed_texts  # noqa: E402
from suggest import synthetic  # noqa: E402

from annotator.annotate import shared  # noqa: E402
from annotator.annotate.classifier import MAX_TRAIN  # noqa: E402
from annotator.annotate.suggest import Highlighter  # noqa: E402
from annotator.core.resources import default_taxonomy_path  # noqa: E402
from annotator.core.taxonomy import load_taxonomy  # noqa: E402
from annotator.ingest.segmenter import segment  # noqa: E402
from annotator.store import Store  # noqa: E402

BARE = """
import json, sys
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.preprocessing import MultiLabelBinarizer
rows = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
x = TfidfVectorizer(analyzer="char", ngram_range=(1, 2)).fit_transform([r["text"] for r in rows])
y = MultiLabelBinarizer().fit_transform([r["labels"] for r in rows])
OneVsRestClassifier(LogisticRegression()).fit(x, y)
"""

# the trainer, as the screen starts it, and the process's own peak memory printed as it exits
TRAINER = """
import runpy, sys
try:
    runpy.run_module("annotator.annotate.trainer", run_name="__main__", alter_sys=True)
finally:
    sys.stderr.write(PEAK())
"""

PEAK_SRC = """
def PEAK():
    try:
        with open("/proc/self/status") as fh:
            kb = next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        import resource
        kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return f"\\npeak-kb {kb}\\n"
"""


def make_db(work: Path, examples: list[tuple[str, list[str]]], tax) -> Path:
    db = work / f"j{len(examples)}.db"
    store = Store(db)
    store.record_taxonomy(tax.name, tax.version, tax.hash, tax.path, tax.source)
    with store.batch():
        for d in range(0, len(examples), 40):
            texts = [t for t, _ in examples[d:d + 40]]
            units, pos = [], 0
            for i, t in enumerate(texts):
                units.append((i, "sentence", t, None, pos, pos + len(t)))
                pos += len(t)
            store.add_document(f"syn{d:07d}", f"syn{d}.txt", f"syn {d}", "".join(texts), "utf-8", 1, units)
    store.index_pending()
    store.import_judgments([{"sentence_id": f"syn{d - d % 40:07d}-{d % 40}", "annotator": "ann", "labels": labels}
                            for d, (_, labels) in enumerate(examples)])
    store.close()
    with open(work / f"j{len(examples)}.jsonl", "w", encoding="utf-8") as fh:
        for t, labels in examples:
            fh.write(json.dumps({"text": t, "labels": labels}, ensure_ascii=False) + "\n")
    return db


def timed(cmd: list[str], stdin: bytes | None = None) -> tuple[float, float]:
    """(wall seconds, peak resident MB) of a whole child process."""
    t = time.perf_counter()
    r = subprocess.run(cmd, input=stdin, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    wall = time.perf_counter() - t
    kb = [int(line.split()[1]) for line in r.stderr.decode("utf-8", "replace").splitlines() if line.startswith("peak-kb ")]
    return wall, (kb[-1] / 1024 if kb else float("nan"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--judgments", type=int, nargs="+", default=[10_000])
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--no-bare", action="store_true", help="only our retrain (the bare fit of 100,000 is slow)")
    a = ap.parse_args()
    tax = load_taxonomy(default_taxonomy_path())
    hl = Highlighter(tax)
    sentences = [u.text for _, text in seed_texts() for u in segment(text).units if u.kind == "sentence"]
    spec = json.dumps({"source": tax.source, "path": tax.path}).encode("utf-8")
    work = Path(tempfile.mkdtemp(prefix="annotator-retrain-"))
    try:
        run(a, tax, hl, sentences, spec, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(a, tax, hl, sentences, spec, work: Path) -> None:
    for n in a.judgments:
        db = make_db(work, synthetic(sentences, hl, n, random.Random(1)), tax)
        ours, bare, mem, bare_mem = [], [], [], []
        for r in range(a.repeat):
            if not a.no_bare:
                t, m = timed([sys.executable, "-c", PEAK_SRC + BARE + "\nsys.stderr.write(PEAK())\n",
                              str(work / f"j{n}.jsonl")])
                bare.append(t)
                bare_mem.append(m)
            shared.model_path(str(db)).unlink(missing_ok=True)
            t, m = timed([sys.executable, "-c", PEAK_SRC + TRAINER, str(db)], spec)
            ours.append(t)
            mem.append(m)
            line = f"  run {r + 1}: retrain {ours[-1]:.2f} s, peak {mem[-1]:.0f} MB"
            if bare:
                line += f"; bare fit {bare[-1]:.2f} s, peak {bare_mem[-1]:.0f} MB; ratio {ours[-1] / bare[-1]:.2f}x"
            print(line + f" (load {os.getloadavg()[0]:.1f})", flush=True)
        t = time.perf_counter()
        got = shared.load(shared.model_path(str(db)))
        t_load = time.perf_counter() - t
        m = got[1]
        warm, warm_mem = [], []
        for r in range(a.repeat):
            confirm(db, 25, r)
            t, mm = timed([sys.executable, "-c", PEAK_SRC + TRAINER, str(db)], spec)
            warm.append(t)
            warm_mem.append(mm)
            print(f"  after 25 more judgments: retrain {t:.2f} s, peak {mm:.0f} MB (load {os.getloadavg()[0]:.1f})",
                  flush=True)
        print(f"{n:,} judgments: retrain (trainer process, start-up included) median {statistics.median(ours):.2f} s, "
              f"peak {max(mem):.0f} MB (target <= 300 MB)"
              + (f"; bare fit median {statistics.median(bare):.2f} s, peak {max(bare_mem):.0f} MB; ratio of medians "
                 f"{statistics.median(ours) / statistics.median(bare):.2f}x (target <= 2x)" if bare else "")
              + f"; model {m.features.size:,} features x {len(m.tags)} tags, trained on "
              f"{min(n, MAX_TRAIN):,} of {m.n_examples:,}; another screen loads it in {t_load * 1000:.0f} ms; "
              f"a retrain after 25 more judgments median {statistics.median(warm):.2f} s, peak {max(warm_mem):.0f} MB",
              flush=True)


def confirm(db: Path, k: int, r: int) -> None:
    """``k`` more done judgments, by another annotator, as people tagging add them."""
    store = Store(db)
    try:
        store.import_judgments([{"sentence_id": f"syn{d - d % 40:07d}-{d % 40}", "annotator": f"more{r}",
                                 "labels": ["review"]} for d in range(k)])
    finally:
        store.close()


if __name__ == "__main__":
    main()
