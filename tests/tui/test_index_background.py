"""The tagging screen takes in the search index a large import left for later, in a thread of its own,
while keys are saved as typed; quitting stops it between chunks. The real app on a pseudo-terminal,
the database checked."""

from __future__ import annotations

import sqlite3

from annotator.annotate.indexing import CHUNK
from annotator.store import Store
from pty_app import PtyApp, judgments, keys


def _unindexed(db) -> int:
    with sqlite3.connect(db) as c:
        upto = c.execute("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'fts_upto'").fetchone()[0]
        return c.execute("SELECT count(*) FROM sentences WHERE n > ?", (upto,)).fetchone()[0]


def _add_pending(db, docs: int, per_doc: int) -> None:
    store = Store(db)
    with store.batch():  # as a large import leaves them: stored, not indexed
        for d in range(docs):
            texts = [f"附件{d}第{i}条：政协委员提案办理情况说明。" for i in range(per_doc)]
            store.add_document(f"late{d:04d}", f"late{d}.txt", f"附件{d}", "".join(texts), "utf-8", 2,
                               [(i, "sentence", t, "", 0, len(t)) for i, t in enumerate(texts)])
    store.close()


def _sentences(db) -> list[int]:
    with sqlite3.connect(db) as c:
        return [r[0] for r in c.execute("SELECT n FROM sentences WHERE kind = 'sentence' ORDER BY n LIMIT 3")]


def test_screen_indexes_in_the_background_while_keys_are_saved(seeded_db, taxonomy):
    _add_pending(seeded_db, 20, 2000)
    assert _unindexed(seeded_db) == 40_000
    s = _sentences(seeded_db)
    c = taxonomy.keys["c"].id
    with PtyApp(seeded_db, "tag", "--annotator", "alice", "--no-suggest") as app:
        app.send(keys("c", "enter", "enter", "c", "enter"))  # typed at once, during start-up and the indexing
        app.wait(lambda: judgments(seeded_db, "alice").get(s[2], (0, 0))[1] == "done", "the third judgment")
        app.wait(lambda: _unindexed(seeded_db) == 0, "the index to catch up")
    assert judgments(seeded_db, "alice") == {s[0]: ((c,), "done", ""), s[1]: ((), "done", ""), s[2]: ((c,), "done", "")}
    store = Store(seeded_db)
    for needle in ("提案办理情况", "附件19第1999条", "政协"):
        assert store.search(needle, 100_000) == store.search_scan(needle, 100_000)
    store.close()


def test_quitting_stops_the_index_between_chunks(seeded_db):
    _add_pending(seeded_db, 100, 2000)
    with PtyApp(seeded_db, "tag", "--annotator", "alice", "--no-suggest") as app:
        app.wait(lambda: _unindexed(seeded_db) < 200_000, "the index to start")
        app.send(keys("ctrl+q"))
        app.wait(app.exited, "the app to quit")
    left = _unindexed(seeded_db)
    assert left < 200_000 and left % CHUNK == 0  # whole chunks kept (it may have finished on a fast machine)
    store = Store(seeded_db)
    for needle in ("提案办理情况", "附件99第1999条", "附件0第0条"):
        assert store.search(needle, 100_000) == store.search_scan(needle, 100_000)
    store.close()
