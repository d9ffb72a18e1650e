"""The `agree` report: every agreement figure from the database, as one JSON-able dict."""

from __future__ import annotations

import itertools
from collections import Counter

import numpy as np

from annotator.core.errors import AnnotatorError
from annotator.measure import agreement as ag
from annotator.measure import bootstrap as boot
from annotator.measure import breakdown, disputes, hierarchy
from annotator.core.model import ALPHA_GOOD
from annotator.store import Store, document_of
from annotator.core.taxonomy import Taxonomy
from annotator.core.textsafe import to_json as _to_json


def collect(store: Store, annotators: list[str] | None = None, sample: set[str] | None = None, tag_sets=None):
    """Per sentence unit, each annotator's done tag set; plus counts of what was left out.

    Returns (items judged done by two or more, counts of what was left out, every done judgment by
    item — the single ones included, for the comparison with gold)."""
    by_item, other, outside = tag_sets or store.done_tag_sets(annotators, sample)
    excluded = Counter({f"{status}_judgments": k for status, k in other.items()})
    items = {k: v for k, v in by_item.items() if len(v) >= 2}
    excluded["single_judgment_items"] = len(by_item) - len(items)
    if sample is not None:
        excluded["outside_sample_items"] = len(outside)
    return items, dict(excluded), by_item


def hierarchy_matrix(taxonomy: Taxonomy, vocabulary: list[str]) -> np.ndarray:
    """The ancestor matrix of ``vocabulary`` from the taxonomy's nesting (see agreement.closure)."""
    pos = {t: i for i, t in enumerate(vocabulary)}
    parents = [pos.get(taxonomy.tags[t].parent) if t in taxonomy.tags and taxonomy.tags[t].parent else None
               for t in vocabulary]
    return hierarchy.ancestors(parents)


def caution(n: int) -> str | None:
    """The mark on a figure from fewer than MIN_SHARED items: given, but not to be relied on."""
    return None if n >= ag.MIN_SHARED else f"n = {n}: too few items to rely on"


def marks(n: int) -> dict:
    """``reliable`` (n ≥ MIN_SHARED) and ``caution`` (the sentence saying why not, else null)."""
    return {"reliable": n >= ag.MIN_SHARED, "caution": caution(n)}


def figures(codes: ag.Codes, bootstrap: int, seed: int, up: np.ndarray | None = None) -> dict:
    """Every figure that is defined, however few the items; ``reliable``/``caution`` mark a small sample and
    ``reasons`` say why an undefined figure is null."""
    out: dict = {"items": int(((codes.codes >= 0).sum(axis=1) >= 2).sum())}
    out.update(marks(out["items"]))
    reasons: dict[str, str] = {}
    for kind in ag.DISTANCES:
        a = ag.alpha(codes, kind, keep_pairs=(kind == "masi"))
        out[f"alpha_{kind}"] = a.value
        if a.reason:
            reasons[f"alpha_{kind}"] = a.reason
        if kind == "masi":
            ci = ag.bootstrap_alpha(a, bootstrap, seed)
            out["alpha_masi_ci95"] = list(ci) if ci else None
    if up is not None:
        a = ag.alpha(hierarchy.closure(codes, up), "jaccard", keep_pairs=True)
        out["alpha_hierarchy"] = a.value
        ci = ag.bootstrap_alpha(a, bootstrap, seed)
        out["alpha_hierarchy_ci95"] = list(ci) if ci else None
        if a.reason:
            reasons["alpha_hierarchy"] = a.reason
    out["percent_agreement"] = ag.percent_agreement(codes)
    out["gwet_ac1"], r = ag.gwet_ac1(codes)
    if r:
        reasons["gwet_ac1"] = r
    out["cohen_kappa"], r = ag.light_kappa(codes)  # two annotators: Cohen's; more: the mean over pairs
    if r:
        reasons["cohen_kappa"] = r
    out["fleiss_kappa"], r = ag.fleiss_kappa(codes)
    if r:
        reasons["fleiss_kappa"] = r
    out["reasons"] = reasons
    return out


def per_tag(codes: ag.Codes, vocabulary: list[str]) -> dict:
    """Binary present/absent figures per tag, whenever defined. A tag chosen on fewer than MIN_SHARED items is
    marked (``reliable`` false, ``caution``): agreement on a tag nobody used is not evidence of anything."""
    tm = ag.tag_matrix(codes, len(vocabulary))
    present = codes.codes >= 0
    pairable = present.sum(axis=1) >= 2
    judgments = int(present[pairable].sum())
    chosen = tm[np.maximum(codes.codes, 0)] & present[:, :, None] if len(tm) else \
        np.zeros(codes.codes.shape + (len(vocabulary),), dtype=bool)
    support = chosen[pairable].sum(axis=(0, 1))
    with_tag = chosen[pairable].any(axis=1).sum(axis=0)
    figs = breakdown.per_tag_binary(codes, len(vocabulary))
    two = codes.codes.shape[1] == 2

    def value(v):
        return None if np.isnan(v) else float(v)

    out = {}
    for t, tag in enumerate(vocabulary):
        items = int(with_tag[t])
        row = {"alpha": None, "kappa": None, "gwet_ac1": None,
               "kappa_kind": "cohen" if two else "mean of pairwise cohen", "items_with_tag": items,
               "support": int(support[t]), "prevalence": int(support[t]) / judgments if judgments else None,
               **marks(items)}
        row.update(alpha=value(figs.alpha[t]), kappa=value(figs.kappa[t]), gwet_ac1=value(figs.ac1[t]))
        row["reasons"] = {k: v for k, v in (("alpha", figs.alpha_reason[t]), ("kappa", figs.kappa_reason[t]),
                                            ("gwet_ac1", figs.ac1_reason[t])) if v}
        out[tag] = row
    return out


def pairs(codes: ag.Codes, up: np.ndarray | None = None) -> list[dict]:
    """Every annotator pair on the items both judged: α MASI, Cohen's κ, Gwet's AC1 (and α hierarchy), whenever
    defined; ``reliable`` false (and ``caution``) under MIN_SHARED shared items."""
    out = []
    for a, b in itertools.combinations(range(len(codes.annotators)), 2):
        sub = ag.shared_rows(ag.pair_codes(codes, a, b))
        shared = len(sub.codes)
        row = {"a": codes.annotators[a], "b": codes.annotators[b], "shared_items": shared,
               "alpha_masi": None, "cohen_kappa": None, "gwet_ac1": None, **marks(shared)}
        if up is not None:
            row["alpha_hierarchy"] = None
        if shared == 0:
            row["reason"] = "no shared item"
            out.append(row)
            continue
        al = ag.alpha(sub, "masi")
        kappa, kr = ag.cohen_kappa(sub)
        ac1, acr = ag.gwet_ac1(sub)
        row.update(alpha_masi=al.value, cohen_kappa=kappa, gwet_ac1=ac1, reason=al.reason or kr or acr)
        if up is not None:
            row["alpha_hierarchy"] = ag.alpha(hierarchy.closure(sub, up), "jaccard").value
        out.append(row)
    return out


def per_document(codes: ag.Codes, titles: dict[str, str], up: np.ndarray | None = None) -> dict:
    """doc id → title, items, α MASI (and α hierarchy), reason (why a figure is undefined), reliable/caution;
    in corpus order."""
    docs: dict[str, int] = {}
    groups = np.array([docs.setdefault(document_of(sid), len(docs)) for sid in codes.items], dtype=np.int64)
    if not docs:
        return {}
    masi = breakdown.alpha_by_group(codes, groups, len(docs), "masi")
    hier = breakdown.alpha_by_group(hierarchy.closure(codes, up), groups, len(docs), "jaccard") if up is not None else None
    out = {}
    for doc, g in docs.items():
        n = int(masi.units[g])
        row = {"title": titles.get(doc, ""), "items": n, "alpha_masi": None, "reason": None, **marks(n)}
        if hier is not None:
            row["alpha_hierarchy"] = None
        if np.isnan(masi.value[g]):
            row["reason"] = "every value is the same category: expected disagreement is 0, alpha undefined"
        else:
            row["alpha_masi"] = float(masi.value[g])
            if hier is not None and not np.isnan(hier.value[g]):
                row["alpha_hierarchy"] = float(hier.value[g])
        out[doc] = row
    return out


def versus_gold(store: Store, done: dict[str, dict[str, frozenset]], vocabulary: list[str],
                scope: list[str], sample: set[str] | None = None) -> dict:
    """Per annotator: precision, recall and F1 against the adjudicated gold (status done), on the items
    where both that annotator's done judgment and gold exist; tags limited to ``scope``. Empty when the
    gold layer has no adjudicated row."""
    gold = {sid: frozenset(g.labels) for sid, g in store.gold_items().items()
            if g.status == "done" and (sample is None or sid in sample)}
    if not gold:
        return {}
    cols = [vocabulary.index(t) for t in scope]
    names = sorted({a for sid in gold for a in done.get(sid, {})})
    out = {}
    for name in names:
        sids = [sid for sid in gold if name in done.get(sid, {})]
        row = {"items": len(sids), **marks(len(sids))}
        c = ag.encode([{"a": done[sid][name], "g": gold[sid]} for sid in sids], vocabulary, sids, ["a", "g"])
        tm = ag.tag_matrix(c, len(vocabulary))[:, cols]
        scores = ag.precision_recall_f1(tm[c.codes[:, 0]], tm[c.codes[:, 1]])
        row.update(scores, reason=None)
        out[name] = row
    return out


def confusion(codes: ag.Codes, vocabulary: list[str], top: int = 50) -> list[dict]:
    """How often one annotator chose tag A where the other chose B and not A (b None: chose nothing extra)."""
    tm = ag.tag_matrix(codes, len(vocabulary)).astype(np.float32)
    total = np.zeros((len(vocabulary), len(vocabulary) + 1))
    for a, b in itertools.permutations(range(len(codes.annotators)), 2):
        both = (codes.codes[:, a] >= 0) & (codes.codes[:, b] >= 0)
        ta, tb = tm[codes.codes[both, a]], tm[codes.codes[both, b]]
        only_a = ta * (1 - tb)
        only_b = tb * (1 - ta)
        total[:, :-1] += only_a.T @ only_b
        total[:, -1] += only_a[only_b.sum(axis=1) == 0].sum(axis=0)
    rows = []
    for i, j in zip(*np.nonzero(total)):
        rows.append({"a": vocabulary[i], "b": vocabulary[j] if j < len(vocabulary) else None,
                     "count": int(total[i, j])})
    rows.sort(key=lambda r: (-r["count"], r["a"], r["b"] or ""))
    return rows[:top]


SCOPES = ("planned", "all")


def scope_of(store: Store, scope: str = "planned") -> tuple[set[str] | None, dict]:
    """The items agreement is measured on: with ``planned`` (the default) the current plan's overlap
    sample when there is one, else — and with ``all`` — every sentence done by two or more annotators.
    Returns the sentence ids (None: no restriction) and a description for reports and dataset cards."""
    if scope not in SCOPES:
        raise AnnotatorError(f"unknown sample '{scope}' ({', '.join(SCOPES)})")
    plan = store.current_plan() if scope == "planned" else None
    if plan is None:
        why = "no assignment plan" if scope == "planned" else "--sample all"
        return None, {"scope": "all", "why": f"{why}: every sentence done by two or more annotators"}
    ids = store.overlap_items()
    if not ids:
        return None, {"scope": "all", "plan": plan["id"],
                      "why": "the plan has no overlap sample: every sentence done by two or more annotators"}
    return ids, {"scope": "planned overlap sample", "plan": plan["id"], "sentences": len(ids),
                 "overlap": plan["settings"].get("overlap"), "per_item": plan["settings"].get("per_item"),
                 "seed": plan["settings"].get("seed")}


def report(store: Store, taxonomy: Taxonomy, *, facet: str | None = None, annotators: list[str] | None = None,
           bootstrap: int = boot.SAMPLES, seed: int = boot.SEED, distance: str = "masi", sample: set[str] | None = None,
           detail: bool = False, tag_sets=None) -> dict:
    """Every figure. ``distance='hierarchy'`` adds α with the hierarchy distance; ``sample`` restricts every
    figure to those sentence ids (e.g. a planned overlap sample). ``detail`` (the HTML report) adds each
    tag's α interval, the tag co-occurrence between annotators per facet and the most disputed items of
    the weakest tags (see ``disputes``). ``tag_sets``: ``store.done_tag_sets(annotators, sample)`` when the
    caller has it already (read once)."""
    if distance not in ("masi", "hierarchy"):
        raise AnnotatorError(f"unknown distance '{distance}' (masi, hierarchy)")
    items, excluded, done = collect(store, annotators, sample, tag_sets)
    vocabulary = list(taxonomy.tags)
    unknown = sorted({t for j in items.values() for s in j.values() for t in s} - set(vocabulary))
    if unknown:
        excluded["unknown_labels"] = unknown
    item_ids = list(items)
    codes = ag.encode([items[i] for i in item_ids], vocabulary, item_ids, annotators)
    up = hierarchy_matrix(taxonomy, vocabulary) if distance == "hierarchy" else None
    facets = [f for f in taxonomy.facets if facet is None or f.id == facet]
    if facet is not None and not facets:
        raise AnnotatorError(f"no facet '{facet}' in taxonomy {taxonomy.name} ({', '.join(taxonomy.facet_by_id)})")
    result = {
        "items": len(item_ids),
        "annotators": codes.annotators,
        "taxonomy": {"name": taxonomy.name, "version": taxonomy.version, "hash": taxonomy.hash},
        "distance": distance,
        "sample": len(sample) if sample is not None else None,
        "overall": None,
        "facets": {},
        "per_tag": {},
        "pairs": [],
        "per_document": {},
        "versus_gold": {},
        "confusion": [],
        "excluded": excluded,
        "bootstrap": {"method": "Krippendorff (2006/2011): D_o resampled from observed coincidences, D_e fixed",
                      "samples": bootstrap, "seed": seed},
    }
    if facet is None:
        result["overall"] = figures(codes, bootstrap, seed, up)
    for f in facets:
        tags = [t.id for t in f.tags]
        result["facets"][f.id] = figures(ag.restrict(codes, vocabulary, tags), bootstrap, seed, up)
    scope = codes if facet is None else ag.restrict(codes, vocabulary, [t.id for t in facets[0].tags])
    tags_in_scope = vocabulary if facet is None else [t.id for t in facets[0].tags]
    tag_stats = per_tag(scope, vocabulary)
    result["per_tag"] = {t: tag_stats[t] for t in tags_in_scope}
    result["pairs"] = pairs(scope, up)
    result["per_document"] = per_document(scope, {d["id"]: d["title"] for d in store.documents()}, up)
    result["versus_gold"] = versus_gold(store, done, vocabulary, tags_in_scope, sample)
    result["confusion"] = confusion(scope, vocabulary)
    if facet is not None:
        result["overall"] = result["facets"][facet]
    if detail:
        add_detail(result, scope, vocabulary, facets, bootstrap, seed)
    return result


WEAK_TAGS = 8  # the disputed items of at most this many weakest tags (α below ALPHA_GOOD)


def add_detail(result: dict, codes: ag.Codes, vocabulary: list[str], facets, bootstrap: int, seed: int) -> None:
    rows = result["per_tag"]
    ci = disputes.per_tag_ci(codes, vocabulary, [t for t, r in rows.items() if r["alpha"] is not None], bootstrap, seed)
    for tag, row in rows.items():
        row["alpha_ci95"] = ci.get(tag)
    result["cooccurrence"] = {f.id: {"tags": [t.id for t in f.tags],
                                     "matrix": disputes.cooccurrence(codes, vocabulary, [t.id for t in f.tags])}
                              for f in facets}
    weak = sorted((r["alpha"], t) for t, r in rows.items() if r["alpha"] is not None and r["alpha"] < ALPHA_GOOD)
    result["disputed"] = {t: disputes.disputed(codes, vocabulary, t) for _, t in weak[:WEAK_TAGS]}


def to_json(rep: dict) -> str:
    return _to_json(rep, indent=2)
