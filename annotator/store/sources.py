"""Databases from elsewhere (merge sources, backups to restore): only our own schema, every check bounded.

A database file can carry more than tables: a trigger that rewrites every later judgment, a view in
place of a table (a recursive one never finishes), an index on an expression. Before any query reads
a source's tables, ``check_schema`` reads its ``sqlite_schema`` on a read-only connection and compares
every object (type, name, table, SQL text) with what this annotator's migrations create for the
source's schema version; anything else is refused in one line. Every query on a source runs under
``bounded``: a progress handler interrupts it after a time limit, so nothing can hang.
"""

from __future__ import annotations

import functools
import re
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from annotator.core.errors import StoreError
from annotator.store.schema import MIGRATIONS, SCHEMA_VERSION

SCHEMA_SECONDS = 10.0  # reading sqlite_schema: a few rows, milliseconds in practice
CHECK_SECONDS = 900.0  # an integrity check or a validation scan of a large (gigabytes) source
_STEPS = 10_000  # virtual-machine steps between two looks at the clock
# what `ANALYZE` / `PRAGMA optimize` (run by hand) leave: query-planner statistics, read by no query of ours
PLANNER_STATISTICS = frozenset({"sqlite_stat1", "sqlite_stat4"})


class Interrupted(StoreError):
    """A bounded query ran past its time limit and was stopped."""


@contextmanager
def bounded(conn: sqlite3.Connection, seconds: float, what: str) -> Iterator[None]:
    """Queries inside stop after ``seconds`` (Interrupted, one line naming ``what``)."""
    deadline = time.monotonic() + seconds
    conn.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, _STEPS)
    try:
        yield
    except sqlite3.OperationalError as exc:
        if "interrupt" in str(exc) and time.monotonic() > deadline:
            raise Interrupted(f"{what}: stopped after {seconds:g} s (a hostile or damaged database?); "
                              "nothing was changed") from None
        raise
    finally:
        conn.set_progress_handler(None, 0)


def _norm(sql: str | None) -> str:
    return re.sub(r"\s+", " ", sql or "").strip()


@functools.lru_cache(maxsize=None)
def expected_schema(version: int) -> frozenset[tuple[str, str, str, str]]:
    """(type, name, table, SQL) of every schema object this annotator's migrations create up to ``version``."""
    conn = sqlite3.connect(":memory:")
    try:
        for v in range(1, version + 1):
            for stmt in MIGRATIONS[v]:
                conn.execute(stmt)
        return frozenset((t, n, tb, _norm(q)) for t, n, tb, q in
                         conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_schema"))
    finally:
        conn.close()


def open_readonly(path: str | Path) -> sqlite3.Connection:
    """A read-only connection that never writes the file (no WAL recovery into it, no journal)."""
    try:
        return sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, timeout=5,
                               isolation_level=None)
    except sqlite3.Error as exc:
        raise StoreError(f"{path}: cannot be opened ({exc}); nothing was changed") from None


def check_schema(path: str | Path, conn: sqlite3.Connection | None = None) -> int:
    """Refuse (StoreError, one line with the path) a database whose schema objects are not exactly this
    annotator's for its version; return that version. Reads nothing but the schema."""
    own = conn is None
    conn = conn or open_readonly(path)
    try:
        with bounded(conn, SCHEMA_SECONDS, f"{path}: reading its schema"):
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_schema").fetchall()
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: not a readable SQLite database ({exc}); nothing was changed") from None
    finally:
        if own:
            conn.close()
    if version == 0:
        raise StoreError(f"{path}: an SQLite database, but not an annotator database; nothing was changed")
    if version > SCHEMA_VERSION:
        raise StoreError(f"{path}: schema version {version} is newer than this annotator supports "
                         f"({SCHEMA_VERSION}); nothing was changed")
    expected = expected_schema(version)
    by_name = {n: (t, tb, q) for t, n, tb, q in expected}
    rows = [r for r in rows if not (r[0] == "table" and r[1] in PLANNER_STATISTICS)]
    for t, n, tb, q in rows:
        if (t, n, tb, _norm(q)) in expected:
            continue
        if n in by_name and by_name[n][0] != t:
            problem = f"'{n}' is a {t}, where this annotator has a {by_name[n][0]}"
        elif n in by_name:
            problem = f"the {t} '{n}' is not the one this annotator creates"
        else:
            problem = f"an extra {t} '{n}'" + (f" on '{tb}'" if tb and tb != n else "")
        raise StoreError(f"{path}: not this annotator's schema ({problem}); refused, nothing was changed")
    missing = expected - {(t, n, tb, _norm(q)) for t, n, tb, q in rows}
    if missing:
        t, n, _, _ = sorted(missing)[0]
        raise StoreError(f"{path}: not this annotator's schema (the {t} '{n}' is missing); refused, nothing was changed")
    return version
