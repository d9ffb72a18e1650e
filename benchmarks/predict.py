"""Prediction throughput: the model's probabilities for many sentences (what `--order uncertain` and
`suggest --predict` score), against a bare scikit-learn model (TF-IDF character 1–2-grams +
one-vs-rest logistic regression, trained on the same judgments) scoring the same sentences in the
same run; and what `annotator suggest --predict` adds per sentence (jieba for the keyword rules,
the starred choice), on a sample.

Run: python benchmarks/predict.py [--sentences 1000000] [--judgments 10000] [--sample 5000]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _corpus import seed_texts  # noqa: E402
from suggest import synthetic  # noqa: E402

from annotator.annotate.suggest import Highlighter, fit  # noqa: E402
from annotator.core.resources import default_taxonomy_path  # noqa: E402
from annotator.core.taxonomy import load_taxonomy  # noqa: E402
from annotator.ingest.segmenter import segment  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sentences", type=int, default=1_000_000)
    ap.add_argument("--judgments", type=int, default=10_000)
    ap.add_argument("--sample", type=int, default=5000)
    a = ap.parse_args()
    tax = load_taxonomy(default_taxonomy_path())
    hl = Highlighter(tax)
    sentences = [u.text for _, text in seed_texts() for u in segment(text).units if u.kind == "sentence"]
    train = synthetic(sentences, hl, a.judgments, random.Random(1))
    sug = fit(train, tax, hl)
    clauses = [c for s in sentences for c in re.split(r"[，,；;。]", s) if len(c) >= 4]
    rng = random.Random(2)
    texts = ["，".join(rng.sample(clauses, rng.randint(1, 3))) + "。" for _ in range(a.sentences)]

    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.preprocessing import MultiLabelBinarizer

    vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 2))
    bare = OneVsRestClassifier(LogisticRegression()).fit(
        vec.fit_transform([t for t, _ in train]), MultiLabelBinarizer().fit_transform([lab for _, lab in train]))
    t = time.perf_counter()
    for i in range(0, len(texts), 2000):
        bare.predict_proba(vec.transform(texts[i:i + 2000]))
    t_bare = time.perf_counter() - t
    t = time.perf_counter()
    sug.probabilities(texts)
    t_ours = time.perf_counter() - t
    n = len(texts)
    print(f"{n:,} sentences: model probabilities {t_ours:.1f} s = {n / t_ours:,.0f} sentences/s; bare scikit-learn "
          f"{t_bare:.1f} s = {n / t_bare:,.0f} sentences/s; ratio ours/bare {t_ours / t_bare:.2f}x")
    sample = texts[:a.sample]
    t = time.perf_counter()
    for text in sample:
        sug.scored(text)
    t_one = (time.perf_counter() - t) / len(sample)
    print(f"one sentence at a time (the screen: jieba keywords + model + the starred choice), {len(sample):,} "
          f"sentences: {t_one * 1000:.2f} ms = {1 / t_one:,.0f} sentences/s")
    t = time.perf_counter()
    for i in range(0, len(sample), 2000):
        sug.scored_many(sample[i:i + 2000])
    t_many = (time.perf_counter() - t) / len(sample)
    print(f"`suggest --predict` (scored_many, batches of 2,000): {t_many * 1000:.2f} ms a sentence = "
          f"{1 / t_many:,.0f} sentences/s; 1,000,000 sentences ≈ {t_many * 1e6 / 60:.1f} min")


if __name__ == "__main__":
    main()
