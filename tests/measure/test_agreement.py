"""Agreement figures against published worked examples and reference implementations (to 1e-9)."""

from __future__ import annotations

import json
import math
import random

import krippendorff
import numpy as np
import pytest
from nltk.metrics.agreement import AnnotationTask
from nltk.metrics.distance import jaccard_distance, masi_distance
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss

from annotator.measure import agreement as ag
TAGS = ["a", "b", "c", "d", "e"]


def codes_from_matrix(rows: list[list]) -> ag.Codes:
    """rows[u][a]: a tag set, a scalar category, or None (missing)."""
    judgments = []
    for row in rows:
        j = {}
        for a, v in enumerate(row):
            if v is None:
                continue
            j[f"c{a}"] = frozenset(v) if isinstance(v, (set, frozenset, list, tuple)) else frozenset([str(v)])
        judgments.append(j)
    vocab = sorted({t for j in judgments for s in j.values() for t in s}) or ["x"]
    return ag.encode(judgments, vocab, annotators=[f"c{a}" for a in range(len(rows[0]))])


def test_krippendorff_2011_reliability_data_example():
    # Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability": 4 observers, 12 units, nominal α = 0.743
    data = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
        [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
    ]
    rows = [list(col) for col in zip(*data)]
    a = ag.alpha(codes_from_matrix(rows), "nominal")
    assert round(a.value, 3) == 0.743
    ref = krippendorff.alpha(reliability_data=[[np.nan if v is None else v for v in r] for r in data],
                             level_of_measurement="nominal")
    assert a.value == pytest.approx(ref, abs=1e-9)


def test_fleiss_1971_example():
    # The textbook example (Fleiss 1971 as tabulated on Wikipedia): 10 subjects, 14 raters, κ = 0.210
    table = [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
             [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]
    rows = [[cat for cat, n in enumerate(counts) for _ in range(n)] for counts in table]
    c = codes_from_matrix(rows)
    kappa, reason = ag.fleiss_kappa(c)
    assert reason is None and round(kappa, 3) == 0.210
    assert kappa == pytest.approx(sm_fleiss(np.array(table), method="fleiss"), abs=1e-9)
    assert ag.percent_agreement(c) == pytest.approx(0.378, abs=5e-4)


def test_masi_distance_constants_are_exact():
    c = codes_from_matrix([[{"a", "b"}, {"a", "b", "c", "d"}, {"a", "c"}, {"c"}, set(), set(), {"a", "b"}]])
    codes = c.codes[0]
    d = lambda i, j: float(ag.distance(c.bits, np.array([codes[i]]), np.array([codes[j]]), "masi")[0])  # noqa: E731
    assert d(0, 1) == 1 - (2 / 4) * (2 / 3)  # subset: M = 2/3 exactly
    assert d(0, 2) == 1 - (1 / 3) * (1 / 3)  # overlap: M = 1/3 exactly
    assert d(0, 3) == 1.0  # disjoint
    assert d(4, 5) == 0.0  # two empty sets are identical
    assert d(4, 0) == 1.0  # empty vs non-empty
    assert d(0, 6) == 0.0


def random_sets(rng: random.Random, n_items: int, n_coders: int, missing: float, complete: bool = False):
    rows = []
    for _ in range(n_items):
        base = frozenset(t for t in TAGS if rng.random() < 0.3)
        row = []
        for _ in range(n_coders):
            if not complete and rng.random() < missing:
                row.append(None)
                continue
            s = set(base)
            if rng.random() < 0.4:
                s ^= {rng.choice(TAGS)}
            row.append(frozenset(s))
        rows.append(row)
    return rows


def nltk_alpha(rows, dist):
    def safe(a, b):
        return 0.0 if not a and not b else dist(a, b)

    triples = [(f"c{a}", str(u), v) for u, row in enumerate(rows) for a, v in enumerate(row) if v is not None]
    return AnnotationTask(data=triples, distance=safe).alpha()


def kripp_alpha(rows, kind):
    sets = sorted({v for row in rows for v in row if v is not None}, key=lambda s: sorted(s))
    index = {s: i for i, s in enumerate(sets)}
    data = [[np.nan if row[a] is None else index[row[a]] for row in rows] for a in range(len(rows[0]))]

    def metric(v1, v2, **_):
        ref = masi_distance if kind == "masi" else jaccard_distance
        f = np.vectorize(lambda x, y: 0.0 if not sets[int(x)] and not sets[int(y)] else
                         ref(set(sets[int(x)]), set(sets[int(y)])))
        return f(v1, v2)

    level = "nominal" if kind == "nominal" else metric
    return krippendorff.alpha(reliability_data=data, level_of_measurement=level,
                              value_domain=list(range(len(sets))))


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("kind", ["nominal", "masi", "jaccard"])
def test_alpha_matches_krippendorff_package_with_missing(seed, kind):
    rows = random_sets(random.Random(seed), 60, 4, missing=0.3)
    ours = ag.alpha(codes_from_matrix(rows), kind).value
    assert ours == pytest.approx(kripp_alpha(rows, kind), abs=1e-9)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("kind,dist", [("masi", masi_distance), ("jaccard", jaccard_distance)])
def test_alpha_matches_nltk_with_missing(seed, kind, dist):
    rows = random_sets(random.Random(100 + seed), 50, 3, missing=0.25)
    assert ag.alpha(codes_from_matrix(rows), kind).value == pytest.approx(nltk_alpha(rows, dist), abs=1e-9)


@pytest.mark.parametrize("seed", range(5))
def test_cohen_kappa_matches_sklearn(seed):
    rows = random_sets(random.Random(200 + seed), 80, 2, missing=0.2)
    both = [r for r in rows if None not in r]
    ref = cohen_kappa_score([str(sorted(r[0])) for r in both], [str(sorted(r[1])) for r in both])
    kappa, reason = ag.cohen_kappa(codes_from_matrix(rows))
    assert reason is None and kappa == pytest.approx(ref, abs=1e-9)


@pytest.mark.parametrize("seed", range(5))
def test_fleiss_kappa_matches_statsmodels(seed):
    rows = random_sets(random.Random(300 + seed), 70, 4, missing=0, complete=True)
    c = codes_from_matrix(rows)
    table = np.zeros((len(rows), len(c.sets)))
    for u in range(len(rows)):
        for code in c.codes[u]:
            table[u, code] += 1
    kappa, _ = ag.fleiss_kappa(c)
    assert kappa == pytest.approx(sm_fleiss(table, method="fleiss"), abs=1e-9)


def test_percent_agreement_is_share_of_identical_pairs():
    rows = [[{"a"}, {"a"}, {"b"}], [{"a"}, {"a"}, None], [set(), set(), set()]]
    # item 1: 1 of 3 pairs identical; item 2: 1 of 1; item 3: 3 of 3
    assert ag.percent_agreement(codes_from_matrix(rows)) == pytest.approx((1 / 3 + 1 + 1) / 3)


def test_binary_alpha_per_tag_matches_krippendorff():
    rng = random.Random(7)
    rows = random_sets(rng, 80, 3, missing=0.2)
    c = codes_from_matrix(rows)
    tm = ag.tag_matrix(c, len(TAGS))
    vocab = sorted({t for row in rows for v in row if v for t in v})
    for t, tag in enumerate(vocab):
        b = np.where(c.codes >= 0, tm[np.maximum(c.codes, 0), t].astype(np.int64), -1)
        ours = ag.alpha(ag.Codes(b, [frozenset(), frozenset([tag])], np.array([[0], [1]], dtype=np.uint64))).value
        data = [[np.nan if row[a] is None else float(tag in row[a]) for row in rows] for a in range(3)]
        assert ours == pytest.approx(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"),
                                     abs=1e-9)


@pytest.mark.parametrize("rows,reason", [
    ([[{"a"}, {"a"}], [{"a"}, {"a"}]], "same category"),
    ([[{"a"}, None], [None, {"b"}]], "no item has two"),
    ([[{"a"}], [{"b"}]], "no item has two"),
])
def test_degenerate_cases_give_null_with_reason(rows, reason):
    a = ag.alpha(codes_from_matrix(rows), "masi")
    assert a.value is None and reason in a.reason


def test_bootstrap_interval_contains_alpha_and_is_reproducible():
    rows = random_sets(random.Random(11), 200, 3, missing=0.1)
    a = ag.alpha(codes_from_matrix(rows), "masi", keep_pairs=True)
    lo, hi = ag.bootstrap_alpha(a, 500, seed=3)
    assert lo < a.value < hi and hi - lo < 0.3
    assert ag.bootstrap_alpha(a, 500, seed=3) == (lo, hi)


def test_more_than_63_tags():
    vocab = [f"t{i}" for i in range(130)]
    judgments = [{"x": frozenset({"t1", "t100"}), "y": frozenset({"t100", "t129"})},
                 {"x": frozenset({"t5"}), "y": frozenset({"t5"})},
                 {"x": frozenset({"t70"}), "y": frozenset()}]
    c = ag.encode(judgments, vocab)
    rows = [[j["x"], j["y"]] for j in judgments]
    ref = kripp_alpha(rows, "masi")
    assert ag.alpha(c, "masi").value == pytest.approx(ref, abs=1e-9)
    assert set(np.nonzero(ag.tag_matrix(c, 130)[c.codes[0, 1]])[0]) == {100, 129}


def test_json_never_contains_nan():
    assert "NaN" not in json.dumps({"x": ag.alpha(codes_from_matrix([[{"a"}, {"a"}]]), "nominal").value})
    assert not math.isnan(ag.alpha(codes_from_matrix([[{"a"}, {"b"}], [{"a"}, {"a"}]]), "nominal").value)


def test_a_stray_judgment_by_another_person_leaves_every_kappa_and_marks_the_one_item_pair(double_db, taxonomy):
    from annotator.measure.report import report
    from annotator.store import State, Store

    store = Store(double_db)
    sid = next(store.iter_units("sentence")).id
    store.change("annotation", sid, "stray", "confirm", State(("study",), "done"))
    rep = report(store, taxonomy, bootstrap=20)
    assert rep["overall"]["cohen_kappa"] is not None  # the mean over pairs that share enough items
    assert all(f["kappa"] is not None or f["reasons"] for f in rep["per_tag"].values())
    pairs = {(p["a"], p["b"]): p for p in rep["pairs"]}
    assert pairs[("alice", "bob")]["cohen_kappa"] is not None
    stray = pairs[("alice", "stray")]
    assert stray["shared_items"] == 1 and not stray["reliable"] and stray["caution"] == "n = 1: too few items to rely on"
    sub = codes_from_matrix([[set(store.annotation(sid, "alice").labels), {"study"}]])
    assert stray["cohen_kappa"] == ag.cohen_kappa(sub)[0]  # given when defined, even from one item
