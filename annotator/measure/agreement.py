"""Inter-annotator agreement for multi-label tag sets (pure numpy, no UI, no SQL).

Reliability data are a (units × annotators) matrix of category codes (-1 = no judgment);
each category is one distinct tag set, stored as a bitmask row so that set distances
(MASI, Jaccard) are computed vectorised. An empty set is a legitimate value.

Krippendorff's α uses the coincidence formulation: only units with two or more values
count, D_o = (1/n) Σ_u Σ_{i≠j} δ(v_ui, v_uj)/(m_u − 1), D_e = Σ_{c,k} n_c n_k δ_ck / (n(n − 1)).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from annotator.core.scores import prf
from annotator.measure import bootstrap as boot
# the reliability data live in measure/codes.py; the names stay reachable here as ``ag.encode`` etc.
from annotator.measure.codes import (DISTANCES, MISSING, Codes, _popcount, _size_distance, distance,  # noqa: F401
                                     encode, pair_codes, restrict, shared_rows, tag_matrix)


def _expected_numerator(bits: np.ndarray, counts: np.ndarray, kind: str) -> float:
    """Σ_{c,k} n_c n_k δ(c, k) over distinct sets, exactly, without visiting all K² pairs.

    With superset sums F_g(S) = Σ_{c ⊇ S, |c| = g} n_c, the weighted number of pairs (c in size group g,
    k in size group h) having k' common subsets of size q is M_{g,h,q} = Σ_{|S| = q} F_g(S) F_h(S) =
    Σ n_c n_k C(|c∩k|, q); binomial inversion gives the pair counts per intersection size."""
    sizes = _popcount(bits).sum(axis=-1)
    if len(bits) == 0:
        return 0.0
    if int((np.int64(1) << np.minimum(sizes, 62)).sum()) > 20_000_000:  # very large sets: direct K² sum
        idx = np.arange(len(bits))
        num = 0.0
        for start in range(0, len(bits), 512):
            rows = idx[start:start + 512]
            d = distance(bits, rows[:, None], idx[None, :], kind)
            num += float(counts[start:start + 512].astype(np.float64) @ d @ counts.astype(np.float64))
        return num
    groups = np.unique(sizes)
    words = bits.shape[1]
    keys, grp, cnt, ksize = [], [], [], []
    for gi, g in enumerate(groups):
        g = int(g)
        sel = np.nonzero(sizes == g)[0]
        unpacked = np.unpackbits(bits[sel].astype("<u8").view(np.uint8).reshape(len(sel), -1), axis=1,
                                 bitorder="little")
        pos = np.nonzero(unpacked)[1].reshape(len(sel), g)  # bit positions of each set's members
        one = np.zeros((len(sel), g, words), dtype=np.uint64)
        if g:
            rows = np.repeat(np.arange(len(sel)), g)
            cols = np.tile(np.arange(g), len(sel))
            flat = pos.reshape(-1)
            one[rows, cols, flat // 64] = np.left_shift(np.uint64(1), (flat % 64).astype(np.uint64))
        for r in range(1 << g):
            chosen = [j for j in range(g) if (r >> j) & 1]
            key = (np.bitwise_or.reduce(one[:, chosen, :], axis=1) if chosen
                   else np.zeros((len(sel), words), dtype=np.uint64))
            keys.append(key)
            grp.append(np.full(len(sel), gi))
            cnt.append(counts[sel])
            ksize.append(np.full(len(sel), len(chosen)))
    allkeys = np.concatenate(keys)
    if words == 1:
        _, inv = np.unique(allkeys[:, 0], return_inverse=True)
    else:
        _, inv = np.unique(allkeys, axis=0, return_inverse=True)
    inv = inv.reshape(-1)
    n_keys = int(inv.max()) + 1
    f = np.zeros((n_keys, len(groups)), dtype=np.int64)
    np.add.at(f, (inv, np.concatenate(grp)), np.concatenate(cnt))
    ks = np.zeros(n_keys, dtype=np.int64)
    ks[inv] = np.concatenate(ksize)
    qmax = int(groups.max())
    m = [[[0] * len(groups) for _ in groups] for _ in range(qmax + 1)]
    for q in range(qmax + 1):
        fq = f[ks == q]
        if len(fq):
            mq = fq.T @ fq  # int64: counts ≤ n, so sums of products stay far below 2^63
            m[q] = [[int(v) for v in row] for row in mq]
    num = 0.0
    from math import comb

    for gi, g in enumerate(groups):
        for hi, h in enumerate(groups):
            for j in range(min(g, h) + 1):
                pairs = sum((-1) ** (q - j) * comb(q, j) * m[q][gi][hi] for q in range(j, min(g, h) + 1))
                if pairs:
                    num += float(pairs) * float(_size_distance(np.array(g), np.array(h), np.array(j), kind))
    return num


@dataclass
class Alpha:
    value: float | None
    reason: str | None = None
    d_o: float | None = None
    d_e: float | None = None
    n_values: int = 0
    n_units: int = 0
    pairs: tuple | None = None  # (δ per unordered within-unit pair, weight) kept for the bootstrap


def _pairable(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    present = codes >= 0
    m = present.sum(axis=1)
    keep = m >= 2
    return codes[keep], m[keep]


def alpha(c: Codes, kind: str = "nominal", keep_pairs: bool = False) -> Alpha:
    codes, m = _pairable(c.codes)
    if len(codes) == 0:
        return Alpha(None, "no item has two or more judgments")
    n = int(m.sum())
    # observed disagreement over within-unit pairs
    deltas, weights = [], []
    total = 0.0
    for a, b in itertools.combinations(range(codes.shape[1]), 2):
        both = (codes[:, a] >= 0) & (codes[:, b] >= 0)
        if not both.any():
            continue
        d = distance(c.bits, codes[both, a], codes[both, b], kind)
        w = 2.0 / (m[both] - 1)
        total += float((d * w).sum())
        if keep_pairs:
            deltas.append(d)
            weights.append(w)
    d_o = total / n
    # expected disagreement from the pooled pairable values
    vals = codes[codes >= 0]
    counts = np.bincount(vals)  # codes are small non-negative ints: count them, no sort
    cats = np.nonzero(counts)[0]
    counts = counts[cats].astype(np.float64)
    if kind == "nominal":
        num = n * n - float((counts ** 2).sum())
    else:
        num = _expected_numerator(c.bits[cats], counts.astype(np.int64), kind)
    d_e = num / (n * (n - 1))
    pairs = (np.concatenate(deltas), np.concatenate(weights)) if keep_pairs and deltas else None
    if d_e <= 1e-15:
        return Alpha(None, "every value is the same category: expected disagreement is 0, alpha undefined",
                     d_o, d_e, n, len(codes), pairs)
    return Alpha(1.0 - d_o / d_e, None, d_o, d_e, n, len(codes), pairs)


def bootstrap_alpha(a: Alpha, samples: int = boot.SAMPLES, seed: int = boot.SEED, level: float = 0.95) -> tuple | None:
    """Krippendorff's bootstrap (2006, rev. 2011): D_o resampled from the observed coincidences, D_e fixed.

    Draws M = Σ_u m_u(m_u−1)/2 pairs per resample with probabilities o_ck/n.. and returns the
    percentile interval of 1 − D_o*/D_e (values below −1 clipped to −1)."""
    if a.value is None or a.pairs is None or samples <= 0:
        return None
    d, w = a.pairs
    r = np.round(d, 12)
    vals = np.unique(r)  # a sort, not an argsort: the inverse comes from searchsorted (same result, faster)
    p = np.bincount(np.searchsorted(vals, r), weights=w, minlength=len(vals))
    p = p / p.sum()
    m_pairs = len(d)
    rng = np.random.default_rng(seed)
    counts = rng.multinomial(m_pairs, p, size=samples)
    d_o = counts @ vals / m_pairs
    alphas = np.clip(1.0 - d_o / a.d_e, -1.0, 1.0)
    lo, hi = np.percentile(alphas, [100 * (1 - level) / 2, 100 * (1 + level) / 2])
    return float(lo), float(hi)


def percent_agreement(c: Codes) -> float | None:
    """Per item, the share of annotator pairs with identical sets, averaged over items (Fleiss' P̄)."""
    codes, m = _pairable(c.codes)
    if len(codes) == 0:
        return None
    same = np.zeros(len(codes))
    for a, b in itertools.combinations(range(codes.shape[1]), 2):
        same += (codes[:, a] >= 0) & (codes[:, a] == codes[:, b])
    return float((same / (m * (m - 1) / 2)).mean())


def cohen_kappa(c: Codes) -> tuple[float | None, str | None]:
    if c.codes.shape[1] != 2:
        return None, "Cohen's kappa needs exactly two annotators"
    both = (c.codes >= 0).all(axis=1)
    x, y = c.codes[both, 0], c.codes[both, 1]
    if len(x) == 0:
        return None, "the two annotators share no item"
    p_o = float((x == y).mean())
    k = int(max(x.max(), y.max())) + 1  # codes are small non-negative ints: count them, no sort
    px = np.bincount(x, minlength=k).astype(np.float64)
    py = np.bincount(y, minlength=k).astype(np.float64)
    p_e = float(px @ py) / (len(x) * len(x))
    if abs(1 - p_e) < 1e-15:
        return None, "chance agreement is 1 (one category only): kappa undefined"
    return (p_o - p_e) / (1 - p_e), None


MIN_SHARED = 5  # items below which a figure is given but marked as too few to rely on (never withheld)


def light_kappa(c: Codes) -> tuple[float | None, str | None]:
    """Cohen's kappa for two annotators; for more, the mean of Cohen's kappa over every pair sharing at
    least MIN_SHARED items (Light, 1971), so one stray judgment by another person changes nothing — or,
    when no pair shares that many (a small pilot), over every pair sharing an item."""
    n = c.codes.shape[1]
    if n == 2:
        return cohen_kappa(c)
    values: dict[bool, list[float]] = {True: [], False: []}
    for a in range(n):
        for b in range(a + 1, n):
            sub = pair_codes(c, a, b)
            shared = int((sub.codes >= 0).all(axis=1).sum())
            if shared:
                k, _ = cohen_kappa(sub)
                if k is not None:
                    values[shared >= MIN_SHARED].append(k)
    chosen = values[True] or values[False]
    if not chosen:
        return None, "no pair of annotators has a defined kappa"
    return float(np.mean(chosen)), None


def fleiss_kappa(c: Codes) -> tuple[float | None, str | None]:
    codes, m = _pairable(c.codes)
    if len(codes) == 0:
        return None, "no item has two or more judgments"
    if len(np.unique(m)) != 1:
        return None, "Fleiss' kappa needs the same number of judgments on every item"
    r = int(m[0])
    vals = codes[codes >= 0].reshape(len(codes), r)
    cats, inv = np.unique(vals, return_inverse=True)
    inv = inv.reshape(vals.shape)
    table = np.zeros((len(codes), len(cats)))
    np.add.at(table, (np.repeat(np.arange(len(codes)), r), inv.reshape(-1)), 1)
    p_i = ((table * (table - 1)).sum(axis=1)) / (r * (r - 1))
    p_bar = float(p_i.mean())
    p_j = table.sum(axis=0) / (len(codes) * r)
    p_e = float((p_j ** 2).sum())
    if abs(1 - p_e) < 1e-15:
        return None, "chance agreement is 1 (one category only): kappa undefined"
    return (p_bar - p_e) / (1 - p_e), None


def gwet_ac1(c: Codes, categories: int | None = None) -> tuple[float | None, str | None]:
    """Gwet's AC1 (Gwet 2008; 2014, ch. 4, missing ratings allowed), each code one nominal category.

    p_a is Fleiss' P̄ over items with two or more judgments; π_k is the mean, over items with at
    least one judgment, of the share of the item's judgments in category k; p_e = Σ π_k(1 − π_k)/(q − 1).
    q is ``categories`` when given (2 for a binary tag), else the number of categories observed —
    the convention of the ``irrCAC`` package."""
    present = c.codes >= 0
    r = present.sum(axis=1)
    rated = r >= 1
    codes, r = c.codes[rated], r[rated]
    if not (r >= 2).any():
        return None, "no item has two or more judgments"
    p_a = percent_agreement(Codes(codes, c.sets, c.bits))
    mask = codes >= 0
    share = np.broadcast_to((1.0 / r)[:, None], codes.shape)[mask]
    pi = np.bincount(codes[mask], weights=share) / len(codes)
    pi = pi[np.bincount(codes[mask], minlength=len(pi)) > 0]  # the categories observed
    q = categories if categories is not None else len(pi)
    if q < 2:
        return None, "every value is the same category: AC1 undefined (q = 1)"
    p_e = float((pi * (1.0 - pi)).sum()) / (q - 1)
    return (p_a - p_e) / (1.0 - p_e), None


def precision_recall_f1(pred: np.ndarray, true: np.ndarray) -> dict:
    """Multi-label scores of (items × tags) boolean matrices (``core.scores.prf``): micro over every tag
    decision, and macro as the mean of per-tag scores over the tags chosen in ``pred`` or ``true`` (an
    undefined per-tag score counts 0, as scikit-learn's zero_division=0)."""
    pred, true = pred.astype(bool), true.astype(bool)
    tp = (pred & true).sum(axis=0)
    fp = (pred & ~true).sum(axis=0)
    fn = (~pred & true).sum(axis=0)
    used = np.flatnonzero((tp + fp + fn) > 0)
    per_tag = [prf(tp[i], fp[i], fn[i]) for i in used]
    macro = {k: float(np.mean([d[k] or 0.0 for d in per_tag])) if per_tag else None
             for k in ("precision", "recall", "f1")}
    return {"micro": prf(tp.sum(), fp.sum(), fn.sum()), "macro": macro, "tags": len(used)}
