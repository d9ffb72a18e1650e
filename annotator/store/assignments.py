"""Assignment plans: the current plan, its owners and assignments, the assigned queue, progress."""

from __future__ import annotations

import json
import time
from typing import Iterable

from annotator.core.errors import StoreError
from annotator.core.model import SET_ASIDE
from annotator.core.model import FINISHED
from annotator.store.base import SENTENCE_COLS, Sentence, now
from annotator.store.judgments import _id_parts

_FIN = ",".join(f"'{x}'" for x in FINISHED)
_ASIDE = ",".join(f"'{x}'" for x in SET_ASIDE)
_CURRENT = "(SELECT value FROM meta WHERE key = 'plan')"
BATCH_ROWS = 20_000  # assignment rows per write transaction: each holds the lock a few tens of milliseconds
YIELD_SECONDS = 0.005  # a pause after each batch, so a tagging screen waiting for the lock gets it


def _quote(text: str) -> str:
    return text.replace("'", "''")
_S_COLS = ", ".join("s." + c.strip() for c in SENTENCE_COLS.split(","))


class AssignmentsMixin:
    """Assignment plans: the current plan, its batched loading, the assigned queue, progress.

    Uses StoreBase (``conn``, ``transaction``, ``get_meta``)."""

    # ------------------------------------------------------------ the plan
    def current_plan(self) -> dict | None:
        """{'id', 'settings', 'created_at', 'replaces'} of the plan in force, or None."""
        pid = self.get_meta("plan")
        return self.plan_record(pid) if pid else None

    def plan_record(self, plan_id: str) -> dict | None:
        r = self.conn.execute("SELECT id, settings, created_at, replaces FROM plans WHERE id = ?",
                              (plan_id,)).fetchone()
        return {"id": r[0], "settings": json.loads(r[1]), "created_at": r[2], "replaces": r[3]} if r else None

    def plan_history(self) -> list[dict]:
        cur = self.conn.execute("SELECT id, settings, created_at, replaces FROM plans ORDER BY created_at, id")
        return [{"id": r[0], "settings": json.loads(r[1]), "created_at": r[2], "replaces": r[3]} for r in cur]

    def plan_owners(self) -> dict[str, str]:
        return dict(self.conn.execute("SELECT doc_id, annotator FROM plan_owners WHERE plan = " + _CURRENT))

    def plan_rows(self) -> Iterable[tuple[str, str, int]]:
        """(sentence id, annotator, overlap) of the current plan, in corpus order."""
        return self.conn.execute("SELECT sentence_id, annotator, overlap FROM assignments WHERE plan = "
                                 f"{_CURRENT} ORDER BY sentence_n, annotator")

    def sentence_ids_by_document(self) -> dict[str, list[str]]:
        """Document id → its sentence units' ids in order (documents in import order)."""
        out: dict[str, list[str]] = {}
        for doc_id, sid in self.conn.execute("SELECT doc_id, id FROM sentences WHERE kind = 'sentence' ORDER BY n"):
            out.setdefault(doc_id, []).append(sid)
        return out

    def finished_by(self) -> dict[str, set[str]]:
        """Sentence id → the annotators who finished it (done, skipped or flagged)."""
        out: dict[str, set[str]] = {}
        for sid, who in self.conn.execute(f"SELECT sentence_id, annotator FROM annotations WHERE status IN ({_FIN})"):
            out.setdefault(sid, set()).add(who)
        return out

    # A new plan is written in three steps, so that no transaction holds the write lock for long while
    # others tag: its rows are staged in temporary tables (no lock), loaded under its id in short
    # batches (invisible: meta 'plan' still names the old plan), then made current with one small
    # write (``activate_plan``, inside the caller's transaction); ``prune_plans`` then removes the
    # rows of plans no longer current, in batches. A crash between steps leaves only rows of a plan
    # that is not current, which the next plan removes.
    def stage_plan(self, rows: Iterable[tuple[str, str, int]], owners: dict[str, str]) -> None:
        """Rows: (sentence id, annotator, overlap)."""
        c = self.conn
        self.drop_staged_plan()
        c.execute("CREATE TEMP TABLE staged_plan (sentence_id TEXT, annotator TEXT, overlap INT, doc_id TEXT, idx INT,"
                  " n INT)")
        c.execute("CREATE TEMP TABLE staged_owners (doc_id TEXT, annotator TEXT)")
        c.executemany("INSERT INTO temp.staged_plan(sentence_id, annotator, overlap, doc_id, idx) VALUES (?,?,?,?,?)",
                      ((sid, who, int(o), *_id_parts(sid)) for sid, who, o in rows))
        c.executemany("INSERT INTO temp.staged_owners VALUES (?, ?)", owners.items())

    def load_staged_plan(self, plan_id: str) -> None:
        """Write the staged rows under ``plan_id`` (not yet current), BATCH_ROWS per transaction."""
        c = self.conn
        c.execute("UPDATE temp.staged_plan AS p SET n = (SELECT d.first_n + p.idx FROM documents d"
                  " WHERE d.id = p.doc_id AND p.idx < d.n_units)")
        missing = c.execute("SELECT sentence_id FROM temp.staged_plan WHERE n IS NULL LIMIT 1").fetchone()
        if missing:
            raise StoreError(f"the plan names a sentence this database does not have: '{missing[0]}'")
        self._delete_plan_rows(f"plan = '{_quote(plan_id)}'")  # left by an interrupted attempt
        last = c.execute("SELECT coalesce(max(rowid), 0) FROM temp.staged_plan").fetchone()[0]
        for lo in range(0, last, BATCH_ROWS):
            with self.transaction():
                c.execute("INSERT OR REPLACE INTO assignments(plan, annotator, sentence_n, sentence_id, overlap)"
                          " SELECT ?, annotator, n, sentence_id, overlap FROM temp.staged_plan"
                          " WHERE rowid > ? AND rowid <= ?", (plan_id, lo, lo + BATCH_ROWS))
            time.sleep(YIELD_SECONDS)
        with self.transaction():
            c.execute("INSERT OR REPLACE INTO plan_owners SELECT ?, doc_id, annotator FROM temp.staged_owners",
                      (plan_id,))

    def activate_plan(self, plan_id: str, settings: dict, created_at: str | None = None, replaces: str | None = None,
                      history: Iterable[dict] = ()) -> None:
        """Make a loaded plan the current one, inside the caller's transaction; earlier plans stay in
        ``plans`` (merge uses that history to tell a newer plan from a conflicting one)."""
        c = self.conn
        for h in history:
            c.execute("INSERT OR IGNORE INTO plans(id, settings, created_at, replaces) VALUES (?,?,?,?)",
                      (h["id"], json.dumps(h["settings"], ensure_ascii=False), h["created_at"], h["replaces"]))
        c.execute("INSERT OR IGNORE INTO plans(id, settings, created_at, replaces) VALUES (?,?,?,?)",
                  (plan_id, json.dumps(settings, ensure_ascii=False), created_at or now(), replaces))
        c.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('plan', ?)", (plan_id,))

    def prune_plans(self) -> None:
        """Remove the rows of every plan that is not current (their ``plans`` record stays)."""
        self._delete_plan_rows(f"plan IS NOT {_CURRENT}")
        with self.transaction():
            self.conn.execute(f"DELETE FROM plan_owners WHERE plan IS NOT {_CURRENT}")

    def _delete_plan_rows(self, where: str) -> None:
        while True:
            with self.transaction():
                gone = self.conn.execute(
                    "DELETE FROM assignments WHERE (plan, annotator, sentence_n) IN (SELECT plan, annotator,"
                    f" sentence_n FROM assignments WHERE {where} LIMIT {BATCH_ROWS})").rowcount
            if gone < BATCH_ROWS:
                return
            time.sleep(YIELD_SECONDS)

    def drop_staged_plan(self) -> None:
        self.conn.execute("DROP TABLE IF EXISTS temp.staged_plan")
        self.conn.execute("DROP TABLE IF EXISTS temp.staged_owners")

    # ------------------------------------------------------------ serving
    def assignment(self, sentence_n: int, annotator: str) -> bool | None:
        """None: not assigned to this annotator; else whether the sentence is in the overlap sample."""
        r = self.conn.execute(f"SELECT overlap FROM assignments WHERE plan = {_CURRENT} AND annotator = ?"
                              " AND sentence_n = ?", (annotator, sentence_n)).fetchone()
        return None if r is None else bool(r[0])

    def has_assignment(self, annotator: str) -> bool:
        return self.conn.execute(f"SELECT 1 FROM assignments WHERE plan = {_CURRENT} AND annotator = ? LIMIT 1",
                                 (annotator,)).fetchone() is not None

    def next_assigned(self, annotator: str, after_n: int, overlap: bool, backwards: bool = False) -> Sentence | None:
        """The next (previous) sentence assigned to this annotator and not finished by them, in the overlap
        sample or outside it, walking the queue index from a position."""
        op, order = ("<", "DESC") if backwards else (">", "ASC")
        r = self.conn.execute(
            f"SELECT {_S_COLS} FROM assignments p JOIN sentences s ON s.n = p.sentence_n"
            f" WHERE p.plan = {_CURRENT} AND p.annotator = ? AND p.overlap = ? AND p.sentence_n {op} ? AND NOT EXISTS ("
            " SELECT 1 FROM annotations a WHERE a.sentence_id = p.sentence_id AND a.annotator = p.annotator"
            f" AND a.status IN ({_FIN})) ORDER BY p.sentence_n {order} LIMIT 1",
            (annotator, int(overlap), after_n)).fetchone()
        return Sentence(*r) if r else None

    def assignment_counts(self, annotator: str) -> dict[str, int]:
        """This annotator's assigned sentences and how many they have done, in all and in the sample."""
        rows = self.progress_rows(annotator)
        r = rows[0] if rows else {"assigned": 0, "sample": 0, "done": 0, "sample_done": 0}
        return {k: r[k] for k in ("assigned", "sample", "done", "sample_done")}

    def progress_rows(self, annotator: str | None = None) -> list[dict]:
        """Per annotator in the plan (or just one): assigned, done, set aside (skipped or flagged), in all and
        in the overlap sample."""
        cur = self.conn.execute(
            "SELECT p.annotator, count(*), coalesce(sum(a.status = 'done'), 0),"
            f" coalesce(sum(a.status IN ({_ASIDE})), 0), coalesce(sum(p.overlap), 0),"
            " coalesce(sum(p.overlap AND a.status = 'done'), 0)"
            " FROM assignments p LEFT JOIN annotations a ON a.sentence_id = p.sentence_id AND a.annotator = p.annotator"
            f" WHERE p.plan = {_CURRENT}" + (" AND p.annotator = ?" if annotator is not None else "")
            + " GROUP BY p.annotator ORDER BY p.annotator", (annotator,) if annotator is not None else ())
        return [dict(zip(("annotator", "assigned", "done", "set_aside", "sample", "sample_done"), r)) for r in cur]

    def overlap_items(self) -> set[str]:
        """The sentence ids of the current plan's overlap sample."""
        return {r[0] for r in self.conn.execute(
            f"SELECT DISTINCT sentence_id FROM assignments WHERE plan = {_CURRENT} AND overlap = 1")}

    def overlap_completion(self) -> dict[str, int]:
        """Overlap-sample sentences, and how many have two or more done judgments by their assignees."""
        r = self.conn.execute(
            "SELECT count(*), coalesce(sum(k >= 2), 0), coalesce(sum(k = m), 0) FROM (SELECT p.sentence_id,"
            " count(*) AS m, sum(a.status = 'done') AS k FROM assignments p LEFT JOIN annotations a"
            f" ON a.sentence_id = p.sentence_id AND a.annotator = p.annotator WHERE p.plan = {_CURRENT}"
            " AND p.overlap = 1 GROUP BY p.sentence_id)").fetchone()
        return {"items": r[0], "two_or_more_done": r[1], "all_done": r[2]}

