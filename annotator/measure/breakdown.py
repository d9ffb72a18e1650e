"""Agreement broken down: α per group of items (per document) and binary figures per tag, each for
all groups or all tags in one vectorised pass (``report`` shows them; the maths is ``agreement``'s)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from annotator.measure.agreement import MIN_SHARED
from annotator.measure.codes import Codes, _popcount, _size_distance, distance, tag_matrix


@dataclass
class GroupAlpha:
    """α per group of items (e.g. per document): arrays indexed by group."""

    value: np.ndarray  # float, NaN where undefined
    units: np.ndarray  # pairable items per group
    d_e: np.ndarray


def alpha_by_group(c: Codes, groups: np.ndarray, n_groups: int, kind: str = "masi",
                   max_pairs: int = 2_000_000) -> GroupAlpha:
    """Krippendorff's α computed separately within each group of items, all groups at once.

    Equal to ``alpha`` on each group's rows (the tests check it). The expected disagreement of a group
    sums δ over the pairs of distinct categories seen in that group only, in batches of at most
    ``max_pairs`` pairs, so a corpus of thousands of documents needs no per-document Python loop."""
    present = c.codes >= 0
    m = present.sum(axis=1)
    keep = m >= 2
    codes, m, groups = c.codes[keep], m[keep], np.asarray(groups)[keep]
    units = np.bincount(groups, minlength=n_groups)
    n = np.bincount(groups, weights=m, minlength=n_groups).astype(np.float64)
    observed = np.zeros(len(codes))
    for a, b in itertools.combinations(range(codes.shape[1]), 2):
        both = (codes[:, a] >= 0) & (codes[:, b] >= 0)
        if both.any():
            observed[both] += distance(c.bits, codes[both, a], codes[both, b], kind) * 2.0 / (m[both] - 1)
    d_o_num = np.bincount(groups, weights=observed, minlength=n_groups)
    # (group, category) value counts, sorted by group
    mask = codes >= 0
    g_of = np.broadcast_to(groups[:, None], codes.shape)[mask]
    k = len(c.sets) + 1
    keys, counts = np.unique(g_of.astype(np.int64) * k + codes[mask], return_counts=True)
    kg, kc = keys // k, keys % k
    counts = counts.astype(np.float64)
    num = np.zeros(n_groups)
    if kind == "nominal":
        num = n * n - np.bincount(kg, weights=counts * counts, minlength=n_groups)
    else:
        sizes = _popcount(c.bits).sum(axis=-1)  # δ needs only |c|, |k| and |c ∩ k| (see _size_distance)
        size = np.bincount(kg, minlength=n_groups)  # distinct categories per group
        start = np.concatenate([[0], np.cumsum(size)[:-1]])
        cost = size * (size - 1) // 2
        g = 0
        while g < n_groups:
            h, total = g, 0
            while h < n_groups and (h == g or total + cost[h] <= max_pairs):
                total += int(cost[h])
                h += 1
            lo, hi = int(start[g]), int(start[h - 1] + size[h - 1])
            idx = np.arange(lo, hi)
            after = (start[kg[idx]] + size[kg[idx]]) - idx - 1  # partners later in the same group
            left = np.repeat(idx, after)
            if len(left):
                run = np.repeat(np.cumsum(after) - after, after)
                right = left + 1 + (np.arange(len(left)) - run)
                a, b = kc[left], kc[right]
                d = _size_distance(sizes[a], sizes[b], _popcount(c.bits[a] & c.bits[b]).sum(axis=-1), kind)
                num += np.bincount(kg[left], weights=2.0 * d * counts[left] * counts[right], minlength=n_groups)
            g = h
    with np.errstate(invalid="ignore", divide="ignore"):
        d_e = num / (n * (n - 1))
        d_o = d_o_num / n
        value = np.where((units > 0) & (d_e > 1e-15), 1.0 - d_o / d_e, np.nan)
    return GroupAlpha(value, units, d_e)


@dataclass
class TagFigures:
    """Binary present/absent figures for every tag at once (arrays indexed by tag; NaN = undefined)."""

    alpha: np.ndarray
    kappa: np.ndarray
    ac1: np.ndarray
    alpha_reason: list
    kappa_reason: list
    ac1_reason: list


def per_tag_binary(c: Codes, n_tags: int) -> TagFigures:
    """α (nominal), Light's κ (Cohen's for two annotators) and AC1 (q = 2) of each tag's present/absent
    judgments, for all tags in one pass: equal to ``alpha``, ``light_kappa`` and ``gwet_ac1(…, 2)`` on
    each tag's binary codes (the tests check it), without one pass over the items per tag.

    With n1_u, n0_u the judgments of item u with and without the tag: D_o = Σ_u 2·n1_u·n0_u/(m_u − 1) / n,
    D_e = 2·n1·n0 / (n(n − 1)); p_a = mean_u [C(n1_u, 2) + C(n0_u, 2)] / C(m_u, 2), p_e = 2π(1 − π)."""
    present = c.codes >= 0
    m = present.sum(axis=1)
    tm = tag_matrix(c, n_tags)
    x = tm[np.maximum(c.codes, 0)] & present[:, :, None] if len(tm) else np.zeros(c.codes.shape + (n_tags,), bool)
    nan = np.full(n_tags, np.nan)
    pair = m >= 2
    none = "no item has two or more judgments"
    if not pair.any():
        return TagFigures(nan, nan.copy(), nan.copy(), [none] * n_tags,
                          _light_kappa_reasons(x, present, nan.copy())[1], [none] * n_tags)
    mp = m[pair].astype(np.float64)
    n1u = x[pair].sum(axis=1).astype(np.float64)  # (U', T)
    n0u = mp[:, None] - n1u
    n = mp.sum()
    n1 = n1u.sum(axis=0)
    n0 = n - n1
    d_o = (2.0 * n1u * n0u / (mp[:, None] - 1)).sum(axis=0) / n
    d_e = 2.0 * n1 * n0 / (n * (n - 1))
    with np.errstate(invalid="ignore", divide="ignore"):
        alpha_v = np.where(d_e > 1e-15, 1.0 - d_o / np.where(d_e > 1e-15, d_e, 1.0), np.nan)
    alpha_r = [None if d > 1e-15 else "every value is the same category: expected disagreement is 0, alpha undefined"
               for d in d_e]
    same = (n1u * (n1u - 1) + n0u * (n0u - 1)) / 2
    p_a = (same / (mp * (mp - 1) / 2)[:, None]).mean(axis=0)
    rated = m >= 1
    pi = (x[rated].sum(axis=1) / m[rated][:, None]).mean(axis=0)
    p_e = 2.0 * pi * (1.0 - pi)
    ac1 = (p_a - p_e) / (1.0 - p_e)
    kappa, kappa_r = _light_kappa_reasons(x, present, nan.copy())
    return TagFigures(alpha_v, kappa, ac1, alpha_r, kappa_r, [None] * n_tags)


def _light_kappa_reasons(x: np.ndarray, present: np.ndarray, out: np.ndarray) -> tuple[np.ndarray, list]:
    """Per tag: Cohen's κ for two annotators; for more, Light's mean over the pairs sharing MIN_SHARED items
    (over every pair sharing an item when none does: a small pilot still gets its figure)."""
    n_ann, n_tags = present.shape[1], x.shape[2]
    per_pair = []
    for a, b in itertools.combinations(range(n_ann), 2):
        both = present[:, a] & present[:, b]
        s = int(both.sum())
        if s == 0:
            per_pair.append((s, np.full(n_tags, np.nan)))
            continue
        xa, xb = x[both, a], x[both, b]
        p_o = (xa == xb).mean(axis=0)
        pa, pb = xa.mean(axis=0), xb.mean(axis=0)
        p_e = pa * pb + (1 - pa) * (1 - pb)
        with np.errstate(invalid="ignore", divide="ignore"):
            k = np.where(np.abs(1 - p_e) >= 1e-15, (p_o - p_e) / (1 - p_e), np.nan)
        per_pair.append((s, k))
    if n_ann == 2:
        s, k = per_pair[0]
        if s == 0:
            return out, ["the two annotators share no item"] * n_tags
        return k, [None if not np.isnan(v) else "chance agreement is 1 (one category only): kappa undefined"
                   for v in k]
    usable = [k for s, k in per_pair if s >= MIN_SHARED] or [k for s, k in per_pair if s > 0]  # small: every pair
    if not usable:
        return out, ["no pair of annotators has a defined kappa"] * n_tags
    stack = np.vstack(usable)
    counted = (~np.isnan(stack)).sum(axis=0)
    with np.errstate(invalid="ignore"):
        mean = np.where(counted > 0, np.nansum(stack, axis=0) / np.maximum(counted, 1), np.nan)
    return mean, [None if c else "no pair of annotators has a defined kappa" for c in counted]
