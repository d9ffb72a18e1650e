"""The `agree` report: every agreement figure from the database, as one JSON-able dict."""

from __future__ import annotations

import itertools
import json
from collections import Counter, defaultdict

import numpy as np

from annotator import agreement as ag
from annotator import bootstrap as boot
from annotator.store import Store
from annotator.taxonomy import Taxonomy
from annotator.textsafe import to_json as _to_json


def collect(store: Store, annotators: list[str] | None = None):
    """Per sentence unit, each annotator's done tag set; plus counts of what was left out."""
    by_item: dict[str, dict[str, frozenset]] = defaultdict(dict)  # in corpus order (judgments() is)
    excluded = Counter()
    wanted = set(annotators) if annotators else None
    parsed: dict[str, frozenset] = {}  # few distinct label strings: parse each once
    for sid, who, labels, status in store.judgments():
        if wanted is not None and who not in wanted:
            continue
        if status == "done":
            s = parsed.get(labels)
            if s is None:
                s = parsed[labels] = frozenset(json.loads(labels))
            by_item[sid][who] = s
        else:
            excluded[f"{status}_judgments"] += 1
    items = {k: v for k, v in by_item.items() if len(v) >= 2}
    excluded["single_judgment_items"] = len(by_item) - len(items)
    return items, dict(excluded)


def figures(codes: ag.Codes, bootstrap: int, seed: int) -> dict:
    out: dict = {"items": int(((codes.codes >= 0).sum(axis=1) >= 2).sum())}
    reasons: dict[str, str] = {}
    for kind in ag.DISTANCES:
        a = ag.alpha(codes, kind, keep_pairs=(kind == "masi"))
        out[f"alpha_{kind}"] = a.value
        if a.reason:
            reasons[f"alpha_{kind}"] = a.reason
        if kind == "masi":
            ci = ag.bootstrap_alpha(a, bootstrap, seed)
            out["alpha_masi_ci95"] = list(ci) if ci else None
    out["percent_agreement"] = ag.percent_agreement(codes)
    out["cohen_kappa"], r = ag.light_kappa(codes)  # two annotators: Cohen's; more: the mean over pairs
    if r:
        reasons["cohen_kappa"] = r
    out["fleiss_kappa"], r = ag.fleiss_kappa(codes)
    if r:
        reasons["fleiss_kappa"] = r
    out["reasons"] = reasons
    return out


def per_tag(codes: ag.Codes, vocabulary: list[str]) -> dict:
    tm = ag.tag_matrix(codes, len(vocabulary))
    present = codes.codes >= 0
    pairable = present.sum(axis=1) >= 2
    judgments = int(present[pairable].sum())
    two = codes.codes.shape[1] == 2
    out = {}
    binary_bits = np.array([[0], [1]], dtype=np.uint64)
    for t, tag in enumerate(vocabulary):
        b = np.where(present, tm[np.maximum(codes.codes, 0), t].astype(np.int64), ag.MISSING)
        bc = ag.Codes(b, [frozenset(), frozenset([tag])], binary_bits)
        a = ag.alpha(bc, "nominal")
        kappa, kr = ag.light_kappa(bc)
        support = int((b[pairable] == 1).sum())
        out[tag] = {"alpha": a.value, "kappa": kappa, "kappa_kind": "cohen" if two else "mean of pairwise cohen",
                    "support": support, "prevalence": support / judgments if judgments else None,
                    "reasons": {k: v for k, v in (("alpha", a.reason), ("kappa", kr)) if v}}
    return out


def pairs(codes: ag.Codes) -> list[dict]:
    out = []
    for a, b in itertools.combinations(range(len(codes.annotators)), 2):
        sub = ag.pair_codes(codes, a, b)
        shared = int(((sub.codes >= 0).all(axis=1)).sum())
        if shared < ag.MIN_SHARED:  # never a figure from one or two items
            reason = f"only {shared} shared items (at least {ag.MIN_SHARED} needed)"
            out.append({"a": codes.annotators[a], "b": codes.annotators[b], "shared_items": shared,
                        "alpha_masi": None, "cohen_kappa": None, "reason": reason})
            continue
        al = ag.alpha(sub, "masi")
        kappa, kr = ag.cohen_kappa(sub)
        out.append({"a": codes.annotators[a], "b": codes.annotators[b], "shared_items": shared,
                    "alpha_masi": al.value, "cohen_kappa": kappa, "reason": al.reason or kr})
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


def report(store: Store, taxonomy: Taxonomy, *, facet: str | None = None, annotators: list[str] | None = None,
           bootstrap: int = boot.SAMPLES, seed: int = boot.SEED) -> dict:
    items, excluded = collect(store, annotators)
    vocabulary = list(taxonomy.tags)
    unknown = sorted({t for j in items.values() for s in j.values() for t in s} - set(vocabulary))
    if unknown:
        excluded["unknown_labels"] = unknown
    item_ids = list(items)
    codes = ag.encode([items[i] for i in item_ids], vocabulary, item_ids, annotators)
    facets = [f for f in taxonomy.facets if facet is None or f.id == facet]
    if facet is not None and not facets:
        raise KeyError(f"no facet '{facet}' in taxonomy {taxonomy.name} ({', '.join(taxonomy.facet_by_id)})")
    result = {
        "items": len(item_ids),
        "annotators": codes.annotators,
        "taxonomy": {"name": taxonomy.name, "version": taxonomy.version, "hash": taxonomy.hash},
        "overall": None,
        "facets": {},
        "per_tag": {},
        "pairs": [],
        "confusion": [],
        "excluded": excluded,
        "bootstrap": {"method": "Krippendorff (2006/2011): D_o resampled from observed coincidences, D_e fixed",
                      "samples": bootstrap, "seed": seed},
    }
    if facet is None:
        result["overall"] = figures(codes, bootstrap, seed)
    for f in facets:
        tags = [t.id for t in f.tags]
        result["facets"][f.id] = figures(ag.restrict(codes, vocabulary, tags), bootstrap, seed)
    scope = codes if facet is None else ag.restrict(codes, vocabulary, [t.id for t in facets[0].tags])
    tags_in_scope = vocabulary if facet is None else [t.id for t in facets[0].tags]
    tag_stats = per_tag(scope, vocabulary)
    result["per_tag"] = {t: tag_stats[t] for t in tags_in_scope}
    result["pairs"] = pairs(scope)
    result["confusion"] = confusion(scope, vocabulary)
    if facet is not None:
        result["overall"] = result["facets"][facet]
    return result


def to_json(rep: dict) -> str:
    return _to_json(rep, indent=2)
