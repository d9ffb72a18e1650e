"""A judgment lands only on the sentence whose text it was given to — across releases whose segmenter cut
the same report differently (same document id, other units at the same index), from JSONL exports and
database sources alike. What cannot be placed is kept, with its reason, in a file beside the database."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.ingest.importer import import_paths
from annotator.ingest.segmenter import SEGMENTER_VERSION
from annotator.publish.placement import AS_IS, REPLACED, UNPLACED, place
from annotator.store import State, Store
from storehelpers import iter_annotations

OLD = Path(__file__).parents[1] / "data" / "release-9792e61"  # see its PROVENANCE.md
OLD_RECORDS = [json.loads(line) for line in (OLD / "export.jsonl").read_text(encoding="utf-8").splitlines()]
DOC = OLD_RECORDS[0]["doc"]


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def given() -> list[tuple[str, str, str, tuple]]:
    """(layer, who, the text it was given to, labels) of every judgment in the old export."""
    out = []
    for r in OLD_RECORDS:
        for who, a in r["annotations"].items():
            out.append(("annotation", who, r["text"], tuple(sorted(a["labels"]))))
        if r["gold"]:
            out.append(("gold", r["gold"]["adjudicator"], r["text"], tuple(sorted(r["gold"]["labels"]))))
    return out


def landed(db) -> list[tuple[str, str, str, tuple]]:
    c = sqlite3.connect(db)
    try:
        rows = [("annotation", who, text, tuple(json.loads(labels))) for who, text, labels in c.execute(
            "SELECT a.annotator, s.text, a.labels FROM annotations a JOIN sentences s ON s.n = a.sentence_n"
            " AND s.id = a.sentence_id")]
        rows += [("gold", who, text, tuple(json.loads(labels))) for who, text, labels in c.execute(
            "SELECT g.adjudicator, s.text, g.labels FROM gold g JOIN sentences s ON s.n = g.sentence_n"
            " AND s.id = g.sentence_id")]
        return rows
    finally:
        c.close()


@pytest.fixture
def current_db(tmp_path) -> Path:
    """The report imported by this release's segmenter."""
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(OLD / "web_report.txt", folder)
    db = tmp_path / "here.db"
    s = Store(db)
    import_paths(s, [folder])
    assert s.has_document(DOC)
    s.close()
    return db


def old_release_database(path: Path) -> Path:
    """A database as the previous release left it: the report cut into the old units, its judgments made
    with the tagging API (so tagging events exist too)."""
    text = (OLD / "web_report.txt").read_text(encoding="utf-8")
    s = Store(path)
    units, pos = [], 0
    for r in OLD_RECORDS:
        a = text.index(r["text"], pos)
        pos = a + len(r["text"])
        units.append((r["idx"], r["kind"], r["text"], r["section"], a, pos))
    s.add_document(DOC, "web_report.txt", OLD_RECORDS[0]["title"], text, "utf-8", 1, units)
    for r in OLD_RECORDS:
        for who, a in r["annotations"].items():
            s.change("annotation", r["id"], who, "confirm", State(tuple(a["labels"]), a["status"], a["note"]))
        if r["gold"]:
            g = r["gold"]
            s.change("gold", r["id"], g["adjudicator"], "gold-save", State(tuple(g["labels"]), g["status"], g["note"]))
    s.close()
    return path


def test_the_fixture_really_shifts_ids():
    """The export's unit 16 is '县政协党组…'; here unit 16 is a heading and that text is unit 14."""
    by_idx = {r["idx"]: r for r in OLD_RECORDS}
    assert by_idx[16]["text"].startswith("县政协党组严格执行重大事项请示报告制度")


def test_an_old_release_export_lands_every_label_on_its_own_text(current_db, tmp_path):
    here = Store(current_db)
    assert here.sentence(f"{DOC}-16").text == "二、协商议政"  # the id the old label names is a heading here
    here.close()
    r = run("--db", current_db, "merge", OLD / "export.jsonl")
    assert r.exit_code == 3, r.output
    assert "1 on the sentence with their text, 10 re-placed" in r.output and "5 NOT placed" in r.output
    files = list(tmp_path.glob("here.db.unplaced-*.jsonl"))
    assert len(files) == 1 and str(files[0]) in r.output and "warning:" in r.output
    placed = landed(current_db)
    assert len(placed) == 11
    assert set(placed) <= set(given())  # every label sits on the text it was given to
    kept = [json.loads(line) for line in files[0].read_text(encoding="utf-8").splitlines()]
    assert {k["text"] for k in kept} == {"行职能，取得了新成效。", "“协商就要真协商。”", "主席说。",
                                         "“把协商民主贯穿履职全过程。”", "县长说。"}
    assert all("segmented differently" in k["unplaced"]["reason"] for k in kept)
    assert "\\u" not in files[0].read_text(encoding="utf-8")  # Chinese kept as it is
    assert len(placed) + len(kept) == len(given())  # nothing lost
    # merging again changes nothing and still names what cannot be placed
    again = run("--db", current_db, "merge", OLD / "export.jsonl")
    assert again.exit_code == 3 and "0 added" in again.output
    assert sorted(landed(current_db)) == sorted(placed)


def test_an_old_release_database_lands_every_label_on_its_own_text_with_its_events(current_db, tmp_path):
    src = old_release_database(tmp_path / "old.db")
    r = run("--db", current_db, "merge", src)
    assert r.exit_code == 3, r.output
    placed = landed(current_db)
    assert len(placed) == 11 and set(placed) <= set(given())
    # the tagging events came along with their judgment, to the sentence it landed on
    s = Store(current_db)
    judged = {(a["sentence_id"], a["annotator"]) for a in iter_annotations(s)}
    merged_events = [e for e in s.events() if e["layer"] == "annotation" and e["action"] == "confirm"]
    assert merged_events and {(e["sentence_id"], e["annotator"]) for e in merged_events} == judged
    s.close()


def test_a_database_source_brings_its_document_with_its_own_units_and_segmenter_version(tmp_path):
    src = old_release_database(tmp_path / "old.db")
    empty = tmp_path / "empty.db"
    Store(empty).close()
    r = run("--db", empty, "merge", src)
    assert r.exit_code == 0, r.output  # the document comes along with the units the labels were given on
    assert sorted(landed(empty)) == sorted(given())
    c = sqlite3.connect(empty)
    assert c.execute("SELECT segmenter FROM documents").fetchone()[0] == 1
    c.close()


def jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def test_shifted_ids_in_a_jsonl_land_by_text(seeded_db, tmp_path):
    s = Store(seeded_db)
    sents = [u for u in s.iter_units("sentence")][:4]
    s.close()
    # each record names the id of the next sentence but carries this one's text (a shifted segmentation)
    recs = [{"id": b.id, "text": a.text, "annotations": {"ann": {"labels": ["study"], "status": "done"}}}
            for a, b in zip(sents, sents[1:])]
    r = run("--db", seeded_db, "merge", jsonl(tmp_path / "shift.jsonl", recs))
    assert r.exit_code == 0, r.output
    assert "3 re-placed" in r.output and "none left unplaced" in r.output
    s = Store(seeded_db)
    assert [a["sentence_id"] for a in iter_annotations(s)] == [u.id for u in sents[:3]]


def test_ambiguous_missing_and_heading_texts_are_not_placed(seeded_db, tmp_path):
    s = Store(seeded_db)
    sents = list(s.iter_units("sentence"))
    heading = next(u for u in s.iter_units() if u.kind == "heading")
    doc = sents[0].doc_id
    s.conn.execute("UPDATE sentences SET text = ? WHERE n IN (?, ?)", ("谢谢大家。", sents[1].n, sents[2].n))
    s.close()
    j = {"labels": ["study"], "status": "done"}
    recs = [
        {"id": sents[0].id, "text": "谢谢大家。", "annotations": {"a": j}},  # two units have it
        {"id": sents[3].id, "text": "这句话不在报告里。", "annotations": {"b": j}},  # none has it
        {"id": sents[4].id, "text": heading.text, "annotations": {"c": j}},  # a heading here
        {"id": "0000000000000000-3", "text": "任何。", "annotations": {"d": j}},  # the report is not here
        {"id": sents[5].id, "text": sents[5].text, "annotations": {"e": j}},  # as it is
    ]
    r = run("--db", seeded_db, "merge", jsonl(tmp_path / "in.jsonl", recs))
    assert r.exit_code == 3, r.output
    assert "1 on the sentence with their text" in r.output and "4 NOT placed" in r.output
    kept = [json.loads(x) for x in next(tmp_path.glob("work.db.unplaced-*.jsonl")).read_text("utf-8").splitlines()]
    reasons = {k["id"]: k["unplaced"]["reason"] for k in kept}
    assert f"2 units of document {doc}" in reasons[sents[0].id]
    assert "segmented differently" in reasons[sents[3].id]
    assert "a heading here" in reasons[sents[4].id]
    assert "is not in this database" in reasons["0000000000000000-3"]
    assert [a["annotator"] for a in iter_annotations(Store(seeded_db))] == ["e"]


def test_without_text_a_record_is_placed_by_id_only_on_a_document_of_this_segmenter(seeded_db, tmp_path):
    s = Store(seeded_db)
    a, b = [u for u in s.iter_units("sentence")][:2]
    other = next(u for u in s.iter_units("sentence") if u.doc_id != a.doc_id)
    s.conn.execute("UPDATE documents SET segmenter = ? WHERE id = ?", (SEGMENTER_VERSION - 1, other.doc_id))
    s.close()
    j = {"labels": ["study"], "status": "done"}
    recs = [{"id": a.id, "annotations": {"x": j}}, {"id": other.id, "annotations": {"x": j}}]
    r = run("--db", seeded_db, "merge", jsonl(tmp_path / "old.jsonl", recs))
    assert r.exit_code == 3, r.output
    assert "1 placed by id (the record has no text to check)" in r.output and "1 NOT placed" in r.output
    kept = json.loads(next(tmp_path.glob("work.db.unplaced-*.jsonl")).read_text("utf-8"))
    assert kept["id"] == other.id and "segmenter version" in kept["unplaced"]["reason"]


def test_the_unplaced_file_merges_once_the_report_is_imported(tmp_path):
    src = old_release_database(tmp_path / "old.db")
    db = tmp_path / "t.db"
    Store(db).close()
    recs = [r for r in OLD_RECORDS if r["annotations"] or r["gold"]]
    r = run("--db", db, "merge", jsonl(tmp_path / "x.jsonl", recs))
    assert r.exit_code == 3 and "is not in this database" in next(tmp_path.glob("t.db.unplaced-*")).read_text("utf-8")
    unplaced = next(tmp_path.glob("t.db.unplaced-*"))
    # the report arrives (with the units the labels were given on), then the kept file merges whole
    assert run("--db", db, "merge", src).exit_code == 0
    Store(db).conn.execute("DELETE FROM annotations")
    again = run("--db", db, "merge", unplaced)
    assert again.exit_code == 0, again.output


def test_placement_is_reusable_on_any_records(seeded_db):
    s = Store(seeded_db)
    a, b = [u for u in s.iter_units("sentence")][:2]
    got = [p for _, p in place(s, [{"sentence_id": a.id, "text": a.text}, {"sentence_id": a.id, "text": b.text},
                                   {"sentence_id": a.id, "text": "无此句。"}])]
    assert [p.how for p in got] == [AS_IS, REPLACED, UNPLACED] and got[1].sentence_id == b.id
    assert [uid for uid, _, _ in s.units_with_text([b.text])[b.text]] == [b.id]  # corpus-wide
    s.close()


def test_a_reused_text_lands_once_the_other_placement_is_unplaced(seeded_db, tmp_path):
    """Two judgments of one person that would land on one sentence: the one re-placed there is kept aside."""
    s = Store(seeded_db)
    a, b = [u for u in s.iter_units("sentence")][:2]
    s.close()
    j = {"labels": ["study"], "status": "done"}
    recs = [{"id": a.id, "text": a.text, "annotations": {"p": j}},
            {"id": b.id, "text": a.text, "annotations": {"p": {**j, "labels": ["research"]}}}]
    r = run("--db", seeded_db, "merge", jsonl(tmp_path / "two.jsonl", recs))
    assert r.exit_code == 3, r.output
    assert Store(seeded_db).annotation(a.id, "p").labels == ("study",)
    kept = json.loads(next(tmp_path.glob("work.db.unplaced-*.jsonl")).read_text("utf-8"))
    assert kept["annotations"]["p"]["labels"] == ["research"] and "another judgment" in kept["unplaced"]["reason"]


def test_merge_records_the_taxonomy_it_was_given(seeded_db, tmp_path):
    from annotator.core.resources import default_taxonomy_path

    extra = tmp_path / "t.yaml"
    text = Path(default_taxonomy_path()).read_text(encoding="utf-8")
    at = text.index("      - id: leadership")
    extra.write_text(text[:at] + "      - id: brandnew\n        title: 新标签\n        en: brand new\n" + text[at:],
                     encoding="utf-8")
    sid = next(Store(seeded_db).iter_units("sentence"))
    rec = {"id": sid.id, "text": sid.text, "annotations": {"q": {"labels": ["brandnew"], "status": "done"}}}
    r = run("--db", seeded_db, "--taxonomy", extra, "merge", jsonl(tmp_path / "n.jsonl", [rec]))
    assert r.exit_code == 0, r.output
    later = run("--db", seeded_db, "stats")  # no --taxonomy: the recorded one covers 'brandnew'
    assert later.exit_code == 0, later.output


def test_gold_and_judgments_interleaved_in_a_jsonl_keep_their_own_placement(seeded_db, tmp_path):
    s = Store(seeded_db)
    a, b = [u for u in s.iter_units("sentence")][:2]
    s.close()
    j = {"labels": ["study"], "status": "done"}
    recs = [{"id": a.id, "text": a.text, "annotations": {"p": j},
             "gold": {"labels": ["study"], "status": "done", "adjudicator": "g"}},
            {"id": b.id, "text": a.text, "annotations": {"p": {**j, "labels": ["research"]}}},
            {"id": a.id, "text": b.text, "annotations": {"q": j}}]
    r = run("--db", seeded_db, "merge", jsonl(tmp_path / "mix.jsonl", recs))
    assert r.exit_code == 3, r.output
    assert "2 on the sentence with their text, 1 re-placed" in r.output and "1 NOT placed" in r.output
    kept = json.loads(next(tmp_path.glob("work.db.unplaced-*.jsonl")).read_text("utf-8"))
    assert kept["id"] == b.id and kept["text"] == a.text and kept["annotations"]["p"]["labels"] == ["research"]
    s = Store(seeded_db)
    assert s.annotation(a.id, "p").labels == ("study",) and s.annotation(b.id, "q").labels == ("study",)
    assert s.gold(a.id).labels == ("study",)
