"""The judgments a model learns from, held compactly (no UI, no SQL): their labels as one 0/1 matrix,
their texts read only when asked for. A model learns from a sample of at most ``MAX_TRAIN``
judgments (classifier.py) and the keyword rules' precision from ``KEYWORD_SAMPLE`` of them, so at
100,000 judgments the training process holds the labels (2.8 MB) and about 12,000 texts, never
100,000 Python tuples of text and label lists."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable, Iterable

import numpy as np


@dataclass
class Judged:
    y: np.ndarray  # (n, T) uint8: judgment d carries tag t (tags the taxonomy does not have are left out)
    texts: Callable[[np.ndarray], list[str]]  # the texts of the judgments at these indices, in that order

    def __len__(self) -> int:
        return len(self.y)

    @classmethod
    def of(cls, examples: list[tuple[str, list[str]]], tags: list[str]) -> "Judged":
        """From (text, labels) pairs in memory."""
        return cls(label_matrix((labels for _, labels in examples), tags),
                   lambda idx: [examples[i][0] for i in idx])

    @classmethod
    def from_store(cls, store, tags: list[str]) -> "Judged":
        """Every done judgment and done gold of a database (``store.training_labels``), read in chunks:
        the labels parsed once per distinct stored label set, the texts fetched by sentence number
        when asked for."""
        pos = {t: i for i, t in enumerate(tags)}
        parsed: dict[str, list[int]] = {}
        ns, rows, cols, n = [], [], [], 0
        for chunk in store.training_labels():
            ns.append(np.fromiter((s for s, _ in chunk), dtype=np.int64, count=len(chunk)))
            for d, (_, labels) in enumerate(chunk, n):
                c = parsed.get(labels)
                if c is None:
                    c = parsed[labels] = sorted({pos[t] for t in json.loads(labels) if t in pos})
                rows.extend([d] * len(c))
                cols.extend(c)
            n += len(chunk)
        y = np.zeros((n, len(tags)), dtype=np.uint8)
        y[np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)] = 1
        sentence = np.concatenate(ns) if ns else np.zeros(0, dtype=np.int64)

        def texts(idx: np.ndarray) -> list[str]:
            at = sentence[np.asarray(idx, dtype=np.int64)]
            found = store.texts_at(at)
            return [found[int(s)] for s in at]

        return cls(y, texts)


def label_matrix(label_lists: Iterable[list[str]], tags: list[str]) -> np.ndarray:
    """(n, T) uint8: 1 where a judgment's labels hold the tag."""
    pos = {t: i for i, t in enumerate(tags)}
    label_lists = list(label_lists)
    y = np.zeros((len(label_lists), len(tags)), dtype=np.uint8)
    for d, labels in enumerate(label_lists):
        for t in labels:
            if t in pos:
                y[d, pos[t]] = 1
    return y
