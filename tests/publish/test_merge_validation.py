"""Merge validates every field of every record, from JSONL and database sources alike: a bad source is
refused with its problems listed by line or row, in one clear message, and nothing from it is written."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.cli import cli
from annotator.publish.merge import MergeError, merge
from annotator.store import State, Store
from storehelpers import iter_annotations, iter_gold


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def snapshot(db) -> tuple:
    s = Store(db)
    try:
        return list(iter_annotations(s)), list(iter_gold(s)), len(s.events())
    finally:
        s.close()


@pytest.fixture
def source(seeded_db, tmp_path):
    """A copy of the database with one good judgment and one gold, to be damaged by each test."""
    src = tmp_path / "src.db"
    shutil.copy(seeded_db, src)
    s = Store(src)
    units = [u for u in s.iter_units("sentence")][:2]
    s.change("annotation", units[0].id, "remote", "confirm", State(("study",), "done"))
    s.change("gold", units[1].id, "judge", "gold-save", State(("consultation",), "done"))
    s.close()
    return src


HOSTILE_ROWS = [
    ("UPDATE annotations SET status = 'done\", \"labels\": [\"plan\"], \"z\": \"'", "unknown status"),
    ("UPDATE annotations SET seconds = 9e999", "seconds must be a finite number"),
    ("UPDATE annotations SET labels = '[\"review\", \"plan\"]'", "single-choice facet"),
    ("UPDATE annotations SET labels = '[\"study\", \"study\"]'", "duplicate tags"),
    ("UPDATE annotations SET annotator = ''", "non-empty string"),
    ("UPDATE annotations SET labels = 'not json'", "labels must be a list"),
    ("UPDATE annotations SET labels = '{\"a\": 1}'", "labels must be a list"),
    ("UPDATE annotations SET updated_at = 12345", "ISO 8601"),
    ("UPDATE annotations SET note = x'00ff'", "note must be a string"),
    ("UPDATE gold SET status = 'approved'", "unknown status"),
    ("UPDATE annotations SET sentence_id = (SELECT id FROM sentences WHERE kind = 'heading' LIMIT 1),"
     " sentence_n = (SELECT n FROM sentences WHERE kind = 'heading' LIMIT 1)", "not a sentence"),
]


@pytest.mark.parametrize("sql,problem", HOSTILE_ROWS)
def test_hostile_database_source_is_refused_with_its_problems(seeded_db, source, sql, problem):
    with sqlite3.connect(source) as c:
        c.execute(sql)
    before = snapshot(seeded_db)
    r = run("--db", seeded_db, "merge", source)
    assert r.exit_code == 1, r.output
    assert "nothing merged" in r.output and problem in r.output and "row 1" in r.output
    assert "Traceback" not in r.output
    assert snapshot(seeded_db) == before


JSONL_CASES = [
    ({"gold": "plan"}, "gold must be an object"),
    ({"annotations": {"a": {"labels": ["study"], "note": {"x": 1}}}}, "note must be a string"),
    ({"annotations": {"a": {"labels": ["study"], "seconds": "Infinity"}}}, "finite number"),
    ({"annotations": {"a": {"labels": ["study"], "status": "approved"}}}, "unknown status"),
    ({"annotations": {"": {"labels": ["study"]}}}, "non-empty string"),
    ({"annotations": {"a": {"labels": ["plan", "review"]}}}, "single-choice facet"),
    ({"annotations": {"a": {"labels": "study"}}}, "labels must be a list"),
    ({"annotations": {"a": {"labels": ["study"], "updated_at": 1700000000}}}, "ISO 8601"),
    ({"annotations": {"a": "done"}}, "is not an object"),
]


@pytest.mark.parametrize("extra,problem", JSONL_CASES)
def test_hostile_jsonl_source_is_refused_with_line_numbers(seeded_db, tmp_path, extra, problem):
    sid = next(Store(seeded_db).iter_units("sentence")).id
    good = {"id": sid, "annotations": {"ok": {"labels": ["study"], "status": "done"}}}
    bad = {"id": sid, **extra}
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(good) + "\n" + json.dumps(bad, ensure_ascii=False) + "\n", encoding="utf-8")
    before = snapshot(seeded_db)
    r = run("--db", seeded_db, "merge", path)
    assert r.exit_code == 1 and "line 2" in r.output and problem in r.output, r.output
    assert "Traceback" not in r.output
    assert snapshot(seeded_db) == before


def test_a_second_judgment_for_the_same_sentence_and_annotator_is_refused(seeded_db, tmp_path):
    sid = next(Store(seeded_db).iter_units("sentence")).id
    rec = {"id": sid, "annotations": {"a": {"labels": ["study"], "status": "done"}}}
    path = tmp_path / "dup.jsonl"
    path.write_text(json.dumps(rec) + "\n" + json.dumps(rec) + "\n", encoding="utf-8")
    r = run("--db", seeded_db, "merge", path)
    assert r.exit_code == 1 and "line 2 (a): a second judgment" in r.output and "first at line 1" in r.output


def test_a_good_database_source_merges_judgments_and_gold(seeded_db, source):
    r = run("--db", seeded_db, "merge", source)
    assert r.exit_code == 0, r.output
    store = Store(seeded_db)
    assert [a["labels"] for a in iter_annotations(store) if a["annotator"] == "remote"] == [["study"]]
    assert [g["labels"] for g in iter_gold(store)] == [["consultation"]]


tags = st.sampled_from(["study", "consultation", "supervision", "research", "advice", "economy", "plan", "review"])
statuses = st.sampled_from(["draft", "done", "skipped", "flagged"])
times = st.datetimes().map(lambda d: d.isoformat(timespec="milliseconds") + "Z")
valid_judgment = st.fixed_dictionaries({
    "labels": st.lists(tags, unique=True).filter(lambda ls: not {"plan", "review"} <= set(ls)),
    "status": statuses, "note": st.text(max_size=20), "updated_at": times,
    "seconds": st.floats(min_value=0, max_value=1e6), "suggestions_shown": st.booleans()})
corruptions = st.sampled_from([
    ("labels", "study"), ("labels", ["study", "study"]), ("labels", ["nope"]), ("labels", [1]),
    ("status", "maybe"), ("status", None), ("note", 3), ("note", []), ("seconds", float("nan")),
    ("seconds", -1), ("seconds", "3"), ("updated_at", "yesterday"), ("updated_at", 5), ("suggestions_shown", "yes"),
])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(judgments=st.lists(valid_judgment, min_size=1, max_size=5), data=st.data())
def test_property_valid_records_merge_and_any_corruption_is_refused_whole(seeded_template, tmp_path_factory,
                                                                          taxonomy, judgments, data):
    work = tmp_path_factory.mktemp("prop")
    db = shutil.copy(seeded_template, work / "t.db")
    store = Store(db)
    sids = [u.id for u in store.iter_units("sentence")][:len(judgments)]
    lines = [json.dumps({"id": sid, "annotations": {"p": j}}, ensure_ascii=False) for sid, j in zip(sids, judgments)]
    good = work / "good.jsonl"
    good.write_text("\n".join(lines) + "\n", encoding="utf-8")
    merge(store, taxonomy, good)
    got = {a["sentence_id"]: a for a in iter_annotations(store) if a["annotator"] == "p"}
    for sid, j in zip(sids, judgments):
        assert got[sid]["labels"] == sorted(j["labels"]) and got[sid]["status"] == j["status"]
        assert got[sid]["note"] == j["note"]
    # one corrupted field anywhere: the whole source is refused, nothing changes
    k = data.draw(st.integers(0, len(judgments) - 1))
    key, value = data.draw(corruptions)
    bad_j = {**judgments[k], key: value}
    lines[k] = json.dumps({"id": sids[k], "annotations": {"q": bad_j}}, ensure_ascii=False)
    bad = work / "bad.jsonl"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = (list(iter_annotations(store)), len(store.events()))
    with pytest.raises(MergeError) as exc:
        merge(store, taxonomy, bad)
    assert f"line {k + 1} (q)" in str(exc.value)
    assert (list(iter_annotations(store)), len(store.events())) == before
    store.close()
