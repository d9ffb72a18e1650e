"""Suggestion quality before and after a change, on the same folds: held-out macro/micro F1 (folds by
document) with a learning curve, for the bundled labelled sample (tests/data/seed_labels.jsonl) and
for synthetic judgments of the benchmark corpus (benchmarks/suggest.py's generator; 40 sentences to a
document). "before" is the model code of a git revision (default: the commit before issue 25's work).

Run: python benchmarks/suggest_quality.py [--before REV] [--synthetic 6000] [--sizes 500 2000]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
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

from annotator.annotate import evaluate as ev  # noqa: E402
from annotator.annotate import suggest as new  # noqa: E402
from annotator.core.resources import default_taxonomy_path  # noqa: E402
from annotator.core.taxonomy import load_taxonomy  # noqa: E402
from annotator.ingest.segmenter import segment  # noqa: E402

BEFORE = "b68932e"


def old_module(rev: str):
    src = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:annotator/annotate/suggest.py"], check=True,
                         capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp()) / "suggest_before.py"
    path.write_text(src, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("suggest_before", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["suggest_before"] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


def run(mod, examples, tax, hl, sizes) -> tuple[list[dict], float]:
    ev.fit = mod.fit  # evaluate() trains through suggest.fit: the module under test
    t = time.perf_counter()
    r = ev.evaluate(examples, tax, hl, folds=5, seed=0, sizes=tuple(sizes))
    return r["learning_curve"], time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", default=BEFORE)
    ap.add_argument("--synthetic", type=int, default=6000)
    ap.add_argument("--sizes", type=int, nargs="+", default=[500, 2000])
    a = ap.parse_args()
    tax = load_taxonomy(default_taxonomy_path())
    hl = new.Highlighter(tax)
    old = old_module(a.before)
    rows = [json.loads(x) for x in (ROOT / "tests/data/seed_labels.jsonl").read_text(encoding="utf-8").splitlines()]
    seeds = [(r["id"].rpartition("-")[0], r["text"], r["labels"]) for r in rows]
    sentences = [u.text for _, text in seed_texts() for u in segment(text).units if u.kind == "sentence"]
    syn = [(f"doc{i // 40}", t, labels) for i, (t, labels) in
           enumerate(synthetic(sentences, hl, a.synthetic, random.Random(3)))]
    for name, examples, sizes in (("seed_labels.jsonl (401 sentences, 5 documents)", seeds, [50, 100, 200]),
                                  (f"synthetic ({a.synthetic:,} sentences, 40 to a document)", syn, a.sizes)):
        print(name, flush=True)
        print(f"  {'train':>6}  {'macro before':>12} {'macro after':>11}  {'micro before':>12} {'micro after':>11}")
        cb, tb = run(old, examples, tax, hl, sizes)
        ca, ta = run(new, examples, tax, hl, sizes)
        for b, c in zip(cb, ca):
            print(f"  {str(b['train']):>6}  {b['macro_f1']:>12.4f} {c['macro_f1']:>11.4f}  "
                  f"{b['micro_f1']:>12.4f} {c['micro_f1']:>11.4f}")
        print(f"  evaluation time: before {tb:.1f} s, after {ta:.1f} s", flush=True)


if __name__ == "__main__":
    main()
