"""Corpus and team statistics: counts per tag, annotator and document, throughput, distinctive words."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import datetime

from annotator.store import Store
from annotator.taxonomy import Taxonomy

IDLE = 300.0  # seconds: a longer gap between two events is a break, not work


def tag_counts(store: Store) -> Counter:
    counts: Counter = Counter()
    for _sid, _who, labels, status in store.judgments():
        if status == "done":
            counts.update(json.loads(labels))
    return counts


def annotator_counts(store: Store) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for who, status, n in store.status_counts():
        out[who][status] = n
    return dict(out)


def _ts(at: str) -> float:
    return datetime.fromisoformat(at.replace("Z", "+00:00")).timestamp()


def throughput(store: Store) -> dict[str, dict]:
    """Confirmed sentences per active hour, from the event log (gaps over 5 minutes are breaks).

    Merging a database copies its tagging events with their times, so throughput survives a merge.
    Done judgments with no event here (merged from a JSONL export, imported) have no known working
    time: ``untimed`` counts them, and an annotator with nothing else gets ``per_hour`` and
    ``active_seconds`` None with the ``reason`` (never a wrong 0)."""
    out: dict[str, dict] = {}
    last: dict[str, float] = {}
    for who, at, action in store.event_times():
        d = out.setdefault(who, {"confirmed": 0, "active_seconds": 0.0})
        t = _ts(at)
        if who in last:
            gap = t - last[who]
            if 0 < gap <= IDLE:
                d["active_seconds"] += gap
        last[who] = t
        if action == "confirm":
            d["confirmed"] += 1
    for d in out.values():
        hours = d["active_seconds"] / 3600
        d["per_hour"] = d["confirmed"] / hours if hours > 0 else None
        d["untimed"], d["reason"] = 0, None
    for who, n in store.untimed_done().items():
        d = out.setdefault(who, {"confirmed": 0, "active_seconds": None, "per_hour": None})
        d["untimed"] = n
        if d["confirmed"]:
            d["reason"] = f"{n} done judgments without event times left out (merged from an export or imported)"
        else:
            d["active_seconds"] = None
            d["reason"] = f"n/a: {n} done judgments without event times (merged from an export or imported)"
    for who in store.annotators():
        if who not in out:  # judgments but no tagging event at all (drafts or skips from an export)
            out[who] = {"confirmed": 0, "active_seconds": None, "per_hour": None, "untimed": 0,
                        "reason": "n/a: no tagging events here (merged from an export or imported)"}
    return out


def distinctive_words(store: Store, taxonomy: Taxonomy, highlighter, top: int = 10, alpha0: float = 1000.0
                      ) -> dict[str, list[tuple[str, float]]]:
    """Per tag, the words most distinctive of its sentences against all others (Monroe et al. 2008),
    leaving out stop words (``suggest.STOP_WORDS``) and one-character tokens."""
    from annotator.suggest import STOP_WORDS, weighted_log_odds

    per_tag: dict[str, Counter] = defaultdict(Counter)
    total: Counter = Counter()
    examples = store.training_examples()
    for text, labels in examples:
        # function words (的, 在, 等…) and single characters are frequent everywhere: not distinctive
        words = Counter(w for w in highlighter.words(text) if len(w) > 1 and w not in STOP_WORDS)
        total.update(words)
        for t in labels:
            per_tag[t].update(words)
    n = sum(total.values()) or 1
    prior = {w: c / n for w, c in total.items()}
    out = {}
    for tag in taxonomy.tags:
        inside = per_tag.get(tag)
        if not inside:
            continue
        outside = {w: total[w] - inside.get(w, 0) for w in total}
        out[tag] = weighted_log_odds(dict(inside), outside, prior, alpha0)[:top]
    return out
