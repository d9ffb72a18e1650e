"""A seeded sample of sentences with resolved labels, read without walking the corpus (the HTML report's
suggestion evaluation at scale)."""

from __future__ import annotations

import random

from annotator.publish.export import resolve
from annotator.store import Store, document_of


def resolved_sample(store: Store, limit: int, seed: int = 0,
                    by_item: dict[str, dict[str, frozenset]] | None = None) -> tuple[list[tuple[str, str, list[str]]], int]:
    """Up to ``limit`` (document, text, labels) of sentences whose labels resolve (gold, else agreed, else
    majority: ``export.resolve``), drawn with the seed, in corpus order; and how many sentences were
    candidates (with a done judgment or done gold). ``by_item``: ``store.done_tag_sets()[0]`` if known."""
    if by_item is None:
        by_item = store.done_tag_sets()[0]
    gold = {sid: g for sid, g in store.gold.all().items() if g.status == "done"}
    candidates = list(by_item) + [sid for sid in gold if sid not in by_item]
    order = candidates[:]
    random.Random(seed).shuffle(order)
    picked: list[tuple[int, str, str, list[str]]] = []
    for sid in order:
        if len(picked) >= limit:
            break
        g = gold.get(sid)
        labels, _ = resolve({"labels": list(g.labels), "status": "done"} if g else None,
                            {who: {"labels": tags, "status": "done"} for who, tags in by_item.get(sid, {}).items()})
        if labels is None:
            continue
        s = store.sentence(sid)
        if s is not None:
            picked.append((store.sentence_n(sid), document_of(sid), s.text, labels))
    picked.sort()
    return [(doc, text, labels) for _, doc, text, labels in picked], len(candidates)
