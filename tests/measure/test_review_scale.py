"""Review that scales: stale gold (store query, queue, screen line) and the side-by-side view."""

from __future__ import annotations

import shutil

from click.testing import CliRunner

from annotator.cli import cli
from annotator.publish.merge import merge
from annotator.annotate.adjudication import AdjudicationSession, disagreements, review_items
from annotator.store import State, Store


def _adjudicate(store, taxonomy, n: int = 3) -> list[str]:
    """judge saves gold (alice's tags) on the first n disagreements; returns their ids."""
    s = AdjudicationSession(store, taxonomy, "judge")
    s.start()
    done = []
    for _ in range(n):
        done.append(s.current.id)
        s.copy_from("alice")
        if s.gold.labels:
            s.save()
        else:
            s.save_none()
    return done


def test_no_gold_no_stale(double_db):
    store = Store(double_db)
    assert store.stale_gold() == []
    assert review_items(store, "stale") == []


def test_change_after_adjudication_makes_gold_stale_and_readjudication_clears_it(double_db, taxonomy):
    store = Store(double_db)
    a, b, c = _adjudicate(store, taxonomy)
    assert store.stale_gold() == []
    bob = store.annotation(b, "bob")
    other = next(t for t in taxonomy.tags if t not in bob.labels)
    store.change("annotation", b, "bob", "confirm", State(tuple(sorted({*bob.labels, other})), "done"))
    assert store.stale_gold() == [b]
    assert store.stale_gold_annotators(b) == ["bob"] and store.stale_gold_annotators(a) == []
    # a re-confirm with the same labels is no change
    alice = store.annotation(c, "alice")
    store.change("annotation", c, "alice", "confirm", alice)
    assert store.stale_gold() == [b]
    s = AdjudicationSession(store, taxonomy, "judge", queue="stale")
    assert s.items == [b] and s.start() and s.current.id == b and s.stale_by == ["bob"]
    s.copy_from("bob")
    assert s.stale_by == [] and store.stale_gold() == []  # gold being redone is a draft: not adjudicated
    s.save()
    assert store.stale_gold() == [] and store.gold(b).status == "done"
    assert store.gold(b).labels == tuple(sorted({*bob.labels, other}))


def test_flagging_or_undoing_a_judgment_counts_as_a_change(double_db, taxonomy):
    store = Store(double_db)
    a, b, _ = _adjudicate(store, taxonomy)
    alice = store.annotation(a, "alice")
    store.change("annotation", a, "alice", "flag", State(alice.labels, "flagged"))
    assert store.stale_gold() == [a]
    store.undo("annotation", "alice")  # back to what the adjudicator saw: still a change after the gold
    assert store.stale_gold() == [a]


def test_merge_of_an_edit_made_before_adjudication_makes_gold_stale(double_db, taxonomy, tmp_path):
    """bob re-edits in his own copy, the judge adjudicates in the team database, then bob's copy is
    merged: the judgment the gold was settled from is not the one the database now holds."""
    copy = tmp_path / "bob.db"
    shutil.copy(double_db, copy)
    team = Store(double_db)
    target = disagreements(team)[1]
    bobs = Store(copy)
    old = bobs.annotation(target, "bob")
    other = next(t for t in taxonomy.tags if t not in old.labels)
    bobs.change("annotation", target, "bob", "confirm", State(tuple(sorted({*old.labels, other})), "done"))
    bobs.close()
    assert target in _adjudicate(team, taxonomy)
    assert team.stale_gold() == []
    merge(team, taxonomy, copy)
    assert team.stale_gold() == [target] and team.stale_gold_annotators(target) == ["bob"]
    merge(team, taxonomy, copy)  # merging the same copy again changes nothing more
    assert team.stale_gold() == [target]


def test_gold_that_is_only_a_draft_is_never_stale(double_db, taxonomy):
    store = Store(double_db)
    s = AdjudicationSession(store, taxonomy, "judge")
    s.start()
    sid = s.current.id
    s.copy_from("alice")  # draft gold
    bob = store.annotation(sid, "bob")
    store.change("annotation", sid, "bob", "confirm", State((), "done") if bob.labels else State(("study",), "done"))
    assert store.stale_gold() == []


def test_stale_queue_with_a_filter_keeps_items_that_still_differ(double_db, taxonomy):
    store = Store(double_db)
    ids = _adjudicate(store, taxonomy)
    for sid in ids:  # bob now agrees with alice on the first, and changes the others
        alice = store.annotation(sid, "alice")
        store.change("annotation", sid, "bob", "confirm", alice if sid == ids[0] else State((), "done"))
    assert store.stale_gold() == ids
    assert review_items(store, "stale", pair=("alice", "bob")) == ids[1:]


def test_review_cli_queue_option(double_db):
    r = CliRunner().invoke(cli, ["--db", str(double_db), "review", "--queue", "nope"])
    assert r.exit_code != 0 and "Traceback" not in r.output
    r = CliRunner().invoke(cli, ["review", "--help"])
    assert "--queue" in r.output and "stale" in r.output


# ---------------------------------------------------------------- side by side

import io  # noqa: E402

from rich.cells import cell_len  # noqa: E402
from rich.console import Console  # noqa: E402

from annotator.tui import render  # noqa: E402
from annotator.tui.app import build_app  # noqa: E402
from annotator.tui.base import SentenceScreen  # noqa: E402

HOSTILE = "eve[b]\x1b[31m"
EXTRA = ("carol.wang", "dave", HOSTILE)


def _text(renderable, width: int) -> list[str]:
    c = Console(width=width, file=io.StringIO(), record=True, force_terminal=True, legacy_windows=False)
    c.print(renderable)
    return c.export_text().splitlines()


def screen_text(app) -> str:
    w, h = app.size
    c = Console(width=w, height=h, file=io.StringIO(), force_terminal=True, record=True, legacy_windows=False,
                safe_box=False)
    c.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens, simplify=True))
    return c.export_text()


def _five(store, n: int = 6) -> list[str]:
    """carol.wang, dave and a hostile name judge the first n disagreements too: each differs from alice."""
    items = disagreements(store)[:n]
    rows = []
    for k, sid in enumerate(items):
        alice = set(store.annotation(sid, "alice").labels)
        for i, who in enumerate(EXTRA):
            labels = alice ^ {"study"} if (i + k) % 2 else alice
            rows.append({"sentence_id": sid, "annotator": who, "labels": sorted(labels), "status": "done",
                         "note": "说明 [b]note[/b] " * 8 if who == "dave" else ""})
    store.import_judgments(rows)
    return items


def test_grid_marks_tags_some_chose_apart_from_tags_all_chose(taxonomy):
    j = {"alice": State(("review", "study"), "done"), "bob": State(("review",), "done"),
         "carol": State(("review", "epidemic"), "done")}
    lines = _text(render.judgment_grid(taxonomy, j, State(("review",), "draft"), 76, ["F1", "F2", "F3"]), 76)
    by_title = {taxonomy.tags[t].title: t for t in ("review", "study", "epidemic")}
    rows = {title: line for line in lines for title in by_title if title in line}
    assert rows[taxonomy.tags["review"].title].lstrip().startswith(render.AGREED)
    assert rows[taxonomy.tags["study"].title].lstrip().startswith(render.DIFFERS)
    assert rows[taxonomy.tags["epidemic"].title].lstrip().startswith(render.DIFFERS)
    # differences first, then what all chose
    order = [t for line in lines for t, tid in by_title.items() if t in line]
    assert order[-1] == taxonomy.tags["review"].title
    assert "F1 alice" in lines[0] and "F3 carol" in lines[0] and "gold" in lines[0]


def test_grid_fits_80_columns_with_five_annotators_and_chinese_titles(taxonomy):
    long_names = ["alice", "bob", "carol.wang", "dave-the-adjudicated", HOSTILE]
    tags = list(taxonomy.tags)
    j = {w: State(tuple(tags[i:i + 3]), "done" if i != 3 else "flagged", "很长的备注 " * 20 if i == 1 else "")
         for i, w in enumerate(long_names)}
    for width in (76, 60):
        lines = _text(render.judgment_grid(taxonomy, j, State(), width, [f"F{i}" for i in range(1, 6)]), 200)
        assert max(cell_len(line.rstrip()) for line in lines) <= width
        text = "\n".join(lines)
        assert "\x1b" not in text and "F5" in text and "gold" in text
        assert "F4 dav" in text and "…" in text  # long names and notes are cut, never wrapped
        assert ("F4 dave" in text) == (width == 76)
        assert len(lines) == 1 + len({t for s in j.values() for t in s.labels}) + 1  # header, tags, one note


def test_review_screen_at_80x24_shows_five_annotators_and_the_stale_line(double_db, taxonomy, monkeypatch):
    import asyncio

    monkeypatch.setattr(SentenceScreen, "start_worker", lambda self: None)
    store = Store(double_db)
    items = _five(store)
    s = AdjudicationSession(store, taxonomy, "judge")
    s.start()
    s.copy_from("alice")
    s.save()
    store.change("annotation", items[0], "dave", "confirm", State(("plan",), "done"))
    store.close()

    async def run():
        app = build_app(Store(double_db), taxonomy, "judge", mode="review", review_queue="stale")
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert app.session.current.id == items[0]
            text = screen_text(app)
            assert "stale: dave changed since adjudication" in text and "gold stale" in text
            assert all(f"F{i}" in text for i in range(1, 6)) and "\x1b" not in text
            assert all(cell_len(line.rstrip()) <= 80 for line in text.splitlines())
            await pilot.press("enter")  # adjudicated again: no longer stale
            await pilot.pause()
            assert Store(double_db).stale_gold() == []
            assert "stale:" not in screen_text(app)
    asyncio.run(run())


async def test_dashboard_counts_stale_gold(double_db, taxonomy):
    store = Store(double_db)
    a, b, _ = _adjudicate(store, taxonomy)
    store.change("annotation", a, "bob", "confirm", State(("study",), "done"))
    app = build_app(Store(double_db), taxonomy, "judge", mode="review")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+d")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.stale == 1
        assert "Gold: 3 adjudicated · 1 stale" in screen_text(app)


async def test_palette_switches_to_the_stale_queue(double_db, taxonomy, palette_hits):
    store = Store(double_db)
    a, *_ = _adjudicate(store, taxonomy)
    store.change("annotation", a, "bob", "confirm", State(("study",), "done"))
    app = build_app(Store(double_db), taxonomy, "judge", mode="review")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Queue: stale gold")
        await palette_hits(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert app.session.queue == "stale" and app.session.items == [a] and app.session.current.id == a
        assert app.session.stale_by == ["bob"]


def test_undoing_a_readjudication_back_to_the_old_gold_is_stale_again(double_db, taxonomy):
    store = Store(double_db)
    a, *_ = _adjudicate(store, taxonomy, 1)
    store.change("annotation", a, "bob", "confirm", State(("study", "plan"), "done"))
    s = AdjudicationSession(store, taxonomy, "judge", queue="stale")
    s.start()
    s.copy_from("bob")
    s.save()
    assert store.stale_gold() == []
    assert s.undo() and store.gold(a).status == "draft"  # the save undone: a draft, not adjudicated
    assert s.undo()  # the copy undone: the old gold, settled before bob's change
    assert store.gold(a).status == "done" and store.stale_gold() == [a]
    assert s.redo() and s.redo()  # the re-adjudication again
    assert store.stale_gold() == []


async def test_empty_stale_queue_says_so(double_db, taxonomy):
    app = build_app(Store(double_db), taxonomy, "judge", mode="review", review_queue="stale")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.session.items == [] and app.session.current is None
        assert "No stale gold" in screen_text(app)
        await pilot.press("enter", "-")  # nothing to adjudicate: refused with a notice, nothing written
        await pilot.pause()
    assert Store(double_db).gold_items() == {}


async def test_help_explains_the_grid(double_db, taxonomy):
    app = build_app(Store(double_db), taxonomy, "judge", mode="review")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        text = screen_text(app)
        assert "The grid: a row per tag" in text and "skip the item without writing gold" in text


def test_gold_merged_from_a_reviewers_copy_is_fresh_until_a_judgment_changes(double_db, taxonomy, tmp_path):
    copy = tmp_path / "judge.db"
    shutil.copy(double_db, copy)
    judge = Store(copy)
    ids = _adjudicate(judge, taxonomy, 2)
    judge.close()
    team = Store(double_db)
    merge(team, taxonomy, copy)
    assert {sid for sid, g in team.gold_items().items() if g.status == "done"} == set(ids)
    assert team.stale_gold() == []
    team.change("annotation", ids[1], "alice", "confirm", State(("plan", "study"), "done"))
    assert team.stale_gold() == [ids[1]] and team.stale_gold_annotators(ids[1]) == ["alice"]
