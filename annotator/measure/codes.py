"""Reliability data: per-item tag sets as a (units × annotators) matrix of category codes, each
category a bitmask row, and the set distances (nominal, MASI, Jaccard) computed on them."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

MISSING = -1
DISTANCES = ("nominal", "masi", "jaccard")


_M1, _M2, _M4, _H01 = (np.uint64(v) for v in (0x5555555555555555, 0x3333333333333333, 0x0F0F0F0F0F0F0F0F,
                                                 0x0101010101010101))


def _popcount(x: np.ndarray) -> np.ndarray:
    """Set bits per uint64 (numpy ≥ 2 has bitwise_count; before it, the SWAR sum, ~10× faster than unpackbits)."""
    if hasattr(np, "bitwise_count"):
        return np.bitwise_count(x).astype(np.int64)
    x = x.astype(np.uint64, copy=True)
    x -= (x >> np.uint64(1)) & _M1
    x = (x & _M2) + ((x >> np.uint64(2)) & _M2)
    x = (x + (x >> np.uint64(4))) & _M4
    with np.errstate(over="ignore"):
        return ((x * _H01) >> np.uint64(56)).astype(np.int64)


@dataclass
class Codes:
    """Reliability data: codes[u, a] indexes ``sets`` (and the rows of ``bits``), -1 = missing."""

    codes: np.ndarray  # (U, A) int64
    sets: list[frozenset]
    bits: np.ndarray  # (K, W) uint64
    items: list[str] = field(default_factory=list)
    annotators: list[str] = field(default_factory=list)


def encode(judgments: list[dict[str, frozenset]], vocabulary: list[str], items: list[str] | None = None,
           annotators: list[str] | None = None) -> Codes:
    """Turn per-item {annotator: tag set} into codes; tags outside ``vocabulary`` are ignored."""
    annotators = annotators or sorted({a for j in judgments for a in j})
    col = {a: i for i, a in enumerate(annotators)}
    pos = {t: i for i, t in enumerate(vocabulary)}
    words = max(1, (len(vocabulary) + 63) // 64)
    index: dict[frozenset, int] = {}
    sets: list[frozenset] = []
    codes = np.full((len(judgments), len(annotators)), MISSING, dtype=np.int64)
    seen: dict[frozenset, int] = {}  # raw set → code (filtering each distinct set once)
    rows, cols, vals = [], [], []
    for u, j in enumerate(judgments):
        for a, raw in j.items():
            ci = col.get(a)
            if ci is None:
                continue
            c = seen.get(raw)
            if c is None:
                s = frozenset(t for t in raw if t in pos)
                c = index.get(s)
                if c is None:
                    c = index[s] = len(sets)
                    sets.append(s)
                seen[raw] = c
            rows.append(u)
            cols.append(ci)
            vals.append(c)
    if rows:
        codes[np.array(rows), np.array(cols)] = np.array(vals)
    bits = np.zeros((len(sets), words), dtype=np.uint64)
    for c, s in enumerate(sets):
        for t in s:
            p = pos[t]
            bits[c, p // 64] |= np.uint64(1) << np.uint64(p % 64)
    return Codes(codes, sets, bits, items or [], annotators)


def restrict(codes: Codes, vocabulary: list[str], subset: list[str]) -> Codes:
    """The same judgments seen through a subset of tags (e.g. one facet)."""
    keep = np.zeros_like(codes.bits)
    for t in subset:
        p = vocabulary.index(t)
        keep[:, p // 64] |= np.uint64(1) << np.uint64(p % 64)
    masked = codes.bits & keep
    uniq, inverse = np.unique(masked, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    new = np.where(codes.codes >= 0, inverse[np.maximum(codes.codes, 0)], MISSING)
    sub = set(subset)
    sets = [None] * len(uniq)
    for old, n in enumerate(inverse):
        if sets[n] is None:
            sets[n] = codes.sets[old] & sub
    return Codes(new, sets, uniq, codes.items, codes.annotators)


def distance(bits: np.ndarray, a: np.ndarray, b: np.ndarray, kind: str) -> np.ndarray:
    """δ between categories a and b (arrays of codes), for 'nominal', 'masi' or 'jaccard'."""
    if kind == "nominal":
        return (a != b).astype(np.float64)
    ba, bb = bits[a], bits[b]
    inter = _popcount(ba & bb).sum(axis=-1)
    union = _popcount(ba | bb).sum(axis=-1)
    la = _popcount(ba).sum(axis=-1)
    lb = _popcount(bb).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        j = np.where(union == 0, 1.0, inter / np.maximum(union, 1))
    if kind == "jaccard":
        return 1.0 - j
    if kind != "masi":
        raise ValueError(f"unknown distance '{kind}'")
    m = np.where((a == b) | ((la == lb) & (inter == la)), 1.0,
                 np.where(inter == np.minimum(la, lb), 2.0 / 3.0, np.where(inter > 0, 1.0 / 3.0, 0.0)))
    return 1.0 - j * m


def _size_distance(s: np.ndarray, t: np.ndarray, j: np.ndarray, kind: str) -> np.ndarray:
    """δ of two sets from their sizes and intersection size alone (MASI and Jaccard depend on nothing else)."""
    union = s + t - j
    jac = np.where(union == 0, 1.0, j / np.maximum(union, 1))
    if kind == "jaccard":
        return 1.0 - jac
    m = np.where((j == s) & (j == t), 1.0,
                 np.where(j == np.minimum(s, t), 2.0 / 3.0, np.where(j > 0, 1.0 / 3.0, 0.0)))
    return 1.0 - jac * m


def pair_codes(c: Codes, a: int, b: int) -> Codes:
    return Codes(c.codes[:, [a, b]], c.sets, c.bits)


def tag_matrix(c: Codes, n_tags: int) -> np.ndarray:
    """(K, n_tags) booleans: which tags each category contains."""
    if len(c.bits) == 0:
        return np.zeros((0, n_tags), dtype=bool)
    as_bytes = c.bits.astype("<u8").view(np.uint8).reshape(len(c.bits), -1)
    return np.unpackbits(as_bytes, axis=1, bitorder="little")[:, :n_tags].astype(bool)


def shared_rows(c: Codes) -> Codes:
    """Only the items every annotator of ``c`` judged (for a pair: the items both judged)."""
    keep = (c.codes >= 0).all(axis=1)
    return Codes(c.codes[keep], c.sets, c.bits, [i for i, k in zip(c.items, keep) if k] if c.items else [],
                 c.annotators)
