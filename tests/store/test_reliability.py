"""No judgment lost: kill -9 at random moments, several annotators at once, backups while working.

The drills themselves live in ``chaos.py`` (``benchmarks/chaos.py`` runs them longer)."""

from __future__ import annotations

import pytest

import os
import shutil
import sqlite3
from pathlib import Path

from chaos import concurrency_run, kill_trials
from click.testing import CliRunner

from annotator.cli import cli
from annotator.store import State, Store
from storehelpers import iter_annotations
KILL_TRIALS = int(os.environ.get("ANNOTATOR_KILL_TRIALS", "50"))


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_nothing_shown(seeded_db, tmp_path):
    lanes = [seeded_db, shutil.copy(seeded_db, tmp_path / "lane2.db")]
    report = kill_trials(lanes, KILL_TRIALS, seed=7, workdir=tmp_path)
    assert report.failures == []
    assert report.trials == KILL_TRIALS and report.bad_integrity == 0 and report.lost == 0
    # the drill did real work, whatever the machine's speed: each kill waited for its drawn number of
    # actions to be shown, and most kills came while tagging
    assert report.actions_shown >= report.planned_actions > 5 * KILL_TRIALS
    assert report.killed_before_ready < KILL_TRIALS // 2
    for db in lanes:
        store = Store(db)
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert store.count_status("crash0" if db == seeded_db else "crash1", "done") > 0


@pytest.mark.slow
def test_four_annotators_and_readers_on_one_database(seeded_db, tmp_path):
    report = concurrency_run(seeded_db, writers=4, seconds=5, workdir=tmp_path, seed=3)
    assert report.failures == []  # no "database is locked", no error on any screen or command
    assert report.lost == 0 and report.reader_runs >= 3
    store = Store(seeded_db)
    assert {f"writer{i}" for i in range(4)} <= set(store.annotators())
    assert (tmp_path / "during-backup.db").exists()


def test_backup_is_a_consistent_checked_copy(double_db, tmp_path):
    target = tmp_path / "copy" / "backup.db"
    runner = CliRunner()
    r = runner.invoke(cli, ["--db", str(double_db), "backup", str(target)])
    assert r.exit_code == 0 and "integrity ok" in r.output, r.output
    assert sqlite3.connect(target).execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one file
    src, copy = Store(double_db), Store(target)
    assert list(iter_annotations(copy)) == list(iter_annotations(src))
    assert len(copy.events()) == len(src.events())
    r = runner.invoke(cli, ["--db", str(double_db), "backup", str(target)])
    assert r.exit_code == 1 and "use --force" in r.output
    r = runner.invoke(cli, ["--db", str(double_db), "backup", str(double_db), "--force"])
    assert r.exit_code == 1 and "the database itself" in r.output
    assert not [p for p in target.parent.iterdir() if p.name.endswith(".tmp")]  # no temporary files left
    assert target.stat().st_mode & 0o777 == double_db.stat().st_mode & 0o777


def test_backup_sees_a_snapshot_while_a_writer_is_mid_transaction(seeded_db, tmp_path):
    store = Store(seeded_db)
    sent = next(iter(store.iter_units("sentence")))
    store.change("annotation", sent.id, "alice", "confirm", State(("economy",), "done"))
    writer = sqlite3.connect(seeded_db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("DELETE FROM annotations")  # not committed: a backup must not see it
    Store(seeded_db).backup_to(tmp_path / "b.db")
    writer.execute("ROLLBACK")
    assert Store(tmp_path / "b.db").annotation(sent.id, "alice") == State(("economy",), "done")


@pytest.mark.slow
def test_sigkill_during_import_leaves_only_whole_documents(tmp_path):
    from chaos import copies_of_seeds, import_kill_trials

    folder = copies_of_seeds(tmp_path / "reports", 120)
    db = tmp_path / "import.db"
    report = import_kill_trials(db, folder, trials=4, seed=1)
    assert report.failures == [] and report.partial_documents == 0
    assert report.documents_checked >= 3  # three kills waited for documents to be written
    last = report.databases[-1]
    r = CliRunner().invoke(cli, ["--db", str(last), "import", str(folder)])  # finishing an interrupted import
    assert r.exit_code == 0 and Store(last).count_documents() == 600


def test_a_second_connection_in_the_same_process_keeps_the_first_ones_locks(seeded_db):
    """Regression: reading the database file's header with open()/close() dropped every POSIX lock
    this process's connections held, so another process, believing itself the last user,
    deleted the -wal and -shm files under them (disk I/O errors after a while)."""
    import subprocess
    import sys

    first = Store(seeded_db)
    assert first.count_documents() == 5
    Store(seeded_db).close()  # e.g. a worker thread's own connection, opened and closed
    code = ("import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
            "c.execute('select count(*) from sentences').fetchone(); c.close()")
    subprocess.run([sys.executable, "-c", code, str(seeded_db)], check=True)
    assert Path(f"{seeded_db}-shm").exists() and Path(f"{seeded_db}-wal").exists()
    assert first.count_documents() == 5
