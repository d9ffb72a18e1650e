"""The search index after an import (schema 5): filled once the rows are in, complete after a crash
between the rows and the index, and existing databases migrated."""

import os
import subprocess
import sys
from pathlib import Path

from annotator.core.resources import seeds_dir
from annotator.ingest.importer import import_paths
from annotator.store import Store
from annotator.store.schema import SCHEMA_VERSION
from storehelpers import old_database

ROOT = Path(__file__).resolve().parents[2]
NEEDLES = ["委员会", "政协", "提案办理", "乡村振兴", "协商民主", "不存在的词语", "年", "工作。"]


def _equal_to_scan(store: Store) -> None:
    for needle in NEEDLES:
        for limit in (1, 7, 100_000):
            assert store.search(needle, limit) == store.search_scan(needle, limit), needle


def _fts_ok(store: Store) -> None:
    store.conn.execute("INSERT INTO sentences_fts(sentences_fts) VALUES ('integrity-check')")
    # the index holds exactly the units at or below the watermark
    indexed = store.conn.execute("SELECT count(*) FROM sentences WHERE n IN"
                                 " (SELECT rowid FROM sentences_fts WHERE sentences_fts MATCH '\"委员会\"')").fetchone()[0]
    want = store.conn.execute("SELECT count(*) FROM sentences WHERE n <= ? AND text LIKE '%委员会%'",
                              (store.fts_upto(),)).fetchone()[0]
    assert indexed == want


def test_import_indexes_once_the_rows_are_in(tmp_path):
    store = Store(tmp_path / "a.db")
    report = import_paths(store, [seeds_dir()])
    assert report.indexed == store.count_units() > 0
    assert store.unindexed() == 0
    assert store.fts_upto() == store.conn.execute("SELECT max(n) FROM sentences").fetchone()[0]
    assert store.conn.execute("SELECT count(*) FROM sentences_fts WHERE sentences_fts MATCH '\"委员会\"'").fetchone()[0]
    _equal_to_scan(store)
    _fts_ok(store)
    # a second import adds nothing and indexes nothing
    assert import_paths(store, [seeds_dir()]).indexed == 0
    store.close()


CRASH = """
import os, sys
from annotator.store import Store
from annotator.ingest.importer import import_paths
Store.index_pending = lambda self, *a, **k: os._exit(9)  # the process dies after the rows, before the index
import_paths(Store(sys.argv[1]), [sys.argv[2]])
"""


def test_a_crash_between_rows_and_index_loses_no_search_hit(tmp_path):
    db = tmp_path / "crash.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", CRASH, str(db), str(seeds_dir())], env=env, timeout=300)
    assert proc.returncode == 9
    store = Store(db)
    assert store.count_units() > 0 and store.unindexed() == store.count_units()  # nothing indexed
    _equal_to_scan(store)  # the unindexed units are scanned: the results are complete
    # the next import (even of nothing new) repairs the index
    assert import_paths(store, [seeds_dir()]).indexed == store.count_units()
    assert store.unindexed() == 0
    _equal_to_scan(store)
    _fts_ok(store)
    store.close()


def test_partly_indexed_database_searches_both_parts(tmp_path):
    store = Store(tmp_path / "p.db")
    with store.batch():  # a bulk write leaves its rows for index_pending
        for d in range(3):
            texts = [f"第{d}号文件政协委员会提案{i}" for i in range(50)]
            store.add_document(f"d{d}", f"d{d}.txt", f"d{d}", "".join(texts), "utf-8", 1,
                               [(i, "sentence", t, "", 0, len(t)) for i, t in enumerate(texts)])
    assert store.unindexed() == 150
    with store.transaction():
        store._index_tail(70)  # as if a crash came after the first chunk
    assert store.fts_upto() == 70 and store.unindexed() == 80
    for needle in ("委员会提案", "1号文件", "提案4", "政协"):
        assert store.search(needle, 1000) == store.search_scan(needle, 1000)
    assert store.index_pending(chunk=30) == 80 and store.unindexed() == 0
    _fts_ok(store)
    store.close()


def test_version_4_database_is_migrated_and_searchable(tmp_path):
    path = tmp_path / "v4.db"
    con = old_database(path, 4)
    con.execute("INSERT INTO documents(id, text) VALUES ('d', '政协委员会。委员会提案')")
    for i, t in enumerate(["政协委员会。", "委员会提案"]):
        con.execute("INSERT INTO sentences(n, id, doc_id, idx, kind, text, start, \"end\") VALUES (?,?,?,?,?,?,?,?)",
                    (i + 1, f"d-{i}", "d", i, "sentence", t, 0, len(t)))
    con.commit()
    con.close()
    store = Store(path)
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert store.unindexed() == 0
    assert [s.id for s in store.search("委员会")] == ["d-0", "d-1"]
    # later single-row edits keep the index in step (the triggers below the watermark)
    store.conn.execute("UPDATE sentences SET text = '协商民主' WHERE n = 1")
    assert [s.id for s in store.search("委员会")] == ["d-1"]
    assert [s.id for s in store.search("协商民")] == ["d-0"]
    _fts_ok(store)
    store.close()
