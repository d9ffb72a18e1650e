"""Character 1–3-gram TF-IDF features computed with numpy, a whole corpus at once (no UI, no SQL).

Each gram is one 63-bit integer (three code points of 21 bits each, shifted by one so no gram is a
prefix of another), so the vocabulary, the document frequencies and the term counts of every
sentence come from two ``np.unique`` calls instead of a Python loop over every character: 100,000
sentences take about a second. Whitespace is left out (a sentence split over lines reads as one).
The weights are those of a sublinear TF-IDF with smoothed idf, each row L2-normalised.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

N_MAX = 3
MAX_FEATURES = 200_000
CHUNK = 2000  # sentences whose grams are counted at once (bounds the memory of fit_transform)


def gram_codes(texts: list[str], n_max: int = N_MAX) -> tuple[np.ndarray, np.ndarray]:
    """(code, sentence index) of every character 1…n_max-gram of the texts, whitespace left out."""
    stripped = ["".join(t.split()) for t in texts]
    lens = np.fromiter(map(len, stripped), dtype=np.int64, count=len(stripped))
    cp = np.frombuffer("".join(stripped).encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64) + 1
    ends = np.cumsum(lens)
    doc_of = np.repeat(np.arange(len(texts), dtype=np.int64), lens)
    total = len(cp)
    codes, docs = [], []
    for n in range(1, n_max + 1):
        m = total - n + 1
        if m <= 0:
            break
        c = cp[:m].copy()
        for k in range(1, n):
            c |= cp[k:m + k] << (21 * k)
        d = doc_of[:m]
        ok = np.arange(n, m + n) <= ends[d]  # the gram ends inside its own sentence
        codes.append(c[ok])
        docs.append(d[ok])
    if not codes:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(codes), np.concatenate(docs)


@dataclass
class CharGrams:
    """The vocabulary (sorted gram codes) and its idf weights."""

    vocab: np.ndarray  # (F,) int64, sorted
    idf: np.ndarray  # (F,)

    @property
    def size(self) -> int:
        return len(self.vocab)

    @classmethod
    def fit_transform(cls, texts: list[str], max_features: int = MAX_FEATURES, chunk: int = CHUNK):
        """The vocabulary of grams seen in at least two sentences (the most frequent ``max_features``), and
        the sentences' feature matrix: the grams are counted once for both, ``chunk`` sentences at a
        time. Between chunks only each sentence's distinct grams and counts are kept (int32), and the
        matrix is built from one CSR piece per chunk (a row never spans two), so no array holds every
        gram occurrence of the sample at once."""
        from scipy.sparse import vstack

        pieces = []  # per chunk: its distinct grams (sorted codes), then (row, index into them, count) of each pair
        for start in range(0, len(texts), chunk):
            part = texts[start:start + chunk]
            c, d = gram_codes(part)
            u, inv = np.unique(c, return_inverse=True)
            v = max(len(u), 1)
            pairs, tf = np.unique(d * v + inv.reshape(-1), return_counts=True)
            row, col = np.divmod(pairs, v)
            pieces.append((len(part), u, row.astype(np.int32), col.astype(np.int32), tf.astype(np.int32)))
            del c, d, inv, pairs, tf, row, col
        # a (sentence, gram) pair is counted once per chunk: a gram's df is the sum of its pairs over the chunks
        uniq, at = np.unique(np.concatenate([p[1] for p in pieces] or [np.zeros(0, np.int64)]), return_inverse=True)
        at = at.reshape(-1)
        df = np.zeros(len(uniq), dtype=np.int64)
        o = 0
        for _, u, _, col, _ in pieces:
            df[at[o:o + len(u)]] += np.bincount(col, minlength=len(u))
            o += len(u)
        keep = np.flatnonzero(df > 1)  # a gram seen once generalises nothing
        if len(keep) > max_features:
            keep = np.sort(keep[np.argsort(-df[keep], kind="stable")[:max_features]])
        new = np.full(len(uniq), -1, dtype=np.int64)
        new[keep] = np.arange(len(keep))
        n = len(texts)
        model = cls(uniq[keep], np.log((1 + n) / (1 + df[keep].astype(np.float64))) + 1)
        parts, o = [], 0
        while pieces:
            m, u, row, col, tf = pieces.pop(0)
            cols = new[at[o:o + len(u)]][col]  # the chunk's grams as the model's columns (-1: not kept)
            o += len(u)
            ok = cols >= 0
            parts.append(model._csr(row[ok], cols[ok], tf[ok], m))
        if not parts:
            return model, model._csr(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64), 0)
        return model, (vstack(parts, format="csr") if len(parts) > 1 else parts[0])

    def transform(self, texts: list[str]):
        """A scipy CSR matrix of the texts' feature vectors."""
        codes, docs = gram_codes(texts)
        f = self.size
        pos = np.searchsorted(self.vocab, codes)
        hit = pos < f
        hit[hit] = self.vocab[pos[hit]] == codes[hit]
        pairs, tf = np.unique(docs[hit] * max(f, 1) + pos[hit], return_counts=True)
        row, col = np.divmod(pairs, max(f, 1))
        return self._csr(row, col, tf, len(texts))

    def row(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Column indices and values of one sentence's feature vector."""
        x = self.transform([text])
        return x.indices.astype(np.int64), x.data

    def _csr(self, row: np.ndarray, col: np.ndarray, tf: np.ndarray, n: int):
        """Rows of float64 weights (what liblinear reads, so no fit converts them) over int32 indices."""
        from scipy.sparse import csr_matrix

        val = np.log(tf.astype(np.float64))
        val += 1.0
        val *= self.idf[col]
        norm = np.sqrt(np.bincount(row, weights=val * val, minlength=n))
        val /= norm[row]
        index = np.int32 if len(val) < 2 ** 31 else np.int64
        indptr = np.zeros(n + 1, dtype=index)
        np.cumsum(np.bincount(row, minlength=n), out=indptr[1:])
        return csr_matrix((val, col.astype(index), indptr), shape=(n, self.size))
