"""Restore never loses an open screen's work and never leaves the path without a database: refused while
any other process has the database open (an idle connection included), and a kill -9 at any moment of a
restore leaves the old database or the new one at the path."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotator.store import State, Store

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}

HOLDER = """
import sys, time, pathlib
from annotator.store import Store
s = Store(sys.argv[1])
s.count_documents()  # an idle screen: its connection open, nothing being written
pathlib.Path(sys.argv[2]).write_text("ready")
while not pathlib.Path(sys.argv[3]).exists():
    time.sleep(0.05)
s.close()
"""


def wait_for(path: Path, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < end, f"{path} never appeared"
        time.sleep(0.05)


def documents(db: Path) -> int:
    c = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return c.execute("SELECT count(*) FROM documents").fetchone()[0]
    finally:
        c.close()


@pytest.fixture
def backup(seeded_db, tmp_path) -> Path:
    """A backup that differs from the database: one document less."""
    s = Store(seeded_db)
    b = tmp_path / "backup.db"
    s.backup_to(b)
    s.close()
    c = sqlite3.connect(b)
    doc = c.execute("SELECT id, first_n, last_n FROM documents ORDER BY rowid DESC LIMIT 1").fetchone()
    c.execute("DELETE FROM sentences WHERE n BETWEEN ? AND ?", doc[1:])
    c.execute("DELETE FROM documents WHERE id = ?", doc[:1])
    c.commit()
    c.close()
    return b


def restore(db: Path, backup: Path, **env) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "annotator", "--db", str(db), "restore", str(backup)],
                            env={**ENV, **env}, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_restore_is_refused_while_an_idle_connection_holds_the_database(seeded_db, backup, tmp_path):
    ready, stop = tmp_path / "ready", tmp_path / "stop"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(seeded_db), str(ready), str(stop)], env=ENV, cwd=ROOT)
    try:
        wait_for(ready)
        p = restore(seeded_db, backup)
        out, err = p.communicate(timeout=120)
        assert p.returncode == 1, out + err
        assert err.strip().count("\n") == 0 and "is open in another process" in err and str(seeded_db) in err
        assert "close it first" in err
        assert documents(seeded_db) == 5 and not list(tmp_path.glob("*.replaced-*"))
    finally:
        stop.write_text("stop")
        holder.wait(timeout=60)
    p = restore(seeded_db, backup)
    out, err = p.communicate(timeout=120)
    assert p.returncode == 0, out + err
    assert documents(seeded_db) == 4


def leave_a_wal(db: Path) -> str:
    """A judgment committed only to the -wal (its writer killed before any checkpoint)."""
    code = ("import os, sys\nfrom annotator.store import Store, State\ns = Store(sys.argv[1])\n"
            "s.conn.execute('PRAGMA wal_autocheckpoint = 0')\n"
            "sid = next(s.iter_units('sentence')).id\n"
            "s.change('annotation', sid, 'w', 'confirm', State(('study',), 'done'))\n"
            "print(sid, flush=True)\nos.kill(os.getpid(), 9)\n")
    p = subprocess.run([sys.executable, "-c", code, str(db)], env=ENV, cwd=ROOT, capture_output=True, text=True,
                       timeout=120)
    assert Path(f"{db}-wal").exists() and Path(f"{db}-wal").stat().st_size > 0, p.stderr
    return p.stdout.strip()


@pytest.mark.slow
@pytest.mark.parametrize("with_wal", [False, True])
def test_a_kill_at_any_moment_of_a_restore_leaves_the_old_or_the_new_database(seeded_db, backup, tmp_path,
                                                                              with_wal):
    pause = 0.3  # between two steps of the restore (a test hook, see store/restore.py)
    t = 0.05
    seen = set()
    while True:
        db = tmp_path / f"live-{t:.2f}.db"
        db.write_bytes(seeded_db.read_bytes())
        sid = leave_a_wal(db) if with_wal else None
        p = restore(db, backup, ANNOTATOR_TEST_RESTORE_PAUSE=str(pause))
        time.sleep(t)
        p.send_signal(signal.SIGKILL)
        p.communicate(timeout=120)
        finished = p.returncode == 0
        n = documents(db)  # the path holds a sound database, whenever the kill came
        assert n in (4, 5)
        seen.add(n)
        if n == 5 and with_wal:  # the old one, whole: its -wal content too
            c = sqlite3.connect(db)
            assert c.execute("SELECT count(*) FROM annotations WHERE sentence_id = ?", (sid,)).fetchone()[0] == 1
            c.close()
        if finished or t > 8:
            break
        p = restore(db, backup)  # the next restore clears what the killed one left
        assert p.communicate(timeout=120) and p.returncode == 0 and documents(db) == 4
        assert not list(tmp_path.glob(f".{db.name}.*.tmp"))
        t += pause / 2
    assert seen == {4, 5}


def test_the_old_files_are_kept_aside_whole(seeded_db, backup, tmp_path):
    sid = leave_a_wal(seeded_db)
    p = restore(seeded_db, backup)
    out, err = p.communicate(timeout=120)
    assert p.returncode == 0, err
    aside = next(Path(x) for x in tmp_path.glob("work.db.replaced-*") if x.name.endswith("Z"))
    c = sqlite3.connect(aside)  # opened with its -wal copy beside it: the judgment is there
    assert c.execute("SELECT count(*) FROM annotations WHERE sentence_id = ?", (sid,)).fetchone()[0] == 1
    c.close()
    assert documents(seeded_db) == 4


def test_an_open_session_refuses_to_write_once_its_file_was_replaced(seeded_db, backup):
    """Should a file still be swapped in under an open connection (a restore by an older annotator, a
    `mv`), the session refuses every write with one line instead of saving into the file set aside."""
    from annotator.core.errors import StoreError

    s = Store(seeded_db)
    sid = next(s.iter_units("sentence")).id
    s.change("annotation", sid, "a", "confirm", State(("study",), "done"))
    os.replace(backup, seeded_db)
    with pytest.raises(StoreError, match="was replaced by another file since it was opened here"):
        s.change("annotation", sid, "a", "confirm", State(("research",), "done"))
    s.close()
    assert documents(seeded_db) == 4  # the new file is whole: the old log was moved away from it
    aside, = seeded_db.parent.glob(seeded_db.name + ".replaced-open-*Z")  # what the session had is kept
    c = sqlite3.connect(aside)
    assert c.execute("SELECT labels FROM annotations WHERE sentence_id = ?", (sid,)).fetchone() == ('["study"]',)
    c.close()


def test_restore_is_refused_while_a_tagging_screen_is_open_and_its_work_is_kept(seeded_db, backup):
    """The real screen on a pseudo-terminal: a judgment saved, the screen left idle, a restore refused;
    the judgment is in the database at the path. Once the screen quits, the restore goes through."""
    from pty_app import PtyApp, keys

    s = Store(seeded_db)
    first = next(s.iter_units("sentence")).id
    s.close()  # (this test's own connection would count as "open in another process" too)

    def saved():
        c = sqlite3.connect(f"{seeded_db.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return c.execute("SELECT count(*) FROM annotations WHERE sentence_id = ? AND status = 'done'",
                             (first,)).fetchone()[0] == 1
        finally:
            c.close()

    with PtyApp(seeded_db, "tag", "--annotator", "alice", "--no-suggest") as app:
        app.send(keys("c", "enter"))
        app.wait(saved, "the first judgment to be saved")
        p = restore(seeded_db, backup)
        out, err = p.communicate(timeout=120)
        assert p.returncode == 1 and "is open in another process" in err, out + err
        assert saved() and documents(seeded_db) == 5
    p = restore(seeded_db, backup)
    out, err = p.communicate(timeout=120)
    assert p.returncode == 0, out + err
    assert documents(seeded_db) == 4
