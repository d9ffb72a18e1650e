"""Reads of a database that only tests need (kept out of ``Store``): every judgment and gold row as
dicts (labels parsed), the journal mode, clearing the active plan."""

from __future__ import annotations

import json
from typing import Iterator

from annotator.store import Store, records


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
