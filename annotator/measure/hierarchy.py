"""The hierarchy distance: tag sets compared through their ancestor closures (a parent against its
child scores 0.5), so that near misses in the taxonomy's tree count as partial agreement."""

from __future__ import annotations

import numpy as np

from annotator.measure.codes import MISSING, Codes, tag_matrix


def ancestors(parents: list[int | None]) -> np.ndarray:
    """(T, T) booleans: row t marks t itself and every ancestor of t (``parents[t]`` is t's parent index)."""
    t = len(parents)
    up = np.eye(t, dtype=bool)
    for i in range(t):
        p = parents[i]
        while p is not None:
            up[i, p] = True
            p = parents[p]
    return up


def pack(matrix: np.ndarray) -> np.ndarray:
    """(K, T) booleans → (K, W) uint64 bitmask rows (the inverse of ``tag_matrix``)."""
    k, t = matrix.shape
    words = max(1, (t + 63) // 64)
    padded = np.zeros((k, words * 64), dtype=bool)
    padded[:, :t] = matrix
    return np.packbits(padded, axis=1, bitorder="little").view("<u8").astype(np.uint64).reshape(k, words)


def closure(c: Codes, up: np.ndarray) -> Codes:
    """Each tag set replaced by its ancestor closure ↑A = A ∪ {ancestors of members of A}.

    The hierarchy distance is the Jaccard distance of closures: δ_H(A, B) = 1 − |↑A ∩ ↑B| / |↑A ∪ ↑B|
    (two empty sets: 0). Sets with the same closure become one category."""
    tm = tag_matrix(c, up.shape[0])
    closed = (tm.astype(np.int32) @ up.astype(np.int32)) > 0
    bits = pack(closed)
    if len(bits) == 0:
        return Codes(c.codes.copy(), [], bits, c.items, c.annotators)
    uniq, inverse = np.unique(bits, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    new = np.where(c.codes >= 0, inverse[np.maximum(c.codes, 0)], MISSING)
    sets: list = [None] * len(uniq)
    for old, i in enumerate(inverse):
        if sets[i] is None:
            sets[i] = c.sets[old]
    return Codes(new, sets, uniq, c.items, c.annotators)
