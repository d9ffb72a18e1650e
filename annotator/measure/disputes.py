"""Where people disagree: per-tag intervals, tag co-occurrence between annotators, the most disputed
sentences of a tag (pure numpy on ``Codes``; the HTML report shows them)."""

from __future__ import annotations

import itertools

import numpy as np

from annotator.measure import agreement as ag

_BINARY_BITS = np.array([[0], [1]], dtype=np.uint64)


def binary_codes(codes: ag.Codes, tm: np.ndarray, t: int) -> ag.Codes:
    """Tag ``t`` present (code 1) or absent (code 0) in each judgment: the data of the per-tag α."""
    present = codes.codes >= 0
    col = tm[np.maximum(codes.codes, 0), t].astype(np.int64) if len(tm) else np.zeros(codes.codes.shape, np.int64)
    return ag.Codes(np.where(present, col, ag.MISSING), [frozenset(), frozenset({"x"})], _BINARY_BITS,
                    codes.items, codes.annotators)


def per_tag_ci(codes: ag.Codes, vocabulary: list[str], tags: list[str], samples: int, seed: int) -> dict:
    """tag → the 95% bootstrap interval of its binary α (Krippendorff's bootstrap, as for α MASI), or None."""
    tm = ag.tag_matrix(codes, len(vocabulary))
    out = {}
    for tag in tags:
        a = ag.alpha(binary_codes(codes, tm, vocabulary.index(tag)), "nominal", keep_pairs=True)
        ci = ag.bootstrap_alpha(a, samples, seed)
        out[tag] = list(ci) if ci else None
    return out


def cooccurrence(codes: ag.Codes, vocabulary: list[str], tags: list[str]) -> list[list[int]]:
    """Over every ordered pair of annotators on the items both judged: how often one chose tag i (row)
    where the other chose tag j (column); the last row and column are "none of these tags". The
    diagonal is agreement; the matrix is symmetric (both orders counted)."""
    cols = [vocabulary.index(t) for t in tags]
    tm = ag.tag_matrix(codes, len(vocabulary))
    k = len(tags)
    total = np.zeros((k + 1, k + 1), dtype=np.float64)  # float: a BLAS product, exact for any real count
    if not len(tm):
        return total.astype(np.int64).tolist()
    sub = np.zeros((len(tm), k + 1), dtype=np.float64)
    sub[:, :k] = tm[:, cols]
    sub[:, k] = sub[:, :k].sum(axis=1) == 0
    for a, b in itertools.permutations(range(len(codes.annotators)), 2):
        both = (codes.codes[:, a] >= 0) & (codes.codes[:, b] >= 0)
        if both.any():
            total += sub[codes.codes[both, a]].T @ sub[codes.codes[both, b]]
    return np.rint(total).astype(np.int64).tolist()


def disputed(codes: ag.Codes, vocabulary: list[str], tag: str, top: int = 5) -> list[dict]:
    """The ``top`` items where the annotators split most evenly on ``tag`` (then: most judgments), with
    each annotator's tag set: [{"id", "with": n, "without": n, "chose": {annotator: [tags]}}]."""
    tm = ag.tag_matrix(codes, len(vocabulary))
    if not len(tm):
        return []
    present = codes.codes >= 0
    has = tm[np.maximum(codes.codes, 0), vocabulary.index(tag)] & present
    n1 = has.sum(axis=1)
    m = present.sum(axis=1)
    split = np.minimum(n1, m - n1)
    rows = np.nonzero((split > 0) & (m >= 2))[0]
    if not len(rows):
        return []
    # most even split first (share of the minority), then more judgments, then corpus order
    order = np.lexsort((rows, -m[rows], -(split[rows] / m[rows])))[:top]
    out = []
    for r in rows[order]:
        chose = {codes.annotators[a]: sorted(codes.sets[codes.codes[r, a]]) for a in range(codes.codes.shape[1])
                 if codes.codes[r, a] >= 0}
        out.append({"id": codes.items[r], "with": int(n1[r]), "without": int(m[r] - n1[r]), "chose": chose})
    return out
