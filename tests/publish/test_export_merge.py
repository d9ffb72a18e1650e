"""Export formats, resolution, splits, atomic writes; merge and round trips."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.publish import export as ex
from annotator.cli import cli
from annotator.ingest.importer import import_paths
from annotator.core.resources import seeds_dir
from annotator.store import State, Store, Write
from annotator.store.base import now
from storehelpers import iter_annotations


def run(*args):
    r = CliRunner().invoke(cli, [str(a) for a in args])
    return r


def lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


def A(labels, status="done"):
    return {"labels": labels, "status": status}


@pytest.mark.parametrize("gold,anns,expected", [
    ({"labels": ["x"], "status": "done"}, {"a": A(["y"]), "b": A(["y"])}, (["x"], "gold")),
    ({"labels": ["x"], "status": "draft"}, {"a": A(["y"]), "b": A(["y"])}, (["y"], "agreed")),
    (None, {"a": A([]), "b": A([])}, ([], "agreed")),
    (None, {"a": A(["p"]), "b": A(["p"]), "c": A(["q"])}, (["p"], "majority")),
    (None, {"a": A(["p"]), "b": A(["q"])}, (None, None)),
    (None, {"a": A(["p"]), "b": A(["q"], "skipped")}, (["p"], "single")),
    (None, {"a": A(["p"], "flagged")}, (None, None)),
])
def test_resolution_order(gold, anns, expected):
    assert ex.resolve(gold, anns) == expected


def test_native_records_field_by_field(double_db, taxonomy, tmp_path):
    store = Store(double_db)
    sid = next(store.iter_units("sentence")).id
    store.change("gold", sid, "judge", "gold-save", State(("epidemic", "plan"), "done"),
                 write=Write(taxonomy.hash))
    out = tmp_path / "d.jsonl"
    r = run("--db", double_db, "export", "--out", out)
    assert r.exit_code == 0, r.output
    recs = lines(out)
    assert recs and all(rec["kind"] == "sentence" and rec["label_source"] for rec in recs)
    first = next(rec for rec in recs if rec["id"] == sid)
    assert set(first) >= {"id", "doc", "title", "section", "idx", "kind", "text", "labels", "label_source",
                          "facets", "annotations", "flagged"}
    unit = store.sentence(sid)
    assert (first["doc"], first["idx"], first["text"], first["section"]) == (unit.doc_id, unit.idx, unit.text,
                                                                             unit.section)
    assert first["labels"] == ["epidemic", "plan"] and first["label_source"] == "gold"
    assert first["facets"] == {"activity": ["epidemic"], "period": ["plan"], "domain": []}
    assert set(first["annotations"]) == {"alice", "bob"}
    a = first["annotations"]["alice"]
    assert a["status"] == "done" and a["labels"] == list(store.annotation(sid, "alice").labels) and a["updated_at"]
    raw = out.read_text(encoding="utf-8")
    assert "\\u" not in raw and "政协" in raw  # ensure_ascii=False
    card = json.loads((tmp_path / "d.meta.json").read_text(encoding="utf-8"))
    assert card["taxonomy"]["hash"] == taxonomy.hash and len(card["taxonomy"]["tags"]) == len(taxonomy.tags)
    assert card["records"] == len(recs) and card["records_per_label_source"]["gold"] == 1
    assert card["agreement"]["alpha_masi"] is not None and card["command"][0] == "annotator"


def test_all_writes_every_unit(double_db, tmp_path):
    out = tmp_path / "all.jsonl"
    assert run("--db", double_db, "export", "--all", "--out", out, "--no-agreement").exit_code == 0
    recs = lines(out)
    assert len(recs) == Store(double_db).count_units()
    assert {r["kind"] for r in recs} == {"sentence", "heading", "caption"}
    unresolved = [r for r in recs if r["label_source"] is None]
    assert unresolved and all(r["labels"] == [] for r in unresolved)


def test_doccano_and_prodigy_records(double_db, taxonomy, tmp_path):
    store = Store(double_db)
    sid = list(store.iter_units("sentence"))[1].id
    store.change("annotation", sid, "carol", "skip", State((), "skipped"))
    assert run("--db", double_db, "export", "--format", "doccano", "--out", tmp_path / "dc.jsonl",
               "--no-agreement").exit_code == 0
    dc = lines(tmp_path / "dc.jsonl")
    assert all(set(r) == {"id", "text", "label"} and isinstance(r["label"], list) for r in dc)
    assert run("--db", double_db, "export", "--format", "prodigy", "--out", tmp_path / "p.jsonl",
               "--no-agreement").exit_code == 0
    pr = lines(tmp_path / "p.jsonl")
    judgments = sum(1 for a in iter_annotations(store) if a["status"] != "draft")
    assert len(pr) == judgments
    for r in pr:
        assert set(r) >= {"text", "meta", "options", "accept", "answer", "_annotator_id", "_session_id",
                          "_input_hash", "_task_hash", "_view_id"}
        assert r["_view_id"] == "choice" and isinstance(r["_input_hash"], int) and -2**31 <= r["_task_hash"] < 2**31
        assert {o["id"] for o in r["options"]} == set(taxonomy.tags)
    skipped = [r for r in pr if r["meta"]["id"] == sid and r["_annotator_id"].endswith("-carol")]
    assert skipped[0]["answer"] == "ignore" and skipped[0]["accept"] == []
    assert all(r["answer"] == "accept" for r in pr if not r["_annotator_id"].endswith("-carol"))


def test_source_annotator_and_gold(double_db, tmp_path):
    out = tmp_path / "bob.jsonl"
    assert run("--db", double_db, "export", "--source", "annotator:bob", "--out", out, "--no-agreement").exit_code == 0
    store = Store(double_db)
    for r in lines(out):
        assert r["labels"] == list(store.annotation(r["id"], "bob").labels) and r["label_source"] == "annotator:bob"
    assert run("--db", double_db, "export", "--source", "gold", "--out", tmp_path / "g.jsonl",
               "--no-agreement").exit_code == 0
    assert lines(tmp_path / "g.jsonl") == []


def test_split_by_document_is_stable_and_leak_free(double_db, tmp_path):
    def doc_sets(folder):
        return {name: {r["doc"] for r in lines(folder / f"data-{name}.jsonl")} for name in ("train", "dev", "test")}

    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        r = run("--db", double_db, "export", "--split", "train=0.6,dev=0.2,test=0.2", "--seed", "3",
                "--out", tmp_path / folder / "data.jsonl", "--no-agreement")
        assert r.exit_code == 0, r.output
    a, b = doc_sets(tmp_path / "a"), doc_sets(tmp_path / "b")
    assert a == b
    assert not (a["train"] & a["dev"]) and not (a["train"] & a["test"]) and not (a["dev"] & a["test"])
    assert (tmp_path / "a" / "data-train.jsonl").read_bytes() == (tmp_path / "b" / "data-train.jsonl").read_bytes()
    assert len(a["train"]) >= 1


def test_refuses_to_overwrite_and_unwritable(double_db, tmp_path):
    out = tmp_path / "x.jsonl"
    assert run("--db", double_db, "export", "--out", out, "--no-agreement").exit_code == 0
    before = out.read_bytes()
    r = run("--db", double_db, "export", "--out", out, "--no-agreement")
    assert r.exit_code == 1 and "exists" in r.output and out.read_bytes() == before
    assert run("--db", double_db, "export", "--out", out, "--force", "--no-agreement").exit_code == 0
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    r = run("--db", double_db, "export", "--out", blocked / "x.jsonl")
    assert r.exit_code == 1 and "cannot write" in r.output and "Traceback" not in r.output


def test_failure_mid_export_leaves_nothing(double_db, taxonomy, tmp_path, monkeypatch):
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "half.jsonl"
    real = ex.native
    calls = {"n": 0}

    def boom(*a, **k):
        calls["n"] += 1
        if calls["n"] == 50:
            raise RuntimeError("disk on fire")
        return real(*a, **k)

    monkeypatch.setattr(ex, "native", boom)
    with pytest.raises(RuntimeError):
        ex.export(Store(double_db), taxonomy, out)
    assert not out.exists() and list((tmp_path / "out").iterdir()) == []


def test_round_trip_export_merge_gives_identical_annotations_and_agreement(double_db, tmp_path):
    store = Store(double_db)
    sid = next(store.iter_units("sentence")).id
    store.change("gold", sid, "judge", "gold-save", State(("study",), "done"))
    store.change("annotation", sid, "alice", "note", State(("study",), "done", "边界[b]例子"))
    out = tmp_path / "rt.jsonl"
    assert run("--db", double_db, "export", "--all", "--out", out, "--no-agreement").exit_code == 0
    fresh = tmp_path / "fresh.db"
    import_paths(Store(fresh), [seeds_dir()])
    r = run("--db", fresh, "merge", out)
    assert r.exit_code == 0, r.output
    keys = ("sentence_id", "annotator", "labels", "status", "note", "updated_at")

    def anns(db):
        return [{k: a[k] for k in keys} for a in iter_annotations(Store(db))]

    assert anns(fresh) == anns(double_db)
    assert Store(fresh).gold(sid) == Store(double_db).gold(sid)
    j1 = json.loads(run("--db", double_db, "agree", "--json").output)
    j2 = json.loads(run("--db", fresh, "agree", "--json").output)
    assert j1 == j2
    again = run("--db", fresh, "merge", out)
    assert "0 added / 0 updated" in again.output


def test_merge_two_annotator_databases_then_agree(tmp_path, taxonomy):
    dbs = []
    for who, labels in (("alice", ("study",)), ("bob", ("party_building",))):
        db = tmp_path / f"{who}.db"
        s = Store(db)
        import_paths(s, [seeds_dir()])
        for i, sent in enumerate(s.iter_units("sentence")):
            if i >= 40:
                break
            s.change("annotation", sent.id, who, "confirm", State(labels if i % 2 else ("study",), "done"))
        dbs.append(db)
    team = tmp_path / "team.db"
    r = run("--db", team, "merge", *dbs)  # an empty database: documents come along from the first source
    assert r.exit_code == 0, r.output
    assert "5 documents brought along" in r.output
    rep = json.loads(run("--db", team, "agree", "--json").output)
    assert rep["items"] == 40 and rep["annotators"] == ["alice", "bob"]
    assert rep["overall"]["percent_agreement"] == pytest.approx(0.5)


def test_merge_conflict_keeps_later_and_logs_both(tmp_path, seeded_db):
    other = tmp_path / "other.db"
    shutil.copy(seeded_db, other)
    here, there = Store(seeded_db), Store(other)
    sid = next(here.iter_units("sentence")).id
    here.change("annotation", sid, "alice", "confirm", State(("study",), "done"))
    first = next(r["updated_at"] for r in here.source_judgments("annotation") if r["sentence_id"] == sid)
    while now() <= first:  # times have millisecond resolution: the second edit must be strictly later
        time.sleep(0.001)
    there.change("annotation", sid, "alice", "confirm", State(("research",), "done"))  # later
    r = run("--db", seeded_db, "merge", other)
    assert r.exit_code == 0 and "1 updated" in r.output
    assert Store(seeded_db).annotation(sid, "alice").labels == ("research",)
    ev = [e for e in Store(seeded_db).events(sid) if e["action"] == "merge"]
    assert json.loads(ev[0]["before"])["labels"] == ["study"] and json.loads(ev[0]["after"])["labels"] == ["research"]
    r = run("--db", other, "merge", seeded_db)  # the older version does not win the other way round
    assert Store(other).annotation(sid, "alice").labels == ("research",)


def test_merge_rejects_bad_jsonl_with_line_numbers_and_writes_nothing(seeded_db, tmp_path):
    store = Store(seeded_db)
    sids = [s.id for s in store.iter_units("sentence")][:3]
    good = {"id": sids[0], "annotations": {"zed": {"labels": ["study"], "status": "done", "updated_at": "2026-01-01T00:00:00Z"}}}
    rows = [json.dumps(good), "{not json", json.dumps({"ids": "nope-1", "annotations": {}}),
            json.dumps({"id": sids[1], "annotations": {"zed": {"labels": ["made_up"], "status": "done"}}})]
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(rows) + "\n", encoding="utf-8")
    r = run("--db", seeded_db, "merge", bad)
    assert r.exit_code == 1
    assert "line 2: malformed JSON" in r.output
    # (a record with an unknown id but no judgment names nothing to merge: not a problem since judgments
    # are placed by their text; a record without an id still is one)
    assert "line 3: not a native annotator record" in r.output
    assert "line 4 (zed): unknown label 'made_up'" in r.output
    assert Store(seeded_db).annotation(sids[0], "zed") is None


@pytest.mark.parametrize("value", ["plain", 'quo"te', "back\\slash", "tab\there", "line\u2028sep", "中文[b]", None, 3.5,
                                   'done", "labels": ["plan"], "z": "', "\x1b]52;c;cHdu\x07", "\x9b2J", "\u202e"])
def test_json_out_is_the_encoder_and_holds_nothing_a_terminal_acts_on(value):
    from annotator.core.textsafe import to_json

    text = to_json({"v": value})
    assert json.loads(text) == {"v": value}
    assert not any(ord(c) < 0x20 or 0x7f <= ord(c) <= 0x9f or c in "\u202e\u2028" for c in text)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf")])
def test_json_out_refuses_what_is_not_json(value):
    from annotator.core.textsafe import to_json

    with pytest.raises(ValueError):
        to_json({"seconds": value})


def test_splits_are_never_left_empty_when_documents_suffice(seeded_db, taxonomy, tmp_path):
    """Only a few documents have resolved records: every split still gets one (issue: train was empty)."""
    store = Store(seeded_db)
    docs = store.documents()
    for d in docs[:3]:
        first = next(u for u in store.units(d["id"]) if u.kind == "sentence")
        store.change("annotation", first.id, "alice", "confirm", State(("study",), "done"))
    summary = ex.export(store, taxonomy, tmp_path / "d.jsonl", split="train=0.8,dev=0.1,test=0.1")
    assert summary.per_split == {"train": 1, "dev": 1, "test": 1} and summary.notes == []
    summary = ex.export(store, taxonomy, tmp_path / "e.jsonl", split="a=0.5,b=0.2,c=0.2,d=0.1")
    assert summary.notes and "d left empty" in summary.notes[0]


def test_unknown_annotator_source_is_an_error(double_db, tmp_path):
    r = run("--db", double_db, "export", "--source", "annotator:nobody", "--out", tmp_path / "x.jsonl")
    assert r.exit_code == 1 and "no judgments by 'nobody'" in r.output
