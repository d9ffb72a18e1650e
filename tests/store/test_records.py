"""The judgment record is the one field list: the tables, the staging table, the export and the
unplaced records all carry exactly its fields (a field added to ``Judgment`` without its column, or a
column without its field, fails here)."""

from annotator.publish.unplaced import Unplaced
from annotator.store import Store, records
from annotator.store.records import Judgment


def _columns(store: Store, table: str, schema: str = "main") -> set[str]:
    return {r[1] for r in store.conn.execute(f"PRAGMA {schema}.table_info({table})")}


def test_tables_have_exactly_the_records_fields(tmp_path):
    store = Store(tmp_path / "a.db")
    assert _columns(store, "annotations") == {*records.NAMES, "sentence_n"}
    gold = {"adjudicator" if n == "annotator" else n for n in records.GOLD_NAMES}
    assert _columns(store, "gold") == {*gold, "sentence_n"}
    store.stage_judgments([], "annotation")
    staged = _columns(store, "staged_annotation", "temp")
    assert set(records.NAMES) <= staged


def test_stored_row_and_export_follow_the_record():
    j = Judgment("d-0", "amy", ("研究", "study"), "done", None, "2026-01-01T00:00:00.000Z", seconds=None)
    row = dict(zip(records.NAMES, j.row()))
    assert row["labels"] == '["study", "研究"]' and row["note"] == "" and row["seconds"] == 0.0
    assert row["created_at"] == row["updated_at"] and row["suggestions_shown"] == 0
    assert records.GOLD_VALUES == ("labels", "status", "note", "updated_at", "taxonomy")


def test_unplaced_record_keeps_every_field():
    u = Unplaced("src.db")
    u.add("annotation", Judgment("d-0", "amy", ["study"], seconds=2.5).as_dict(), "文本", "no such document")
    assert list(u.records[0]["annotations"]["amy"]) == list(records.VALUES)
