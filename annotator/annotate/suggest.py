"""Keyword highlighting and tag suggestions from jieba tokens (no UI, no SQL).

- ``Highlighter``: a jieba tokenizer of its own with the taxonomy's keywords added as words, so a
  keyword lights up only as a whole token (委员 does not light up inside 委员会). It never touches
  jieba's global dictionary, which the segmenter uses: the taxonomy cannot change segmentation.
- ``Model`` (``classifier.py``): one-vs-rest balanced linear classifiers (logistic regression on few judgments, a linear
  SVM from LARGE_FROM on) over character 1–3-gram TF-IDF (``features.py``, computed with numpy),
  each tag calibrated on held-out scores. scikit-learn is imported only by ``train`` (a training
  process or a command); scoring is numpy only: one sparse row times one stacked coefficient matrix.
- ``Suggester``: what the tagging screen shows for a sentence. The model's tags at or above the
  threshold, united with the keyword matches (kept even once a tag is trained), single-choice
  facets reduced to their most probable tag. ``fit`` builds it from judgments, ``for_store``
  from a database: the screen's worker and ``annotator suggest`` both call ``for_store``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import numpy as np

from annotator.annotate.classifier import (  # noqa: F401  (re-exported: the model's parts)
    KEYWORD_SCORE, Model, _platt, char_grams, keyword_precision, train, training_sample)
from annotator.annotate.judged import Judged
from annotator.ingest.script import to_simplified
from annotator.core.taxonomy import Taxonomy

WORDLIKE = re.compile(r"[A-Za-z\u4e00-\u9fff]")  # words, not numbers or punctuation


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
        self._keywords = _keyword_pattern(taxonomy)

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
        if self._keywords is None or not self._keywords.search(to_simplified(text)):
            return []  # a keyword token is a substring first: most sentences need no tokenising here
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



KEYWORD_SAMPLE = 2000  # judgments tokenised to measure each keyword rule's precision


@dataclass
class Suggestion:
    tag: str
    score: float
    source: str  # "model" | "keywords" | "model+keywords"
    shown: bool = True  # starred on the screen


class Suggester:
    """What the tagging screen shows for a sentence: the model's tags at or above the threshold united
    with the keyword matches; a single-choice facet keeps only its most probable tag."""

    def __init__(self, taxonomy: Taxonomy, highlighter: Highlighter, model: Model | None = None,
                 threshold: float = 0.5):
        self.taxonomy = taxonomy
        self.highlighter = highlighter
        self.model = model
        self.threshold = threshold
        self._single = [f for f in taxonomy.facets if not f.multiple]
        self._col = {t: i for i, t in enumerate(model.tags)} if model is not None else {}

    def _combine(self, probs: np.ndarray | None, matched, floor: float) -> list[Suggestion]:
        m = self.model
        out: dict[str, Suggestion] = {}
        for t in self.taxonomy.tags:
            j = self._col.get(t)
            trained = probs is not None and j is not None and bool(m.trained[j])
            p = float(probs[j]) if trained else 0.0
            kw = t in matched
            if kw:
                kp = m.keyword_precision.get(t, KEYWORD_SCORE) if m is not None else KEYWORD_SCORE
                s = max(p, kp)
                out[t] = Suggestion(t, s, "model+keywords" if p >= self.threshold else "keywords", True)
            elif p >= min(floor, self.threshold):
                out[t] = Suggestion(t, p, "model", p >= self.threshold)
        for facet in self._single:  # one tag per single-choice facet: the most probable
            ids = [t.id for t in facet.tags if t.id in out]
            shown = [t for t in ids if out[t].shown]
            if len(shown) > 1:
                best = max(shown, key=lambda t: out[t].score)
                for t in shown:
                    if t != best:
                        out[t].shown = False
        return sorted(out.values(), key=lambda s: (not s.shown, -s.score, s.tag))

    def scored(self, text: str, floor: float = 0.1) -> list[Suggestion]:
        """Every tag shown for the sentence, and the model's others scoring at least ``floor``."""
        probs = None
        if self.model is not None:
            probs = self.model.predict(self.highlighter.words(text), text)
        return self._combine(probs, self.highlighter.matched_tags(text), floor)

    def scored_many(self, texts: list[str], floor: float = 0.1) -> list[list[Suggestion]]:
        """``scored`` for many sentences, the model's part in vectorised batches."""
        probs = self.probabilities(texts) if self.model is not None else None
        return [self._combine(probs[i] if probs is not None else None, self.highlighter.matched_tags(t), floor)
                for i, t in enumerate(texts)]

    def suggest(self, text: str) -> list[Suggestion]:
        """The starred suggestions for one sentence (what the screen shows)."""
        return [s for s in self.scored(text, floor=1.1) if s.shown]

    def probabilities(self, texts: list[str], batch: int = 2000) -> np.ndarray:
        """(n, T) model probabilities for many sentences, scored in vectorised batches."""
        m = self.model
        out = np.zeros((len(texts), len(m.tags) if m else 0))
        if m is None:
            return out
        for i in range(0, len(texts), batch):
            chunk = texts[i:i + batch]
            out[i:i + len(chunk)] = m.predict_matrix(m.matrix(chunk))
        return out

    def uncertainties(self, texts: list[str]) -> np.ndarray:
        """Per sentence, how close its most doubtful trained tag is to the threshold: 1 at the
        threshold, 0 when every tag is certain (probability 0 or 1). Scored in vectorised batches."""
        m = self.model
        if m is None or not m.trained.any() or not texts:
            return np.zeros(len(texts))
        probs = self.probabilities(texts)
        d = np.abs(probs[:, m.trained] - self.threshold) / max(self.threshold, 1 - self.threshold)
        return 1.0 - d.min(axis=1)

    def uncertainty(self, text: str) -> float:
        return float(self.uncertainties([text])[0])


def fit(examples: list[tuple[str, list[str]]], taxonomy: Taxonomy, highlighter: Highlighter,
        threshold: float = 0.5, seed: int = 0) -> Suggester:
    """The screen's suggester trained on (text, labels) judgments. With none, keywords alone."""
    judged = Judged.of(examples, list(taxonomy.tags))
    return Suggester(taxonomy, highlighter, learn(judged, taxonomy, highlighter, seed), threshold)


def learn(judged: Judged, taxonomy: Taxonomy, highlighter, seed: int = 0,
          precision: dict[str, float] | None = None) -> Model | None:
    """The model of these judgments (None: there are none). The keyword rules' precision is measured
    first (unless given: ``shared.py`` passes an earlier model's when few judgments changed since);
    then the highlighter is released when it can be (``release()``: the training process's jieba
    dictionary, 70 MB, is gone before the features and the fits are made)."""
    if not len(judged):
        return None
    tags = list(taxonomy.tags)
    if precision is None:
        precision = _measure_keywords(judged, taxonomy, highlighter, seed)
    release = getattr(highlighter, "release", None)
    if release is not None:
        release()
    return train(judged, tags, precision, seed=seed)


def _measure_keywords(judged: Judged, taxonomy: Taxonomy, highlighter, seed: int) -> dict[str, float]:
    """Each keyword rule's precision on the judgments (``classifier.keyword_precision``)."""
    # the keyword rules' precision needs jieba tokens: a seeded sample of KEYWORD_SAMPLE judgments
    # estimates it as well as all of them, at a bounded cost (jieba is the slowest step per sentence),
    # and only a sentence holding a keyword as a substring can hold it as a token
    look = np.arange(len(judged))
    if len(judged) > KEYWORD_SAMPLE:
        look = np.sort(np.random.RandomState(seed).choice(len(judged), KEYWORD_SAMPLE, replace=False))
    keywords = _keyword_pattern(taxonomy)
    matched: list[set[str]] = []
    for text in judged.texts(look):
        hit = keywords is not None and keywords.search(to_simplified(text))
        matched.append(set(highlighter.matched_tags(text)) if hit else set())
    return keyword_precision(judged.y[look], matched, list(taxonomy.tags))


def _keyword_pattern(taxonomy: Taxonomy) -> re.Pattern | None:
    words = sorted({kw for tag in taxonomy.tags.values() for kw in tag.keywords}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words))) if words else None


def for_store(store, taxonomy: Taxonomy, highlighter: Highlighter, threshold: float = 0.5) -> Suggester:
    """Trained on this database's done judgments and gold, exactly as the tagging screen trains: the
    database's shared model (``shared.py``), loaded when it is fresh, else trained here and saved."""
    from annotator.annotate.shared import shared_model

    return Suggester(taxonomy, highlighter, shared_model(store, taxonomy, highlighter), threshold)


def uncertain_order(store, annotator: str, suggester: Suggester) -> list[int]:
    """Every sentence the annotator has not finished, most uncertain first (ties in corpus order):
    the sentence numbers ``--order uncertain`` serves. Scored in chunks: only the numbers and
    scores of every sentence are held, never all their texts."""
    ns, us = [], []
    for rows in store.todo_texts(annotator):
        ns.append(np.fromiter((n for n, _ in rows), dtype=np.int64, count=len(rows)))
        if suggester.model is not None:
            us.append(suggester.uncertainties([t for _, t in rows]))
    if not ns:
        return []
    n = np.concatenate(ns)
    if suggester.model is None:
        return n.tolist()
    order = np.lexsort((n, -np.concatenate(us)))
    return n[order].tolist()
