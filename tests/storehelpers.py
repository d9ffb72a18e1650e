"""Reads of a database that only tests need (kept out of ``Store``): every judgment and gold row as
dicts (labels parsed), the journal mode, clearing the active plan; a database left at an older schema."""

from __future__ import annotations

import json
import sqlite3
from typing import Iterator

from annotator.store import Store, records
from annotator.store.schema import MIGRATIONS


def _rows_with_labels(cur) -> Iterator[dict]:
    cols = [c[0] for c in cur.description]
    for r in cur:
        d = dict(zip(cols, r))
        d["labels"] = json.loads(d["labels"])
        yield d


def iter_annotations(store: Store) -> Iterator[dict]:
    """Every judgment (the fields of ``records.Judgment``), corpus order then annotator."""
    return _rows_with_labels(store.conn.execute(
        f"SELECT {records.columns(alias='a')} FROM annotations a JOIN sentences s ON s.n = a.sentence_n"
        " ORDER BY s.n, a.annotator"))


def iter_gold(store: Store) -> Iterator[dict]:
    """Every gold judgment (its fields, and ``adjudicator``), corpus order."""
    return _rows_with_labels(store.conn.execute(
        f"SELECT {records.columns(records.GOLD_NAMES, gold=True)} FROM gold ORDER BY sentence_n"))


def journal_mode(store: Store) -> str:
    return store.conn.execute("PRAGMA journal_mode").fetchone()[0]


def clear_plan(store: Store) -> None:
    """Drop the active assignment plan (the plans history is pruned as after any change)."""
    with store.transaction():
        store.conn.execute("DELETE FROM meta WHERE key = 'plan'")
    store.prune_plans()


def old_database(path, version: int) -> sqlite3.Connection:
    """A database as schema ``version`` left it (migrations 1 … version, ``user_version`` set), open for
    the test to add rows: commit and close it before a Store opens it (and migrates it)."""
    con = sqlite3.connect(path)
    for v in range(1, version + 1):
        for stmt in MIGRATIONS[v]:
            con.execute(stmt)
    con.execute(f"PRAGMA user_version = {version}")
    return con
