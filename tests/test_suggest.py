"""Keyword highlighting, suggestions, --no-suggest, evaluation and distinctive words."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.commands import register
from annotator.importer import import_paths
from annotator.store import State, Store
from annotator.suggest import Highlighter, Suggester, cross_validate, train, weighted_log_odds
from annotator.taxonomy import parse_taxonomy
from annotator.tui.app import build_app

register(cli)

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
    examples = [(t, labels) for t, labels in store.training_examples()]
    model = train([(hl.words(t), labels) for t, labels in examples], list(tax.tags))
    p = dict(zip(model.tags, model.predict(hl.words("我们吃苹果吧。"))))
    assert p["fruit"] > 0.9 and p["sport"] < 0.1
    result = cross_validate(examples, tax, hl, folds=5)
    assert result["keywords"]["per_tag"]["fruit"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 20}
    assert result["keywords"]["micro"]["f1"] == 1.0
    assert result["model"]["per_tag"]["sport"]["f1"] == 1.0
    assert result["model"]["per_tag"]["member"]["support"] == 0
    r = CliRunner().invoke(cli, ["--db", str(db), "suggest", "--evaluate", "--folds", "3", "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["keywords"]["micro"]["f1"] == 1.0


def test_suggester_marks_model_and_keyword_sources(tmp_path, tax, hl):
    _, store = corpus(tmp_path, tax)
    model = train([(hl.words(t), labels) for t, labels in store.training_examples()], list(tax.tags))
    s = Suggester(tax, hl, model)
    got = {x.tag: x.source for x in s.suggest("今天吃苹果，组织委员也来了。")}
    assert got.get("fruit") == "model" and got.get("member") == "keywords"
    assert s.uncertainty("天气晴朗。") < s.uncertainty("足球苹果。") + 1.0


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
    saved = [a for a in Store(db).iter_annotations() if a["annotator"] == "newbie"]
    assert saved[0]["suggestions_shown"] == 1


async def test_no_suggest_hides_and_records(tmp_path, tax):
    db, _ = corpus(tmp_path, tax, n=30)
    app = build_app(Store(db), tax, "blind", suggestions=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.suggestions == []
        await pilot.press("f", "enter")
    saved = [a for a in Store(db).iter_annotations() if a["annotator"] == "blind"]
    assert saved[0]["suggestions_shown"] == 0 and saved[0]["labels"] == ["fruit"]


def test_panel_marks_keyword_matches_and_suggestions(tax):
    from rich.console import Console

    from annotator.tui import render

    console = Console(width=120, record=True, file=open("/dev/null", "w"))
    console.print(render.tag_panel(tax, ("sport",), matched={"fruit"}, suggested={"member": 0.87}))
    text = console.export_text()
    assert "水果 Fruit ◆" in text and "★0.87" in text and "■ 运动" in text
    t = render.sentence_text(type("S", (), {"text": "吃苹果[b]"})(), [(1, 3, "red")])
    assert t.plain == "吃苹果[b]" and t.spans and (t.spans[0].start, t.spans[0].end) == (1, 3)


def test_throughput_counts_confirmations_per_active_hour(tmp_path, tax):
    from annotator import stats

    db, store = corpus(tmp_path, tax, n=12)
    tp = stats.throughput(store)["ann"]
    assert tp["confirmed"] == 12
    assert tp["active_seconds"] < 300 and (tp["per_hour"] is None or tp["per_hour"] > 0)
    assert stats.tag_counts(store)["fruit"] == 4
