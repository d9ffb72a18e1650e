"""The large-data path of the model: a linear SVM calibrated on one held-out part, trained on a bounded
stratified sample (the thresholds lowered here so a small set takes that path)."""

import numpy as np

from annotator.annotate import classifier
from annotator.annotate.features import CharGrams, gram_codes
from annotator.annotate.judged import Judged
from annotator.annotate.suggest import char_grams, train, training_sample


def test_gram_codes_are_the_character_grams():
    texts = ["政协 委员会a", "ab", "x", "", "委员会ＡＢ 😀政协"]
    codes, docs = gram_codes(texts)

    def decode(c):
        return "".join(chr(((int(c) >> (21 * k)) & (2 ** 21 - 1)) - 1) for k in range(3)
                       if (int(c) >> (21 * k)) & (2 ** 21 - 1))

    for i, t in enumerate(texts):
        assert sorted(decode(c) for c in codes[docs == i]) == sorted(char_grams(t))
    model, x = CharGrams.fit_transform(texts)
    assert abs(x - model.transform(texts)).max() < 1e-12
    assert np.allclose(np.asarray(x.multiply(x).sum(axis=1)).ravel()[[0, 4]], 1.0)  # L2 rows


def test_sample_keeps_every_example_of_a_rare_tag():
    rng = np.random.RandomState(0)
    y = np.zeros((5000, 3), dtype=np.int64)
    y[:, 0] = rng.rand(5000) < 0.5
    y[rng.choice(5000, 12, replace=False), 2] = 1  # a rare tag
    pick = training_sample(y, 1000, seed=1)
    assert len(pick) == 1000 and (np.diff(pick) > 0).all()
    assert y[pick, 2].sum() == 12
    assert (training_sample(y, 6000) == np.arange(5000)).all()


def test_large_path_trains_on_a_sample_and_calibrates(monkeypatch):
    monkeypatch.setattr(classifier, "LARGE_FROM", 200)
    monkeypatch.setattr(classifier, "MAX_TRAIN", 400)
    fruit, sport = ["苹果", "香蕉", "橘子", "葡萄"], ["足球", "篮球", "跑步", "游泳"]
    rng = np.random.RandomState(3)
    examples = []
    for i in range(900):
        kind = i % 3
        word = (fruit if kind == 0 else sport if kind == 1 else ["天气", "会议", "文件", "道路"])[rng.randint(4)]
        examples.append((f"今天第{i}次说到{word}的事情。", ["fruit"] if kind == 0 else ["sport"] if kind == 1 else []))
    tags = ["fruit", "sport", "member"]
    model = train(Judged.of(examples, tags), tags)
    assert model.n_examples == 900 and list(model.trained) == [True, True, False]
    assert np.isfinite(model.calibration).all()
    p = dict(zip(model.tags, model.predict(None, "我们一起吃香蕉吧。")))
    assert p["fruit"] > 0.5 > p["sport"] and p["member"] == 0.0
