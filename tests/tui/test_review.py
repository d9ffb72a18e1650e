"""Disagreement queue and gold layer: domain and screen."""

from __future__ import annotations

import json

from click.testing import CliRunner

from annotator.cli import cli
from annotator.annotate.adjudication import AdjudicationSession, disagreements
from annotator.store import State, Store
from annotator.tui.app import build_app


def test_disagreements_are_only_items_that_differ(double_db):
    store = Store(double_db)
    items = disagreements(store)
    assert items
    for sid in items:
        j = store.item_judgments(sid)
        assert len({s.labels for s in j.values()}) > 1
    agreed = [s.id for s in store.iter_units("sentence") if s.id not in set(items)]
    assert all(len({x.labels for x in store.item_judgments(s).values()}) == 1 for s in agreed[:50])


def test_filters_by_tag_and_pair(double_db):
    store = Store(double_db)
    by_tag = disagreements(store, tag="epidemic")
    for sid in by_tag:
        sets = [set(s.labels) for s in store.item_judgments(sid).values()]
        assert any("epidemic" in s for s in sets) and not all("epidemic" in s for s in sets)
    assert disagreements(store, pair=("alice", "bob")) == disagreements(store)
    assert disagreements(store, pair=("alice", "nobody")) == []


def test_gold_copy_toggle_save_undo(double_db, taxonomy):
    store = Store(double_db)
    s = AdjudicationSession(store, taxonomy, "judge")
    assert s.start()
    first = s.current.id
    s.copy_from("bob")
    assert s.gold.labels == store.item_judgments(first)["bob"].labels
    s.toggle("epidemic")
    assert s.save()
    saved = store.gold(first)
    assert saved.status == "done" and "epidemic" in saved.labels
    assert s.current.id != first
    s.undo()  # undo the save: back on the first item, gold a draft again
    assert s.current.id == first and store.gold(first).status == "draft"
    s.redo()
    assert store.gold(first).status == "done"
    assert [e["action"] for e in store.events(first) if e["layer"] == "gold"][:3] == [
        "gold-copy:bob", "gold-toggle:epidemic", "gold-save"]
    assert json.loads(store.events(first)[-1]["after"])["status"] == "done"


async def test_review_screen_keys(double_db, taxonomy):
    app = build_app(Store(double_db), taxonomy, "judge", mode="review")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        s = app.session
        first = s.current.id
        await pilot.press("f2")
        assert s.gold.labels == s.judgments["bob"].labels
        await pilot.press("y")  # taxonomy key: epidemic
        assert "epidemic" in s.gold.labels or "epidemic" in s.judgments["bob"].labels
        await pilot.press("enter")
        assert Store(double_db).gold(first).status == "done"
        assert s.current.id != first
        await pilot.press("ctrl+z")
        assert s.current.id == first
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.highlighter is not None  # keyword highlighting arrives from the worker


async def test_dashboard_shows_figures(double_db, taxonomy):
    app = build_app(Store(double_db), taxonomy, "judge", mode="review")
    async with app.run_test(size=(140, 50)) as pilot:
        await pilot.press("ctrl+d")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.report is not None
        from textual.widgets import DataTable

        assert app.screen.query_one(DataTable).row_count == len(taxonomy.tags)


def test_agree_cli_tables_and_json(double_db):
    r = CliRunner().invoke(cli, ["--db", str(double_db), "agree", "--bootstrap", "200"])
    assert r.exit_code == 0, r.output
    assert "Weakest tags" in r.output and "alice" in r.output
    r = CliRunner().invoke(cli, ["--db", str(double_db), "agree", "--bootstrap", "200", "--all"])
    assert r.exit_code == 0 and "Per tag" in r.output and "Per document" in r.output
    j = CliRunner().invoke(cli, ["--db", str(double_db), "agree", "--json", "--bootstrap", "200"])
    rep = json.loads(j.output)
    assert set(rep) >= {"items", "annotators", "overall", "facets", "per_tag", "pairs", "confusion", "excluded"}
    assert rep["items"] > 300 and rep["annotators"] == ["alice", "bob"]
    o = rep["overall"]
    assert 0 < o["alpha_masi"] < 1 and o["alpha_masi_ci95"][0] < o["alpha_masi"] < o["alpha_masi_ci95"][1]
    assert o["cohen_kappa"] is not None and set(rep["facets"]) == {"activity", "period", "domain"}
    assert rep["pairs"][0]["shared_items"] == rep["items"]
    assert "NaN" not in j.output


def test_agree_single_annotator_is_null_with_reason(seeded_db):
    store = Store(seeded_db)
    sid = next(store.iter_units("sentence")).id
    store.change("annotation", sid, "solo", "confirm", State(("study",), "done"))
    r = CliRunner().invoke(cli, ["--db", str(seeded_db), "agree", "--json"])
    rep = json.loads(r.output)
    assert rep["items"] == 0 and rep["overall"]["alpha_masi"] is None
    assert "no item" in rep["overall"]["reasons"]["alpha_masi"]
    assert rep["excluded"]["single_judgment_items"] == 1


def test_agree_unknown_facet_is_one_line_error(double_db):
    r = CliRunner().invoke(cli, ["--db", str(double_db), "agree", "--facet", "nope"])
    assert r.exit_code == 1 and "no facet 'nope'" in r.output and "Traceback" not in r.output


async def test_review_palette_filters_by_tag(double_db, taxonomy, palette_hits):
    app = build_app(Store(double_db), taxonomy, "judge", mode="review")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        everything = len(app.session.items)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Filter by tag: epidemic")
        await palette_hits(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert app.session.tag == "epidemic"
        assert app.session.items == disagreements(Store(double_db), tag="epidemic")
        assert 0 < len(app.session.items) < everything
