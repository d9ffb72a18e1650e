"""Everything the HTML report shows that ``measure`` knows, as one JSON-able dict: the corpus, each
annotator's judgments, judgments per day, the plan's progress, every agreement figure (with the detail:
per-tag intervals, co-occurrence, disputed sentences), label prevalence and a document × tag count."""

from __future__ import annotations

from collections import Counter, defaultdict

from annotator.core.taxonomy import Taxonomy
from annotator.measure import bootstrap as boot
from annotator.measure.progress import plan_summary, progress
from annotator.measure.report import report, scope_of
from annotator.measure.stats import annotator_counts
from annotator.store import Store, document_of

MAX_DOCUMENTS = 400  # the document × tag heat map keeps the documents with the most judgments


def labels(store: Store, vocabulary: list[str], by_item: dict[str, dict[str, frozenset]] | None = None,
           max_documents: int = MAX_DOCUMENTS) -> dict:
    """Every done judgment (not only the sample): per tag the judgments choosing it and its share; per
    document the judgments per tag (the ``max_documents`` with most judgments, in corpus order).
    ``by_item``: ``store.done_tag_sets()[0]`` when the caller has it."""
    if by_item is None:
        by_item = store.done_tag_sets()[0]
    sets: Counter = Counter()  # (document, tag set) → judgments: each distinct set expanded once
    for sid, chosen in by_item.items():
        doc = document_of(sid)
        for tags in chosen.values():
            sets[(doc, tags)] += 1
    per_tag: Counter = Counter()
    per_doc: dict[str, Counter] = defaultdict(Counter)
    judged: Counter = Counter()
    for (doc, tags), n in sets.items():
        judged[doc] += n
        for t in tags:
            per_tag[t] += n
            per_doc[doc][t] += n
    total = sum(judged.values())
    titles = {d["id"]: d["title"] for d in store.documents()}
    order = {d: i for i, d in enumerate(titles)}
    keep = sorted(judged, key=lambda d: (-judged[d], order.get(d, 0)))[:max_documents]
    keep.sort(key=lambda d: order.get(d, 0))
    return {
        "judgments": total,
        "per_tag": {t: {"judgments": per_tag.get(t, 0), "share": per_tag.get(t, 0) / total if total else None}
                    for t in vocabulary},
        "unknown": {t: n for t, n in per_tag.items() if t not in set(vocabulary)},
        "documents": [{"id": d, "title": titles.get(d, ""), "judgments": judged[d],
                       "counts": [per_doc[d].get(t, 0) for t in vocabulary]} for d in keep],
        "documents_total": len(judged),
    }


def overview(store: Store, taxonomy: Taxonomy, *, annotators: list[str] | None = None, scope: str = "planned",
             bootstrap: int = boot.SAMPLES, seed: int = boot.SEED, tag_sets=None) -> dict:
    """``tag_sets``: ``store.done_tag_sets()`` when the caller has it (read once)."""
    sample, measured_on = scope_of(store, scope)
    everything = tag_sets or store.done_tag_sets()  # read once when agreement is measured on everything too
    agreement = report(store, taxonomy, annotators=annotators, bootstrap=bootstrap, seed=seed, sample=sample,
                       detail=True, tag_sets=everything if annotators is None and sample is None else None)
    agreement["measured_on"] = measured_on
    texts = {}
    for items in agreement["disputed"].values():
        for it in items:
            if it["id"] not in texts:
                s = store.sentence(it["id"])
                texts[it["id"]] = s.text if s else ""
    for items in agreement["disputed"].values():
        for it in items:
            it["text"] = texts[it["id"]]
    per_day: dict[str, dict[str, int]] = defaultdict(dict)
    for who, day, n in store.confirms_per_day():
        per_day[who][day] = n
    plan = store.current_plan()
    return {
        "corpus": {"documents": store.count_documents(), "units": store.count_units(),
                   "sentences": store.count_units("sentence")},
        "annotators": annotator_counts(store),
        "per_day": dict(per_day),
        "progress": progress(store) if plan is not None else None,
        "plan": plan_summary(store),
        "gold": {"adjudicated": sum(g.status == "done" for g in store.gold_items().values()),
                 "stale": len(store.stale_gold())},
        "agreement": agreement,
        "labels": labels(store, list(taxonomy.tags), everything[0]),
        "bootstrap": {"samples": bootstrap, "seed": seed},
    }
