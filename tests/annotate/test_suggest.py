"""Keyword highlighting, suggestions, --no-suggest, evaluation and distinctive words."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.ingest.importer import import_paths
from annotator.store import State, Store
from annotator.annotate.suggest import Highlighter, _platt, fit, uncertain_order
from annotator.measure.stats import weighted_log_odds
from annotator.core.taxonomy import parse_taxonomy
from annotator.tui.app import build_app
from storehelpers import iter_annotations

TAX = """name: 测试
facets:
  - id: kind
    title: 类别
    multiple: true
    tags:
      - {id: fruit, title: 水果, en: Fruit, key: f, keywords: [苹果]}
      - {id: member, title: 委员, en: Member, key: m, keywords: [委员]}
      - {id: sport, title: 运动, en: Sport, key: s, keywords: [足球]}
"""


@pytest.fixture(scope="module")
def tax():
    return parse_taxonomy(TAX, "test.yaml")


@pytest.fixture(scope="module")
def hl(tax):
    return Highlighter(tax)


def test_keyword_lights_up_only_as_a_whole_word(hl):
    assert [(w, t) for _, _, w, t in hl.matches("组织委员参加会议。")] == [("委员", ["member"])]
    assert hl.matches("政协委员会召开会议。") == []  # 委员 inside 委员会 is not a match
    start, end, _, _ = hl.matches("他是委员。")[0]
    assert "他是委员。"[start:end] == "委员"


def test_highlighter_does_not_touch_the_global_dictionary(hl):
    import jieba

    assert "码上议" not in jieba.dt.FREQ or jieba.dt.FREQ.get("码上议") is None


def corpus(tmp_path, tax, n=60):
    """Sentences whose right tags are known: 苹果 → fruit, 足球 → sport, 其他 → none."""
    lines = []
    for i in range(n):
        kind = i % 3
        lines.append(["我们今天吃了苹果和梨。", "孩子们喜欢足球和篮球。", "天气晴朗适合散步休息。"][kind]
                     .replace("。", f"{i}号。"))
    p = tmp_path / "c.txt"
    p.write_text("".join(lines), encoding="utf-8")
    db = tmp_path / "s.db"
    store = Store(db)
    import_paths(store, [p])
    store.record_taxonomy(tax.name, tax.version, tax.hash, tax.path, tax.source)
    for i, s in enumerate(store.iter_units("sentence")):
        labels = [("fruit",), ("sport",), ()][i % 3]
        store.change("annotation", s.id, "ann", "confirm", State(labels, "done"))
    return db, store


def test_model_learns_known_answer_and_evaluation_is_exact(tmp_path, tax, hl):
    db, store = corpus(tmp_path, tax)
    examples = store.training_examples()
    sug = fit(examples, tax, hl)
    p = dict(zip(sug.model.tags, sug.model.predict(hl.words("我们吃苹果吧。"), "我们吃苹果吧。")))
    assert p["fruit"] > 0.5 and p["sport"] < 0.5
    assert not sug.model.trained[sug.model.tags.index("member")]  # no example of it: keywords only
    from annotator.annotate.evaluate import evaluate

    result = evaluate([("d", t, labels) for t, labels in examples], tax, hl, folds=5, by="sentence")
    assert result["keywords"]["per_tag"]["fruit"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 20}
    assert result["keywords"]["micro"]["f1"] == 1.0
    assert result["screen"]["per_tag"]["sport"]["f1"] == 1.0
    assert result["screen"]["per_tag"]["member"]["support"] == 0
    # 60 sentences in 5 folds train on 48 each: no 50/100/200 rows, only sizes that exist, and "all"
    assert [row["train"] for row in result["learning_curve"]] == ["all"]
    smaller = evaluate([("d", t, labels) for t, labels in examples], tax, hl, folds=5, by="sentence", sizes=(10, 20, 48))
    assert [row["train"] for row in smaller["learning_curve"]] == [10, 20, "all"]
    assert smaller["learning_curve"][-1]["mean_train_sentences"] == 48
    r = CliRunner().invoke(cli, ["--db", str(db), "suggest", "--evaluate", "--folds", "3", "--by", "sentence", "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["keywords"]["micro"]["f1"] == 1.0
    # one document cannot be split into document folds: one clear line, exit 1
    r = CliRunner().invoke(cli, ["--db", str(db), "suggest", "--evaluate"])
    assert r.exit_code == 1 and "need at least 5 documents" in r.output


def test_learning_curve_of_34_sentences_prints_only_the_all_row(tmp_path, tax):
    db, _ = corpus(tmp_path, tax, n=34)
    r = CliRunner().invoke(cli, ["--db", str(db), "suggest", "--evaluate", "--by", "sentence"], env={"COLUMNS": "120"})
    assert r.exit_code == 0, r.output
    curve = r.output[r.output.index("Learning curve"):]
    rows = [ln.split("│")[1].strip() for ln in curve.splitlines() if ln.startswith("│")]
    assert rows == ["all (27)"], curve


def test_suggester_keeps_keywords_beside_the_model(tmp_path, tax, hl):
    _, store = corpus(tmp_path, tax)
    s = fit(store.training_examples(), tax, hl)
    got = {x.tag: x.source for x in s.suggest("今天吃苹果，组织委员也来了。")}
    assert got.get("fruit", "").startswith("model") and got.get("member") == "keywords"
    # a trained tag's keyword still shows even where the model says no
    trained_sport = s.model.trained[s.model.tags.index("sport")]
    assert trained_sport and "sport" in {x.tag for x in s.suggest("天气晴朗适合散步休息，足球。")}


def test_single_choice_facet_shows_one_tag():
    t = parse_taxonomy("""name: t
facets:
  - id: period
    title: 时态
    multiple: false
    tags:
      - {id: review, title: 回顾, en: Review, keywords: [一年来]}
      - {id: plan, title: 安排, en: Plan, keywords: [新的一年]}
""", "t.yaml")
    h = Highlighter(t)
    ex = [(f"一年来我们做了第{i}件事。", ["review"]) for i in range(12)] + \
         [(f"新的一年我们将做第{i}件事。", ["plan"]) for i in range(12)]
    s = fit(ex, t, h)
    shown = [x.tag for x in s.suggest("一年来和新的一年都很好，我们做了事。")]
    assert len(shown) == 1


def test_calibration_is_bounded_when_scores_separate_the_classes():
    import numpy as np

    scores = np.r_[np.linspace(-5, -1, 50), np.linspace(1, 5, 50)]
    y = np.r_[np.zeros(50), np.ones(50)]
    a, b = _platt(scores, y)
    assert np.isfinite(a) and np.isfinite(b) and 0 < a < 50
    a, b = _platt(-scores, y)  # reversed: a negative slope, still bounded
    assert -50 < a < 0


def test_predict_json_is_what_the_screen_shows(tmp_path, tax, hl):
    db, store = corpus(tmp_path, tax)
    doc = store.documents()[0]["id"]
    r = CliRunner().invoke(cli, ["--db", str(db), "suggest", "--predict", "--doc", doc, "--json"])
    assert r.exit_code == 0, r.output
    lines = [json.loads(line) for line in r.output.splitlines()]
    units = [u for u in store.units(doc) if u.kind == "sentence"]
    assert [x["id"] for x in lines] == [u.id for u in units]
    screen = fit(store.training_examples(), tax, hl)  # as the screen's worker trains (for_store)
    for rec, u in zip(lines, units):
        assert {x["tag"] for x in rec["suggestions"] if x["shown"]} == {x.tag for x in screen.suggest(u.text)}
        assert all(0 <= x["score"] <= 1 for x in rec["suggestions"])
    assert any(x["tag"] == "fruit" and x["shown"] for x in lines[0]["suggestions"])
    r = CliRunner().invoke(cli, ["--db", str(db), "suggest", "--predict"])
    assert r.exit_code == 0 and "★fruit" in r.output
    r = CliRunner().invoke(cli, ["--db", str(db), "suggest", "--predict", "--doc", "nope"])
    assert r.exit_code == 1 and "no document" in r.output
    r = CliRunner().invoke(cli, ["--db", str(db), "suggest"])
    assert r.exit_code == 2


def test_uncertain_order_ranks_every_unfinished_sentence(tmp_path, tax, hl):
    db, store = corpus(tmp_path, tax, n=30)
    extra = tmp_path / "more.txt"
    extra.write_text("".join(f"第{i}段文字苹果足球。" if i % 2 else f"普通的第{i}句话。" for i in range(700)),
                     encoding="utf-8")
    import_paths(store, [extra])
    sug = fit(store.training_examples(), tax, hl)
    order = uncertain_order(store, "ann", sug)
    todo = [u for u in store.iter_units("sentence") if store.annotation(u.id, "ann") is None]
    assert sorted(order) == sorted(u.n for u in todo) and len(order) == 700  # all of them, not 500
    texts = {u.n: u.text for u in todo}
    u = [sug.uncertainty(texts[n]) for n in order]
    assert u == sorted(u, reverse=True) and u[0] > u[-1]  # a real measure, not all 0.0
    assert uncertain_order(store, "ann", fit([], tax, hl)) == [u.n for u in todo]  # no model: corpus order


def test_distinctive_words_ranking():
    inside = {"苹果": 20, "今天": 5}
    outside = {"足球": 20, "今天": 5}
    total = {"苹果": 20, "今天": 10, "足球": 20}
    n = sum(total.values())
    ranked = weighted_log_odds(inside, outside, {w: c / n for w, c in total.items()})
    assert ranked[0][0] == "苹果" and ranked[-1][0] == "今天"


def test_stats_words_cli(tmp_path, tax):
    db, _ = corpus(tmp_path, tax)
    r = CliRunner().invoke(cli, ["--db", str(db), "stats", "--words"])
    assert r.exit_code == 0, r.output
    assert "苹果" in r.output and "ann" in r.output


async def test_suggestions_only_after_worker_and_only_by_accept_key(tmp_path, tax):
    db, _ = corpus(tmp_path, tax, n=30)
    store = Store(db)
    fresh = tmp_path / "t.txt"
    fresh.write_text("大家一起吃苹果。另一句话在这里。", encoding="utf-8")
    import_paths(store, [fresh])
    app = build_app(Store(db), tax, "newbie")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        # the screen is up and usable before jieba and the model are ready
        assert screen.suggester is None and screen.suggestions == [] and app.session.current is not None
        await pilot.press("down")
        assert screen.suggester is None or app.suggester_trainings >= 1
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.suggester is not None and app.suggester_trainings == 1
        while "苹果" not in app.session.current.text:
            await pilot.press("down")
        assert any(x.tag == "fruit" for x in screen.suggestions)
        assert app.session.state.labels == ()  # shown, not applied
        assert "★" in str(screen.query_one("#tags").render()) or screen.suggestions
        await pilot.press("equals_sign")
        assert "fruit" in app.session.state.labels
        await pilot.press("enter")
    saved = [a for a in iter_annotations(Store(db)) if a["annotator"] == "newbie"]
    assert saved[0]["suggestions_shown"] == 1


async def test_no_suggest_hides_and_records(tmp_path, tax):
    db, _ = corpus(tmp_path, tax, n=30)
    app = build_app(Store(db), tax, "blind", suggestions=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.suggestions == []
        await pilot.press("f", "enter")
    saved = [a for a in iter_annotations(Store(db)) if a["annotator"] == "blind"]
    assert saved[0]["suggestions_shown"] == 0 and saved[0]["labels"] == ["fruit"]


def test_panel_marks_keyword_matches_and_suggestions(tax):
    from rich.console import Console

    from annotator.tui import tagpanel

    console = Console(width=120, record=True, file=open("/dev/null", "w"))
    console.print(tagpanel.panel_text(tax, ("sport",), matched={"fruit"}, suggested={"member": 0.87}))
    text = console.export_text()
    assert "水果 Fruit ◆" in text and "★0.87" in text and "■ 运动" in text
    from annotator.tui.reader import unit_text

    t = unit_text(type("S", (), {"text": "吃苹果[b]", "kind": "sentence"})(), ((1, 3, "red"),))
    assert t.plain == "吃苹果[b]" and t.spans and (t.spans[0].start, t.spans[0].end) == (1, 3)


def test_throughput_counts_confirmations_per_active_hour(tmp_path, tax):
    from annotator.measure import stats
    db, store = corpus(tmp_path, tax, n=12)
    tp = stats.throughput(store)["ann"]
    assert tp["confirmed"] == 12
    assert tp["active_seconds"] < 300 and (tp["per_hour"] is None or tp["per_hour"] > 0)
    assert stats.tag_counts(store)["fruit"] == 4


def _plain(widget) -> tuple[str, list]:
    """What a Static shows, as plain text, and its style spans."""
    from rich.console import Console
    from rich.text import Text

    content = widget if isinstance(widget, Text) else widget.content
    if isinstance(content, Text):
        return content.plain, list(content.spans)
    console = Console(width=120, record=True, file=open("/dev/null", "w"))
    console.print(content)
    return console.export_text(), []


async def test_no_suggest_hides_every_cue(tmp_path, tax):
    db, _ = corpus(tmp_path, tax, n=30)  # the first sentence has 苹果, a keyword of fruit, and a model behind it
    app = build_app(Store(db), tax, "blind", suggestions=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert "苹果" in app.session.current.text
        panel, _ = _plain(screen.query_one("#tags"))
        assert "◆" not in panel and "★" not in panel and "水果" in panel
        text, spans = _plain(screen.query_one("#reading").current_text())
        assert "苹果" in text and not any("苹果" in text[s.start:s.end] for s in spans)
        await pilot.press("equals_sign")
        await pilot.pause()
        assert app.session.state.labels == ()
        assert any("Suggestions are off" in str(n.message) for n in app._notifications)
    # the same screen with suggestions on does show them (so the checks above can fail)
    app = build_app(Store(db), tax, "seeing")
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        panel, _ = _plain(app.screen.query_one("#tags"))
        assert "◆" in panel and "★" in panel
        text, spans = _plain(app.screen.query_one("#reading").current_text())
        assert any("苹果" in text[s.start:s.end] for s in spans)


def test_stats_words_leave_out_function_words(tmp_path, tax, hl):
    from annotator.measure import stats
    db, store = corpus(tmp_path, tax)
    ranked = stats.distinctive_words(store, tax, hl, top=20)
    words = {w for r in ranked.values() for w, _ in r}
    assert "苹果" in words and not words & {"的", "和", "了", "在", "等", "下"}
    assert all(len(w) > 1 for w in words)
