"""Suggestion cost: training time on 10,000 and 100,000 judgments, the time to score one sentence
(p50/p99, target 1–2 ms), ranking every sentence by uncertainty, and the memory the model takes.

Judgments are synthetic but not repeated: each sentence joins clauses of different seed sentences,
and its labels are the keyword matches of its clauses plus a period tag.
Run: python benchmarks/suggest.py [--judgments 10000 100000]   (100,000 takes several minutes)
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
import resource
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _corpus import seed_texts  # noqa: E402

from annotator.core.resources import default_taxonomy_path  # noqa: E402
from annotator.ingest.segmenter import segment  # noqa: E402
from annotator.annotate.suggest import Highlighter, fit  # noqa: E402
from annotator.core.taxonomy import load_taxonomy  # noqa: E402


def synthetic(sentences: list[str], hl: Highlighter, n: int, rng: random.Random) -> list[tuple[str, list[str]]]:
    clauses = [c for s in sentences for c in re.split(r"[，,；;。]", s) if len(c) >= 4]
    out = []
    for _ in range(n):
        text = "，".join(rng.sample(clauses, rng.randint(1, 3))) + "。"
        labels = set(hl.matched_tags(text)) - {"review", "plan"}
        labels.add(rng.choice(["review", "plan"]))
        out.append((text, sorted(labels)))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--judgments", type=int, nargs="+", default=[10_000])
    args = ap.parse_args()
    tax = load_taxonomy(default_taxonomy_path())
    t = time.perf_counter()
    hl = Highlighter(tax)
    print(f"jieba dictionary + taxonomy keywords loaded in {time.perf_counter() - t:.2f} s (in the worker)")
    sentences = [u.text for _, text in seed_texts() for u in segment(text).units if u.kind == "sentence"]
    rng = random.Random(1)
    for n in args.judgments:
        examples = synthetic(sentences, hl, n, rng)
        t = time.perf_counter()
        for text, _ in examples:
            hl.words(text)
        t_tok = time.perf_counter() - t
        rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        t = time.perf_counter()
        sug = fit(examples, tax, hl)
        t_train = time.perf_counter() - t
        grew = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0) / 1024  # KiB on Linux
        m = sug.model
        size = (m.coef.nbytes + m.features.idf.nbytes) / 2**20
        probe = synthetic(sentences, hl, 2000, random.Random(2))
        times = []
        for text, _ in probe:
            hl._cache.clear()  # measure tokenising too, as on a new sentence
            t0 = time.perf_counter()
            sug.suggest(text)
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        t = time.perf_counter()
        sug.uncertainties([text for text, _ in probe] * 5)
        t_rank = time.perf_counter() - t
        print(f"{n:>7,} judgments: tokenising {t_tok:.1f} s, training {t_train:.1f} s "
              f"(peak resident memory grew {grew:.0f} MB; model {m.features.size:,} features × {len(m.tags)} tags, "
              f"coefficients {size:.0f} MB); suggest one sentence p50 {statistics.median(times):.2f} ms, "
              f"p99 {times[int(0.99 * (len(times) - 1))]:.2f} ms; uncertainty of 10,000 sentences {t_rank:.1f} s")


if __name__ == "__main__":
    main()
