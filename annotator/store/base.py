"""Connection, transactions, meta and taxonomy records; the value types every part shares."""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import sqlite_utils

from annotator.errors import StoreError

from annotator.store.schema import MIGRATIONS, SCHEMA_VERSION

FINISHED = ("done", "skipped", "flagged")  # statuses that take a sentence out of the todo queue


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
SENTENCE_COLS = 'n, id, doc_id, idx, kind, text, section, start, "end", qpos'


class StoreBase:
    """SQLite in WAL mode with a busy timeout; every write is its own committed transaction."""

    def __init__(self, path: str | Path, *, create: bool = True):
        self.path = str(path)
        if self.path != ":memory:" and not create and not Path(self.path).exists():
            raise StoreError(f"{self.path}: no such database")
        try:
            conn = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA busy_timeout = 10000")
            if self.path != ":memory:":
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA cache_size = -65536")  # 64 MiB: bulk inserts into the id index stay in memory
            conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a usable SQLite database ({exc})") from None
        self.conn = conn
        self.db = sqlite_utils.Database(conn)
        self._next_positions: tuple[int, int] | None = None  # (n, qpos) kept during a batch()
        self._migrate()

    def _migrate(self) -> None:
        try:
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a usable SQLite database ({exc})") from None
        if version > SCHEMA_VERSION:
            raise StoreError(f"{self.path}: schema version {version} is newer than this annotator ({SCHEMA_VERSION})")
        for v in range(version + 1, SCHEMA_VERSION + 1):
            with self.transaction():
                for stmt in MIGRATIONS[v]:
                    self.conn.execute(stmt)
                self.conn.execute(f"PRAGMA user_version = {v}")

    def transaction(self):
        return _Tx(self.conn)

    def close(self) -> None:
        self.conn.close()

    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def journal_mode(self) -> str:
        return self.conn.execute("PRAGMA journal_mode").fetchone()[0]

    def get_meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction():
            self.conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    def record_taxonomy(self, name: str, version: str, hash_: str, path: str, source: str) -> None:
        """Remember a taxonomy (idempotent) and make it the database's current one."""
        with self.transaction():
            self.conn.execute(
                "INSERT OR IGNORE INTO taxonomies(hash, name, version, path, source, recorded_at) VALUES (?,?,?,?,?,?)",
                (hash_, name, version, path, source, now()),
            )
            self.conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('taxonomy', ?)", (hash_,))

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
    """BEGIN IMMEDIATE … COMMIT (or ROLLBACK on error); nests as a no-op."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.outer = False

    def __enter__(self):
        if not self.conn.in_transaction:
            self.conn.execute("BEGIN IMMEDIATE")
            self.outer = True
        return self.conn

    def __exit__(self, exc_type, exc, tb):
        if self.outer:
            if exc_type is None:
                self.conn.execute("COMMIT")
            else:
                self.conn.execute("ROLLBACK")
        return False


class _Batch:
    def __init__(self, store: "StoreBase"):
        self.store = store
        self.tx = _Tx(store.conn)

    def __enter__(self):
        self.tx.__enter__()
        self.store._next_positions = self.store._positions()
        return self.store

    def __exit__(self, *exc):
        self.store._next_positions = None
        return self.tx.__exit__(*exc)


def default_db_path() -> str:
    return os.environ.get("ANNOTATOR_DB") or "annotations.db"
