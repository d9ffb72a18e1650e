"""The judgment tables as objects (sqlite-utils' ``Database`` → ``Table`` is the model):
``store.judgments`` (the ``annotations`` table), ``store.gold`` and ``store.events``, each owning its
columns and its row conversion once and holding the store (its connection, its transaction).

They read and write inside whatever transaction the caller holds: ``Store.change`` and undo/redo open
it and call ``write`` / ``log`` here. The older ``Store`` methods (``annotation``, ``item_judgments``,
``gold_items``) delegate to these; ``store.gold(sid)`` and ``store.events(sid)`` still work as calls.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Iterable

from annotator.core.errors import StoreError
from annotator.core.model import FINISHED
from annotator.store import records
from annotator.store.base import State
from annotator.store.records import Judgment, Write

if TYPE_CHECKING:
    from annotator.store import Store


def _state(labels: str, status: str, note: str) -> State:
    """A stored row's labels JSON, status and note as the session's ``State``."""
    return State(tuple(json.loads(labels)), status, note)


class _Table:
    def __init__(self, store: "Store"):
        self.store = store

    @property
    def conn(self):
        return self.store.conn

    def _n(self, sentence_id: str) -> int:
        n = self.store.sentence_n(sentence_id)
        if n is None:
            raise StoreError(f"no sentence with id '{sentence_id}' in {self.store.path}")
        return n


class JudgmentsTable(_Table):
    """``annotations``: one row per (sentence, annotator), the fields of ``records.Judgment``."""

    def get(self, sentence_id: str, annotator: str) -> State | None:
        r = self.conn.execute("SELECT labels, status, note FROM annotations WHERE sentence_id = ? AND annotator = ?",
                              (sentence_id, annotator)).fetchone()
        return _state(*r) if r else None

    def for_item(self, sentence_id: str) -> dict[str, State]:
        """Every annotator's judgment on one unit, by annotator."""
        cur = self.conn.execute("SELECT annotator, labels, status, note FROM annotations WHERE sentence_id = ?"
                                " ORDER BY annotator", (sentence_id,))
        return {r[0]: _state(*r[1:]) for r in cur}

    def on_sentences(self) -> Iterable[tuple[str, str, str, str]]:
        """(sentence id, annotator, labels JSON, status) of every judgment on a sentence unit."""
        return self.conn.execute(
            "SELECT a.sentence_id, a.annotator, a.labels, a.status FROM annotations a"
            " JOIN sentences s ON s.n = a.sentence_n WHERE s.kind = 'sentence' ORDER BY a.sentence_n")

    def write(self, sentence_id: str, who: str, state: State | None, write: Write, at: str) -> None:
        """Inside the caller's transaction: set (or with None remove) one judgment; working time adds
        up, suggestions shown stays once set, the creation time is kept (``records`` upsert rules).
        Leaving a sentence unfinished pulls the annotator's resume frontier back first."""
        n = self._n(sentence_id) if state is not None else None
        if state is None or state.status not in FINISHED:
            self.store.pull_frontier(who, n if n is not None else self.store.sentence_n(sentence_id))
        if state is None:
            self.conn.execute("DELETE FROM annotations WHERE sentence_id = ? AND annotator = ?", (sentence_id, who))
            return
        row = Judgment(sentence_id, who, state.labels, state.status, state.note, at, at, **write.values()).row()
        self.conn.execute(
            f"INSERT INTO annotations(sentence_n, {records.columns()}) VALUES (?{',?' * len(row)})"
            f" ON CONFLICT(sentence_id, annotator) DO UPDATE SET {records.upserts()}", (n, *row))


class GoldTable(_Table):
    """``gold``: one adjudicated judgment per sentence (``records.GOLD_NAMES``, the annotator stored as
    ``adjudicator``). ``store.gold(sid)`` is ``store.gold.get(sid)``."""

    def get(self, sentence_id: str) -> State | None:
        r = self.conn.execute("SELECT labels, status, note FROM gold WHERE sentence_id = ?", (sentence_id,)).fetchone()
        return _state(*r) if r else None

    __call__ = get

    def all(self) -> dict[str, State]:
        return {r[0]: _state(*r[1:]) for r in self.conn.execute("SELECT sentence_id, labels, status, note FROM gold")}

    def write(self, sentence_id: str, who: str, state: State | None, write: Write, at: str) -> None:
        """Inside the caller's transaction: set (or with None remove) the gold judgment."""
        if state is None:
            self.conn.execute("DELETE FROM gold WHERE sentence_id = ?", (sentence_id,))
            return
        n = self._n(sentence_id)
        row = Judgment(sentence_id, who, state.labels, state.status, state.note, at,
                       **write.values()).row(records.GOLD_NAMES)
        self.conn.execute(
            f"INSERT INTO gold(sentence_n, {records.columns(records.GOLD_NAMES, gold=True)})"
            f" VALUES (?{',?' * len(row)}) ON CONFLICT(sentence_id) DO UPDATE SET adjudicator = excluded.adjudicator,"
            f" {', '.join(f'{c} = excluded.{c}' for c in records.GOLD_VALUES)}", (n, *row))


class EventsTable(_Table):
    """``events``: every change of a judgment or gold, with both states as JSON and its undo state.
    ``store.events(sid)`` is ``store.events.list(sid)``."""

    COLUMNS = ("id", "at", "annotator", "layer", "sentence_id", "action", "before", "after", "undo_state")

    def list(self, sentence_id: str | None = None) -> list[dict]:
        sql = f"SELECT {', '.join(self.COLUMNS)} FROM events"
        cur = self.conn.execute(sql + (" WHERE sentence_id = ? ORDER BY id" if sentence_id else " ORDER BY id"),
                                (sentence_id,) if sentence_id else ())
        return [dict(zip(self.COLUMNS, r)) for r in cur]

    __call__ = list

    def log(self, at: str, who: str, layer: str, sentence_id: str, action: str, before: State | None,
            after: State | None) -> None:
        """Inside the caller's transaction: record one change; it becomes this person's latest undoable
        edit in the layer (what they could redo is set aside)."""
        self.conn.execute("UPDATE events SET undo_state = 2 WHERE annotator = ? AND layer = ? AND undo_state = 1",
                          (who, layer))
        self.conn.execute(
            "INSERT INTO events(at, annotator, layer, sentence_id, action, before, after) VALUES (?,?,?,?,?,?,?)",
            (at, who, layer, sentence_id, action, before.to_json() if before else None,
             after.to_json() if after else None))
