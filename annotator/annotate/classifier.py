"""The suggestion model: per-tag balanced linear classifiers over character 1–3-gram TF-IDF, calibrated
into probabilities (no UI, no SQL; ``suggest.py`` puts it on screen with the keyword rules).

Below LARGE_FROM judgments: liblinear's logistic regression, calibrated on out-of-fold scores.
From LARGE_FROM on: a linear SVM calibrated on one held-out part, on at most MAX_TRAIN judgments (a
stratified sample beyond). scikit-learn is imported only by ``train``; scoring is numpy only: one
sparse row times one stacked coefficient matrix.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from annotator.annotate.features import CharGrams
from annotator.annotate.judged import Judged
from annotator.ingest.script import to_simplified

KEYWORD_SCORE = 0.6  # prior precision of a keyword match, before any judgment says otherwise
MIN_POSITIVE = 2  # examples on each side a tag needs before the model scores it
CALIBRATION_FOLDS = 3
C = 10.0  # inverse regularisation of the per-tag logistic regressions


def char_grams(text: str, n_max: int = 3) -> list[str]:
    """Character 1–3-grams of the text without whitespace (the model's features; see features.py)."""
    t = "".join(text.split())
    return [t[i:i + n] for n in range(1, n_max + 1) for i in range(len(t) - n + 1)]


@dataclass
class Model:
    tags: list[str]
    features: CharGrams
    coef: np.ndarray  # (F, T): one stacked coefficient matrix
    intercept: np.ndarray  # (T,)
    calibration: np.ndarray  # (T, 2): p = sigmoid(a · score + b)
    trained: np.ndarray  # (T,) bool: enough positive and negative examples to score the tag
    keyword_precision: dict[str, float] = field(default_factory=dict)  # smoothed, from the training judgments
    n_examples: int = 0

    def _calibrate(self, z: np.ndarray) -> np.ndarray:
        zz = np.clip(self.calibration[:, 0] * z + self.calibration[:, 1], -50, 50)
        p = 1.0 / (1.0 + np.exp(-zz))
        return np.where(self.trained, p, 0.0)

    def predict(self, words: list[str] | None, text: str) -> np.ndarray:
        """Calibrated probability of each tag (0 for untrained tags) for one sentence. The features are
        the character 1–3-grams of its simplified form (``words`` is not used: kept for callers)."""
        idx, val = self.features.row(to_simplified(text))
        z = self.intercept + (val @ self.coef[idx] if len(idx) else 0.0)
        return self._calibrate(z)

    def matrix(self, texts: list[str]):
        """The CSR feature matrix of many sentences."""
        return self.features.transform([to_simplified(t) for t in texts])

    def predict_matrix(self, x) -> np.ndarray:
        """(n, T) probabilities for a CSR feature matrix: one sparse product."""
        z = np.asarray(x @ self.coef) + self.intercept
        return self._calibrate(z)


def _fit_scores(x, y: np.ndarray, ok: np.ndarray, c: float = C, n_all: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Per-tag balanced linear classifiers, stacked: (F, T) coefficients and (T,) intercepts.

    ``class_weight="balanced"`` is given as the equivalent sample weights (n / (2 · class count)),
    computed here once per tag rather than by scikit-learn's validation on every call."""
    import warnings

    import sklearn
    from sklearn.exceptions import ConvergenceWarning

    n, f, k = x.shape[0], x.shape[1], y.shape[1]
    coef, intercept = np.zeros((f, k)), np.zeros(k)
    with sklearn.config_context(assume_finite=True, skip_parameter_validation=True), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # max_iter bounds the time; the result is used
        for t in range(k):
            if not ok[t]:
                continue
            yt = y[:, t]
            n_pos = int(yt.sum())
            w = np.where(yt == 1, n / (2.0 * n_pos), n / (2.0 * (n - n_pos)))
            clf = _classifier(n_all or n, c)
            clf.fit(x, yt, sample_weight=w)
            coef[:, t] = clf.coef_[0]
            intercept[t] = clf.intercept_[0]
    return coef, intercept


def _classifier(n: int, c: float):
    """The per-tag solver, by the number of judgments (both measured in docs/incoming/i25.md): below
    LARGE_FROM, liblinear's dual logistic regression (the best macro F1 on few judgments, and fast
    there); from LARGE_FROM on, a linear SVM (liblinear's dual coordinate descent on the squared
    hinge), as good there and about twice as fast; its decision values are calibrated the same way."""
    if n >= LARGE_FROM:
        from sklearn.svm import LinearSVC

        return LinearSVC(C=SVM_C, tol=1e-2, max_iter=SVM_MAX_ITER, random_state=0)
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, solver="liblinear", dual=True, tol=1e-3, max_iter=200, random_state=0)


def _platt(scores: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """p = sigmoid(a·s + b) by an L2-regularised logistic regression on the scores: bounded even when
    the scores separate the classes (plain Newton steps diverge there)."""
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=1.0, solver="lbfgs")
    lr.fit(scores.reshape(-1, 1), y)
    return float(lr.coef_[0, 0]), float(lr.intercept_[0])


def _trainable(y: np.ndarray, min_positive: int = MIN_POSITIVE) -> np.ndarray:
    n_pos = y.sum(axis=0)
    return (n_pos >= min_positive) & (len(y) - n_pos >= min_positive)


LARGE_FROM = 2000  # from this many judgments: a linear SVM, calibrated on one held-out part (no refits)
HOLDOUT_SHARE = 0.1
SVM_C = 1.0
MAX_TRAIN = 10_000  # a model learns from at most this many judgments (a stratified sample beyond)
SVM_MAX_ITER = 30  # epochs of the dual solver: 100 gave the same held-out F1 (docs/incoming/i25t.md), 40% slower


def training_sample(y: np.ndarray, limit: int = MAX_TRAIN, seed: int = 0) -> np.ndarray:
    """Indices of at most ``limit`` examples: every example of the rarest tags first (so a tag with
    few judgments keeps them all), the rest a seeded random sample; in their original order."""
    n = len(y)
    if n <= limit:
        return np.arange(n)
    rng = np.random.RandomState(seed)
    order = rng.permutation(n)
    n_pos = y.sum(axis=0)
    rarest = np.where(y > 0, n_pos[None, :], n + 1).min(axis=1)  # each example's rarest tag's count
    order = order[np.argsort(rarest[order], kind="stable")]  # rare-tag examples first, random within
    quota = limit // 2  # half the sample at most for rare tags: the other half stays a random draw
    first = order[:quota][rarest[order[:quota]] <= quota // max(1, y.shape[1])]
    rest = np.setdiff1d(order, first, assume_unique=True)
    rest = rest[rng.permutation(len(rest))[:limit - len(first)]]
    return np.sort(np.concatenate([first, rest]))


def train(judged: Judged, tags: list[str], keyword_precision: dict[str, float] | None = None,
          seed: int = 0) -> Model:
    """Train on judgments (``judged.py``: their labels, and their texts read for the sample only).
    The features are character 1–3-grams. ``keyword_precision`` (each keyword rule's precision on
    these judgments, see ``keyword_precision``) is kept in the model.

    Beyond MAX_TRAIN judgments the model learns from a stratified sample of MAX_TRAIN of them (see
    ``training_sample``): the retrain time is bounded whatever the database holds.

    Calibration: each tag's decision values on held-out judgments are mapped to probabilities by a
    one-feature logistic regression. Below LARGE_FROM judgments the held-out values are
    out-of-fold (3 folds) and the model is then fitted on all; from LARGE_FROM on, one held-out part
    (10%) calibrates the model fitted on the rest, which is the model kept: every judgment is
    featurised once and each tag fitted once. With too few examples for a calibration, the balanced
    model's own sigmoid (p = 0.5 at its decision boundary) is used."""
    n_all, k = len(judged), len(tags)
    pick = training_sample(judged.y, MAX_TRAIN, seed)
    y, n = judged.y[pick], len(pick)
    features, x = CharGrams.fit_transform([to_simplified(t) for t in judged.texts(pick)])
    ok = _trainable(y) & (features.size > 0)  # sentences without any character: nothing to learn
    calibration = np.tile([1.0, 0.0], (k, 1))
    rng = np.random.RandomState(seed)
    oof = np.zeros((n, k))
    if n >= LARGE_FROM:
        held = np.zeros(n, dtype=bool)
        held[rng.permutation(n)[:int(n * HOLDOUT_SHARE)]] = True
        fit_ok = ok & _trainable(y[~held])
        x_held, x = x[held], x[~held]  # the fit's rows alone: no second copy of the whole matrix
        coef, intercept = _fit_scores(x, y[~held], fit_ok, n_all=n)
        oof[held] = np.asarray(x_held @ coef) + intercept
        ok, oof_ok, cal = fit_ok, fit_ok & _trainable(y[held], 1), held
    else:
        coef, intercept = _fit_scores(x, y, ok)
        folds = rng.permutation(n) % CALIBRATION_FOLDS
        oof_ok = ok.copy()
        for f in range(CALIBRATION_FOLDS):
            tr, te = folds != f, folds == f
            if not te.any():
                oof_ok[:] = False
                break
            sub_ok = ok & _trainable(y[tr])
            oof_ok &= sub_ok
            if not sub_ok.any():
                continue
            # features of the whole set: the tf-idf vocabulary is unsupervised, only the labels are held out
            c_f, i_f = _fit_scores(x[tr], y[tr], sub_ok)
            oof[te] = np.asarray(x[te] @ c_f) + i_f
        cal = np.ones(n, dtype=bool)
    for t in range(k):
        if oof_ok[t] and y[cal, t].sum() >= 3:
            calibration[t] = _platt(oof[cal, t], y[cal, t])
    return Model(tags, features, coef, intercept, calibration, ok, dict(keyword_precision or {}), n_all)


def keyword_precision(y: np.ndarray, matched: list[set[str]], tags: list[str]) -> dict[str, float]:
    """Each keyword rule's smoothed precision on judgments looked at: ``y`` their labels (rows of a
    label matrix), ``matched`` the tags whose keywords each one holds."""
    out = {}
    for j, t in enumerate(tags):
        hits = [d for d, m in enumerate(matched) if t in m]
        right = int(y[hits, j].sum()) if hits else 0
        out[t] = (right + 2 * KEYWORD_SCORE) / (len(hits) + 2)  # two pseudo-matches at the prior
    return out
