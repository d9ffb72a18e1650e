"""Review that scales: stale gold (store query, queue, screen line) and the side-by-side view."""

from __future__ import annotations

import shutil

from click.testing import CliRunner

from annotator.cli import cli
from annotator.commands import register
from annotator.merge import merge
from annotator.review import ReviewSession, disagreements, review_items
from annotator.store import State, Store

register(cli)


def _adjudicate(store, taxonomy, n: int = 3) -> list[str]:
    """judge saves gold (alice's tags) on the first n disagreements; returns their ids."""
    s = ReviewSession(store, taxonomy, "judge")
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
    s = ReviewSession(store, taxonomy, "judge", queue="stale")
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
    s = ReviewSession(store, taxonomy, "judge")
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
