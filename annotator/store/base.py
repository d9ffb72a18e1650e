"""Connection, transactions, meta and taxonomy records; the value types every part shares."""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from annotator.core.errors import StoreBusy, StoreError

from annotator.store.schema import MIGRATIONS, SCHEMA_VERSION

BUSY_SECONDS = 30  # how long a write waits for another process's write lock before giving up


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Sentence:
    n: int
    id: str
    doc_id: str
    idx: int
    kind: str
    text: str
    section: str | None
    start: int
    end: int
    qpos: int | None


@dataclass(frozen=True)
class State:
    """One annotator's judgment on one sentence (or the gold judgment)."""

    labels: tuple[str, ...] = ()
    status: str = "draft"
    note: str = ""

    def to_json(self) -> str:
        return json.dumps({"labels": list(self.labels), "status": self.status, "note": self.note}, ensure_ascii=False)

    @staticmethod
    def from_json(raw: str | None) -> "State | None":
        if raw is None:
            return None
        d = json.loads(raw)
        return State(tuple(d.get("labels", ())), d.get("status", "draft"), d.get("note", ""))


EMPTY = State()
ANY = object()  # "no expectation" for Store.change(expect=...)


@dataclass(frozen=True)
class TaxonomyRecord:
    """What the database stores of a taxonomy when it is first used for a judgment."""

    name: str
    version: str
    hash: str
    path: str
    source: str
SENTENCE_COLS = 'n, id, doc_id, idx, kind, text, section, start, "end", qpos'


class StoreBase:
    """SQLite in WAL mode with a busy timeout; every write is its own committed transaction."""

    def __init__(self, path: str | Path, *, create: bool = True, read_only: bool | None = None,
                 upgrade_later: bool = False):
        """Open (or create) a database. ``read_only=None`` opens read-only when the file or its folder
        cannot be written; then reads work and every write raises StoreError naming the file."""
        self.path = str(path)
        memory = self.path == ":memory:"
        exists = memory or Path(self.path).exists()
        if not exists and not create:
            raise StoreError(f"{self.path}: no such database")
        if exists and not memory:
            _check_not_folder(self.path)
        if read_only is None:
            read_only = exists and not memory and not _writable(self.path)
        elif read_only and not exists:
            raise StoreError(f"{self.path}: no such database")
        self.read_only = bool(read_only)
        try:
            if self.read_only:
                conn = _connect_read_only(self.path)
            else:
                conn = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None, check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_SECONDS * 1000}")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:  # refuse before anything (even the journal mode) is touched
                conn.close()
                raise StoreError(f"{self.path}: schema version {version} is newer than this annotator supports "
                                 f"({SCHEMA_VERSION}); upgrade annotator to open it (nothing was changed)")
            if version == 0 and conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                conn.close()
                raise StoreError(f"{self.path}: an SQLite database, but not an annotator database (nothing was changed)")
            if not memory and not self.read_only:
                conn.execute("PRAGMA journal_mode = WAL")
            # FULL: each commit is fsynced before it returns, so a judgment on screen survives an OS
            # crash or power loss too, not only a killed process (about 0.1 ms more per commit here).
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA cache_size = -65536")  # 64 MiB: bulk inserts into the id index stay in memory
            conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as exc:
            if "not a database" in str(exc):
                raise StoreError(f"{self.path}: not an SQLite database (SQLite: {exc}); nothing was changed") from None
            raise StoreError(f"{self.path}: not a usable SQLite database ({exc})") from None
        self.conn = conn
        self._identity = _file_identity(self.path) if not memory else None  # see check_not_replaced
        self._next_positions: tuple[int, int] | None = None  # (n, qpos) kept during a batch()
        if not upgrade_later:  # upgrade_later: a read-only copy source (see store.open_source)
            self._migrate(version)
        # this connection's write-ahead log (created by the first read in WAL mode): see close()
        self._wal_identity = _file_identity(f"{self.path}-wal") if self._identity and not self.read_only else None

    def _migrate(self, version: int) -> None:
        if version < SCHEMA_VERSION and self.read_only:
            raise StoreError(f"{self.path}: schema version {version} needs upgrading to {SCHEMA_VERSION}, which "
                             "writes to it: run a command that writes (tag, import, merge) once, where the file "
                             "can be written; read-only commands never change it")
        for v in range(version + 1, SCHEMA_VERSION + 1):
            with self.transaction():
                for stmt in MIGRATIONS[v]:
                    self.conn.execute(stmt)
                self.conn.execute(f"PRAGMA user_version = {v}")

    def reopen(self):
        """Another connection to the same database in the same mode (a worker thread needs its own)."""
        return type(self)(self.path, create=False, read_only=self.read_only or None)

    def set_lock_wait(self, seconds: float) -> None:
        """How long a write waits for another process's write lock before raising StoreBusy.

        The tagging screen waits briefly and retries itself, so its event loop never blocks for long."""
        self.conn.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")

    def transaction(self):
        if self.read_only:
            raise StoreError(f"{self.path} is open read-only: nothing can be saved to it")
        self.check_not_replaced()
        return _Tx(self.conn, self.path)

    def check_not_replaced(self) -> None:
        """Refuse to write when another file now sits at the path (``annotator restore`` put a backup in
        place since this connection opened): the write would go to the old file, kept aside, and be lost
        from the database everyone else now uses."""
        if self._identity is not None and _file_identity(self.path) != self._identity:
            raise StoreError(f"{self.path} was replaced by another file since it was opened here (a restore?): "
                             "nothing was saved; quit and reopen to work on the database now at that path")

    def close(self) -> None:
        if self._identity is not None and _file_identity(self.path) != self._identity:
            self._leave_the_new_file_alone()
        self.conn.close()

    def _leave_the_new_file_alone(self) -> None:
        """Another file was put at the path under this connection (a `mv`, an older annotator's restore).
        What this connection saw (its old file and write-ahead log) is copied aside first, so nothing it
        committed is lost; then its write-ahead log and shared memory, still named after the path, are
        moved aside too: left there, they would be read as the new file's log and corrupt it."""
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
        aside = f"{self.path}.replaced-open-{stamp}"
        try:
            copy = sqlite3.connect(aside)
            try:
                self.conn.backup(copy)
            finally:
                copy.close()
        except sqlite3.Error:
            pass  # the old file is gone with nothing to copy: still move the log away from the new one
        if self._wal_identity is not None and _file_identity(f"{self.path}-wal") == self._wal_identity:
            for side in ("-wal", "-shm"):
                try:
                    os.replace(f"{self.path}{side}", f"{aside}.stale{side}")  # a name SQLite never reads
                except OSError:
                    pass

    def backup_to(self, target: str | Path, *, force: bool = False) -> dict:
        """A consistent copy of the database while others keep working: SQLite's online backup API in
        one step (one read snapshot; in WAL mode writers are not blocked), written to a temporary file
        beside ``target``, checked with ``PRAGMA integrity_check``, then renamed into place.
        Returns the copy's row counts."""
        target = Path(target)
        if target.resolve() == Path(self.path).resolve():
            raise StoreError(f"{target} is the database itself: back up to another file")
        if target.exists() and not force:
            raise StoreError(f"{target} exists: use --force to overwrite")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            from annotator.core.files import remove_stale_temporaries

            remove_stale_temporaries(target)  # left by a backup killed with -9
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=target.parent)
            os.close(fd)
        except OSError as exc:
            raise StoreError(f"cannot write {target}: {exc.strerror or exc}") from None
        try:
            dest = sqlite3.connect(tmp, isolation_level=None)
            try:
                self.conn.backup(dest, pages=-1)
                dest.execute("PRAGMA journal_mode = DELETE")  # a single self-contained file
                ok = dest.execute("PRAGMA integrity_check").fetchone()[0]
                counts = {t: dest.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                          for t in ("documents", "sentences", "annotations", "gold", "events")}
            finally:
                dest.close()
            if ok != "ok":
                raise StoreError(f"{target}: the copy failed its integrity check ({ok}); nothing was written")
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
            if self.path != ":memory:":  # the copy gets the original's permissions, not mkstemp's 0600
                os.chmod(tmp, os.stat(self.path).st_mode & 0o777)
            os.replace(tmp, target)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot back up {self.path} to {target}: {exc}") from None
        except OSError as exc:
            raise StoreError(f"cannot write {target}: {exc.strerror or exc}") from None
        finally:  # the partial copy and whatever SQLite left beside it (a full disk stops it mid-way)
            for leftover in (tmp, f"{tmp}-journal", f"{tmp}-wal", f"{tmp}-shm"):
                if os.path.exists(leftover):
                    os.unlink(leftover)
        return counts

    def get_meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def record_taxonomy(self, name: str, version: str, hash_: str, path: str, source: str) -> None:
        """Remember a taxonomy (idempotent) and make it the database's current one."""
        with self.transaction():
            self.record_taxonomy_once(TaxonomyRecord(name, version, hash_, path, source))

    def record_taxonomy_once(self, t: TaxonomyRecord) -> None:
        self.conn.execute(
            "INSERT OR IGNORE INTO taxonomies(hash, name, version, path, source, recorded_at) VALUES (?,?,?,?,?,?)",
            (t.hash, t.name, t.version, t.path, t.source, now()),
        )
        self.conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('taxonomy', ?)", (t.hash,))

    def recorded_taxonomy(self) -> tuple[str, str] | None:
        """(source, path) of the taxonomy this database recorded last, if any."""
        h = self.get_meta("taxonomy")
        if not h:
            return None
        row = self.conn.execute("SELECT source, path FROM taxonomies WHERE hash = ?", (h,)).fetchone()
        return (row[0], row[1]) if row else None

    def taxonomy_info(self, hash_: str) -> dict | None:
        row = self.conn.execute("SELECT hash, name, version, path FROM taxonomies WHERE hash = ?", (hash_,)).fetchone()
        return dict(zip(("hash", "name", "version", "path"), row)) if row else None


class _Tx:
    """BEGIN IMMEDIATE … COMMIT (or ROLLBACK on error); nests as a no-op.

    BEGIN IMMEDIATE takes the write lock up front, so the busy timeout applies (a deferred
    transaction upgrading to a writer could fail at once with "database is locked")."""

    def __init__(self, conn: sqlite3.Connection, path: str = ""):
        self.conn = conn
        self.path = path
        self.outer = False

    def __enter__(self):
        if not self.conn.in_transaction:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise _storage_error(self.path, exc) from None
            self.outer = True
        return self.conn

    def __exit__(self, exc_type, exc, tb):
        if self.outer:
            if exc_type is None:
                try:
                    self.conn.execute("COMMIT")
                except sqlite3.OperationalError as err:
                    if self.conn.in_transaction:
                        self.conn.execute("ROLLBACK")
                    raise _storage_error(self.path, err) from None
            else:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.OperationalError):
                    raise _storage_error(self.path, exc) from None
        return False


def _storage_error(path: str, exc: sqlite3.OperationalError) -> StoreError:
    """SQLite's refusals as the one-line messages users see (nothing was saved in either case)."""
    msg = str(exc)
    if "locked" in msg or "busy" in msg:
        return StoreBusy(f"{path}: another process held the write lock too long (waited {BUSY_SECONDS} s); nothing was "
                     "saved, try again")
    if "readonly" in msg or "read-only" in msg:
        return StoreError(f"{path} cannot be written (read-only file or folder); nothing was saved")
    if "disk" in msg or "full" in msg:
        return StoreError(f"{path}: {msg}; nothing was saved")
    return StoreError(f"{path}: {msg}")


def damaged(exc: sqlite3.DatabaseError) -> str:
    """What to tell a user whose database file SQLite cannot read."""
    return (f"the database file is damaged or not a database (SQLite: {exc}); nothing was changed — restore a "
            "backup with `annotator restore BACKUP`")


def _connect_read_only(path: str) -> sqlite3.Connection:
    """A connection that cannot write (SQLite ``mode=ro``). A WAL database needs its ``-shm`` file even to
    be read; in a folder this process cannot write, SQLite cannot create it. Then, and only when there is
    no write-ahead log with changes and no hot rollback journal (so no writer has the database open and
    nothing is missing from the file), the file is read as ``immutable``; a log or journal nobody can
    apply is refused in one line."""
    uri = Path(path).resolve().as_uri()

    def connect(options: str) -> sqlite3.Connection:
        return sqlite3.connect(f"{uri}?{options}", uri=True, timeout=BUSY_SECONDS, isolation_level=None,
                               check_same_thread=False)

    conn = connect("mode=ro")
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the first read opens the WAL index
        return conn
    except sqlite3.OperationalError:
        conn.close()
        folder = Path(path).resolve().parent
        shm, wal = Path(f"{path}-shm"), Path(f"{path}-wal")
        if os.access(folder, os.W_OK | os.X_OK) or shm.exists():
            raise  # not the missing -shm: the caller reports what SQLite said
        if wal.exists() and wal.stat().st_size > 0:
            raise StoreError(
                f"{path}: its write-ahead log {wal.name} holds changes not yet in the database file, and reading "
                f"them needs {shm.name}, which cannot be created in {folder} (not writable): open it once where "
                "the folder can be written (or ask its owner to), or copy the database with its -wal file to a "
                "folder you can write; nothing was changed") from None
        journal = Path(f"{path}-journal")
        if journal.exists() and journal.stat().st_size > 0:  # a writer stopped mid-transaction: the file is half-way
            raise StoreError(
                f"{path}: an interrupted write left {journal.name}, which must be rolled back before the database "
                f"can be read, and {folder} is not writable: open it once where the folder can be written (or ask "
                "its owner to); nothing was changed") from None
    return connect("mode=ro&immutable=1")


def _check_not_folder(path: str) -> None:
    # Only a stat: opening the database file with open() and closing it would drop every POSIX lock
    # this process's SQLite connections hold on it (see sqlite.org/howtocorrupt.html, 2.2), and
    # other processes would then checkpoint or reset the WAL under them. SQLite reads the header.
    if Path(path).is_dir():
        raise StoreError(f"{path}: is a folder, not a database file")


def _file_identity(path: str) -> tuple[int, int] | None:
    """(device, inode) of the file at the path now (a stat only: opening it would drop SQLite's locks)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _writable(path: str) -> bool:
    """Can this process write the database file and create its -wal/-shm files beside it?"""
    p = Path(path)
    if not os.access(p, os.W_OK):
        return False
    folder_ok = os.access(p.parent, os.W_OK | os.X_OK)
    sidecars = [Path(f"{path}-wal"), Path(f"{path}-shm")]
    return folder_ok or all(s.exists() and os.access(s, os.W_OK) for s in sidecars)


class _Batch:
    def __init__(self, store: "StoreBase"):
        self.store = store
        self.tx = _Tx(store.conn, store.path)

    def __enter__(self):
        self.store.check_not_replaced()
        self.tx.__enter__()
        self.store._next_positions = self.store._positions()
        return self.store

    def __exit__(self, *exc):
        self.store._next_positions = None
        return self.tx.__exit__(*exc)


def default_db_path() -> str:
    return os.environ.get("ANNOTATOR_DB") or "annotations.db"
