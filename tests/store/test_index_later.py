"""A large import ends once its rows are in and leaves the search index for later (a screen's background
thread, or `annotator index`); search is complete meanwhile; schema 6 writes rows without a trigger."""


import annotator.ingest.importer as importer
from annotator.annotate.indexing import BackgroundIndex
from annotator.core.resources import seeds_dir
from annotator.ingest.importer import import_paths
from annotator.store import Store
from annotator.store.schema import SCHEMA_VERSION
from storehelpers import old_database

NEEDLES = ["委员会", "政协", "提案办理", "协商民主", "不存在的词语", "年", "工作。"]


def _complete(store: Store) -> None:
    for needle in NEEDLES:
        assert store.search(needle, 100_000) == store.search_scan(needle, 100_000), needle


def test_a_large_import_leaves_the_index_for_later_and_search_stays_complete(tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "INDEX_NOW_UNITS", 100)  # the seeds count as large here
    store = Store(tmp_path / "a.db")
    report = import_paths(store, [seeds_dir()])
    assert report.indexed == 0 and report.unindexed == store.count_units() == store.unindexed() > 100
    assert store.index_behind()
    assert "not indexed yet" in report.index_note() and "annotator index" in report.index_note()
    _complete(store)
    assert store.index_pending(chunk=150) == report.unindexed and store.unindexed() == 0
    assert not store.index_behind()
    _complete(store)
    store.close()


def test_a_small_import_indexes_at_once(tmp_path):
    store = Store(tmp_path / "a.db")
    report = import_paths(store, [seeds_dir()])
    assert report.unindexed == 0 and report.indexed == store.count_units() and report.index_note() == ""
    store.close()


def _pending(store: Store, docs: int, per_doc: int) -> None:
    with store.batch():  # a bulk write leaves its rows for index_pending
        for d in range(docs):
            texts = [f"第{d}号文件政协委员会提案{i}。" for i in range(per_doc)]
            store.add_document(f"bulk{d}", f"bulk{d}.txt", f"bulk{d}", "".join(texts), "utf-8", 1,
                               [(i, "sentence", t, "", 0, len(t)) for i, t in enumerate(texts)])


def test_background_index_catches_up_with_its_own_connection(tmp_path):
    store = Store(tmp_path / "b.db")
    _pending(store, 4, 300)
    bg = BackgroundIndex(store)
    assert bg.start()
    assert bg.finished.wait(120) and bg.error is None
    assert store.unindexed() == 0 and bg.done == 1200
    assert not BackgroundIndex(store).start()  # nothing left: no thread
    _complete(store)
    store.close()


def test_background_index_stops_between_chunks_and_keeps_what_it_did(tmp_path, monkeypatch):
    import annotator.annotate.indexing as indexing

    monkeypatch.setattr(indexing, "CHUNK", 100)
    store = Store(tmp_path / "c.db")
    _pending(store, 3, 300)
    bg = BackgroundIndex(store)
    orig = store.reopen

    def reopen():
        other = orig()
        real = other.index_pending

        def index_pending(chunk, progress=None, stop=None, pause=0.0):
            def moved(done):
                progress(done)
                if done >= 200:
                    bg.stop()  # as ctrl+q does, while a chunk is under way
            return real(chunk, progress=moved, stop=stop, pause=pause)
        other.index_pending = index_pending
        return other
    monkeypatch.setattr(store, "reopen", reopen)
    assert bg.start() and bg.finished.wait(120)
    assert store.fts_upto() == 200 and store.unindexed() == 700  # the watermark moved with each chunk
    _complete(store)  # the indexed part looked up, the rest scanned
    store.close()


def test_read_only_screen_starts_no_index(tmp_path):
    store = Store(tmp_path / "d.db")
    _pending(store, 1, 50)
    store.close()
    ro = Store(tmp_path / "d.db", create=False, read_only=True)
    assert not BackgroundIndex(ro).start()
    _complete(ro)
    ro.close()


def test_schema_6_writes_rows_without_a_trigger_and_keeps_edits_in_step(tmp_path):
    path = tmp_path / "v5.db"
    con = old_database(path, 5)
    con.commit()
    con.close()
    store = Store(path)
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 6
    names = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_schema WHERE type = 'trigger'")}
    assert names == {"sentences_fts_delete", "sentences_fts_update"}
    import_paths(store, [seeds_dir()])
    assert store.unindexed() == 0
    _complete(store)
    # an edit of an indexed row keeps the index in step (the update trigger)
    n = store.search("委员会", 1)[0].n
    store.conn.execute("UPDATE sentences SET text = '协商民主' WHERE n = ?", (n,))
    _complete(store)
    store.close()


def test_rebuild_finds_rows_written_below_the_watermark_by_another_tool(tmp_path):
    store = Store(tmp_path / "e.db")
    import_paths(store, [seeds_dir()])
    top = store.conn.execute("SELECT max(n) FROM sentences").fetchone()[0]
    store.conn.execute("UPDATE meta SET value = ? WHERE key = 'fts_upto'", (str(top + 10),))
    store.conn.execute("INSERT INTO sentences(n, id, doc_id, idx, kind, text, start, \"end\") "
                       "SELECT ?, 'x-0', doc_id, 9999, 'sentence', '外来工具写入的句子', 0, 1 FROM sentences LIMIT 1",
                       (top + 5,))
    assert store.search("外来工具", 10) == []  # below the watermark, not indexed: not found
    assert store.rebuild_index() == store.conn.execute("SELECT count(*) FROM sentences").fetchone()[0]
    assert [s.id for s in store.search("外来工具", 10)] == ["x-0"]
    _complete(store)
    store.close()


def test_index_pending_on_an_indexed_database_does_nothing(tmp_path):
    store = Store(tmp_path / "f.db")
    assert store.index_pending() == 0
    store.close()
