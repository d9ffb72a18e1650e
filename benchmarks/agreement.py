"""Agreement speed: 200,000 items × 3 annotators on the bundled taxonomy (10% missing).

Reports: the whole `annotator agree --json` from the database (every figure, read included), and with
`--distance hierarchy`;
our nominal + per-tag binary α next to the `krippendorff` package on the same in-memory arrays;
α MASI next to NLTK's AnnotationTask on 2,000 and 20,000-item subsets.
Run: python benchmarks/agreement.py [--items 200000]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
from _corpus import build  # noqa: E402

from annotator.measure import agreement as ag  # noqa: E402
from annotator.core.resources import default_taxonomy_path  # noqa: E402
from annotator.store import Store  # noqa: E402
from annotator.core.taxonomy import load_taxonomy  # noqa: E402

ANNOTATORS = ["ann1", "ann2", "ann3"]


def realistic_sets(tax, n: int, rng: random.Random) -> list[dict[str, frozenset]]:
    """1–2 activity tags (skewed frequencies), one period, 0–2 domains; annotators agree ~75% per tag."""
    activity = [t.id for t in tax.facet_by_id["activity"].tags]
    weights = [1 / (i + 1) for i in range(len(activity))]
    domains = [t.id for t in tax.facet_by_id["domain"].tags]
    out = []
    for _ in range(n):
        truth = set(rng.choices(activity, weights, k=rng.choice((1, 1, 2))))
        truth.add(rng.choice(("review", "plan")))
        truth |= set(rng.sample(domains, rng.choice((0, 1, 1, 2))))
        item = {}
        for a in ANNOTATORS:
            if rng.random() < 0.10:
                continue  # missing judgment
            s = set(truth)
            if rng.random() < 0.25:
                s ^= {rng.choice(activity)}
            if rng.random() < 0.1:
                s ^= {rng.choice(domains)}
            item[a] = frozenset(s)
        out.append(item)
    return out


def timed(fn, *args, **kw):
    t = time.perf_counter()
    out = fn(*args, **kw)
    return time.perf_counter() - t, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=200_000)
    args = ap.parse_args()
    tax = load_taxonomy(default_taxonomy_path())
    vocab = list(tax.tags)
    rng = random.Random(42)
    work = Path(tempfile.mkdtemp(prefix="annotator-agree-"))
    try:
        db = work / "agree.db"
        build(db, args.items)
        store = Store(db)
        sids = [s.id for s in store.iter_units("sentence")][: args.items]
        judgments = realistic_sets(tax, len(sids), rng)
        rows = [{"sentence_id": sid, "annotator": a, "labels": sorted(s), "status": "done",
                 "updated_at": "2026-01-01T00:00:00Z"} for sid, j in zip(sids, judgments) for a, s in j.items()]
        store.record_taxonomy(tax.name, tax.version, tax.hash, tax.path, tax.source)
        store.import_judgments(rows)
        store.close()
        print(f"{len(sids)} items x {len(ANNOTATORS)} annotators, {len(rows)} judgments (10% missing)")

        t = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "annotator", "--db", str(db), "agree", "--json"],
                              capture_output=True, text=True)
        t_cli = time.perf_counter() - t
        assert proc.returncode == 0, proc.stderr[-2000:]
        print(f"annotator agree --json (every figure, DB read, 1000 bootstrap resamples): {t_cli:.2f} s (target < 10 s)")
        t = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "annotator", "--db", str(db), "agree", "--json", "--distance",
                               "hierarchy"], capture_output=True, text=True)
        t_h = time.perf_counter() - t
        assert proc.returncode == 0, proc.stderr[-2000:]
        docs = len(json.loads(proc.stdout)["per_document"])
        print(f"annotator agree --json --distance hierarchy (α hierarchy with its bootstrap too; {docs} documents): "
              f"{t_h:.2f} s")

        codes = ag.encode(judgments, vocab, annotators=ANNOTATORS)
        tm = ag.tag_matrix(codes, len(vocab))
        present = codes.codes >= 0
        binaries = [np.where(present, tm[np.maximum(codes.codes, 0), i].astype(np.int64), -1) for i in range(len(vocab))]

        def ours_binary():
            bits = np.array([[0], [1]], dtype=np.uint64)
            return [ag.alpha(ag.Codes(b, [], bits), "nominal").value for b in binaries]

        import krippendorff

        kd_binary = [np.where(b.T >= 0, b.T, np.nan).astype(float) for b in binaries]

        def kripp_binary():
            return [krippendorff.alpha(reliability_data=b, level_of_measurement="nominal") for b in kd_binary]

        t_ours, v_ours = timed(ours_binary)
        t_kd, v_kd = timed(kripp_binary)
        diff = max(abs(a - b) for a, b in zip(v_ours, v_kd) if a is not None)
        print(f"{len(vocab)} per-tag binary α: ours {t_ours:.2f} s, krippendorff {t_kd:.2f} s, "
              f"ratio {t_ours / t_kd:.2f}x (target <= 1.5x); max |difference| {diff:.1e}")
        t_on, v_on = timed(lambda: ag.alpha(codes, "nominal").value)
        kd_nominal = np.where(codes.codes.T >= 0, codes.codes.T, np.nan).astype(float)
        try:
            t_kn, v_kn = timed(lambda: krippendorff.alpha(reliability_data=kd_nominal, level_of_measurement="nominal"))
            kn = f"krippendorff {t_kn:.2f} s, ratio {t_on / t_kn:.2f}x, |difference| {abs(v_on - v_kn):.1e}"
        except MemoryError as exc:
            kn = f"krippendorff cannot run: {str(exc).splitlines()[0]}"
        print(f"nominal α over {len(codes.sets)} distinct tag sets: ours {t_on:.3f} s; {kn}")
        sub = min(len(judgments), 5_000)
        small = ag.encode(judgments[:sub], vocab, annotators=ANNOTATORS)
        kd_small = np.where(small.codes.T >= 0, small.codes.T, np.nan).astype(float)
        try:
            t_ks, v_ks = timed(lambda: krippendorff.alpha(reliability_data=kd_small, level_of_measurement="nominal"))
            t_os, v_os = timed(lambda: ag.alpha(small, "nominal").value)
            print(f"nominal α on {sub} items ({len(small.sets)} sets): ours {t_os * 1000:.1f} ms, "
                  f"krippendorff {t_ks:.2f} s, ratio {t_os / t_ks:.3f}x; |difference| {abs(v_os - v_ks):.1e}")
        except MemoryError as exc:
            print(f"nominal α on {sub} items: krippendorff cannot run: {str(exc).splitlines()[0]}")

        from nltk.metrics.agreement import AnnotationTask
        from nltk.metrics.distance import masi_distance

        def safe_masi(a, b):
            return 0.0 if not a and not b else masi_distance(a, b)

        activity = {t.id for t in tax.facet_by_id["activity"].tags}
        for n, facet_only in ((2_000, False), (20_000, False), (20_000, True)):
            sub = judgments[:n]
            if facet_only:
                sub = [{a: s & activity for a, s in j.items()} for j in sub]
            label = f"{n} items" + (" (activity facet)" if facet_only else "")
            triples = [(a, str(u), s) for u, j in enumerate(sub) for a, s in j.items()]
            try:
                t_n, v_n = timed(lambda: AnnotationTask(data=triples, distance=safe_masi).alpha())
            except ValueError as exc:
                print(f"α MASI on {label}: NLTK refuses: {str(exc).split(':')[0]}")
                continue
            c = ag.encode(sub, vocab, annotators=ANNOTATORS)
            t_o, v_o = timed(lambda: ag.alpha(c, "masi").value)
            print(f"α MASI on {label}: ours {t_o * 1000:.1f} ms, NLTK {t_n:.2f} s, "
                  f"{t_n / t_o:.0f}x faster (target >= 10x); |difference| {abs(v_n - v_o):.1e}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
