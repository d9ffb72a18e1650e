"""Suggestion speed: one sentence with a trained model (target < 5 ms) and training on 10,000
judgments (target < 10 s, jieba tokenisation included).
Run: python benchmarks/suggest.py [--judgments 10000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _corpus import seed_texts  # noqa: E402

from annotator.resources import default_taxonomy_path  # noqa: E402
from annotator.segmenter import segment  # noqa: E402
from annotator.suggest import Highlighter, Suggester, train  # noqa: E402
from annotator.taxonomy import load_taxonomy  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--judgments", type=int, default=10_000)
    args = ap.parse_args()
    tax = load_taxonomy(default_taxonomy_path())
    t = time.perf_counter()
    hl = Highlighter(tax)
    t_load = time.perf_counter() - t
    sentences = [u.text for _, text in seed_texts() for u in segment(text).units if u.kind == "sentence"]
    rng = random.Random(1)
    examples = []
    for i in range(args.judgments):
        text = sentences[i % len(sentences)]
        labels = set(hl.matched_tags(text)) or {rng.choice(list(tax.tags))}
        labels.add(rng.choice(["review", "plan"]))
        examples.append((text, sorted(labels)))
    t = time.perf_counter()
    model = train([(hl.words(text), labels) for text, labels in examples], list(tax.tags))
    t_train = time.perf_counter() - t
    sug = Suggester(tax, hl, model)
    times = []
    for text in sentences * 3:
        t = time.perf_counter()
        sug.suggest(text)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    print(f"jieba dictionary + {sum(len(t.keywords) for t in tax.tags.values())} keywords loaded in {t_load:.2f} s (in a worker)")
    print(f"training on {args.judgments} judgments (tokenising included): {t_train:.2f} s (target < 10 s)")
    print(f"suggest one sentence ({len(times)} calls): p50 {statistics.median(times):.2f} ms, "
          f"p99 {times[int(0.99 * (len(times) - 1))]:.2f} ms (target < 5 ms)")


if __name__ == "__main__":
    main()
