"""Assignment plans: deterministic, balanced, stratified; re-planning keeps finished work; the assigned
queue serves the overlap sample first; progress; merge carries plans and refuses conflicting ones."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest
from click.testing import CliRunner
from hypothesis import given, settings, strategies as st

from annotator.cli import cli
from annotator.core.errors import AnnotatorError
from annotator.publish.merge import MergeError, merge
from annotator.annotate.plan import Settings, assign, make_plan, quotas
from annotator.measure.progress import progress
from annotator.annotate.tagging import TaggingSession
from annotator.store import Store
from storehelpers import clear_plan


def run(db, *args):
    return CliRunner().invoke(cli, ["--db", str(db), *args])


def corpus(sizes):
    return {f"d{i}": [f"d{i}-{j}" for j in range(n)] for i, n in enumerate(sizes)}


def test_plan_is_deterministic_balanced_and_stratified():
    docs = corpus([120, 80, 60, 40, 30, 20, 10])
    s = Settings(("a", "b", "c"), overlap=0.2, per_item=2, seed=7)
    p1, p2 = make_plan(docs, s), make_plan(docs, s)
    assert p1.assigned == p2.assigned and p1.sample == p2.sample and p1.id == p2.id
    assert make_plan(docs, Settings(("a", "b", "c"), 0.2, 2, 8)).sample != p1.sample  # the seed draws it
    # every sentence is assigned; a document goes whole to its owner, but for the sample (shared out evenly)
    assert set(p1.assigned) == {sid for sids in docs.values() for sid in sids}
    for d, sids in docs.items():
        assert all(p1.assigned[sid] == (p1.owners[d],) for sid in sids if sid not in p1.sample)
    # balanced by sentence count outside the sample: owned loads within the largest document of each other
    owned = {n: sum(sid not in p1.sample for d, o in p1.owners.items() if o == n for sid in docs[d]) for n in "abc"}
    assert max(owned.values()) - min(owned.values()) <= max(len(v) for v in docs.values())
    # the sample: 20 % of all sentences, proportional in each document, two annotators each
    assert len(p1.sample) == round(0.2 * 360)
    for d, sids in docs.items():
        assert abs(sum(sid in p1.sample for sid in sids) - 0.2 * len(sids)) < 1
    assert all(len(p1.assigned[sid]) == 2 for sid in p1.sample)
    assert all(len(p1.assigned[sid]) == 1 for sid in p1.assigned if sid not in p1.sample)
    # the sample is shared evenly on top, so the total work is as even as the owned work
    total = {n: sum(n in v for v in p1.assigned.values()) for n in "abc"}
    assert max(total.values()) - min(total.values()) <= max(owned.values()) - min(owned.values()) + 3


def test_per_item_alone_sends_everything_to_that_many():
    docs = corpus([10, 7])
    p = make_plan(docs, Settings(("a", "b", "c"), overlap=1.0, per_item=3))
    assert all(set(v) == {"a", "b", "c"} for v in p.assigned.values())


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 40), min_size=1, max_size=12), st.floats(0, 1), st.integers(0, 5))
def test_quotas_sum_and_stay_proportional(sizes, fraction, seed):
    q = quotas({f"d{i}": n for i, n in enumerate(sizes)}, fraction)
    assert sum(q.values()) == round(fraction * sum(sizes))
    assert all(abs(q[f"d{i}"] - fraction * n) < 1 + 1e-9 and 0 <= q[f"d{i}"] <= n for i, n in enumerate(sizes))


@pytest.mark.parametrize("bad, message", [
    (Settings(()), "at least one"),
    (Settings(("a", "a")), "twice"),
    (Settings(("a", "b"), overlap=1.5), "between 0 and 1"),
    (Settings(("a", "b"), per_item=3), "at most"),
    (Settings(("a",)), "two annotators or more"),
    (Settings(("a", " b")), "surrounding spaces"),
    (Settings(("a", "b\x1b]0;x\x07")), "printable"),
])
def test_bad_settings_are_one_clear_error(bad, message):
    with pytest.raises(AnnotatorError, match=message):
        make_plan(corpus([5]), bad)


def tag_through(store, taxonomy, who, count, queue="assigned"):
    s = TaggingSession(store, taxonomy, who, queue=queue)
    s.start()
    visited = []
    for _ in range(count):
        if s.current is None:
            break
        visited.append((s.current.id, s.assigned_here))
        s.toggle(next(iter(taxonomy.tags)))
        if not s.confirm():
            break
    return s, visited


def test_assigned_queue_serves_the_sample_first_then_the_rest(store, taxonomy):
    plan, _ = assign(store, Settings(("ann", "bo", "cy"), 0.2, 2))
    mine = {sid for sid, names in plan.assigned.items() if "ann" in names}
    sample = {sid for sid in mine if sid in plan.sample}
    s, visited = tag_through(store, taxonomy, "ann", len(mine) + 5)
    assert [sid for sid, _ in visited] and {sid for sid, _ in visited} == mine
    flags = [here for _, here in visited]
    assert flags == sorted(flags, reverse=True)  # all True (sample) before all False
    assert sum(flags) == len(sample)
    assert s.queue_empty and s.plan == {"assigned": len(mine), "sample": len(sample), "done": len(mine),
                                        "sample_done": len(sample)}
    assert store.assignment_counts("ann") == s.plan


def test_assigned_queue_wraps_to_earlier_unfinished_and_steps_back(store, taxonomy):
    assign(store, Settings(("ann", "bo"), 0.2, 2))
    s = TaggingSession(store, taxonomy, "ann", queue="assigned")
    first = s.start()
    assert s.queue_step() and s.current.id != first.id  # pagedown leaves the first unfinished
    second = s.current
    assert s.queue_step(backwards=True) and s.current.id == first.id
    s.queue_step()
    confirmed = 0
    while s.confirm() and s.current.id != first.id:
        confirmed += 1
    # the rest of the sample is done; `first` was left open: the queue wraps back to it before the
    # sentences outside the sample
    assert s.current.id == first.id and confirmed + 2 == store.assignment_counts("ann")["sample"]
    assert second.id != first.id and s.confirm() and s.assigned_here is False


def test_tag_without_an_assignment_for_the_assigned_queue_is_refused(store, taxonomy):
    with pytest.raises(AnnotatorError, match="nothing is assigned to zoe"):
        TaggingSession(store, taxonomy, "zoe", queue="assigned")
    assign(store, Settings(("ann", "bo")))
    assert TaggingSession(store, taxonomy, "zoe").plan is None


def test_replanning_keeps_finished_work(store, taxonomy):
    first, _ = assign(store, Settings(("ann", "bo", "cy"), 0.2, 2))
    _, visited = tag_through(store, taxonomy, "ann", 40)
    done = {sid for sid, _ in visited}
    second, before = assign(store, Settings(("ann", "bo", "cy", "dee"), 0.2, 2))
    assert before["id"] == first.id and second.id != first.id
    assert all("ann" in second.assigned[sid] for sid in done)  # finished work stays with who finished it
    # a finished sentence outside the sample is handed to nobody else
    assert all(second.assigned[sid] == ("ann",) for sid in done if sid not in second.sample)
    assert any("dee" in names for names in second.assigned.values())
    # ann's started document stays hers
    for d, o in first.owners.items():
        if o == "ann" and any(sid.startswith(d + "-") for sid in done):
            assert second.owners[d] == "ann"
    # removing ann: her finished work stays in the plan (and counts); her other sentences go to others
    third, _ = assign(store, Settings(("bo", "cy", "dee"), 0.2, 2))
    assert all("ann" in third.assigned[sid] for sid in done)
    assert "ann" not in third.owners.values()
    rep = progress(store)
    assert rep["annotators"]["ann"]["in_plan"] is False and rep["annotators"]["ann"]["remaining"] == 0
    assert rep["annotators"]["ann"]["done"] == len(done)
    assert [p["id"] for p in store.plan_history()][-1] == third.id
    assert store.current_plan()["replaces"] == second.id


def test_same_plan_twice_changes_nothing(store):
    p1, _ = assign(store, Settings(("ann", "bo")))
    p2, before = assign(store, Settings(("ann", "bo")))
    assert p2.id == p1.id == before["id"] and len(store.plan_history()) == 1


def test_progress_counts(store, taxonomy):
    with pytest.raises(AnnotatorError, match="no assignment plan"):
        progress(store)
    plan, _ = assign(store, Settings(("ann", "bo"), 0.25, 2))
    tag_through(store, taxonomy, "ann", 10)
    tag_through(store, taxonomy, "bo", 10)
    rep = progress(store)
    a = rep["annotators"]["ann"]
    assert a["assigned"] == sum("ann" in v for v in plan.assigned.values())
    assert a["done"] == 10 and a["remaining"] == a["assigned"] - 10 and a["sample"]["done"] == 10
    assert rep["overlap"]["items"] == len(plan.sample)
    both = [sid for sid in plan.sample if all(store.annotation(sid, w) and store.annotation(sid, w).status == "done"
                                              for w in plan.assigned[sid])]
    assert rep["overlap"]["with_two_done"] == len(both)


def test_cli_assign_progress_and_tag_default(seeded_db):
    r = run(seeded_db, "assign", "--annotators", "ann,bo,cy", "--overlap", "0.1", "--seed", "3")
    assert r.exit_code == 0, r.output
    assert "ann" in r.output and "overlap sample" in r.output
    r = run(seeded_db, "progress", "--json")
    rep = json.loads(r.output)
    assert set(rep["annotators"]) == {"ann", "bo", "cy"} and rep["plan"]["overlap"] == 0.1
    assert {"assigned", "done", "remaining"} <= set(rep["annotators"]["ann"])
    r = run(seeded_db, "assign", "--annotators", "ann,bo", "--per-item", "3")
    assert r.exit_code != 0 and "at most" in r.output and "Traceback" not in r.output
    r = run(seeded_db, "assign", "--annotators", "ann,bo,cy,dee", "--dry-run")
    assert r.exit_code == 0 and "nothing saved" in r.output
    assert json.loads(run(seeded_db, "progress", "--json").output)["plan"]["id"] == rep["plan"]["id"]


def test_cli_progress_without_a_plan(seeded_db):
    r = run(seeded_db, "progress")
    assert r.exit_code != 0 and "annotator assign" in r.output and "Traceback" not in r.output


def copies(seeded_db, tmp_path, *names):
    out = []
    for n in names:
        p = tmp_path / f"{n}.db"
        shutil.copy(seeded_db, p)
        out.append(p)
    return out


def test_merge_carries_the_plan_and_refuses_a_conflicting_one(seeded_db, tmp_path, taxonomy):
    lead = Store(seeded_db)
    plan, _ = assign(lead, Settings(("ann", "bo"), 0.2, 2))
    lead.close()
    a_db, b_db, empty_db = copies(seeded_db, tmp_path, "a", "b", "fresh")
    fresh = Store(empty_db)
    clear_plan(fresh)
    a = Store(a_db)
    tag_through(a, taxonomy, "ann", 5)
    a.close()
    rep = merge(fresh, taxonomy, a_db)  # no plan here: the source's comes along
    assert "adopted" in rep.summary() and fresh.current_plan()["id"] == plan.id
    assert sorted(fresh.plan_rows()) == sorted((s, w, int(s in plan.sample)) for s, ws in plan.assigned.items()
                                               for w in ws)
    # a newer plan here wins over the source's older one
    newer, _ = assign(fresh, Settings(("ann", "bo", "cy"), 0.2, 2))
    assert "kept this database's plan" in merge(fresh, taxonomy, a_db).summary()
    assert fresh.current_plan()["id"] == newer.id
    # the source re-planned from the same plan independently: a conflict, nothing merged
    b = Store(b_db)
    assign(b, Settings(("bo", "dee"), 0.1, 2))
    tag_through(b, taxonomy, "bo", 3)
    b.close()
    before = fresh.count_status("bo")
    with pytest.raises(MergeError, match="conflicts with this database's plan"):
        merge(fresh, taxonomy, b_db)
    assert fresh.count_status("bo") == before and fresh.current_plan()["id"] == newer.id
    rep = merge(fresh, taxonomy, b_db, ignore_plan=True)
    assert "left out" in rep.summary() and fresh.count_status("bo") == before + 3
    # a source with the newer plan of ours is adopted
    fresh.close()
    c_db = copies(empty_db, tmp_path, "c")[0]
    c = Store(c_db)
    newest, _ = assign(c, Settings(("ann", "bo", "cy", "eve"), 0.3, 2))
    c.close()
    fresh = Store(empty_db)
    assert "adopted" in merge(fresh, taxonomy, c_db).summary() and fresh.current_plan()["id"] == newest.id
    fresh.close()


def test_merge_refuses_a_damaged_plan(seeded_db, tmp_path, taxonomy):
    src_db, = copies(seeded_db, tmp_path, "src")
    s = Store(src_db)
    assign(s, Settings(("ann", "bo")))
    s.close()
    con = sqlite3.connect(src_db)
    con.execute("UPDATE assignments SET overlap = 7 WHERE annotator = 'ann' AND sentence_n = (SELECT min(sentence_n)"
                " FROM assignments WHERE annotator = 'ann')")
    con.execute("INSERT INTO assignments VALUES ((SELECT value FROM meta WHERE key = 'plan'), '', 999999, 'nowhere-1',"
                " 0)")
    con.commit()
    con.close()
    target = Store(seeded_db)
    with pytest.raises(MergeError) as err:
        merge(target, taxonomy, src_db)
    assert "overlap must be 0 or 1" in str(err.value) and "not a sentence" in str(err.value)
    assert target.current_plan() is None
    con = sqlite3.connect(src_db)
    con.execute("UPDATE plans SET settings = '{not json'")
    con.commit()
    con.close()
    with pytest.raises(MergeError, match="damaged"):
        merge(target, taxonomy, src_db)
    target.close()


def test_merge_reads_an_older_schema_source_without_changing_it(seeded_db, tmp_path, taxonomy):
    old_db, = copies(seeded_db, tmp_path, "old")
    s = Store(old_db)
    from annotator.store import State
    sid = s.iter_units("sentence").__next__().id
    s.import_judgments([{"sentence_id": sid, "annotator": "old", "labels": [], "status": "done"}])
    s.close()
    con = sqlite3.connect(old_db)
    from annotator.store.schema import MIGRATIONS

    for t in ("assignments", "plan_owners", "plans"):  # as schema 3 had it: no plans (4)…
        con.execute(f"DROP TABLE {t}")
    for stmt in MIGRATIONS[5][:4]:  # …and the search index of schema 3, kept by triggers (before 5)
        con.execute(stmt)
    con.execute("DROP INDEX documents_counts")
    con.execute("DELETE FROM meta WHERE key = 'fts_upto'")
    for stmt in MIGRATIONS[3]:
        con.execute(stmt)
    con.execute("PRAGMA user_version = 3")
    con.commit()
    con.close()
    before = old_db.read_bytes()
    target = Store(seeded_db)
    merge(target, taxonomy, old_db)
    assert target.annotation(sid, "old") == State((), "done", "")
    assert old_db.read_bytes() == before
    target.close()


def test_tag_serves_the_assignment_in_a_burst_through_a_terminal(seeded_db, taxonomy):
    """The real app on a pty: `tag` with no --queue opens the assignment, sample first; a burst of keys
    tags exactly the assigned sentences in that order and the status line shows the plan's progress."""
    from pty_app import PtyApp, keys

    s = Store(seeded_db)
    plan, _ = assign(s, Settings(("ann", "bo"), 0.2, 2))
    order = [sid for _o, sid in sorted(((0 if sid in plan.sample else 1, s.sentence_n(sid)), sid)
                                       for sid, names in plan.assigned.items() if "ann" in names)]
    s.close()
    c = taxonomy.keys["c"].id
    with PtyApp(seeded_db, "tag", "--annotator", "ann", "--no-suggest", size=(80, 24)) as app:
        app.wait_drawn("assigned")
        app.send(keys(*["c", "enter"] * 6))
        app.wait(lambda: _done(seeded_db, "ann") >= 6, "six confirmed sentences")
        app.wait_drawn("mine 6/")
    con = sqlite3.connect(seeded_db)
    rows = con.execute("SELECT sentence_id, labels, status FROM annotations WHERE annotator = 'ann'").fetchall()
    con.close()
    assert sorted(rows) == sorted((sid, json.dumps([c]), "done") for sid in order[:6])


def _done(db, who):
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT count(*) FROM annotations WHERE annotator = ? AND status = 'done'",
                           (who,)).fetchone()[0]
    finally:
        con.close()


def test_only_the_current_plan_is_in_force_and_old_rows_go(store, taxonomy):
    first, _ = assign(store, Settings(("ann", "bo"), 0.2, 2))
    # rows of a plan that never took effect (an assign killed between its batches) change nothing
    store.stage_plan([(sid, "ghost", 1) for sid in list(first.assigned)[:50]], {})
    store.load_staged_plan("interrupted")
    store.drop_staged_plan()
    assert not store.has_assignment("ghost") and "ghost" not in progress(store)["annotators"]
    second, _ = assign(store, Settings(("ann", "bo", "cy"), 0.2, 2))
    kept = store.conn.execute("SELECT DISTINCT plan FROM assignments").fetchall()
    assert kept == [(second.id,)]
    assert len(list(store.plan_rows())) == sum(len(v) for v in second.assigned.values())


def test_agreement_card_and_dashboard_measure_the_planned_sample(double_db, tmp_path):
    """alice and bob tagged everything; with a plan, agreement (agree, the dataset card) is measured on
    the overlap sample by default, `--sample all` on every double-annotated sentence."""
    s = Store(double_db)
    plan, _ = assign(s, Settings(("alice", "bob"), 0.3, 2, seed=5))
    s.close()
    every = json.loads(run(double_db, "agree", "--json", "--sample", "all").output)
    planned = json.loads(run(double_db, "agree", "--json").output)
    assert planned["measured_on"]["scope"] == "planned overlap sample"
    assert planned["measured_on"]["plan"] == plan.id and planned["measured_on"]["sentences"] == len(plan.sample)
    assert planned["items"] == len(plan.sample) < every["items"]
    assert every["measured_on"]["scope"] == "all"
    out = tmp_path / "d.jsonl"
    assert run(double_db, "export", "--out", str(out)).exit_code == 0
    card = json.loads((tmp_path / "d.meta.json").read_text(encoding="utf-8"))
    assert card["agreement"]["measured_on"] == planned["measured_on"]
    assert card["agreement"]["alpha_masi"] == planned["overall"]["alpha_masi"]
    assert card["plan"]["id"] == plan.id and card["plan"]["overlap_sample"]["sentences"] == len(plan.sample)
    assert card["plan"]["overlap_sample"]["with_two_done"] == len(plan.sample)


async def test_review_dashboard_shows_the_plans_progress(double_db, taxonomy):
    from screens import screen_text

    from annotator.tui.app import build_app

    s = Store(double_db)
    assign(s, Settings(("alice", "bob"), 0.3, 2))
    app = build_app(s, taxonomy, "rev", mode="review")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+d")
        for _ in range(100):
            await pilot.pause(0.1)
            text = screen_text(app)
            if "Progress of plan" in text:
                break
        assert "alice" in text and "bob" in text and "overlap sample" in text
    s.close()


def test_dataset_card_counts_stale_gold(double_db, tmp_path):
    from annotator.store import State

    s = Store(double_db)
    sid = next(u.id for u in s.iter_units("sentence"))
    s.change("gold", sid, "rev", "adjudicate", after=State((), "done", ""))
    s.change("annotation", sid, "alice", "toggle", after=State(("study",), "done", ""))
    assert s.stale_gold() == [sid]
    s.close()
    out = tmp_path / "s.jsonl"
    assert run(double_db, "export", "--out", str(out)).exit_code == 0
    assert json.loads((tmp_path / "s.meta.json").read_text(encoding="utf-8"))["stale_gold"] == 1
