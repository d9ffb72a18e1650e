"""Precision, recall and F1 from counts: the one definition that the suggestion evaluation
(``annotate.evaluate``) and annotator-vs-gold agreement (``measure.agreement``) both use."""

from __future__ import annotations


def prf(tp: float, fp: float, fn: float) -> dict:
    """Precision tp/(tp+fp) and recall tp/(tp+fn), None when the denominator is 0; F1 is
    2tp/(2tp+fp+fn): the harmonic mean of the two when both exist, 0 when nothing was predicted but
    something was missed (as scikit-learn's ``zero_division=0``), None only when there was nothing to
    find and nothing was predicted."""
    tp, fp, fn = float(tp), float(fp), float(fn)
    return {"precision": tp / (tp + fp) if tp + fp else None,
            "recall": tp / (tp + fn) if tp + fn else None,
            "f1": 2 * tp / (2 * tp + fp + fn) if 2 * tp + fp + fn else None}
