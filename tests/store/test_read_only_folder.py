"""A WAL database in a folder the user cannot write: every reading command reads it, nothing is created
beside it, and a write-ahead log nobody can read is refused in one line.

The commands run as another user (uid 65534, ``nobody``) in a forked child when the tests run as root
(root ignores permissions); otherwise the folder is made unwritable for this user.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli

READERS = [["docs"], ["stats"], ["agree"], ["progress"], ["export", "--out", "-"],
           ["export", "--format", "csv", "--out", "-"], ["suggest", "--predict"], ["--read-only", "docs"]]
NOBODY = 65534


def run(db: Path, *args: str):
    r = CliRunner().invoke(cli, ["--db", str(db), *args])
    return r.exit_code, r.output


def as_reader(fn):
    """``fn()`` as a user who cannot write the folder: root drops to uid/gid 65534 in a forked child
    (modules it needs are imported already: the child may not read the interpreter's folders)."""
    if os.geteuid() != 0:
        return fn()
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.close(r)
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            data = pickle.dumps(("ok", fn()))
        except BaseException as exc:  # noqa: BLE001 - reported to the parent
            data = pickle.dumps(("error", repr(exc)))
        with os.fdopen(w, "wb") as out:
            out.write(data)
        os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as inp:
        data = inp.read()
    os.waitpid(pid, 0)
    kind, value = pickle.loads(data)
    assert kind == "ok", value
    return value


@pytest.fixture
def locked_folder():
    """A folder outside pytest's private temp tree (another user must reach it), made unwritable."""
    folder = Path(tempfile.mkdtemp(prefix="annotator-ro-", dir="/tmp"))
    os.chmod(folder, 0o755)
    yield folder
    os.chmod(folder, 0o755)
    shutil.rmtree(folder, ignore_errors=True)


def lock(folder: Path) -> None:
    for p in folder.iterdir():
        os.chmod(p, 0o644)
    os.chmod(folder, 0o555 if os.geteuid() != 0 else 0o755)  # root's folder: unwritable for uid 65534


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def warm_up(db: Path) -> None:
    """Every reading command once where it can write: the modules they import lazily are loaded."""
    for args in READERS:
        code, out = run(db, *args)
        assert code == 0, (args, out)


def test_every_reading_command_reads_a_wal_database_in_a_folder_it_cannot_write(double_db, locked_folder):
    assert run(double_db, "assign", "--annotators", "alice,bob")[0] == 0  # (progress needs a plan)
    warm_up(double_db)
    with sqlite3.connect(double_db) as c:
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db = locked_folder / "shared.db"
    shutil.copy(double_db, db)
    lock(locked_folder)
    before = digest(locked_folder)
    results = as_reader(lambda: [(args, *run(db, *args)) for args in READERS])
    for args, code, out in results:
        assert code == 0, (args, out)
        assert "not a usable" not in out
    docs = dict((tuple(a), o) for a, _, o in results)[("docs",)]
    assert "documents" in docs or docs.strip()
    assert digest(locked_folder) == before  # nothing written, no -wal/-shm created


def test_a_write_ahead_log_with_changes_is_read_when_its_index_exists(double_db, locked_folder):
    """A writer's files copied while it was open (-wal with changes, -shm): read as they are, changes included."""
    db = locked_folder / "live.db"
    writer = sqlite3.connect(double_db, isolation_level=None)
    try:
        writer.execute("PRAGMA wal_autocheckpoint = 0")
        writer.execute("INSERT INTO meta VALUES ('probe', 'in the log only')")
        for suffix in ("", "-wal", "-shm"):
            shutil.copy(f"{double_db}{suffix}", f"{db}{suffix}")
    finally:
        writer.close()
    lock(locked_folder)

    def read():
        from annotator.store import Store

        store = Store(db, create=False)
        try:
            return store.read_only, store.get_meta("probe")
        finally:
            store.close()

    assert as_reader(read) == (True, "in the log only")
    assert as_reader(lambda: run(db, "stats"))[0] == 0


def test_a_write_ahead_log_nobody_can_read_is_refused_in_one_line(double_db, locked_folder):
    """-wal with changes but no -shm (a crashed writer), in a folder where -shm cannot be created: reading the
    file alone would miss those changes, so the command refuses and says why."""
    db = locked_folder / "crashed.db"
    writer = sqlite3.connect(double_db, isolation_level=None)
    try:
        writer.execute("PRAGMA wal_autocheckpoint = 0")
        writer.execute("INSERT INTO meta VALUES ('probe', 'in the log only')")
        for suffix in ("", "-wal"):
            shutil.copy(f"{double_db}{suffix}", f"{db}{suffix}")
    finally:
        writer.close()
    lock(locked_folder)
    code, out = as_reader(lambda: run(db, "stats"))
    assert code != 0
    assert len(out.strip().splitlines()) == 1, out
    assert str(db) in out and "crashed.db-wal" in out and "crashed.db-shm" in out and "Traceback" not in out


def test_a_writing_command_is_refused_in_one_line(seeded_db, locked_folder):
    db = locked_folder / "w.db"
    shutil.copy(seeded_db, db)
    lock(locked_folder)
    code, out = as_reader(lambda: run(db, "import", str(db)))
    assert code != 0 and len(out.strip().splitlines()) == 1 and str(db) in out and "read-only" in out
