"""stats throughput survives a merge: a database source's tagging events come along with their times;
judgments with no times (a JSONL export) show n/a with the reason, never a wrong 0."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner

from annotator.measure import stats
from annotator.cli import cli
from annotator.publish.merge import MergeError, merge
from annotator.store import State, Store

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


class Clock:
    """store time that moves ``step`` seconds per call (no wall clock in the test)."""

    def __init__(self, start: datetime, step: float):
        self.t, self.step = start, step

    def __call__(self) -> str:
        self.t += timedelta(seconds=self.step)
        return self.t.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def tag_alone(seeded_db, tmp_path, monkeypatch, who, step, n=10, start=T0):
    db = tmp_path / f"{who}.db"
    shutil.copy(seeded_db, db)
    monkeypatch.setattr("annotator.store.judgments.now", Clock(start, step))
    s = Store(db)
    for i, sent in enumerate(s.iter_units("sentence")):
        if i >= n:
            break
        s.change("annotation", sent.id, who, "toggle:plan", State(("plan",), "draft"))
        s.change("annotation", sent.id, who, "confirm", State(("plan",), "done"))
    s.close()
    monkeypatch.undo()
    return db


@pytest.fixture
def two(seeded_db, tmp_path, monkeypatch, taxonomy):
    alice = tag_alone(seeded_db, tmp_path, monkeypatch, "alice", 20)
    bob = tag_alone(seeded_db, tmp_path, monkeypatch, "bob", 40, start=T0 + timedelta(days=1))
    return alice, bob


def test_throughput_survives_merging_two_databases(two, tmp_path, taxonomy):
    alice, bob = two
    alone = {who: stats.throughput(Store(db))[who] for who, db in (("alice", alice), ("bob", bob))}
    # 10 sentences, a toggle and a confirm each: 19 gaps of 20 s (alice) or 40 s (bob)
    assert alone["alice"]["confirmed"] == 10 and alone["alice"]["active_seconds"] == pytest.approx(380)
    assert alone["bob"]["active_seconds"] == pytest.approx(760)
    team = tmp_path / "team.db"
    r = run("--db", team, "merge", alice, bob)
    assert r.exit_code == 0, r.output
    assert "20 tagging events copied with their times" in r.output
    tp = stats.throughput(Store(team))
    for who in ("alice", "bob"):
        assert tp[who]["confirmed"] == 10 and tp[who]["untimed"] == 0 and tp[who]["reason"] is None
        assert tp[who]["active_seconds"] == pytest.approx(alone[who]["active_seconds"])
        assert tp[who]["per_hour"] == pytest.approx(alone[who]["per_hour"])
    assert tp["alice"]["per_hour"] == pytest.approx(10 / (380 / 3600))
    # merging again, or merging the team back into a source, copies nothing twice
    assert run("--db", team, "merge", alice, bob).exit_code == 0
    assert run("--db", alice, "merge", team).exit_code == 0
    for db in (team, alice):
        again = stats.throughput(Store(db))
        assert again["alice"]["confirmed"] == 10 and again["alice"]["active_seconds"] == pytest.approx(380)
    assert stats.throughput(Store(alice))["bob"]["active_seconds"] == pytest.approx(760)
    out = run("--db", team, "stats").output
    assert "n/a" not in out


def test_judgments_merged_without_times_say_n_a_with_the_reason(two, seeded_db, tmp_path, taxonomy):
    alice, bob = two
    export = tmp_path / "bob.jsonl"
    assert run("--db", bob, "export", "--out", export, "--no-agreement").exit_code == 0
    team = tmp_path / "t.db"
    shutil.copy(alice, team)
    r = run("--db", team, "merge", export)
    assert r.exit_code == 0, r.output
    tp = stats.throughput(Store(team))
    assert tp["bob"]["per_hour"] is None and tp["bob"]["active_seconds"] is None and tp["bob"]["untimed"] == 10
    assert tp["bob"]["reason"].startswith("n/a: 10 done judgments without event times")
    assert tp["alice"]["confirmed"] == 10 and tp["alice"]["reason"] is None
    r = run("--db", team, "stats")
    row = next(line for line in r.output.splitlines() if "bob" in line and "│" in line)
    assert row.count("n/a") == 2 and " 0.00 " not in row  # never a wrong 0
    assert "bob: n/a: 10 done judgments without event times" in r.output


def test_a_source_with_a_bad_event_time_is_refused_whole(two, tmp_path, taxonomy):
    alice, _ = two
    s = Store(alice)
    with s.transaction():
        s.conn.execute("UPDATE events SET at = 'yesterday' WHERE id = 3")
    s.close()
    target = Store(tmp_path / "empty.db")
    with pytest.raises(MergeError) as exc:
        merge(target, taxonomy, alice)
    assert "events row 3: the time must be ISO 8601, not 'yesterday'" in str(exc.value)
    assert target.annotators() == [] and target.events() == []


def test_an_annotator_with_only_imported_drafts_is_n_a_not_zero(seeded_db):
    store = Store(seeded_db)
    sid = next(store.iter_units("sentence")).id
    store.import_judgments([{"sentence_id": sid, "annotator": "carol", "labels": ["plan"], "status": "draft"}])
    tp = stats.throughput(store)["carol"]
    assert tp["active_seconds"] is None and tp["per_hour"] is None and tp["reason"].startswith("n/a")
    row = next(line for line in run("--db", seeded_db, "stats").output.splitlines() if "carol" in line and "│" in line)
    assert row.count("n/a") == 2


def test_a_few_fast_bursts_give_no_speed_but_n_a_with_the_reason(seeded_db, tmp_path, monkeypatch):
    """40 sentences confirmed in bursts 0.05 s apart once showed 154,423 sentences/hour."""
    fast = tag_alone(seeded_db, tmp_path, monkeypatch, "fast", 0.05, n=40)
    tp = stats.throughput(Store(fast))["fast"]
    assert tp["confirmed"] == 40 and tp["active_seconds"] < 5
    assert tp["per_hour"] is None and tp["reason"].startswith("n/a (too little time)")
    row = next(ln for ln in run("--db", fast, "stats").output.splitlines() if "fast" in ln and "│" in ln)
    assert row.split("│")[-2].strip() == "n/a"  # the per-hour cell
    assert run("--db", fast, "assign", "--annotators", "fast,slow").exit_code == 0
    r = run("--db", fast, "progress")
    row = next(ln for ln in r.output.splitlines() if ln.strip("│ ").startswith("fast"))
    assert "n/a" in row
    rep = __import__("annotator.measure.progress", fromlist=["progress"]).progress(Store(fast))
    assert rep["annotators"]["fast"]["per_active_hour"] is None and "too little time" in rep["annotators"]["fast"]["speed_note"]


def test_five_minutes_of_work_give_a_speed(seeded_db, tmp_path, monkeypatch):
    steady = tag_alone(seeded_db, tmp_path, monkeypatch, "steady", 20, n=10)  # 19 gaps of 20 s = 380 s
    tp = stats.throughput(Store(steady))["steady"]
    assert tp["per_hour"] == pytest.approx(10 / (380 / 3600)) and tp["reason"] is None
