from __future__ import annotations

import json
import sqlite3

from annotator.ingest.importer import import_paths
from annotator.core.resources import seeds_dir
from annotator.store import Store
from storehelpers import journal_mode


def test_seed_import_counts_and_schema(store):
    assert store.count_documents() == 5
    assert journal_mode(store) == "wal"
    cols = [r[1] for r in store.conn.execute("PRAGMA table_info(sentences)")]
    for c in ("id", "doc_id", "idx", "kind", "text", "section", "start", "end"):
        assert c in cols
    doc_cols = [r[1] for r in store.conn.execute("PRAGMA table_info(documents)")]
    for c in ("id", "path", "title", "text", "imported_at"):
        assert c in doc_cols
    kinds = dict(store.conn.execute("SELECT kind, count(*) FROM sentences GROUP BY kind").fetchall())
    assert kinds["sentence"] == store.count_units("sentence") > 300
    assert kinds["heading"] > 0 and kinds["caption"] > 0


def test_reimport_is_idempotent(store):
    before = store.count_units()
    report = import_paths(store, [seeds_dir()])
    assert report.added == [] and len(report.unchanged) == 5 and report.sentences == 0
    assert store.count_units() == before


def test_stable_ids_across_databases(tmp_path, store):
    other = Store(tmp_path / "other.db")
    import_paths(other, [seeds_dir()])
    ids_a = [s.id for s in store.iter_units()]
    ids_b = [s.id for s in other.iter_units()]
    assert ids_a == ids_b


def test_same_content_in_other_encoding_is_the_same_document(tmp_path):
    s = Store(tmp_path / "x.db")
    text = "政协委员开展调研。提出建议！"
    (tmp_path / "a.txt").write_bytes(text.encode("utf-8"))
    (tmp_path / "b.txt").write_bytes(text.replace("\n", "\r\n").encode("gbk"))
    report = import_paths(s, [tmp_path / "a.txt", tmp_path / "b.txt"])
    assert len(report.added) == 1 and len(report.unchanged) == 1


def test_refused_and_empty_files_do_not_stop_the_others(tmp_path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "good.txt").write_text("委员提出建议。", encoding="utf-8")
    (folder / "sub" / "good2.md").write_bytes("# 标题\n\n另一份报告。".encode("utf-16"))
    (folder / "bin.txt").write_bytes(b"\x00\x01\x02binary\x00" * 20)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "ignored.xlsx").write_bytes(b"PK")  # not a format we read
    s = Store(tmp_path / "x.db")
    report = import_paths(s, [folder])
    assert len(report.added) == 2
    assert [p for p, _ in report.refused] == [str(folder / "bin.txt")]
    assert report.empty == [str(folder / "empty.txt")]
    assert s.count_documents() == 2


def test_failed_document_insert_writes_nothing(tmp_path):
    s = Store(tmp_path / "x.db")
    units = [(0, "sentence", "甲。", None, 0, 2), (1, None, "重复。", None, 2, 5)]  # NOT NULL (kind) fails mid-way
    try:
        s.add_document("d1", "p", "t", "甲。重复的 idx。", "utf-8", 1, units)
    except sqlite3.IntegrityError:
        pass
    assert s.count_documents() == 0
    assert s.conn.execute("SELECT count(*) FROM sentences").fetchone()[0] == 0


def test_change_logs_event_and_undo_redo(store):
    from annotator.store import State

    sid = next(store.iter_units("sentence")).id
    store.change("annotation", sid, "ann", "toggle", State(("a",), "draft"))
    store.change("annotation", sid, "ann", "confirm", State(("a",), "done"))
    assert store.annotation(sid, "ann") == State(("a",), "done")
    sid2, prev, restored = store.undo("annotation", "ann")
    assert sid2 == sid and prev.status == "done" and restored == State(("a",), "draft")
    store.undo("annotation", "ann")
    assert store.annotation(sid, "ann") is None
    assert store.undo("annotation", "ann") is None
    store.redo("annotation", "ann")
    store.redo("annotation", "ann")
    assert store.annotation(sid, "ann") == State(("a",), "done")
    actions = [e["action"] for e in store.events(sid)]
    assert actions == ["toggle", "confirm", "undo", "undo", "redo", "redo"]
    after = json.loads(store.events(sid)[1]["after"])
    assert after == {"labels": ["a"], "status": "done", "note": ""}


def test_new_edit_clears_redo(store):
    from annotator.store import State

    sid = next(store.iter_units("sentence")).id
    store.change("annotation", sid, "ann", "toggle", State(("a",)))
    store.undo("annotation", "ann")
    store.change("annotation", sid, "ann", "toggle", State(("b",)))
    assert store.redo("annotation", "ann") is None
    assert store.annotation(sid, "ann").labels == ("b",)


def test_two_connections_both_keep_their_judgments(seeded_db):
    from annotator.store import State

    a, b = Store(seeded_db), Store(seeded_db)
    sids = [s.id for s in a.iter_units("sentence")][:50]
    for i, sid in enumerate(sids):
        a.change("annotation", sid, "alice", "confirm", State(("x",), "done"))
        b.change("annotation", sid, "bob", "confirm", State(("y",), "done"))
    fresh = Store(seeded_db)
    assert fresh.count_status("alice") == 50 and fresh.count_status("bob") == 50


def test_newer_schema_is_refused(tmp_path):
    import pytest

    from annotator.core.errors import StoreError

    p = tmp_path / "future.db"
    c = sqlite3.connect(p)
    c.execute("PRAGMA user_version = 99")
    c.close()
    with pytest.raises(StoreError, match="newer"):
        Store(p)


def test_resume_frontier_follows_undo_and_merges(store):
    from annotator.store import State

    sids = [s.id for s in store.iter_units("sentence")][:6]
    for sid in sids[:4]:
        store.change("annotation", sid, "ann", "confirm", State((), "done"))
    assert store.resume_point("ann").id == sids[4]
    assert store.get_meta("frontier:ann") is not None
    store.undo("annotation", "ann")  # sentence 4 is no longer done
    assert store.resume_point("ann").id == sids[3]
    store.change("annotation", sids[3], "ann", "confirm", State((), "done"))
    assert store.resume_point("ann").id == sids[4]
    store.import_judgments([{"sentence_id": sids[1], "annotator": "ann", "labels": [], "status": "draft",
                             "updated_at": "2999-01-01T00:00:00Z"}])
    assert store.resume_point("ann").id == sids[1]
    store.change("annotation", sids[0], "ann", "skip", State((), "skipped"))
    store.change("annotation", sids[0], "ann", "toggle", State(("x",), "draft"))
    assert store.resume_point("ann").id == sids[0]
