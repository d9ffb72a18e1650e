"""The tagging screen, driven with Pilot."""

from __future__ import annotations

import pytest
from textual.widgets import Input, OptionList

from annotator.store import State, Store
from annotator.tui.app import build_app


def make_app(db, taxonomy, annotator="alice", **kw):
    return build_app(Store(db), taxonomy, annotator, **kw)


def shown(app, wid: str) -> str:
    if wid == "current":
        return app.screen.query_one("#reading").current_text().plain
    if wid == "reading":
        return app.screen.query_one("#reading").text()
    return str(app.screen.query_one(f"#{wid}").render())


async def test_opens_at_first_sentence_with_context_and_status(seeded_db, taxonomy):
    app = make_app(seeded_db, taxonomy)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        s = app.session
        assert s.current.kind == "sentence" and s.current.qpos == 1
        assert s.current.text in shown(app, "current")
        assert "alice" in shown(app, "status") and "#1/" in shown(app, "status")
        assert s.doc_title in shown(app, "where")
        assert app.first_paint is not None


async def test_toggle_by_key_radio_confirm_and_advance(seeded_db, taxonomy):
    app = make_app(seeded_db, taxonomy)
    async with app.run_test(size=(120, 40)) as pilot:
        first = app.session.current
        await pilot.press("c", "g", "3")
        assert app.session.state.labels == ("consultation", "consultation.grassroots", "economy")
        await pilot.press("1", "2")  # period is single-choice: plan replaces review
        assert "plan" in app.session.state.labels and "review" not in app.session.state.labels
        await pilot.press("g")  # toggles off
        assert "consultation.grassroots" not in app.session.state.labels
        await pilot.press("enter")
        assert app.session.current.qpos == first.qpos + 1
        saved = Store(seeded_db).annotation(first.id, "alice")
        assert saved == State(("consultation", "economy", "plan"), "done")
        assert app.session.done_total == 1


async def test_confirm_with_no_tags_is_none_of_these(seeded_db, taxonomy):
    app = make_app(seeded_db, taxonomy)
    async with app.run_test() as pilot:
        first = app.session.current
        await pilot.press("enter")
        assert Store(seeded_db).annotation(first.id, "alice") == State((), "done")


async def test_undo_redo_across_sentences(seeded_db, taxonomy):
    app = make_app(seeded_db, taxonomy)
    async with app.run_test() as pilot:
        first = app.session.current
        await pilot.press("c", "enter", "r", "enter")
        second_done = app.session.current.qpos == first.qpos + 2
        assert second_done
        await pilot.press("ctrl+z")  # undo confirm of sentence 2 → back on it
        assert app.session.current.qpos == first.qpos + 1
        assert app.session.state.status == "draft"
        await pilot.press("ctrl+z", "ctrl+z")  # undo r, then undo confirm of sentence 1
        assert app.session.current.id == first.id and app.session.state.status == "draft"
        await pilot.press("ctrl+z")
        assert app.session.state.labels == ()
        store = Store(seeded_db)
        assert store.annotation(first.id, "alice") is None
        await pilot.press("ctrl+y", "ctrl+y")
        assert store.annotation(first.id, "alice") == State(("consultation",), "done")
        assert app.session.done_total == 1


async def test_flag_skip_note(seeded_db, taxonomy):
    app = make_app(seeded_db, taxonomy)
    async with app.run_test() as pilot:
        first = app.session.current
        await pilot.press("exclamation_mark")
        assert app.session.state.status == "flagged"
        await pilot.press("semicolon")
        assert isinstance(app.screen.focused, Input)
        await pilot.press(*"unsure", "enter")
        store = Store(seeded_db)
        assert store.annotation(first.id, "alice") == State((), "flagged", "unsure")
        await pilot.press("down", "minus")
        second = store.next_in_queue("alice", "all", first.n)
        assert store.annotation(second.id, "alice").status == "skipped"
        assert app.session.current.qpos == first.qpos + 2


async def test_moves_without_confirming_and_document_edges(seeded_db, taxonomy):
    app = make_app(seeded_db, taxonomy)
    async with app.run_test() as pilot:
        start = app.session.current.qpos
        await pilot.press("down", "down", "up")
        assert app.session.current.qpos == start + 1
        await pilot.press("end")
        doc = app.session.current.doc_id
        last = app.session.store.doc_sentence_bounds(doc)[1]
        assert app.session.current.n == last
        await pilot.press("home")
        assert app.session.current.n == app.session.store.doc_sentence_bounds(doc)[0]
        assert Store(seeded_db).count_status("alice") == 0


async def test_resume_after_restart(seeded_db, taxonomy):
    app = make_app(seeded_db, taxonomy)
    async with app.run_test() as pilot:
        await pilot.press("enter", "enter", "minus")
        expected = app.session.current.qpos
    app2 = make_app(seeded_db, taxonomy)
    async with app2.run_test() as pilot:
        await pilot.pause()
        assert app2.session.current.qpos == expected == 4
        assert app2.session.done_total == 2


async def test_search_jumps_to_a_hit(seeded_db, taxonomy):
    app = make_app(seeded_db, taxonomy)
    async with app.run_test() as pilot:
        await pilot.press("slash")
        await pilot.press(*"码", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        ol = app.screen.query_one(OptionList)
        assert ol.option_count >= 1
        await pilot.press("down", "enter")
        await pilot.pause()
        assert "码" in app.session.current.text


async def test_document_list_switches_document(seeded_db, taxonomy):
    app = make_app(seeded_db, taxonomy)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+o")
        await pilot.pause()
        ol = app.screen.query_one(OptionList)
        assert ol.option_count == 5
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        docs = app.session.store.documents()
        assert app.session.current.doc_id == docs[2]["id"]


async def test_palette_picks_a_tag_by_english_name(seeded_db, taxonomy, palette_hits):
    app = make_app(seeded_db, taxonomy)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"epidemic")
        await palette_hits(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert "epidemic" in app.session.state.labels


async def test_help_lists_taxonomy_keys(seeded_db, taxonomy):
    app = make_app(seeded_db, taxonomy)
    async with app.run_test(size=(120, 60)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        from rich.console import Console

        console = Console(width=120, record=True, file=open("/dev/null", "w"))
        console.print(app.screen.renderable)
        text = console.export_text()
        assert "ctrl+z" in text
        assert "基层协商议事" in text
        await pilot.press("escape")
        assert app.screen.__class__.__name__ == "TagScreen"


@pytest.mark.parametrize("raw", ["会议[b]加强[/b]协商[/]意见。", "见[link=x]此处[/link]与[red]红[/red]。"])
async def test_markup_like_text_is_shown_literally(tmp_path, taxonomy, raw):
    from annotator.ingest.importer import import_paths

    p = tmp_path / "m.txt"
    p.write_text(f"前一句话。{raw}后一句话。", encoding="utf-8")
    db = tmp_path / "m.db"
    import_paths(Store(db), [p])
    app = make_app(db, taxonomy)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("down")
        await pilot.pause()
        assert app.session.current.text == raw
        assert raw in shown(app, "current")
        await pilot.press("down")
        assert raw in shown(app, "reading")
        await pilot.press("slash", *"[/", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        hit = str(app.screen.query_one(OptionList).get_option_at_index(0).prompt)
        assert raw in hit


async def test_start_in_a_document_and_flagged_queue(seeded_db, taxonomy):
    store = Store(seeded_db)
    docs = store.documents()
    app = make_app(seeded_db, taxonomy, doc=docs[3]["id"][:6])
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.session.current.doc_id == docs[3]["id"]
        await pilot.press("exclamation_mark", "down", "down", "exclamation_mark")
        flagged_first = app.session.current.n
    app2 = make_app(seeded_db, taxonomy, queue="flagged")
    async with app2.run_test() as pilot:
        await pilot.pause()
        first = app2.session.current
        assert Store(seeded_db).annotation(first.id, "alice").status == "flagged"
        await pilot.press("pagedown")
        assert app2.session.current.n == flagged_first


async def test_uncertain_order_visits_least_certain_first(double_db, taxonomy):
    app = make_app(double_db, taxonomy, annotator="carol", order="uncertain")
    async with app.run_test() as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        priority = list(app.session.priority)
        assert len(priority) > 10
        sug = app.screen.suggester
        texts = {s.n: s.text for s in app.session.store.iter_units("sentence")}
        u = [sug.uncertainty(texts[n]) for n in priority[:20]]
        assert u == sorted(u, reverse=True)
        await pilot.press("enter")
        assert app.session.current.n == priority[0]
