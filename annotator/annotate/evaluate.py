"""How good the suggestions are: cross-validation of what the tagging screen shows (``suggest.fit``
and ``Suggester.suggest``) against the keyword rules alone, with a learning curve
(``annotator suggest --evaluate``)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import numpy as np

from annotator.annotate.suggest import Highlighter, fit
from annotator.core.scores import prf
from annotator.core.taxonomy import Taxonomy


@dataclass
class Scores:
    per_tag: dict[str, dict] = field(default_factory=dict)
    micro: dict = field(default_factory=dict)
    macro: dict = field(default_factory=dict)


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


LEARNING_SIZES = (50, 100, 200)


def _doc_folds(docs: list[str], folds: int, seed: int) -> list[int]:
    """Whole documents to folds: shuffled with the seed, each to the fold with the fewest sentences."""
    sizes: dict[str, int] = {}
    for d in docs:
        sizes[d] = sizes.get(d, 0) + 1
    order = sorted(sizes)
    random.Random(seed).shuffle(order)
    load = [0] * folds
    fold_of = {}
    for d in sorted(order, key=lambda d: -sizes[d]):
        f = min(range(folds), key=lambda i: (load[i], i))
        fold_of[d] = f
        load[f] += sizes[d]
    return [fold_of[d] for d in docs]


class _Memo:
    """A highlighter that tokenises each evaluation sentence once, however many folds train on it."""

    def __init__(self, highlighter: Highlighter, texts: list[str]):
        self._h = highlighter
        self.taxonomy = highlighter.taxonomy
        self._words = {t: highlighter.words(t) for t in texts}
        self._matched = {t: highlighter.matched_tags(t) for t in texts}

    def words(self, text: str) -> list[str]:
        hit = self._words.get(text)
        return hit if hit is not None else self._h.words(text)

    def matched_tags(self, text: str) -> dict[str, int]:
        hit = self._matched.get(text)
        return hit if hit is not None else self._h.matched_tags(text)


def evaluate(examples: list[tuple[str, str, list[str]]], taxonomy: Taxonomy, highlighter: Highlighter,
             folds: int = 5, seed: int = 0, threshold: float = 0.5, by: str = "document",
             sizes: tuple[int, ...] = LEARNING_SIZES) -> dict:
    """Cross-validate what the screen shows (``fit`` + ``Suggester.suggest``) against the keyword rules.

    ``examples`` are (document id, text, labels). Folds hold whole documents (``by="document"``) or
    random sentences (``by="sentence"``). For each fold, the screen's suggester is trained on a seeded
    random 50, 100, 200 and all of the other folds' sentences: a learning curve. A size is left out unless
    every fold has more training sentences than that (otherwise its row would be "all" under another name)."""
    tags = list(taxonomy.tags)
    n = len(examples)
    gold = [set(labels) for _, _, labels in examples]
    if by == "document":
        fold = _doc_folds([d for d, _, _ in examples], folds, seed)
    else:
        order = list(range(n))
        random.Random(seed).shuffle(order)
        fold = [0] * n
        for k, i in enumerate(order):
            fold[i] = k % folds
    highlighter = _Memo(highlighter, [text for _, text, _ in examples])
    kw_pred = [set(highlighter.matched_tags(text)) for _, text, _ in examples]
    trains = [sum(1 for i in range(n) if fold[i] != f) for f in range(folds)
              if any(fold[i] == f for i in range(n)) and any(fold[i] != f for i in range(n))]
    curve_sizes = [s for s in sizes if trains and s < min(trains)] + [None]
    preds: dict = {s: [set() for _ in examples] for s in curve_sizes}
    used: dict = {s: [] for s in curve_sizes}
    rng = random.Random(seed)
    for f in range(folds):
        train_idx = [i for i in range(n) if fold[i] != f]
        test_idx = [i for i in range(n) if fold[i] == f]
        if not train_idx or not test_idx:
            continue
        shuffled = train_idx[:]
        rng.shuffle(shuffled)
        for s in curve_sizes:
            pick = shuffled if s is None else shuffled[:s]
            used[s].append(len(pick))
            sug = fit([(examples[i][1], examples[i][2]) for i in pick], taxonomy, highlighter, threshold, seed)
            for i in test_idx:
                preds[s][i] = {x.tag for x in sug.suggest(examples[i][1])}

    def pack(sc: Scores) -> dict:
        return {"per_tag": sc.per_tag, "micro": sc.micro, "macro": sc.macro}

    kw = score(gold, kw_pred, tags)
    curve = []
    for s in curve_sizes:
        sc = score(gold, preds[s], tags)
        curve.append({"train": "all" if s is None else s, "mean_train_sentences": float(np.mean(used[s])) if used[s] else 0,
                      "micro_f1": sc.micro["f1"], "macro_f1": sc.macro["f1"]})
    screen = score(gold, preds[None], tags)
    return {"examples": n, "folds": folds, "by": by, "seed": seed, "threshold": threshold,
            "keywords": pack(kw), "screen": pack(screen), "model": pack(screen), "learning_curve": curve}


REPORT_LIMIT = 500  # the HTML report cross-validates on at most this many sentences (a seeded sample)
REPORT_MIN_SENTENCES = 50


def bounded_evaluation(examples: list[tuple[str, str, list[str]]], taxonomy: Taxonomy, make_highlighter=Highlighter,
                       seed: int = 0, folds: int = 5, candidates: int | None = None) -> dict:
    """The evaluation for the HTML report on ``examples`` (a seeded sample of at most REPORT_LIMIT of the
    ``candidates`` labelled sentences, said in "note"); {"skipped": reason} with too few sentences or
    documents (then the highlighter, which loads jieba, is never made)."""
    docs = len({d for d, _, _ in examples})
    if len(examples) < REPORT_MIN_SENTENCES or docs < folds:
        return {"skipped": f"{len(examples)} sentences with resolved labels in {docs} documents (at least "
                           f"{REPORT_MIN_SENTENCES} sentences in {folds} documents needed)"}
    out = evaluate(examples, taxonomy, make_highlighter(taxonomy), folds=folds, seed=seed)
    out["note"] = (f"on a seeded random sample of {len(examples)} of the {candidates} judged sentences, to keep "
                   "the report fast" if candidates and len(examples) >= REPORT_LIMIT and candidates > len(examples) else None)
    return out
