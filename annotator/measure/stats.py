"""Corpus and team statistics: counts per tag, annotator and document, throughput, distinctive words."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from datetime import datetime

from annotator.store import Store
from annotator.core.model import IDLE_SECONDS as IDLE  # a longer gap between two events is a break
from annotator.core.model import MIN_ACTIVE_SECONDS
from annotator.core.taxonomy import Taxonomy
from annotator.core.words import count



STOP_WORDS = frozenset(
    "的 了 是 在 和 与 及 等 下 上 中 对 为 将 把 被 由 以 于 从 向 并 也 都 而 或 又 就 其 之 着 过 "
    "这 那 此 该 各 每 有 个 一 不 所 让 使 给 到 至 按 经 与其 以及 通过 进行 开展 围绕 关于 "
    "我们 我 你 他 她 它 他们 全体 一些 一批 一个 一次 还 更 很 最 已 已经 正 正在 得 地 可 能 要 "
    "会 如 若 因 因此 但 但是 同时 其中 以上 以下 之一 方面 工作 进一步 积极 认真 努力 不断 "
    "共 余 多 次 件 项 名 位 条 篇 期 场 家 人".split())
"""Function words and counters: ``stats --words`` leaves them out (they are frequent everywhere)."""


def tag_counts(store: Store) -> Counter:
    counts: Counter = Counter()
    for chosen in store.done_tag_sets()[0].values():
        for tags in chosen.values():
            counts.update(tags)
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
    ``active_seconds`` None with the ``reason`` (never a wrong 0). Under MIN_ACTIVE_SECONDS of active time
    ``per_hour`` is None with the reason: a few fast bursts are not a rate (they once showed 154,423/hour)."""
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
        d["untimed"], d["reason"] = 0, None
        if d["active_seconds"] >= MIN_ACTIVE_SECONDS:
            d["per_hour"] = d["confirmed"] / hours
        else:
            d["per_hour"] = None
            if d["confirmed"]:
                d["reason"] = (f"n/a (too little time): {d['active_seconds']:.0f} s of active tagging, "
                               f"at least {MIN_ACTIVE_SECONDS / 60:.0f} minutes give a speed")
    for who, n in store.untimed_done().items():
        d = out.setdefault(who, {"confirmed": 0, "active_seconds": None, "per_hour": None})
        d["untimed"] = n
        if d["confirmed"]:
            left = f"{count(n, 'done judgment')} without event times left out (merged from an export or imported)"
            d["reason"] = f"{d['reason']}; {left}" if d.get("reason") else left
        else:
            d["active_seconds"] = None
            d["reason"] = f"n/a: {count(n, 'done judgment')} without event times (merged from an export or imported)"
    for who in store.annotators():
        if who not in out:  # judgments but no tagging event at all (drafts or skips from an export)
            out[who] = {"confirmed": 0, "active_seconds": None, "per_hour": None, "untimed": 0,
                        "reason": "n/a: no tagging events here (merged from an export or imported)"}
    return out


def distinctive_words(store: Store, taxonomy: Taxonomy, highlighter, top: int = 10, alpha0: float = 1000.0
                      ) -> dict[str, list[tuple[str, float]]]:
    """Per tag, the words most distinctive of its sentences against all others (Monroe et al. 2008),
    leaving out stop words (``STOP_WORDS``) and one-character tokens."""

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


def weighted_log_odds(counts_in: dict[str, int], counts_out: dict[str, int], prior: dict[str, float],
                      alpha0: float = 1000.0) -> list[tuple[str, float]]:
    """Monroe, Colaresi & Quinn (2008): log-odds ratio with an informative Dirichlet prior, z-scored.

    ``prior`` holds each word's share of the whole corpus; α_w = alpha0 · share."""
    n_in, n_out = sum(counts_in.values()), sum(counts_out.values())
    out = []
    for w, share in prior.items():
        a_w = alpha0 * share
        y_i, y_j = counts_in.get(w, 0), counts_out.get(w, 0)
        if y_i == 0:
            continue
        d = (math.log((y_i + a_w) / (n_in + alpha0 - y_i - a_w)) - math.log((y_j + a_w) / (n_out + alpha0 - y_j - a_w)))
        var = 1 / (y_i + a_w) + 1 / (y_j + a_w)
        out.append((w, d / math.sqrt(var)))
    out.sort(key=lambda x: -x[1])
    return out
