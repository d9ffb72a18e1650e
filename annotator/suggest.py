"""Keyword highlighting and tag suggestions from jieba tokens (numpy only, no UI, no SQL).

- ``Highlighter``: a jieba tokenizer of its own with the taxonomy's keywords added as words, so a
  keyword lights up only as a whole token (委员 does not light up inside 委员会). It never touches
  jieba's global dictionary, which the segmenter uses: the taxonomy cannot change segmentation.
- ``Model``: one-vs-rest naive Bayes over the tokens present in a sentence, each tag's score
  calibrated to a probability with Platt scaling; trained on confirmed judgments and gold.
"""

from __future__ import annotations

import logging
import math
import random
import re
from dataclasses import dataclass, field

import numpy as np

from annotator.script import to_simplified
from annotator.taxonomy import Taxonomy

WORDLIKE = re.compile(r"[A-Za-z\u4e00-\u9fff]")  # words, not numbers or punctuation
KEYWORD_SCORE = 0.6  # score of a tag suggested by its keywords alone (no trained model for it yet)


class Highlighter:
    """Tokenises with the taxonomy keywords as words; finds keyword tokens and the tags they belong to."""

    def __init__(self, taxonomy: Taxonomy):
        import jieba

        jieba.setLogLevel(logging.WARNING)  # jieba logs to stderr, where the terminal UI draws
        self.taxonomy = taxonomy
        self._cache: dict[str, list[tuple[str, int, int]]] = {}
        self.tokenizer = jieba.Tokenizer()
        self.tokenizer.initialize()
        self.keyword_tags: dict[str, list[str]] = {}
        for tag in taxonomy.tags.values():
            for kw in tag.keywords:
                self.keyword_tags.setdefault(kw, []).append(tag.id)
        for kw in self.keyword_tags:
            self.tokenizer.add_word(kw)
            self.tokenizer.suggest_freq(kw, tune=True)

    def tokens(self, text: str) -> list[tuple[str, int, int]]:
        """jieba tokens with offsets; the last few sentences are cached (a redraw asks several times)."""
        hit = self._cache.get(text)
        if hit is None:
            if len(self._cache) >= 256:
                self._cache.clear()
            # traditional script is matched on its simplified form (same length: offsets stay right)
            hit = self._cache[text] = list(self.tokenizer.tokenize(to_simplified(text), HMM=True))
        return hit

    def words(self, text: str) -> list[str]:
        return [w for w, _, _ in self.tokens(text) if WORDLIKE.search(w)]

    def matches(self, text: str) -> list[tuple[int, int, str, list[str]]]:
        """(start, end, keyword, tag ids) for every keyword token in the text."""
        out = []
        for word, start, end in self.tokens(text):
            tags = self.keyword_tags.get(word)
            if tags:
                out.append((start, end, word, tags))
        return out

    def matched_tags(self, text: str) -> dict[str, int]:
        counts: dict[str, int] = {}
        for _, _, _, tags in self.matches(text):
            for t in tags:
                counts[t] = counts.get(t, 0) + 1
        return counts


@dataclass
class Model:
    tags: list[str]
    vocab: dict[str, int]
    log_ratio: np.ndarray  # (V, T): log P(w | tag) − log P(w | not tag)
    bias: np.ndarray  # (T,)
    platt: np.ndarray  # (T, 2): p = sigmoid(a · score + b)
    trained: np.ndarray  # (T,) bool: enough positive and negative examples to trust the tag
    n_examples: int = 0

    def scores(self, words: list[str]) -> np.ndarray:
        ids = [self.vocab[w] for w in set(words) if w in self.vocab]
        s = self.bias.copy()
        if ids:
            s += self.log_ratio[ids].sum(axis=0)
        return s

    def predict(self, words: list[str]) -> np.ndarray:
        s = self.scores(words)
        z = self.platt[:, 0] * s + self.platt[:, 1]
        return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))


def _platt(scores: np.ndarray, y: np.ndarray, iters: int = 50) -> tuple[float, float]:
    """Fit p = sigmoid(a·s + b) by Newton's method (Platt 1999 targets to avoid overconfidence)."""
    n_pos, n_neg = y.sum(), len(y) - y.sum()
    t = np.where(y == 1, (n_pos + 1) / (n_pos + 2), 1 / (n_neg + 2))
    a, b = 1.0, 0.0
    for _ in range(iters):
        z = np.clip(a * scores + b, -50, 50)
        p = 1 / (1 + np.exp(-z))
        g = np.array([((p - t) * scores).sum(), (p - t).sum()])
        w = p * (1 - p) + 1e-12
        h = np.array([[(w * scores * scores).sum() + 1e-9, (w * scores).sum()], [(w * scores).sum(), w.sum() + 1e-9]])
        step = np.linalg.solve(h, g)
        a, b = a - step[0], b - step[1]
        if np.abs(step).max() < 1e-9:
            break
    return float(a), float(b)


def train(examples: list[tuple[list[str], list[str]]], tags: list[str], alpha: float = 1.0,
          min_positive: int = 3) -> Model:
    """One-vs-rest naive Bayes over the set of words in each sentence, Platt-calibrated per tag."""
    vocab: dict[str, int] = {}
    doc_idx, tok_idx = [], []
    for d, (words, _) in enumerate(examples):
        for w in set(words):
            i = vocab.setdefault(w, len(vocab))
            doc_idx.append(d)
            tok_idx.append(i)
    n, v, k = len(examples), max(len(vocab), 1), len(tags)
    tag_pos = {t: i for i, t in enumerate(tags)}
    y = np.zeros((n, k), dtype=np.float64)
    for d, (_, labels) in enumerate(examples):
        for t in labels:
            if t in tag_pos:
                y[d, tag_pos[t]] = 1
    doc_idx_a = np.array(doc_idx, dtype=np.int64)
    tok_idx_a = np.array(tok_idx, dtype=np.int64)
    pos = np.zeros((v, k))
    for t in range(k):  # word counts in the tag's positive sentences
        pos[:, t] = np.bincount(tok_idx_a, weights=y[doc_idx_a, t], minlength=v)
    total = np.bincount(tok_idx_a, minlength=v).astype(np.float64)
    neg = total[:, None] - pos
    log_pos = np.log(pos + alpha) - np.log(pos.sum(axis=0) + alpha * v)
    log_neg = np.log(neg + alpha) - np.log(neg.sum(axis=0) + alpha * v)
    log_ratio = log_pos - log_neg
    n_pos = y.sum(axis=0)
    bias = np.log(n_pos + 1) - np.log(n - n_pos + 1)
    # in-sample scores for calibration (sparse sum of ratios per sentence)
    scores = np.tile(bias, (n, 1))
    if len(doc_idx_a):
        np.add.at(scores, doc_idx_a, log_ratio[tok_idx_a])
    platt = np.zeros((k, 2))
    trained = (n_pos >= min_positive) & (n - n_pos >= min_positive)
    for t in range(k):
        platt[t] = _platt(scores[:, t], y[:, t]) if trained[t] else (1.0, 0.0)
    return Model(tags, vocab, log_ratio, bias, platt, trained, n)


@dataclass
class Suggestion:
    tag: str
    score: float
    source: str  # "model" | "keywords"


class Suggester:
    """Combines keyword matches and the trained model into scored suggestions for one sentence."""

    def __init__(self, taxonomy: Taxonomy, highlighter: Highlighter, model: Model | None = None,
                 threshold: float = 0.5):
        self.taxonomy = taxonomy
        self.highlighter = highlighter
        self.model = model
        self.threshold = threshold

    def suggest(self, text: str) -> list[Suggestion]:
        words = self.highlighter.words(text)
        matched = self.highlighter.matched_tags(text)
        out: dict[str, Suggestion] = {}
        if self.model is not None:
            probs = self.model.predict(words)
            for i, t in enumerate(self.model.tags):
                if self.model.trained[i] and probs[i] >= self.threshold:
                    out[t] = Suggestion(t, float(probs[i]), "model")
        for t in matched:
            trained = self.model is not None and t in self.model.tags and \
                self.model.trained[self.model.tags.index(t)]
            if t not in out and not trained:
                out[t] = Suggestion(t, KEYWORD_SCORE, "keywords")
        return sorted(out.values(), key=lambda s: -s.score)

    def uncertainty(self, text: str) -> float:
        """How unsure the model is about a sentence: the largest Bernoulli entropy over trained tags."""
        if self.model is None:
            return 0.0
        p = np.clip(self.model.predict(self.highlighter.words(text)), 1e-9, 1 - 1e-9)
        h = -(p * np.log2(p) + (1 - p) * np.log2(1 - p))
        return float(h[self.model.trained].max()) if self.model.trained.any() else 0.0


@dataclass
class Scores:
    per_tag: dict[str, dict] = field(default_factory=dict)
    micro: dict = field(default_factory=dict)
    macro: dict = field(default_factory=dict)


def prf(tp: float, fp: float, fn: float) -> dict:
    p = tp / (tp + fp) if tp + fp else None
    r = tp / (tp + fn) if tp + fn else None
    f = 2 * p * r / (p + r) if p is not None and r is not None and p + r else (0.0 if p is not None and r is not None
                                                                                 else None)
    return {"precision": p, "recall": r, "f1": f}


def score(gold: list[set[str]], predicted: list[set[str]], tags: list[str]) -> Scores:
    out = Scores()
    tot = np.zeros(3)
    f1s = []
    for t in tags:
        tp = sum(1 for g, p in zip(gold, predicted) if t in g and t in p)
        fp = sum(1 for g, p in zip(gold, predicted) if t not in g and t in p)
        fn = sum(1 for g, p in zip(gold, predicted) if t in g and t not in p)
        tot += (tp, fp, fn)
        d = prf(tp, fp, fn)
        d["support"] = tp + fn
        out.per_tag[t] = d
        if tp + fn:
            f1s.append(d["f1"] or 0.0)
    out.micro = prf(*tot)
    out.macro = {"f1": float(np.mean(f1s)) if f1s else None}
    return out


def cross_validate(examples: list[tuple[str, list[str]]], taxonomy: Taxonomy, highlighter: Highlighter,
                   folds: int = 5, seed: int = 0, threshold: float = 0.5) -> dict:
    """k-fold precision/recall/F1 for the keyword rules alone and for the learned model."""
    tags = list(taxonomy.tags)
    words = [highlighter.words(text) for text, _ in examples]
    gold = [set(labels) for _, labels in examples]
    order = list(range(len(examples)))
    random.Random(seed).shuffle(order)
    fold_of = {i: k % folds for k, i in enumerate(order)}
    kw_pred = [set(highlighter.matched_tags(text)) for text, _ in examples]
    model_pred: list[set[str]] = [set() for _ in examples]
    for f in range(folds):
        train_set = [(words[i], list(gold[i])) for i in range(len(examples)) if fold_of[i] != f]
        if not train_set:
            continue
        model = train(train_set, tags)
        for i in range(len(examples)):
            if fold_of[i] == f:
                probs = model.predict(words[i])
                model_pred[i] = {t for j, t in enumerate(tags) if probs[j] >= threshold}
    kw, md = score(gold, kw_pred, tags), score(gold, model_pred, tags)
    return {"examples": len(examples), "folds": folds, "seed": seed, "threshold": threshold,
            "keywords": {"per_tag": kw.per_tag, "micro": kw.micro, "macro": kw.macro},
            "model": {"per_tag": md.per_tag, "micro": md.micro, "macro": md.macro}}


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
