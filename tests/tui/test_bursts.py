"""Keys act in the order typed: the real app on a pseudo-terminal, keys written in bursts, the database checked.

Each burst ends with a key whose effect shows in the database; keys act in order, so once it is
there every key before it has acted, and the whole table is compared with what was meant.
"""

from __future__ import annotations

import json
import sqlite3

import pytest

from annotator.annotate.adjudication import disagreements
from annotator.store import Store
from pty_app import PtyApp, judgments, keys


def sentences(db) -> list[int]:
    with sqlite3.connect(db) as c:
        return [r[0] for r in c.execute("SELECT n FROM sentences WHERE kind = 'sentence' ORDER BY n")]


def tag(taxonomy, key: str) -> str:
    return taxonomy.keys[key].id


def done_at(db, who: str, n: int, status: str = "done"):
    return lambda: judgments(db, who).get(n, (None, None))[1] == status


def test_burst_typed_during_start_up(seeded_db, taxonomy):
    s = sentences(seeded_db)
    with PtyApp(seeded_db, "tag", "--annotator", "alice", "--no-suggest") as app:
        app.send(keys("c", "enter", "m", "enter", "c", "p", "enter"))  # before the first paint
        app.wait(done_at(seeded_db, "alice", s[2]), "the third sentence to be confirmed")
    c, p = tag(taxonomy, "c"), tag(taxonomy, "p")
    assert judgments(seeded_db, "alice") == {
        s[0]: ((c,), "done", ""), s[1]: ((), "done", ""), s[2]: (tuple(sorted([c, p])), "done", "")}


def test_burst_of_moves_skips_flags_and_undo_at_80x24(seeded_db, taxonomy):
    s = sentences(seeded_db)
    t = {k: tag(taxonomy, k) for k in "cvlp12"}
    with PtyApp(seeded_db, "tag", "--annotator", "alice", "--no-suggest", size=(80, 24)) as app:
        app.wait_drawn("alice")
        app.send(keys("c", "-", "v", "-",                     # s0 [c] skipped, s1 [v] skipped
                      "l", "down", "p", "enter",              # s2 [l] draft, s3 [p] done
                      "1", "pagedown", "2", "enter",          # s4 [1] draft, s5 [2] done
                      "c", "ctrl+z", "v", "enter",            # s6 [v] done (the undo took c back)
                      "c", "!", "pagedown",                   # s7 [c] flagged
                      "home", "enter"))                       # back to s0: confirmed
        app.wait(done_at(seeded_db, "alice", s[0]), "the burst's last key")
    assert judgments(seeded_db, "alice") == {
        s[0]: ((t["c"],), "done", ""), s[1]: ((t["v"],), "skipped", ""), s[2]: ((t["l"],), "draft", ""),
        s[3]: ((t["p"],), "done", ""), s[4]: ((t["1"],), "draft", ""), s[5]: ((t["2"],), "done", ""),
        s[6]: ((t["v"],), "done", ""), s[7]: ((t["c"],), "flagged", "")}


def test_keys_typed_ahead_go_into_dialogs(seeded_db, taxonomy):
    s = sentences(seeded_db)
    store = Store(seeded_db)
    docs = store.doc_progress("alice")
    second_doc_first = store.doc_sentence_bounds(docs[1]["id"])[0]
    store.close()
    t = {k: tag(taxonomy, k) for k in "cvx"}
    with PtyApp(seeded_db, "tag", "--annotator", "alice", "--no-suggest") as app:
        app.wait_drawn("alice")
        app.send(keys("/", "政协 note", "escape", "down",         # a search, cancelled: no tag changes
                      "c", "enter",                              # s1 [c] done
                      ";", "note: ovte 协商", "enter",             # a note typed straight after ';'
                      "v", "enter",                              # s2 [v] done, with the note
                      "ctrl+p", "party_building", "enter",       # the palette toggles a tag by name
                      "=", "enter",                              # '=' with suggestions off: nothing to accept
                      "ctrl+o", "down", "enter",                 # the document list: the next document
                      "x", "enter"))                             # its first sentence [x] done
        app.wait(done_at(seeded_db, "alice", second_doc_first), "the burst's last key")
    assert judgments(seeded_db, "alice") == {
        s[1]: ((t["c"],), "done", ""), s[2]: ((t["v"],), "done", "note: ovte 协商"),
        s[3]: (("party_building",), "done", ""), second_doc_first: ((t["x"],), "done", "")}


def test_search_picks_a_hit_typed_ahead(seeded_db, taxonomy):
    store = Store(seeded_db)
    hit = store.search("协商")[1]
    store.close()
    with PtyApp(seeded_db, "tag", "--annotator", "alice", "--no-suggest") as app:
        app.wait_drawn("alice")
        app.send(keys("/", "协商", "enter", "down", "enter", "c", "enter"))  # the hits have the keys: the second
        app.wait(lambda: judgments(seeded_db, "alice"), "the burst's last key")
    assert judgments(seeded_db, "alice") == {hit.n: ((tag(taxonomy, "c"),), "done", "")}


def test_review_burst_with_tag_keys_f_keys_and_enter(double_db, taxonomy):
    store = Store(double_db)
    items = [store.sentence(sid) for sid in disagreements(store)]
    alice = store.annotation(items[2].id, "alice")
    store.close()
    c, v = tag(taxonomy, "c"), tag(taxonomy, "v")
    copied = tuple(taxonomy.toggle(alice.labels, tag(taxonomy, "0")))

    def gold() -> dict:
        with sqlite3.connect(double_db) as conn:
            return {r[0]: (tuple(json.loads(r[1])), r[2]) for r in conn.execute("SELECT sentence_n, labels, status FROM gold")}

    with PtyApp(double_db, "review", "--annotator", "judge") as app:
        app.wait_drawn("judge")
        app.send(keys("c", "enter", "v", "enter",      # items 0 and 1: one tag each
                      "f1", "0", "enter",              # item 2: alice's tags, then 0 toggled
                      "-",                             # item 3: skipped, no gold
                      "ctrl+n"))                       # item 4: an explicit "none of these"
        app.wait(lambda: gold().get(items[4].n) == ((), "done"), "the burst's last key")
        assert gold() == {items[0].n: ((c,), "done"), items[1].n: ((v,), "done"),
                          items[2].n: (copied, "done"), items[4].n: ((), "done")}
        app.send(keys("enter"))  # item 5, untouched: enter does not save an empty gold
        app.wait_drawn("gold set is empty")
    assert items[5].n not in gold() and items[3].n not in gold()


def test_burst_while_the_model_loads_and_retrains(seeded_db, taxonomy):
    """Suggestions on: the worker loads jieba and trains at start, and retrains after 25 confirms."""
    s = sentences(seeded_db)
    plan = [("c" if i % 3 else "v") for i in range(30)]
    with PtyApp(seeded_db, "tag", "--annotator", "alice") as app:
        app.send(keys(*[x for k in plan for x in (k, "enter")]))
        app.wait(done_at(seeded_db, "alice", s[29]), "the 30th confirm")
    assert judgments(seeded_db, "alice") == {s[i]: ((tag(taxonomy, k),), "done", "") for i, k in enumerate(plan)}


def test_burst_while_another_process_holds_the_write_lock(seeded_db, taxonomy):
    s = sentences(seeded_db)
    with PtyApp(seeded_db, "tag", "--annotator", "alice", "--no-suggest") as app:
        app.wait_drawn("alice")
        other = sqlite3.connect(seeded_db, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # e.g. a merge writing
        try:
            app.send(keys("c", "enter", "v", "enter", "p", "-"))
            app.wait_drawn("waiting for the database")
            assert judgments(seeded_db, "alice") == {}
        finally:
            other.execute("COMMIT")
            other.close()
        app.wait(done_at(seeded_db, "alice", s[2], "skipped"), "the burst's last key")
    c, v, p = (tag(taxonomy, k) for k in "cvp")
    assert judgments(seeded_db, "alice") == {s[0]: ((c,), "done", ""), s[1]: ((v,), "done", ""),
                                             s[2]: ((p,), "skipped", "")}


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
def test_ten_sentences_in_one_burst(seeded_db, taxonomy, size):
    s = sentences(seeded_db)
    plan = ["c", "cv", "", "p", "g3", "a", "", "vl", "c1", "x"]
    with PtyApp(seeded_db, "tag", "--annotator", "alice", "--no-suggest", size=size) as app:
        app.send(keys(*[x for k in plan for x in (*k, "enter")]))
        app.wait(done_at(seeded_db, "alice", s[9]), "the tenth confirm")
    want = {}
    for i, k in enumerate(plan):
        labels: list[str] = []
        for ch in k:
            labels = taxonomy.toggle(labels, tag(taxonomy, ch))
        want[s[i]] = (tuple(labels), "done", "")
    assert judgments(seeded_db, "alice") == want


def test_stale_queue_burst_readjudicates_and_skips(double_db, taxonomy):
    """Gold adjudicated on four items; bob changes three of them; `review --queue stale` walks those
    three: F2 + enter, a skip, a tag key + enter — typed in one burst."""
    from annotator.annotate.adjudication import AdjudicationSession
    from annotator.store import State

    store = Store(double_db)
    s = AdjudicationSession(store, taxonomy, "judge")
    s.start()
    items = []
    for _ in range(4):
        items.append(s.current.id)
        s.copy_from("alice")
        s.save() if s.gold.labels else s.save_none()
    changed = [items[0], items[2], items[3]]
    for sid in changed:
        store.change("annotation", sid, "bob", "confirm", State(("study", "plan"), "done"))
    assert store.stale_gold() == changed
    before = {sid: store.gold(sid) for sid in items}
    n = {sid: store.sentence(sid).n for sid in items}
    key = next(k for k in "cv" if taxonomy.toggle(before[items[3]].labels, tag(taxonomy, k)))
    third = tuple(sorted(taxonomy.toggle(before[items[3]].labels, tag(taxonomy, key))))
    store.close()

    def gold() -> dict:
        with sqlite3.connect(double_db) as conn:
            return {r[0]: (tuple(sorted(json.loads(r[1]))), r[2]) for r in conn.execute(
                "SELECT sentence_n, labels, status FROM gold")}

    with PtyApp(double_db, "review", "--annotator", "judge", "--queue", "stale", size=(80, 24)) as app:
        app.wait_drawn("gold stale")
        app.send(keys("f2", "enter",        # first stale item: bob's new tags, saved
                      "-",                  # second: skipped, its gold stays stale
                      key, "enter"))        # third: the old gold with one tag toggled, saved
        app.wait(lambda: gold().get(n[items[3]]) == (third, "done"), "the burst's last key")
    g = gold()
    assert g[n[items[0]]] == (("plan", "study"), "done")
    assert g[n[items[2]]] == (tuple(sorted(before[items[2]].labels)), "done")
    assert g[n[items[1]]] == (tuple(sorted(before[items[1]].labels)), "done")
    store = Store(double_db)
    assert store.stale_gold() == [items[2]]
    store.close()
