"""Figures a paper can cite: Gwet's AC1 against irrCAC's values (stored with their provenance in
tests/data/agreement_reference.json: irrCAC pins old scipy/numpy, so it is not installed with the suite),
α per document, annotators against gold (against scikit-learn), the hierarchy distance, the MIN_SHARED rule
and the sample restriction."""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import precision_recall_fscore_support

from annotator.measure import agreement as ag
from annotator.measure import breakdown, hierarchy
from annotator.measure.report import hierarchy_matrix, report
from annotator.store import State, Store
from test_agreement import codes_from_matrix, random_sets

REFERENCE = json.loads((Path(__file__).parents[1] / "data" / "agreement_reference.json").read_text(encoding="utf-8"))


def matrix_codes(matrix) -> ag.Codes:
    """A units × raters matrix of category codes (None: missing) as Codes (one singleton set per code)."""
    codes = np.array([[-1 if v is None else v for v in row] for row in matrix], dtype=np.int64)
    k = int(codes.max()) + 1
    return ag.Codes(codes, [frozenset([str(i)]) for i in range(k)], np.zeros((k, 1), dtype=np.uint64))


# --- Gwet's AC1 -------------------------------------------------------------------------------------------

def test_the_reference_file_says_where_its_values_come_from():
    p = REFERENCE["provenance"]
    assert p["package"] == "irrCAC" and p["version"] and "gwet()" in p["functions"]
    assert (Path(__file__).parents[1] / p["script"].removeprefix("tests/")).exists()


@pytest.mark.parametrize("case", REFERENCE["cases"], ids=lambda c: c["name"])
def test_ac1_matches_irrcac(case):
    c = matrix_codes(case["matrix"])
    q = len(case["categories"]) if case["categories"] else None
    ours, reason = ag.gwet_ac1(c, categories=q)
    assert reason is None and ours == pytest.approx(case["gwet_ac1"], abs=1e-9)


def test_reference_inputs_are_still_what_the_generators_make():
    """The stored matrices are the ones the earlier tests built (random_sets, codes_from_matrix)."""
    rows = random_sets(random.Random(400), 70, 2, missing=0.0)
    assert codes_from_matrix(rows).codes.tolist() == REFERENCE["cases"][0]["matrix"]


def binary(rows_of_sets, tag):
    return [[None if v is None else int(tag in v) for v in row] for row in rows_of_sets]


def binary_codes(rows) -> ag.Codes:
    codes = np.array([[-1 if v is None else v for v in row] for row in rows], dtype=np.int64)
    return ag.Codes(codes, [frozenset(), frozenset(["t"])], np.array([[0], [1]], dtype=np.uint64))


def test_rare_tag_kappa_collapses_ac1_does_not():
    # 200 items, 2 annotators; the tag is present on 6 items, and the two agree on only 2 of them
    rows = [[0, 0] for _ in range(200)]
    for u, pair in zip(range(6), ([1, 1], [1, 1], [1, 0], [0, 1], [1, 0], [0, 1])):
        rows[u] = pair
    c = binary_codes(rows)
    kappa, _ = ag.cohen_kappa(c)
    alpha = ag.alpha(c).value
    ac1, _ = ag.gwet_ac1(c, categories=2)
    assert kappa < 0.5 and alpha < 0.5  # the prevalence paradox: 98% raw agreement, κ ≈ 0.49
    assert ac1 > 0.95
    stored = next(x for x in REFERENCE["cases"] if x["name"].startswith("rare tag"))
    assert stored["matrix"] == rows and ac1 == pytest.approx(stored["gwet_ac1"], abs=1e-9)
    assert ag.percent_agreement(c) == pytest.approx(196 / 200)


@pytest.mark.parametrize("case", [c for c in REFERENCE["cases"] if "fleiss_kappa" in c], ids=lambda c: c["name"])
def test_small_samples_reproduce_fleiss_and_percent_agreement(case):
    """Two subjects are enough for every coefficient to be defined: they are computed, not withheld.
    Randolph's free-marginal κ is (P̄ − 1/q)/(1 − 1/q) from the same P̄ (irrCAC's Brennan–Prediger)."""
    c = matrix_codes(case["matrix"])
    fleiss, reason = ag.fleiss_kappa(c)
    assert reason is None and fleiss == pytest.approx(case["fleiss_kappa"], abs=1e-9)
    p = ag.percent_agreement(c)
    assert p == pytest.approx(case["percent_agreement"], abs=1e-9)
    q = len({v for row in case["matrix"] for v in row if v is not None})
    assert (p - 1 / q) / (1 - 1 / q) == pytest.approx(case["brennan_prediger"], abs=1e-9)


def test_ac1_degenerate_cases_have_reasons():
    assert ag.gwet_ac1(codes_from_matrix([[{"a"}, None], [None, {"b"}]]))[0] is None
    value, reason = ag.gwet_ac1(codes_from_matrix([[{"a"}, {"a"}], [{"a"}, {"a"}]]))
    assert value is None and "q = 1" in reason


# --- α per group (per document) -----------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["nominal", "masi", "jaccard"])
@pytest.mark.parametrize("max_pairs", [1, 50, 2_000_000])
def test_alpha_by_group_equals_alpha_on_each_group(kind, max_pairs):
    rows = random_sets(random.Random(600), 90, 3, missing=0.3)
    c = codes_from_matrix(rows)
    groups = np.array([u * 7 // 90 for u in range(90)])
    ga = breakdown.alpha_by_group(c, groups, 7, kind, max_pairs=max_pairs)
    for g in range(7):
        ref = ag.alpha(ag.Codes(c.codes[groups == g], c.sets, c.bits), kind).value
        assert ga.value[g] == pytest.approx(ref, abs=1e-12)


# --- precision, recall, F1 -----------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(4))
def test_precision_recall_f1_match_sklearn(seed):
    rng = np.random.default_rng(seed)
    true = rng.random((60, 8)) < 0.25
    pred = true ^ (rng.random((60, 8)) < 0.15)
    true[:, 7] = pred[:, 7] = False  # a tag nobody chose: left out of the macro mean
    got = ag.precision_recall_f1(pred, true)
    for avg in ("micro", "macro"):
        labels = list(range(7))
        p, r, f, _ = precision_recall_fscore_support(true, pred, average=avg, labels=labels, zero_division=0)
        assert (got[avg]["precision"], got[avg]["recall"], got[avg]["f1"]) == pytest.approx((p, r, f), abs=1e-12)
    assert got["tags"] == 7


# --- the hierarchy distance -----------------------------------------------------------------------------------

def hierarchy_delta(taxonomy, a: set, b: set) -> float:
    vocab = list(taxonomy.tags)
    c = ag.encode([{"x": frozenset(a), "y": frozenset(b)}], vocab)
    h = hierarchy.closure(c, hierarchy_matrix(taxonomy, vocab))
    return float(ag.distance(h.bits, h.codes[:, 0], h.codes[:, 1], "jaccard")[0])


def test_hierarchy_distance_worked_example(taxonomy):
    assert taxonomy.tags["consultation.grassroots"].parent == "consultation"
    d = lambda a, b: hierarchy_delta(taxonomy, set(a), set(b))  # noqa: E731
    assert d(["consultation"], ["consultation.grassroots"]) == 0.5  # a parent against its own child
    assert d(["consultation.grassroots", "plan"], ["consultation", "plan"]) == pytest.approx(1 / 3)
    assert d(["study"], ["consultation"]) == 1.0
    assert d(["study", "plan"], ["study", "plan"]) == 0.0
    assert d([], []) == 0.0 and d([], ["study"]) == 1.0


def test_hierarchy_distance_is_a_bounded_pseudometric(taxonomy):
    rng = random.Random(9)
    pool = ["consultation", "consultation.grassroots", "study", "plan", "review", "economy", "unity"]
    sets = [frozenset(t for t in pool if rng.random() < 0.35) for _ in range(40)]
    vocab = list(taxonomy.tags)
    c = ag.encode([{f"s{i}": s for i, s in enumerate(sets)}], vocab, annotators=[f"s{i}" for i in range(40)])
    h = hierarchy.closure(c, hierarchy_matrix(taxonomy, vocab))
    idx = h.codes[0]
    d = ag.distance(h.bits, idx[:, None], idx[None, :], "jaccard")
    assert ((d >= 0) & (d <= 1)).all() and np.allclose(d, d.T) and np.allclose(np.diag(d), 0)
    for i, j, k in itertools.product(range(40), repeat=3):
        assert d[i, k] <= d[i, j] + d[j, k] + 1e-12
    # zero only when the closures are equal, e.g. {parent, child} against {child}
    assert hierarchy_delta(taxonomy, {"consultation", "consultation.grassroots"}, {"consultation.grassroots"}) == 0


def test_alpha_hierarchy_matches_krippendorff_package_with_the_same_metric(taxonomy):
    rng = random.Random(12)
    pool = ["consultation", "consultation.grassroots", "study", "plan", "review"]
    rows = []
    for _ in range(50):
        base = {t for t in pool if rng.random() < 0.4}
        row = []
        for _ in range(3):
            s = set(base)
            if rng.random() < 0.4:
                s ^= {rng.choice(pool)}
            row.append(None if rng.random() < 0.2 else frozenset(s))
        rows.append(row)
    vocab = list(taxonomy.tags)
    judgments = [{f"c{a}": v for a, v in enumerate(row) if v is not None} for row in rows]
    c = ag.encode(judgments, vocab, annotators=["c0", "c1", "c2"])
    ours = ag.alpha(hierarchy.closure(c, hierarchy_matrix(taxonomy, vocab)), "jaccard").value
    sets = c.sets
    data = [[np.nan if v < 0 else v for v in c.codes[:, a]] for a in range(3)]
    metric = np.vectorize(lambda x, y: hierarchy_delta(taxonomy, sets[int(x)], sets[int(y)]))
    ref = krippendorff.alpha(reliability_data=data, level_of_measurement=lambda v1, v2, **_: metric(v1, v2),
                             value_domain=list(range(len(sets))))
    assert ours == pytest.approx(ref, abs=1e-9)


# --- the report: pairs, tags, documents, gold, sample ---------------------------------------------------------

def test_report_pairs_tags_and_documents_mark_small_samples(double_db, taxonomy):
    """Under MIN_SHARED items a figure is still given when defined, marked reliable=false with its caution."""
    store = Store(double_db)
    sid = next(store.iter_units("sentence")).id
    store.change("annotation", sid, "stray", "confirm", State(("study",), "done"))
    rep = report(store, taxonomy, bootstrap=20)
    assert rep["overall"]["gwet_ac1"] is not None
    pairs = {(p["a"], p["b"]): p for p in rep["pairs"]}
    ab = pairs[("alice", "bob")]
    assert ab["gwet_ac1"] is not None and ab["shared_items"] == rep["items"]
    assert ab["reliable"] and ab["caution"] is None
    stray = pairs[("alice", "stray")]
    assert stray["shared_items"] == 1 and not stray["reliable"] and stray["caution"] == "n = 1: too few items to rely on"
    for tag, f in rep["per_tag"].items():
        assert f["gwet_ac1"] is not None  # binary AC1 is defined whenever an item has two judgments
        if f["items_with_tag"] < ag.MIN_SHARED:
            assert not f["reliable"] and f["caution"] == f"n = {f['items_with_tag']}: too few items to rely on"
        else:
            assert f["reliable"] and f["caution"] is None
    assert any(f["items_with_tag"] < ag.MIN_SHARED for f in rep["per_tag"].values())  # the check ran
    docs = rep["per_document"]
    assert sum(d["items"] for d in docs.values()) == rep["items"] and all(d["title"] for d in docs.values())
    assert all(d["alpha_masi"] is not None for d in docs.values() if d["items"] >= ag.MIN_SHARED)
    assert all(d["reliable"] == (d["items"] >= ag.MIN_SHARED) for d in docs.values())
    assert rep["versus_gold"] == {}  # no gold yet
    store.close()


def test_per_document_alpha_equals_alpha_on_that_document(double_db, taxonomy):
    from annotator.measure.report import collect

    store = Store(double_db)
    rep = report(store, taxonomy, bootstrap=0)
    items, _, _ = collect(store)
    vocab = list(taxonomy.tags)
    for doc, d in rep["per_document"].items():
        ids = [i for i in items if i.rpartition("-")[0] == doc]
        c = ag.encode([items[i] for i in ids], vocab, ids, rep["annotators"])
        assert d["items"] == len(ids) and d["alpha_masi"] == pytest.approx(ag.alpha(c, "masi").value, abs=1e-12)
    store.close()


def test_small_document_gets_a_marked_figure(double_db, taxonomy):
    store = Store(double_db)
    units = [u.id for u in store.iter_units("sentence")]
    docs: dict = {}
    for sid in units:
        docs.setdefault(sid.rpartition("-")[0], []).append(sid)
    first, second = list(docs)[:2]
    sample = set(docs[first][:3]) | set(docs[second])
    rep = report(store, taxonomy, bootstrap=0, sample=sample)
    small = rep["per_document"][first]
    assert small["items"] == 3 and not small["reliable"] and small["caution"] == "n = 3: too few items to rely on"
    items, _, _ = __import__("annotator.measure.report", fromlist=["collect"]).collect(store, sample=set(docs[first][:3]))
    ids = list(items)
    c = ag.encode([items[i] for i in ids], list(taxonomy.tags), ids, rep["annotators"])
    want = ag.alpha(c, "masi")
    assert small["alpha_masi"] == (None if want.value is None else pytest.approx(want.value, abs=1e-12))
    assert rep["per_document"][second]["alpha_masi"] is not None and rep["per_document"][second]["reliable"]
    store.close()


def test_versus_gold_per_annotator(double_db, taxonomy):
    store = Store(double_db)
    units = [u.id for u in store.iter_units("sentence")][:30]
    rng = random.Random(5)
    gold = {}
    for sid in units:
        j = store.item_judgments(sid)
        labels = set(j["alice"].labels) if rng.random() < 0.6 else set(j["bob"].labels)
        if rng.random() < 0.3:
            labels ^= {"unity"}
        gold[sid] = sorted(labels)
        store.change("gold", sid, "carol", "gold-save", State(tuple(gold[sid]), "done"))
    store.change("gold", units[-1], "carol", "gold-toggle", State(("study",), "draft"))  # not adjudicated
    del gold[units[-1]]
    rep = report(store, taxonomy, bootstrap=0)
    vocab = list(taxonomy.tags)
    for name in ("alice", "bob"):
        v = rep["versus_gold"][name]
        assert v["items"] == len(gold)
        true = np.array([[t in gold[s] for t in vocab] for s in gold])
        pred = np.array([[t in store.annotation(s, name).labels for t in vocab] for s in gold])
        used = [i for i in range(len(vocab)) if true[:, i].any() or pred[:, i].any()]
        for avg in ("micro", "macro"):
            p, r, f, _ = precision_recall_fscore_support(true, pred, average=avg, labels=used, zero_division=0)
            assert (v[avg]["precision"], v[avg]["recall"], v[avg]["f1"]) == pytest.approx((p, r, f), abs=1e-12)
    few = report(store, taxonomy, bootstrap=0, sample=set(list(gold)[:3]))
    small = few["versus_gold"]["alice"]
    assert small["micro"] is not None and not small["reliable"] and small["caution"] == "n = 3: too few items to rely on"
    store.close()


def test_sample_restricts_every_figure(double_db, taxonomy):
    from annotator.measure.report import collect

    store = Store(double_db)
    units = [u.id for u in store.iter_units("sentence")]
    sample = set(units[::3]) | {"no-such-sentence-1"}
    rep = report(store, taxonomy, bootstrap=0, sample=sample)
    items, _, _ = collect(store)
    kept = [i for i in items if i in sample]
    assert rep["items"] == len(kept) and rep["sample"] == len(sample)
    assert rep["excluded"]["outside_sample_items"] == len(items) - len(kept)
    c = ag.encode([items[i] for i in kept], list(taxonomy.tags), kept, rep["annotators"])
    assert rep["overall"]["alpha_masi"] == pytest.approx(ag.alpha(c, "masi").value, abs=1e-12)
    assert rep["overall"]["gwet_ac1"] == pytest.approx(ag.gwet_ac1(c)[0], abs=1e-12)
    assert rep["pairs"][0]["shared_items"] == len(kept)
    assert sum(d["items"] for d in rep["per_document"].values()) == len(kept)
    store.close()


def test_hierarchy_option_adds_alpha_hierarchy(double_db, taxonomy):
    from click.testing import CliRunner

    from annotator.cli import cli
    r = CliRunner().invoke(cli, ["--db", str(double_db), "agree", "--json", "--bootstrap", "20"])
    plain = json.loads(r.output)
    assert r.exit_code == 0 and "alpha_hierarchy" not in plain["overall"] and plain["distance"] == "masi"
    r = CliRunner().invoke(cli, ["--db", str(double_db), "agree", "--json", "--bootstrap", "20",
                                 "--distance", "hierarchy"])
    rep = json.loads(r.output)
    assert r.exit_code == 0 and rep["distance"] == "hierarchy"
    assert rep["overall"]["alpha_hierarchy"] is not None and len(rep["overall"]["alpha_hierarchy_ci95"]) == 2
    assert rep["pairs"][0]["alpha_hierarchy"] is not None
    assert all("alpha_hierarchy" in d for d in rep["per_document"].values())
    assert {k: v for k, v in rep["overall"].items() if not k.startswith("alpha_hierarchy")} == plain["overall"]
    r = CliRunner().invoke(cli, ["--db", str(double_db), "agree", "--distance", "hierarchy", "--bootstrap", "20",
                                 "--all"], env={"COLUMNS": "220"})
    assert r.exit_code == 0
    for heading in ("α hier", "AC1", "Per document", "Annotator pairs"):
        assert heading in r.output


def test_pair_and_tag_ac1_in_the_report_are_the_checked_function_on_the_right_rows(double_db, taxonomy):
    from annotator.measure.report import collect

    store = Store(double_db)
    units = [u.id for u in store.iter_units("sentence")]
    rng = random.Random(8)
    for sid in units[::2]:  # carol judges half the items, often like alice
        labels = store.annotation(sid, "alice").labels if rng.random() < 0.7 else ("study",)
        store.change("annotation", sid, "carol", "confirm", State(tuple(labels), "done"))
    rep = report(store, taxonomy, bootstrap=0)
    items, _, _ = collect(store)
    ids = list(items)
    vocab = list(taxonomy.tags)
    c = ag.encode([items[i] for i in ids], vocab, ids, rep["annotators"])
    for p in rep["pairs"]:
        a, b = rep["annotators"].index(p["a"]), rep["annotators"].index(p["b"])
        sub = c.codes[:, [a, b]]
        sub = sub[(sub >= 0).all(axis=1)]
        assert p["shared_items"] == len(sub)
        assert p["gwet_ac1"] == pytest.approx(ag.gwet_ac1(ag.Codes(sub, c.sets, c.bits))[0], abs=1e-12)
    tm = ag.tag_matrix(c, len(vocab))
    for tag in ("study", "plan"):
        f = rep["per_tag"][tag]
        t = vocab.index(tag)
        b = np.where(c.codes >= 0, tm[np.maximum(c.codes, 0), t].astype(np.int64), -1)
        assert f["gwet_ac1"] == pytest.approx(ag.gwet_ac1(binary_codes(b.tolist()), categories=2)[0], abs=1e-12)
    assert rep["overall"]["gwet_ac1"] == pytest.approx(ag.gwet_ac1(c)[0], abs=1e-12)
    store.close()


def test_table_marks_a_rare_tags_figures(double_db, taxonomy):
    from click.testing import CliRunner

    from annotator.cli import cli
    rep = report(Store(double_db), taxonomy, bootstrap=0)
    rare = [t for t, f in rep["per_tag"].items() if f["items_with_tag"] < ag.MIN_SHARED]
    assert rare
    r = CliRunner().invoke(cli, ["--db", str(double_db), "agree", "--bootstrap", "0", "--sample", "all", "--all"],
                           env={"COLUMNS": "220"})
    assert r.exit_code == 0
    line = next(ln for ln in r.output.splitlines() if f" {rare[0]} " in ln)
    assert "too few items to rely on" in line


async def test_review_dashboard_shows_ac1(double_db, taxonomy):
    from textual.widgets import DataTable

    from annotator.tui.app import build_app

    app = build_app(Store(double_db), taxonomy, "judge", mode="review")
    async with app.run_test(size=(140, 50)) as pilot:
        await pilot.press("ctrl+d")
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        assert "AC1" in [str(c.label) for c in table.columns.values()]
        assert app.screen.report["overall"]["gwet_ac1"] is not None


def test_hierarchy_distance_on_a_deeper_tree_is_a_bounded_pseudometric():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    # 0 ← 1 ← 2 ← 3 (a chain), 0 ← 4, 5 ← 6, 7 alone
    parents = [None, 0, 1, 2, 0, None, 5, None]
    up = hierarchy.ancestors(parents)
    vocab = [f"t{i}" for i in range(8)]
    subsets = st.frozensets(st.sampled_from(vocab), max_size=4)

    @settings(max_examples=200, deadline=None)
    @given(subsets, subsets, subsets)
    def check(a, b, c):
        codes = ag.encode([{"a": a, "b": b, "c": c}], vocab, annotators=["a", "b", "c"])
        h = hierarchy.closure(codes, up)
        i = h.codes[0]
        d = ag.distance(h.bits, i[:, None], i[None, :], "jaccard")
        assert ((d >= 0) & (d <= 1 + 1e-12)).all() and np.allclose(d, d.T) and np.allclose(np.diag(d), 0)
        assert d[0, 2] <= d[0, 1] + d[1, 2] + 1e-12
        if a == b:
            assert d[0, 1] == 0

    check()
    one = ag.encode([{"a": frozenset(["t0"]), "b": frozenset(["t1"])}], vocab)
    h = hierarchy.closure(one, up)
    assert ag.distance(h.bits, h.codes[:, 0], h.codes[:, 1], "jaccard")[0] == 0.5  # parent against child


@pytest.mark.parametrize("seed,coders,missing", [(0, 2, 0.0), (1, 2, 0.3), (2, 3, 0.3), (3, 4, 0.5), (4, 3, 0.9)])
def test_per_tag_binary_equals_the_one_tag_at_a_time_figures(seed, coders, missing):
    rows = random_sets(random.Random(700 + seed), 40, coders, missing=missing)
    rows[0] = [frozenset({"a"})] + [None] * (coders - 1)  # an item with one judgment
    c = codes_from_matrix(rows)
    vocab = sorted({t for j in rows for v in j if v for t in v}) + ["never-chosen"]
    figs = breakdown.per_tag_binary(c, len(vocab))
    tm = ag.tag_matrix(c, len(vocab))
    for t in range(len(vocab)):
        bc = binary_codes(np.where(c.codes >= 0, tm[np.maximum(c.codes, 0), t].astype(np.int64), -1).tolist())
        for got, reason, (want, why) in (
                (figs.alpha[t], figs.alpha_reason[t], (lambda a: (a.value, a.reason))(ag.alpha(bc, "nominal"))),
                (figs.kappa[t], figs.kappa_reason[t], ag.light_kappa(bc)),
                (figs.ac1[t], figs.ac1_reason[t], ag.gwet_ac1(bc, categories=2))):
            assert reason == why
            assert (np.isnan(got) and want is None) or got == pytest.approx(want, abs=1e-12)


def test_facet_scopes_gold_scores_and_documents(double_db, taxonomy):
    store = Store(double_db)
    for sid in [u.id for u in store.iter_units("sentence")][:12]:
        store.change("gold", sid, "carol", "gold-save", State(store.annotation(sid, "bob").labels, "done"))
    rep = report(store, taxonomy, bootstrap=0, facet="period")
    period = {t.id for t in taxonomy.facet_by_id["period"].tags}
    assert set(rep["per_tag"]) == period
    assert 0 < rep["versus_gold"]["bob"]["tags"] <= len(period) and rep["versus_gold"]["bob"]["micro"]["f1"] == 1.0
    assert all(d["alpha_masi"] is None or -1 <= d["alpha_masi"] <= 1 for d in rep["per_document"].values())
    store.close()


def test_overall_figures_from_fewer_than_min_shared_items_are_given_and_marked(store, taxonomy):
    """Four double-annotated items: every defined overall and facet figure is given, marked as too few."""
    from annotator.measure import agreement as ag_mod
    from annotator.measure.report import report

    ids = [u.id for u in store.iter_units("sentence")][:ag_mod.MIN_SHARED - 1]
    tag = next(iter(taxonomy.tags))
    store.import_judgments([{"sentence_id": sid, "annotator": who, "labels": [tag] if who == "a" or i < 2 else []}
                            for i, sid in enumerate(ids) for who in ("a", "b")])
    rep = report(store, taxonomy, bootstrap=20)
    o = rep["overall"]
    assert o["items"] == 4 and not o["reliable"] and o["caution"] == "n = 4: too few items to rely on"
    c = codes_from_matrix([[{tag}, {tag}], [{tag}, {tag}], [{tag}, set()], [{tag}, set()]])
    assert o["percent_agreement"] == pytest.approx(0.5)
    assert o["alpha_masi"] == pytest.approx(ag.alpha(c, "masi").value) and o["alpha_masi_ci95"] is not None
    assert o["gwet_ac1"] == pytest.approx(ag.gwet_ac1(c)[0]) and o["cohen_kappa"] == pytest.approx(ag.cohen_kappa(c)[0])
    assert o["fleiss_kappa"] == pytest.approx(ag.fleiss_kappa(c)[0]) and o["reasons"] == {}
    facet = next(f.id for f in taxonomy.facets if tag in {t.id for t in f.tags})
    assert rep["facets"][facet]["alpha_masi"] == pytest.approx(o["alpha_masi"])
    for name, scope in rep["facets"].items():
        assert not scope["reliable"]
        if name != facet:  # nobody chose a tag of this facet: α is undefined, and says why
            assert scope["alpha_masi"] is None and "expected disagreement is 0" in scope["reasons"]["alpha_masi"]


def test_a_two_item_pilot_shows_every_figure_marked(seeded_db):
    """A pilot of two sentences: the summary shows the figures (not "—") with the small-sample mark."""
    from click.testing import CliRunner

    from annotator.cli import cli

    store = Store(seeded_db)
    ids = [u.id for u in store.iter_units("sentence")][:2]
    store.import_judgments([{"sentence_id": sid, "annotator": who, "labels": ["study"] if who == "a" or i == 0
                             else ["plan"]} for i, sid in enumerate(ids) for who in ("a", "b")])
    store.close()
    rep = json.loads(CliRunner().invoke(cli, ["--db", str(seeded_db), "agree", "--json", "--bootstrap", "0"]).output)
    o = rep["overall"]
    assert o["items"] == 2 and o["reliable"] is False and o["caution"] == "n = 2: too few items to rely on"
    assert o["percent_agreement"] == 0.5 and o["gwet_ac1"] == pytest.approx(0.2) and o["reasons"] == {}
    assert o["fleiss_kappa"] == pytest.approx(-1 / 3)  # irrCAC: "2 subjects, 2 raters, disagree on one"
    r = CliRunner().invoke(cli, ["--db", str(seeded_db), "agree", "--bootstrap", "0"], env={"COLUMNS": "80"})
    assert r.exit_code == 0 and "n = 2: too few items to rely on" in r.output and "0.200" in r.output
