"""A finished queue takes no judgments: the real app in a pseudo-terminal, keys typed past the end of
a queue (tagging, review, a re-plan under an open screen), the database checked.

Keys dropped at the end leave nothing in the database, so each test ends its burst with a key whose
effect does show (a move back and a tag), or waits for the notice and compares the whole table.
"""

from __future__ import annotations

import json
import sqlite3

from annotator.annotate.adjudication import disagreements
from annotator.annotate.plan import Settings, assign
from annotator.ingest.importer import import_paths
from annotator.store import Store
from pty_app import PtyApp, judgments, keys

TWO = "县政协党组严格执行重大事项请示报告制度，全年请示报告12次。\n组织党组理论学习中心组学习11次，开展专题研讨4次。\n"


def two_sentences(tmp_path):
    src = tmp_path / "two.txt"
    src.write_text(TWO, encoding="utf-8")
    db = tmp_path / "two.db"
    store = Store(db)
    import_paths(store, [src])
    ns = [s.n for s in store.iter_units("sentence")]
    store.close()
    assert len(ns) == 2
    return db, ns


def gold(db) -> dict[int, tuple]:
    with sqlite3.connect(db) as c:
        return {n: (tuple(sorted(json.loads(labels))), status) for n, labels, status in c.execute(
            "SELECT sentence_n, labels, status FROM gold")}


def events(db, who: str) -> int:
    with sqlite3.connect(db) as c:
        return c.execute("SELECT count(*) FROM events WHERE annotator = ?", (who,)).fetchone()[0]


def tag(taxonomy, key: str) -> str:
    return taxonomy.keys[key].id


def test_keys_after_the_last_sentence_write_nothing(tmp_path, taxonomy):
    """The reported burst (consult = c, monitor = v, proposal = t in this taxonomy; x and y are tag keys
    too): after the second Enter the queue is finished and the rest is dropped with a notice."""
    db, (s1, s2) = two_sentences(tmp_path)
    with PtyApp(db, "tag", "--annotator", "alice", "--no-suggest") as app:
        app.send(keys("c", "enter", "v", "enter", "t", ";", "x", "y", "z", "enter", "c",
                      "ls -la", "enter", "=", "!", "-", "f1"))
        app.wait_drawn("queue is finished")
        app.wait_drawn("ignored: the todo queue is finished")
        app.wait_drawn("PgUp to go back, ctrl+q to quit")
    want = {s1: ((tag(taxonomy, "c"),), "done", ""), s2: ((tag(taxonomy, "v"),), "done", "")}
    assert judgments(db, "alice") == want
    assert events(db, "alice") == 4  # two toggles, two confirms: nothing after the end


def test_moving_back_after_the_end_makes_a_sentence_live_again(tmp_path, taxonomy):
    db, (s1, s2) = two_sentences(tmp_path)
    c, v, p, t = (tag(taxonomy, k) for k in "cvpt")
    with PtyApp(db, "tag", "--annotator", "alice", "--no-suggest") as app:
        app.send(keys("c", "enter", "v", "enter",     # the queue is finished
                      "p", "up", "t",                 # p dropped; ↑: sentence 2 is live again, t toggles it
                      "enter"))                       # confirmed again: the queue is finished again
        app.wait(lambda: judgments(db, "alice").get(s2, ((),))[0] == tuple(sorted([v, t])), "t on sentence 2")
        app.send(keys("p", "pageup", "p",             # p dropped; PgUp: back to sentence 2 (todo is empty)
                      "ctrl+o", "enter", "c"))        # the document list: its first sentence, c toggled off
        app.wait(lambda: judgments(db, "alice").get(s1, ((1,),))[0] == (), "c toggled off sentence 1")
    assert judgments(db, "alice") == {s1: ((), "done", ""), s2: (tuple(sorted([v, t, p])), "done", "")}


def test_a_search_hit_after_the_end_makes_a_sentence_live(tmp_path, taxonomy):
    db, (s1, s2) = two_sentences(tmp_path)
    c, v = tag(taxonomy, "c"), tag(taxonomy, "v")
    with PtyApp(db, "tag", "--annotator", "alice", "--no-suggest") as app:
        app.send(keys("c", "enter", "v", "enter", "c", "/", "请示报告", "enter", "down", "enter", "v", ";", "n1", "enter"))
        app.wait(lambda: judgments(db, "alice").get(s1, ("", "", ""))[2] == "n1", "the note on sentence 1")
    assert judgments(db, "alice") == {s1: (tuple(sorted([c, v])), "done", "n1"), s2: ((v,), "done", "")}


def test_keys_after_a_dialog_closes_land_on_the_screen(seeded_db, taxonomy):
    """Keys typed straight after a dialog closes (the note saved, the note cancelled, help closed, a
    search cancelled) act on the sentence as they would without the dialog: none goes into the closed
    dialog, none is lost. (An escape straight before a letter reads as alt+letter in any terminal, so
    after escape the burst goes on with arrow keys, whose bytes are unambiguous.)"""
    with sqlite3.connect(seeded_db) as con:
        s = [r[0] for r in con.execute("SELECT n FROM sentences WHERE kind = 'sentence' ORDER BY n LIMIT 4")]
    c, v, p, t = (tag(taxonomy, k) for k in "cvpt")
    with PtyApp(seeded_db, "tag", "--annotator", "alice", "--no-suggest") as app:
        app.send(keys(";", "abc", "enter", "c", "v", "enter",          # s0: note, then two tags, confirmed
                      ";", "zzz", "escape", "down", "up", "p", "enter",  # s1: note cancelled; p lands on s1
                      "?", "?", "t", "enter",                          # s2: help closed (?); t lands on s2
                      "/", "政协", "escape", "down", "up", "c", "enter"))  # s3: search cancelled; c lands on s3
        app.wait(lambda: judgments(seeded_db, "alice").get(s[3], (None, None))[1] == "done", "the last confirm")
    assert judgments(seeded_db, "alice") == {
        s[0]: (tuple(sorted([c, v])), "done", "abc"), s[1]: ((p,), "done", ""), s[2]: ((t,), "done", ""),
        s[3]: ((c,), "done", "")}


def test_review_keys_after_the_last_item_change_no_gold(double_db, taxonomy):
    store = Store(double_db)
    items = [store.sentence(sid) for sid in disagreements(store)]
    store.close()
    c, v = tag(taxonomy, "c"), tag(taxonomy, "v")
    last = items[-1].n
    with PtyApp(double_db, "review", "--annotator", "judge") as app:
        app.wait_drawn("judge")
        app.send(keys("end"))  # (not a review key) then straight to the last item:
        app.send(keys(*["down"] * (len(items) - 1)))
        app.send(keys("c", "enter",                           # the last item's gold saved: queue finished
                      "v", "enter", "ctrl+n", "f1", "-", "c"))  # all dropped
        app.wait_drawn("review queue is finished")
        app.wait(lambda: gold(double_db).get(last) == ((c,), "done"), "the last item's gold")
        app.wait_drawn("ignored: the review queue is finished")
        assert gold(double_db) == {last: ((c,), "done")}
        app.send(keys("up", "v", "enter"))                    # back: the last item is live again
        app.wait(lambda: gold(double_db).get(last) == (tuple(sorted([c, v])), "done"), "v added after ↑")
    assert gold(double_db) == {last: (tuple(sorted([c, v])), "done")}


def test_a_replan_that_ends_the_assignment_under_an_open_screen(seeded_db, taxonomy):
    """ann's screen is open on her assignment; a re-plan (another process) leaves her out. The sentence on
    her screen still takes the keys meant for it; the Enter that confirms it finds her queue empty, so
    the screen says her assignment is finished and the keys after it write nothing."""
    store = Store(seeded_db)
    plan, _ = assign(store, Settings(("ann", "bo"), 0.2, 2))
    store.close()
    c = tag(taxonomy, "c")
    with PtyApp(seeded_db, "tag", "--annotator", "ann", "--no-suggest") as app:
        app.wait_drawn("assigned")
        store = Store(seeded_db)
        assign(store, Settings(("bo", "cy"), 0.2, 2))  # ann is out of the plan now
        store.close()
        app.send(keys("c", "enter", "v", "enter", "t", "-", "c", "enter"))
        app.wait_drawn("assignment is finished")
        app.wait_drawn("ignored: the assigned queue is finished")
    rows = judgments(seeded_db, "ann")
    assert list(rows.values()) == [((c,), "done", "")], rows
    assert events(seeded_db, "ann") == 2


def test_the_session_past_its_last_sentence_has_nothing_live(tmp_path, taxonomy):
    import pytest

    from annotator.annotate.tagging import TaggingSession
    from annotator.core.errors import AnnotatorError

    db, (s1, s2) = two_sentences(tmp_path)
    store = Store(db)
    try:
        s = TaggingSession(store, taxonomy, "alice")
        s.start()
        assert s.confirm() and not s.confirm()
        assert s.finished and s.current is None and s.queue_empty
        for write in (lambda: s.toggle(tag(taxonomy, "c")), s.toggle_flag, s.skip, s.confirm,
                      lambda: s.set_note("x"), lambda: s.accept([tag(taxonomy, "c")])):
            with pytest.raises(AnnotatorError, match="no sentence"):
                write()
        assert not s.move(1) and not s.queue_step() and s.current is None
        assert s.move(-1) and s.current.n == s2 and not s.finished  # ↑: the last sentence, live again
        assert not s.confirm() and s.finished
        assert s.queue_step(backwards=True) and s.current.n == s2  # PgUp
        assert not s.confirm()
        s.doc_edge(last=False)  # Home: the document's first sentence
        assert s.current.n == s1
    finally:
        store.close()


def test_the_review_session_past_its_last_item_has_nothing_live(double_db, taxonomy):
    import pytest

    from annotator.annotate.adjudication import AdjudicationSession
    from annotator.core.errors import AnnotatorError

    store = Store(double_db)
    try:
        s = AdjudicationSession(store, taxonomy, "judge")
        s.start()
        s.show(len(s.items) - 1)
        s.toggle(tag(taxonomy, "c"))
        assert not s.save() and s.finished and s.current is None
        for write in (lambda: s.toggle(tag(taxonomy, "v")), s.save, s.save_none, s.skip):
            with pytest.raises(AnnotatorError, match="no item"):
                write()
        assert not s.step(1) and s.step(-1) and s.current.id == s.items[-1] and not s.finished
    finally:
        store.close()
