"""Documents and units: insertion in bulk, lookups, navigation along the primary key, search."""

from __future__ import annotations

import time
from typing import Iterator


from annotator.core.errors import StoreError

from annotator.core.model import FINISHED
from annotator.store.base import SENTENCE_COLS, Sentence, _Batch, now

INDEX_CHUNK = 100_000  # units indexed per write transaction by index_pending


class CorpusMixin:
    """Documents and sentence units: adding, finding, walking queues, search.

    Uses StoreBase: ``conn``, ``transaction``, ``batch`` positions (``_next_positions``)."""

    def has_document(self, doc_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone() is not None

    def add_document(self, doc_id: str, path: str, title: str, text: str, encoding: str, segmenter: int,
                     units: list[tuple[int, str, str, str | None, int, int]], source_format: str = "text") -> int:
        """Insert a document and its units (idx, kind, text, section, start, end), all or nothing. A unit's
        text may be None: it is the document's text from start to end.

        Returns the number of units added (0 when the document is already present). Inside a
        ``batch()`` an error rolls back the whole batch, so no document is ever half written."""
        with self.transaction():
            n, q = self._next_positions if self._next_positions else self._positions()
            first_n, first_q = n + 1, q
            rows = []
            append = rows.append
            for idx, kind, utext, section, start, end in units:
                n += 1
                qpos = None
                if kind == "sentence":
                    q += 1
                    qpos = q
                append((n, f"{doc_id}-{idx}", doc_id, idx, kind, text[start:end] if utext is None else utext, section,
                        start, end, qpos))
            n_sent = q - first_q
            # the document row goes first: if it is already there nothing else is written
            cur = self.conn.execute(
                "INSERT OR IGNORE INTO documents(id, path, title, text, encoding, segmenter, imported_at, n_units,"
                " n_sentences, first_n, last_n, format) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (doc_id, path, title, text, encoding, segmenter, now(), len(units), n_sent, first_n, n, source_format),
            )
            if cur.rowcount == 0:
                return 0
            self.conn.executemany(
                'INSERT INTO sentences(n, id, doc_id, idx, kind, text, section, start, "end", qpos)'
                " VALUES (?,?,?,?,?,?,?,?,?,?)",
                rows,
            )
            if self._next_positions is not None:
                self._next_positions = (n, q)  # a bulk import: indexed together afterwards (index_pending)
            else:
                self._index_tail()  # one document on its own: indexed in the same transaction
        return len(units)

    # ------------------------------------------------------------ the search index (schema 5)
    def fts_upto(self) -> int:
        """The search index's watermark: every sentence with n at or below it is indexed, none above."""
        r = self.conn.execute("SELECT value FROM meta WHERE key = 'fts_upto'").fetchone()
        return int(r[0]) if r and r[0] is not None else 0

    def index_behind(self) -> bool:
        """Whether some unit is outside the search index (one look at each end: no count)."""
        last = self.conn.execute("SELECT coalesce(max(n), 0) FROM sentences").fetchone()[0]
        return last > self.fts_upto()

    def unindexed(self) -> int:
        """How many units the search index does not cover yet (search scans them)."""
        return self.conn.execute("SELECT count(*) FROM sentences WHERE n > ?", (self.fts_upto(),)).fetchone()[0]

    def _index_tail(self, limit: int | None = None) -> int:
        """Inside the caller's transaction: index the units above the watermark (at most ``limit``) with
        one INSERT … SELECT and move the watermark past them. Returns how many were indexed."""
        upto = self.fts_upto()
        if limit is None:
            last = self.conn.execute("SELECT max(n) FROM sentences").fetchone()[0]
        else:
            last = self.conn.execute("SELECT max(n) FROM (SELECT n FROM sentences WHERE n > ? ORDER BY n LIMIT ?)",
                                     (upto, limit)).fetchone()[0]
        if last is None or last <= upto:
            return 0
        cur = self.conn.execute("INSERT INTO sentences_fts(rowid, text) SELECT n, text FROM sentences"
                                " WHERE n > ? AND n <= ?", (upto, last))
        self.conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('fts_upto', ?)", (str(last),))
        return cur.rowcount

    def index_pending(self, chunk: int = INDEX_CHUNK, progress=None, stop=None, pause: float = 0.0) -> int:
        """Bring the search index up to date: the units an import (or an interrupted one) left unindexed,
        in short transactions of ``chunk`` units each, so people tagging wait a fraction of a second at
        most. A crash between two chunks loses nothing: the watermark moves with each chunk. ``stop``
        (a callable) is asked before each chunk; ``pause`` seconds between chunks leave the write lock
        free for a screen waiting to save a judgment."""
        if self.read_only:
            return 0
        done = 0
        while not (stop and stop()):
            with self.transaction():
                k = self._index_tail(chunk)
            if not k:
                return done
            done += k
            if progress:
                progress(done)
            if pause:
                time.sleep(pause)
        return done

    def rebuild_index(self) -> int:
        """The search index made again from every unit (after an outside tool wrote rows at or below the
        watermark: annotator itself only appends). One transaction; returns the units indexed."""
        with self.transaction():
            self.conn.execute("INSERT INTO sentences_fts(sentences_fts) VALUES ('rebuild')")
            last = self.conn.execute("SELECT coalesce(max(n), 0) FROM sentences").fetchone()[0]
            self.conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('fts_upto', ?)", (str(last),))
        return self.conn.execute("SELECT count(*) FROM sentences").fetchone()[0]

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
            "SELECT id, path, title, encoding, imported_at, n_units, n_sentences, format FROM documents ORDER BY rowid"
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
            "SELECT id FROM documents WHERE id = ? OR id LIKE ? ESCAPE '\\' OR path LIKE ? ESCAPE '\\'"
            " OR title LIKE ? ESCAPE '\\' ORDER BY rowid LIMIT 1",
            (ref, _like(ref) + "%", f"%{_like(ref)}%", f"%{_like(ref)}%"),
        ).fetchone()
        return self.document(row[0]) if row else None

    def units(self, doc_id: str) -> list[Sentence]:
        r = self.conn.execute("SELECT first_n, last_n FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if not r:
            return []
        cur = self.conn.execute(f"SELECT {SENTENCE_COLS} FROM sentences WHERE n BETWEEN ? AND ? ORDER BY n", r)
        return [Sentence(*row) for row in cur]

    def units_with_text(self, texts) -> dict[str, list[tuple[str, str, str]]]:
        """Every unit whose text is exactly one of ``texts``, corpus-wide: {text: [(unit id, doc id, kind)]}
        in corpus order (texts found nowhere are left out). The texts go into a temporary table with
        its own index (no lock on the database), and one pass over the units probes it."""
        c = self.conn
        c.execute("CREATE TEMP TABLE IF NOT EXISTS wanted_text (text TEXT PRIMARY KEY) WITHOUT ROWID")
        c.execute("BEGIN")
        try:
            c.execute("DELETE FROM temp.wanted_text")
            c.executemany("INSERT OR IGNORE INTO temp.wanted_text VALUES (?)", ((t,) for t in texts))
            c.execute("COMMIT")
        except BaseException:
            c.execute("ROLLBACK")
            raise
        out: dict[str, list[tuple[str, str, str]]] = {}
        try:
            for text, uid, doc, kind in c.execute(
                    "SELECT s.text, s.id, s.doc_id, s.kind FROM sentences s"
                    " WHERE s.text IN (SELECT text FROM temp.wanted_text) ORDER BY s.n"):
                out.setdefault(text, []).append((uid, doc, kind))
        finally:
            c.execute("DROP TABLE IF EXISTS temp.wanted_text")
        return out

    def texts_at(self, ns) -> dict[int, str]:
        """The text of each sentence number in ``ns`` (read in chunks of a few hundred)."""
        ns = sorted({int(n) for n in ns})
        out: dict[int, str] = {}
        for i in range(0, len(ns), 500):
            part = ns[i:i + 500]
            out.update(self.conn.execute(f"SELECT n, text FROM sentences WHERE n IN ({','.join('?' * len(part))})",
                                         part))
        return out

    def segmenter_of(self, doc_id: str) -> int | None:
        """The segmenter version a document's units were made by (None: no such document)."""
        r = self.conn.execute("SELECT segmenter FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return r[0] if r else None

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
        """Sentences containing ``needle`` (literal, case-insensitive for ASCII), in corpus order.

        Needles of 3 or more characters are looked up in the trigram index (``sentences_fts``): the
        sentences holding every trigram of the needle, a superset of the substring matches (it folds
        case more widely); the same LIKE then keeps exactly the substring matches. Units the index
        does not cover yet (above its watermark: an import still indexing, or interrupted) are
        scanned, so the results are complete either way. Shorter needles scan with LIKE alone.
        """
        like = f"%{_like(needle)}%"
        if len(needle) >= 3:
            grams = list(dict.fromkeys(needle[i:i + 3] for i in range(len(needle) - 2)))
            query = " AND ".join('"' + g.replace('"', '""') + '"' for g in grams)
            sql = (f"SELECT {SENTENCE_COLS} FROM sentences WHERE n IN"
                   " (SELECT rowid FROM sentences_fts WHERE sentences_fts MATCH ?)"
                   " AND text LIKE ? ESCAPE '\\'"
                   f" UNION ALL SELECT {SENTENCE_COLS} FROM sentences WHERE n > ? AND text LIKE ? ESCAPE '\\'"
                   " ORDER BY n LIMIT ?")
            cur = self.conn.execute(sql, (query, like, self.fts_upto(), like, limit))
        else:
            cur = self.conn.execute(
                f"SELECT {SENTENCE_COLS} FROM sentences WHERE text LIKE ? ESCAPE '\\' ORDER BY n LIMIT ?",
                (like, limit))
        return [Sentence(*r) for r in cur]

    def search_scan(self, needle: str, limit: int = 50) -> list[Sentence]:
        """The reference substring search (a full LIKE scan): what ``search`` must equal."""
        cur = self.conn.execute(
            f"SELECT {SENTENCE_COLS} FROM sentences WHERE text LIKE ? ESCAPE '\\' ORDER BY n LIMIT ?",
            (f"%{_like(needle)}%", limit))
        return [Sentence(*r) for r in cur]

    def doc_progress(self, annotator: str) -> list[dict]:
        """Every document with its sentence count and this annotator's done count."""
        cur = self.conn.execute(
            "SELECT d.id, d.title, d.path, d.n_sentences,"
            " (SELECT count(*) FROM sentences s JOIN annotations a ON a.sentence_id = s.id AND a.annotator = ?"
            "  WHERE s.n BETWEEN d.first_n AND d.last_n AND a.status = 'done') FROM documents d ORDER BY d.rowid",
            (annotator,))
        return [dict(zip(("id", "title", "path", "n_sentences", "done"), r)) for r in cur]

    def doc_sentence_counts(self) -> dict[str, int]:
        return {r[0]: r[1] for r in self.conn.execute("SELECT id, n_units FROM documents")}

    def todo_texts(self, annotator: str, chunk: int = 20_000):
        """(n, text) of every sentence this annotator has not finished, in corpus order, as lists of at
        most ``chunk`` rows: a million sentences are walked without holding them all."""
        cur = self.conn.execute(
            "SELECT n, text FROM sentences s WHERE kind = 'sentence' AND NOT EXISTS ("
            " SELECT 1 FROM annotations a WHERE a.sentence_id = s.id AND a.annotator = ?"
            f" AND a.status IN ({','.join('?' * len(FINISHED))})) ORDER BY n", (annotator, *FINISHED))
        while rows := cur.fetchmany(chunk):
            yield rows


def _like(text: str) -> str:
    """``text`` as a literal inside a LIKE pattern (ESCAPE '\\'): % and _ match only themselves."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
