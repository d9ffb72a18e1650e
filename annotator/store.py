"""The SQLite store: the only module that knows table names or SQL.

Every write is its own committed transaction (WAL mode, busy timeout), so a crash,
``kill -9`` or a second annotator on the same file loses nothing.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator

import sqlite_utils

from annotator.errors import StoreError

SCHEMA_VERSION = 1
FINISHED = ("done", "skipped", "flagged")  # statuses that take a sentence out of the todo queue

MIGRATIONS: dict[int, list[str]] = {
    1: [
        """CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)""",
        """CREATE TABLE documents (
            id TEXT PRIMARY KEY, path TEXT, title TEXT, text TEXT NOT NULL, encoding TEXT,
            segmenter INTEGER, imported_at TEXT, n_units INTEGER, n_sentences INTEGER,
            first_n INTEGER, last_n INTEGER)""",
        """CREATE TABLE sentences (
            n INTEGER PRIMARY KEY, id TEXT NOT NULL, doc_id TEXT NOT NULL REFERENCES documents(id),
            idx INTEGER NOT NULL, kind TEXT NOT NULL, text TEXT NOT NULL, section TEXT,
            start INTEGER NOT NULL, "end" INTEGER NOT NULL, qpos INTEGER)""",
        """CREATE TABLE taxonomies (
            hash TEXT PRIMARY KEY, name TEXT, version TEXT, path TEXT, source TEXT, recorded_at TEXT)""",
        """CREATE TABLE annotations (
            sentence_id TEXT NOT NULL, annotator TEXT NOT NULL, sentence_n INTEGER NOT NULL,
            labels TEXT NOT NULL DEFAULT '[]', status TEXT NOT NULL DEFAULT 'draft', note TEXT NOT NULL DEFAULT '',
            taxonomy TEXT, suggestions_shown INTEGER NOT NULL DEFAULT 0, seconds REAL NOT NULL DEFAULT 0,
            created_at TEXT, updated_at TEXT, PRIMARY KEY (sentence_id, annotator))""",
        "CREATE INDEX annotations_annotator ON annotations(annotator, status, sentence_n)",
        """CREATE TABLE gold (
            sentence_id TEXT PRIMARY KEY, sentence_n INTEGER NOT NULL, labels TEXT NOT NULL DEFAULT '[]',
            status TEXT NOT NULL DEFAULT 'done', adjudicator TEXT, note TEXT NOT NULL DEFAULT '', taxonomy TEXT,
            updated_at TEXT)""",
        """CREATE TABLE events (
            id INTEGER PRIMARY KEY, at TEXT NOT NULL, annotator TEXT NOT NULL, layer TEXT NOT NULL,
            sentence_id TEXT NOT NULL, action TEXT NOT NULL, before TEXT, after TEXT,
            undo_state INTEGER NOT NULL DEFAULT 0, undo_seq INTEGER, ref INTEGER)""",
        "CREATE INDEX events_undo ON events(annotator, layer, undo_state, id)",
        "CREATE INDEX events_sentence ON events(sentence_id)",
    ],
}
# events.undo_state: 0 = an edit in effect, 1 = undone (redo-able), 2 = undone and superseded,
# -1 = an 'undo'/'redo' record itself (never undone).


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


class Store:
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

    # ----------------------------------------------------------------- plumbing
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

    # ---------------------------------------------------------------- taxonomy
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

    # ---------------------------------------------------------------- corpus
    def has_document(self, doc_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone() is not None

    def add_document(self, doc_id: str, path: str, title: str, text: str, encoding: str, segmenter: int,
                     units: list[tuple[int, str, str, str | None, int, int]]) -> int:
        """Insert a document and its units (idx, kind, text, section, start, end), all or nothing.

        Returns the number of units added (0 when the document is already present). Inside a
        ``batch()`` an error rolls back the whole batch, so no document is ever half written."""
        with self.transaction():
            n_sent = sum(1 for u in units if u[1] == "sentence")
            n, q = self._next_positions if self._next_positions else self._positions()
            first_n = n + 1
            rows = []
            for idx, kind, utext, section, start, end in units:
                n += 1
                qpos = None
                if kind == "sentence":
                    q += 1
                    qpos = q
                rows.append((n, f"{doc_id}-{idx}", doc_id, idx, kind, utext, section, start, end, qpos))
            # the document row goes first: if it is already there nothing else is written
            cur = self.conn.execute(
                "INSERT OR IGNORE INTO documents(id, path, title, text, encoding, segmenter, imported_at, n_units,"
                " n_sentences, first_n, last_n) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (doc_id, path, title, text, encoding, segmenter, now(), len(units), n_sent, first_n, n),
            )
            if cur.rowcount == 0:
                return 0
            self.conn.executemany(
                'INSERT INTO sentences(n, id, doc_id, idx, kind, text, section, start, "end", qpos)'
                " VALUES (?,?,?,?,?,?,?,?,?,?)",
                rows,
            )
            if self._next_positions is not None:
                self._next_positions = (n, q)
        return len(units)

    def _positions(self) -> tuple[int, int]:
        """(last n, last qpos) in the corpus: both read from the end of the primary key."""
        n = self.conn.execute("SELECT coalesce(max(n), 0) FROM sentences").fetchone()[0]
        q = self.conn.execute(
            "SELECT qpos FROM sentences WHERE qpos IS NOT NULL ORDER BY n DESC LIMIT 1").fetchone()
        return n, (q[0] if q else 0)

    def batch(self):
        """One transaction for many documents (faster bulk import); each document stays all or nothing."""
        return _Batch(self)

    def document_ids(self) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT id FROM documents")}

    def count_documents(self) -> int:
        return self.conn.execute("SELECT count(*) FROM documents").fetchone()[0]

    def count_units(self, kind: str | None = None) -> int:
        if kind == "sentence":
            return self.conn.execute("SELECT coalesce(sum(n_sentences), 0) FROM documents").fetchone()[0]
        if kind is None:
            return self.conn.execute("SELECT coalesce(sum(n_units), 0) FROM documents").fetchone()[0]
        return self.conn.execute("SELECT count(*) FROM sentences WHERE kind = ?", (kind,)).fetchone()[0]

    def documents(self) -> list[dict]:
        cur = self.conn.execute(
            "SELECT id, path, title, encoding, imported_at, n_units, n_sentences FROM documents ORDER BY rowid"
        )
        cols = [c[0] for c in cur.description]
        return [dict(zip(cols, r)) for r in cur]

    def document(self, doc_id: str) -> dict | None:
        cur = self.conn.execute("SELECT id, path, title, text, n_units, n_sentences FROM documents WHERE id = ?", (doc_id,))
        row = cur.fetchone()
        return dict(zip([c[0] for c in cur.description], row)) if row else None

    def find_document(self, ref: str) -> dict | None:
        """A document by id, id prefix, or path/title substring."""
        row = self.conn.execute(
            "SELECT id FROM documents WHERE id = ? OR id LIKE ? OR path LIKE ? OR title LIKE ? ORDER BY rowid LIMIT 1",
            (ref, ref + "%", f"%{ref}%", f"%{ref}%"),
        ).fetchone()
        return self.document(row[0]) if row else None

    def units(self, doc_id: str) -> list[Sentence]:
        r = self.conn.execute("SELECT first_n, last_n FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if not r:
            return []
        cur = self.conn.execute(f"SELECT {SENTENCE_COLS} FROM sentences WHERE n BETWEEN ? AND ? ORDER BY n", r)
        return [Sentence(*row) for row in cur]

    def iter_units(self, kind: str | None = None) -> Iterator[Sentence]:
        sql = f"SELECT {SENTENCE_COLS} FROM sentences"
        cur = self.conn.execute(sql + (" WHERE kind = ? ORDER BY n" if kind else " ORDER BY n"), (kind,) if kind else ())
        for r in cur:
            yield Sentence(*r)

    def sentence_n(self, sentence_id: str) -> int | None:
        """A stable id is '<doc id>-<idx>': it resolves through the document to the primary key."""
        doc_id, _, idx = sentence_id.rpartition("-")
        if not doc_id or not idx.isdigit():
            return None
        r = self.conn.execute("SELECT first_n + ? FROM documents WHERE id = ? AND ? < n_units",
                              (int(idx), doc_id, int(idx))).fetchone()
        return r[0] if r else None

    def sentence(self, sentence_id: str) -> Sentence | None:
        n = self.sentence_n(sentence_id)
        return self.sentence_at(n) if n is not None else None

    def sentence_at(self, n: int) -> Sentence | None:
        r = self.conn.execute(f"SELECT {SENTENCE_COLS} FROM sentences WHERE n = ?", (n,)).fetchone()
        return Sentence(*r) if r else None

    def context(self, s: Sentence, before: int = 2, after: int = 2) -> tuple[list[Sentence], list[Sentence]]:
        """Units around a unit in its document (units of a document are contiguous in n)."""
        cur = self.conn.execute(
            f"SELECT {SENTENCE_COLS} FROM sentences WHERE n BETWEEN ? AND ? AND doc_id = ? ORDER BY n",
            (s.n - before, s.n + after, s.doc_id),
        )
        rows = [Sentence(*r) for r in cur]
        return [u for u in rows if u.n < s.n], [u for u in rows if u.n > s.n]

    def doc_sentence_bounds(self, doc_id: str) -> tuple[int, int] | None:
        """(n of the first, n of the last) sentence unit of a document."""
        r = self.conn.execute("SELECT first_n, last_n FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if not r:
            return None
        first = self.conn.execute("SELECT n FROM sentences WHERE n BETWEEN ? AND ? AND kind = 'sentence'"
                                  " ORDER BY n LIMIT 1", r).fetchone()
        last = self.conn.execute("SELECT n FROM sentences WHERE n BETWEEN ? AND ? AND kind = 'sentence'"
                                 " ORDER BY n DESC LIMIT 1", r).fetchone()
        return (first[0], last[0]) if first else None

    def next_in_queue(self, annotator: str, queue: str, after_n: int, backwards: bool = False) -> Sentence | None:
        """The next (or previous) sentence unit in a queue, walking the primary key from a position."""
        op, order = ("<", "DESC") if backwards else (">", "ASC")
        if queue == "all":
            sql = f"SELECT {SENTENCE_COLS} FROM sentences WHERE n {op} ? AND kind = 'sentence' ORDER BY n {order} LIMIT 1"
            r = self.conn.execute(sql, (after_n,)).fetchone()
        elif queue == "todo":
            sql = (
                f"SELECT {SENTENCE_COLS} FROM sentences s WHERE n {op} ? AND kind = 'sentence' AND NOT EXISTS ("
                " SELECT 1 FROM annotations a WHERE a.sentence_id = s.id AND a.annotator = ?"
                f" AND a.status IN ({','.join('?' * len(FINISHED))})) ORDER BY n {order} LIMIT 1"
            )
            r = self.conn.execute(sql, (after_n, annotator, *FINISHED)).fetchone()
        elif queue in ("flagged", "skipped", "done"):
            sql = (
                f"SELECT {', '.join('s.' + c.strip() for c in SENTENCE_COLS.split(','))} FROM annotations a"
                " JOIN sentences s ON s.n = a.sentence_n"
                f" WHERE a.annotator = ? AND a.status = ? AND a.sentence_n {op} ? ORDER BY a.sentence_n {order} LIMIT 1"
            )
            r = self.conn.execute(sql, (annotator, queue, after_n)).fetchone()
        else:
            raise StoreError(f"unknown queue '{queue}' (todo, all, flagged, skipped, done)")
        return Sentence(*r) if r else None

    def search(self, needle: str, limit: int = 50) -> list[Sentence]:
        """Sentences containing ``needle`` (literal, case-insensitive for ASCII), in corpus order."""
        esc = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        cur = self.conn.execute(
            f"SELECT {SENTENCE_COLS} FROM sentences WHERE text LIKE ? ESCAPE '\\' ORDER BY n LIMIT ?",
            (f"%{esc}%", limit),
        )
        return [Sentence(*r) for r in cur]

    # ---------------------------------------------------------------- annotations
    def annotation(self, sentence_id: str, annotator: str) -> State | None:
        r = self.conn.execute(
            "SELECT labels, status, note FROM annotations WHERE sentence_id = ? AND annotator = ?",
            (sentence_id, annotator),
        ).fetchone()
        return State(tuple(json.loads(r[0])), r[1], r[2]) if r else None

    def gold(self, sentence_id: str) -> State | None:
        r = self.conn.execute("SELECT labels, status, note FROM gold WHERE sentence_id = ?", (sentence_id,)).fetchone()
        return State(tuple(json.loads(r[0])), r[1], r[2]) if r else None

    def _write_state(self, layer: str, sentence_id: str, who: str, state: State | None, taxonomy: str | None,
                     seconds: float, suggestions_shown: bool, at: str) -> None:
        labels = json.dumps(sorted(state.labels), ensure_ascii=False) if state else None
        n = self.sentence_n(sentence_id) if state is not None else None
        if state is not None and n is None:
            raise StoreError(f"no sentence with id '{sentence_id}' in {self.path}")
        if layer == "gold":
            if state is None:
                self.conn.execute("DELETE FROM gold WHERE sentence_id = ?", (sentence_id,))
            else:
                self.conn.execute(
                    "INSERT INTO gold(sentence_id, sentence_n, labels, status, adjudicator, note, taxonomy, updated_at)"
                    " VALUES (?,?,?,?,?,?,?,?)"
                    " ON CONFLICT(sentence_id) DO UPDATE SET labels = excluded.labels, status = excluded.status,"
                    " adjudicator = excluded.adjudicator,"
                    " note = excluded.note, taxonomy = excluded.taxonomy, updated_at = excluded.updated_at",
                    (sentence_id, n, labels, state.status, who, state.note, taxonomy, at),
                )
            return
        if state is None:
            self.conn.execute("DELETE FROM annotations WHERE sentence_id = ? AND annotator = ?", (sentence_id, who))
            return
        self.conn.execute(
            "INSERT INTO annotations(sentence_id, annotator, sentence_n, labels, status, note, taxonomy,"
            " suggestions_shown, seconds, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)"
            " ON CONFLICT(sentence_id, annotator) DO UPDATE SET labels = excluded.labels, status = excluded.status,"
            " note = excluded.note, taxonomy = coalesce(excluded.taxonomy, taxonomy),"
            " suggestions_shown = max(suggestions_shown, excluded.suggestions_shown),"
            " seconds = seconds + excluded.seconds, updated_at = excluded.updated_at",
            (sentence_id, who, n, labels, state.status, state.note, taxonomy, int(suggestions_shown), seconds, at, at),
        )

    def _current(self, layer: str, sentence_id: str, who: str) -> State | None:
        return self.gold(sentence_id) if layer == "gold" else self.annotation(sentence_id, who)

    def change(self, layer: str, sentence_id: str, who: str, action: str, after: State | None, *,
               taxonomy: str | None = None, seconds: float = 0.0, suggestions_shown: bool = False
               ) -> tuple[State | None, State | None]:
        """Set a judgment and log it in ``events``, in one committed transaction. Returns (before, after)."""
        at = now()
        with self.transaction():
            before = self._current(layer, sentence_id, who)
            self._write_state(layer, sentence_id, who, after, taxonomy, seconds, suggestions_shown, at)
            self.conn.execute(
                "UPDATE events SET undo_state = 2 WHERE annotator = ? AND layer = ? AND undo_state = 1", (who, layer)
            )
            self.conn.execute(
                "INSERT INTO events(at, annotator, layer, sentence_id, action, before, after) VALUES (?,?,?,?,?,?,?)",
                (at, who, layer, sentence_id, action, before.to_json() if before else None,
                 after.to_json() if after else None),
            )
        return before, after

    def undo(self, layer: str, who: str) -> tuple[str, State | None, State | None] | None:
        """Undo this person's latest edit in a layer; returns (sentence id, state before, restored state)."""
        return self._undo_redo(layer, who, redo=False)

    def redo(self, layer: str, who: str) -> tuple[str, State | None, State | None] | None:
        return self._undo_redo(layer, who, redo=True)

    def _undo_redo(self, layer: str, who: str, redo: bool) -> tuple[str, State | None, State | None] | None:
        at = now()
        with self.transaction():
            if redo:
                row = self.conn.execute(
                    "SELECT id, sentence_id, before, after FROM events WHERE annotator = ? AND layer = ?"
                    " AND undo_state = 1 ORDER BY undo_seq DESC LIMIT 1", (who, layer)).fetchone()
            else:
                row = self.conn.execute(
                    "SELECT id, sentence_id, before, after FROM events WHERE annotator = ? AND layer = ?"
                    " AND undo_state = 0 ORDER BY id DESC LIMIT 1", (who, layer)).fetchone()
            if row is None:
                return None
            ev_id, sid, before_raw, after_raw = row
            target = State.from_json(after_raw if redo else before_raw)
            current = self._current(layer, sid, who)
            self._write_state(layer, sid, who, target, None, 0.0, False, at)
            cur = self.conn.execute(
                "INSERT INTO events(at, annotator, layer, sentence_id, action, before, after, undo_state, ref)"
                " VALUES (?,?,?,?,?,?,?,-1,?)",
                (at, who, layer, sid, "redo" if redo else "undo", current.to_json() if current else None,
                 target.to_json() if target else None, ev_id),
            )
            if redo:
                self.conn.execute("UPDATE events SET undo_state = 0, undo_seq = NULL WHERE id = ?", (ev_id,))
            else:
                self.conn.execute("UPDATE events SET undo_state = 1, undo_seq = ? WHERE id = ?", (cur.lastrowid, ev_id))
        return sid, current, target

    def import_judgments(self, rows: list[dict], layer: str = "annotation", action: str = "import") -> dict:
        """Upsert many judgments in one transaction, keeping the later ``updated_at`` on conflict.

        Each row: sentence_id, annotator (adjudicator for gold), labels, status, note, updated_at, and
        optionally taxonomy, suggestions_shown, seconds. Every change is logged in ``events`` with both
        versions. Returns counts {added, updated, unchanged} per annotator."""
        counts: dict[str, dict[str, int]] = {}
        with self.transaction():
            for r in rows:
                who = r["annotator"]
                c = counts.setdefault(who, {"added": 0, "updated": 0, "unchanged": 0})
                n = self.sentence_n(r["sentence_id"])
                if n is None:
                    raise StoreError(f"no sentence with id '{r['sentence_id']}'")
                new = State(tuple(sorted(r["labels"])), r.get("status", "done"), r.get("note", "") or "")
                if layer == "gold":
                    cur = self.conn.execute("SELECT labels, status, note, updated_at FROM gold WHERE sentence_id = ?",
                                            (r["sentence_id"],)).fetchone()
                else:
                    cur = self.conn.execute(
                        "SELECT labels, status, note, updated_at FROM annotations WHERE sentence_id = ? AND annotator = ?",
                        (r["sentence_id"], who)).fetchone()
                old = State(tuple(json.loads(cur[0])), cur[1], cur[2]) if cur else None
                if old is not None and (old == new or (cur[3] or "") >= (r.get("updated_at") or "")):
                    c["unchanged"] += 1
                    continue
                at = r.get("updated_at") or now()
                labels = json.dumps(list(new.labels), ensure_ascii=False)
                if layer == "gold":
                    self.conn.execute(
                        "INSERT OR REPLACE INTO gold(sentence_id, sentence_n, labels, status, adjudicator, note,"
                        " taxonomy, updated_at) VALUES (?,?,?,?,?,?,?,?)",
                        (r["sentence_id"], n, labels, new.status, who, new.note, r.get("taxonomy"), at))
                else:
                    self.conn.execute(
                        "INSERT OR REPLACE INTO annotations(sentence_id, annotator, sentence_n, labels, status, note,"
                        " taxonomy, suggestions_shown, seconds, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,"
                        " coalesce((SELECT created_at FROM annotations WHERE sentence_id = ? AND annotator = ?), ?), ?)",
                        (r["sentence_id"], who, n, labels, new.status, new.note, r.get("taxonomy"),
                         int(r.get("suggestions_shown") or 0), float(r.get("seconds") or 0), r["sentence_id"], who,
                         r.get("created_at") or at, at))
                self.conn.execute(
                    "INSERT INTO events(at, annotator, layer, sentence_id, action, before, after, undo_state)"
                    " VALUES (?,?,?,?,?,?,?,-1)",
                    (now(), who, layer, r["sentence_id"], action, old.to_json() if old else None, new.to_json()))
                c["updated" if old else "added"] += 1
        return counts

    def count_status(self, annotator: str, status: str = "done") -> int:
        return self.conn.execute(
            "SELECT count(*) FROM annotations WHERE annotator = ? AND status = ?", (annotator, status)
        ).fetchone()[0]

    def count_status_in_doc(self, annotator: str, doc_id: str, status: str = "done") -> int:
        return self.conn.execute(
            "SELECT count(*) FROM documents d JOIN sentences s ON s.n BETWEEN d.first_n AND d.last_n"
            " JOIN annotations a ON a.sentence_id = s.id AND a.annotator = ?"
            " WHERE d.id = ? AND a.status = ?", (annotator, doc_id, status)).fetchone()[0]

    def doc_progress(self, annotator: str) -> list[dict]:
        """Every document with its sentence count and this annotator's done count."""
        cur = self.conn.execute(
            "SELECT d.id, d.title, d.path, d.n_sentences,"
            " (SELECT count(*) FROM sentences s JOIN annotations a ON a.sentence_id = s.id AND a.annotator = ?"
            "  WHERE s.n BETWEEN d.first_n AND d.last_n AND a.status = 'done') FROM documents d ORDER BY d.rowid",
            (annotator,))
        return [dict(zip(("id", "title", "path", "n_sentences", "done"), r)) for r in cur]

    def judgments(self) -> Iterable[tuple[str, str, str, str]]:
        """(sentence id, annotator, labels JSON, status) of every judgment on a sentence unit."""
        return self.conn.execute(
            "SELECT a.sentence_id, a.annotator, a.labels, a.status FROM annotations a"
            " JOIN sentences s ON s.n = a.sentence_n WHERE s.kind = 'sentence' ORDER BY a.sentence_n")

    def item_judgments(self, sentence_id: str) -> dict[str, State]:
        cur = self.conn.execute(
            "SELECT annotator, labels, status, note FROM annotations WHERE sentence_id = ? ORDER BY annotator",
            (sentence_id,))
        return {r[0]: State(tuple(json.loads(r[1])), r[2], r[3]) for r in cur}

    def gold_items(self) -> dict[str, State]:
        cur = self.conn.execute("SELECT sentence_id, labels, status, note FROM gold")
        return {r[0]: State(tuple(json.loads(r[1])), r[2], r[3]) for r in cur}

    def export_rows(self, kind: str | None = "sentence") -> Iterable[tuple]:
        """Units in corpus order joined with their judgments (one row per judgment, annotators in order)
        and gold: (n, id, doc_id, idx, kind, text, section, annotator, labels, status, note, updated_at,
        created_at, taxonomy, seconds, suggestions_shown, gold labels, gold status, adjudicator, gold note,
        gold updated_at, gold taxonomy). Units without judgments have NULL judgment columns."""
        where = "WHERE s.kind = ?" if kind else ""
        return self.conn.execute(
            "SELECT s.n, s.id, s.doc_id, s.idx, s.kind, s.text, s.section, a.annotator, a.labels, a.status, a.note,"
            " a.updated_at, a.created_at, a.taxonomy, a.seconds, a.suggestions_shown, g.labels, g.status,"
            " g.adjudicator, g.note, g.updated_at, g.taxonomy"
            " FROM sentences s LEFT JOIN annotations a ON a.sentence_id = s.id"
            f" LEFT JOIN gold g ON g.sentence_id = s.id {where} ORDER BY s.n", (kind,) if kind else ())

    def doc_sentence_counts(self) -> dict[str, int]:
        return {r[0]: r[1] for r in self.conn.execute("SELECT id, n_units FROM documents")}

    def annotators(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT DISTINCT annotator FROM annotations ORDER BY annotator")]

    def iter_annotations(self) -> Iterable[dict]:
        cur = self.conn.execute(
            "SELECT a.sentence_id, a.annotator, a.labels, a.status, a.note, a.taxonomy, a.suggestions_shown,"
            " a.seconds, a.created_at, a.updated_at FROM annotations a JOIN sentences s ON s.n = a.sentence_n"
            " ORDER BY s.n, a.annotator")
        cols = [c[0] for c in cur.description]
        for r in cur:
            d = dict(zip(cols, r))
            d["labels"] = json.loads(d["labels"])
            yield d

    def iter_gold(self) -> Iterable[dict]:
        cur = self.conn.execute(
            "SELECT sentence_id, labels, status, adjudicator, note, taxonomy, updated_at FROM gold ORDER BY sentence_n")
        cols = [c[0] for c in cur.description]
        for r in cur:
            d = dict(zip(cols, r))
            d["labels"] = json.loads(d["labels"])
            yield d

    def events(self, sentence_id: str | None = None) -> list[dict]:
        sql = "SELECT id, at, annotator, layer, sentence_id, action, before, after, undo_state FROM events"
        cur = self.conn.execute(sql + (" WHERE sentence_id = ? ORDER BY id" if sentence_id else " ORDER BY id"),
                                (sentence_id,) if sentence_id else ())
        cols = [c[0] for c in cur.description]
        return [dict(zip(cols, r)) for r in cur]


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
    def __init__(self, store: Store):
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
