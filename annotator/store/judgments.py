"""Judgments, gold, the event log with undo/redo, stale gold and rows for export (merges and bulk
imports: ``staging.py``)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Callable, Iterable, Iterator, NamedTuple

from annotator.core.errors import JudgmentChanged, StoreBusy, TaxonomyMoved
from annotator.store import records
from annotator.store.base import ANY, State, TaxonomyRecord, now
from annotator.store.records import Write

# events written by bulk operations, not by a person tagging: they carry no working time
# (merge:<format>: labels brought in from another tool's export, see publish/foreign)
BOOKKEEPING = ("import", "merge", "migrate", "merge:doccano", "merge:label-studio", "merge:prodigy", "merge:csv")
_BOOKKEEPING_SQL = ", ".join(f"'{a}'" for a in BOOKKEEPING)


# what a model learns from: every done judgment, and done gold in place of the judgments it settles
_TRAINING = ("SELECT {0}, a.labels FROM annotations a JOIN sentences s ON s.n = a.sentence_n"
             " WHERE a.status = 'done' AND s.kind = 'sentence'"
             " AND NOT EXISTS (SELECT 1 FROM gold g WHERE g.sentence_id = a.sentence_id AND g.status = 'done')"
             " UNION ALL SELECT {0}, g.labels FROM gold g JOIN sentences s ON s.n = g.sentence_n"
             " WHERE g.status = 'done'")


def _id_parts(sentence_id: str) -> tuple[str | None, int | None]:
    doc_id, _, idx = sentence_id.rpartition("-")
    return (doc_id, int(idx)) if doc_id and idx.isdigit() else (None, None)


def document_of(sentence_id: str) -> str:
    """The document id inside a stable sentence id '<doc id>-<idx>'."""
    doc_id, _ = _id_parts(sentence_id)
    return doc_id if doc_id is not None else sentence_id


def _seen(state: State | None) -> State:
    """What a screen shows for a row: no row and an untouched draft look the same."""
    return state if state is not None else State()


# One unit joined with one judgment (annotator None: no judgment) and the unit's gold (gold_labels None:
# none); labels are the stored JSON.
ExportRow = NamedTuple("ExportRow", [
    *[(c, "object") for c in ("n", "id", "doc_id", "idx", "kind", "text", "section")],
    *[(c, "object") for c in records.NAMES[1:]], ("adjudicator", "str | None"),
    *[(f"gold_{c}", "object") for c in records.GOLD_VALUES]])


class JudgmentsMixin:
    """Judgments and gold: writes computed inside their transaction, the event log with undo/redo,
    stale gold, rows for export; the resume frontier (``pull_frontier``, used by
    LabelsMixin when a migration reopens judgments).

    Uses StoreBase (``conn``, ``transaction``, ``record_taxonomy_once``, ``get_meta``) and
    CorpusMixin (``sentence_n``, ``next_in_queue``)."""

    def annotation(self, sentence_id: str, annotator: str) -> State | None:
        return self.judgments.get(sentence_id, annotator)

    def _write_state(self, layer: str, sentence_id: str, who: str, state: State | None, write: Write,
                     at: str) -> None:
        table = self.gold if layer == "gold" else self.judgments
        table.write(sentence_id, who, state, write, at)

    def _current(self, layer: str, sentence_id: str, who: str) -> State | None:
        return self.gold.get(sentence_id) if layer == "gold" else self.judgments.get(sentence_id, who)

    def change(self, layer: str, sentence_id: str, who: str, action: str, after: State | None = None, *,
               compute: Callable[[State | None], State | None] | None = None, expect: State | None | object = ANY,
               write: Write = Write()) -> tuple[State | None, State | None]:
        """Set a judgment and log it in ``events``, in one committed transaction. Returns (before, after).

        ``compute`` derives the new state from the row as it is inside the transaction (so no update
        is ever lost); ``after`` is a fixed new state instead. ``expect`` is the state the caller
        showed: if the row differs (another window or reviewer changed it), nothing is written and
        JudgmentChanged carries the current row. ``write``: how it is written (the taxonomy, working
        time, suggestions shown, and the taxonomy checks; see ``records.Write``)."""
        at = now()
        with self.transaction():
            self._check_taxonomy(write.allowed_taxonomies, write.record)
            before = self._current(layer, sentence_id, who)
            if expect is not ANY and _seen(before) != _seen(expect):
                raise JudgmentChanged(
                    "this sentence was changed elsewhere (another window or reviewer) since it was shown: "
                    "showing its current state, nothing was overwritten", before)
            if compute is not None:
                after = compute(before)
            self._write_state(layer, sentence_id, who, after, write, at)
            self.events.log(at, who, layer, sentence_id, action, before, after)
        return before, after

    def _check_taxonomy(self, allowed: frozenset[str] | None, record: TaxonomyRecord | None) -> None:
        """Inside a write: refuse when the database moved to a taxonomy the caller does not know."""
        current = self.conn.execute("SELECT value FROM meta WHERE key = 'taxonomy'").fetchone()
        current = current[0] if current else None
        if allowed is not None and current is not None and current not in allowed:
            info = self.taxonomy_info(current) or {}
            raise TaxonomyMoved(f"{self.path} moved to another taxonomy ({info.get('name', '?')} "
                                f"{info.get('version', '')}, e.g. by `taxonomy migrate`) since this screen opened; "
                                "nothing was saved: quit and reopen to continue")
        if record is not None and current != record.hash:
            self.record_taxonomy_once(record)

    def undo(self, layer: str, who: str, **checks) -> tuple[str, State | None, State | None] | None:
        """Undo this person's latest edit in a layer; returns (sentence id, state before, restored state)."""
        return self._undo_redo(layer, who, redo=False, **checks)

    def redo(self, layer: str, who: str, **checks) -> tuple[str, State | None, State | None] | None:
        return self._undo_redo(layer, who, redo=True, **checks)

    def _undo_redo(self, layer: str, who: str, redo: bool, allowed_taxonomies: frozenset[str] | None = None,
                   known_tags: frozenset[str] | None = None) -> tuple[str, State | None, State | None] | None:
        """The restored state is checked against the row inside the transaction: if the row is no longer
        what that edit left (changed elsewhere since), or the state uses tags the taxonomy lacks, the
        edit is set aside (no longer undoable), nothing else changes, and JudgmentChanged says why."""
        at = now()
        refused = None
        with self.transaction():
            self._check_taxonomy(allowed_taxonomies, None)
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
            left = State.from_json(before_raw if redo else after_raw)
            current = self._current(layer, sid, who)
            if _seen(current) != _seen(left):
                refused = "that sentence was changed elsewhere since (another window, reviewer or merge)"
            elif known_tags is not None and target is not None and not set(target.labels) <= known_tags:
                refused = "it would restore tags this taxonomy lacks"
            if refused:
                self.conn.execute("UPDATE events SET undo_state = 2 WHERE id = ?", (ev_id,))
            else:
                self._write_state(layer, sid, who, target, Write(), at)
                cur = self.conn.execute(
                    "INSERT INTO events(at, annotator, layer, sentence_id, action, before, after, undo_state, ref)"
                    " VALUES (?,?,?,?,?,?,?,-1,?)",
                    (at, who, layer, sid, "redo" if redo else "undo", current.to_json() if current else None,
                     target.to_json() if target else None, ev_id),
                )
                if redo:
                    self.conn.execute("UPDATE events SET undo_state = 0, undo_seq = NULL WHERE id = ?", (ev_id,))
                else:
                    self.conn.execute("UPDATE events SET undo_state = 1, undo_seq = ? WHERE id = ?",
                                      (cur.lastrowid, ev_id))
        if refused:
            raise JudgmentChanged(f"not {'redone' if redo else 'undone'}: {refused}; that edit is set aside",
                                  current)
        return sid, current, target

    def untimed_done(self) -> dict[str, int]:
        """Per annotator, done judgments with no tagging event here (merged from an export, imported):
        their working time is unknown."""
        return dict(self.conn.execute(
            "SELECT a.annotator, count(*) FROM annotations a WHERE a.status = 'done' AND NOT EXISTS"
            " (SELECT 1 FROM events e WHERE e.sentence_id = a.sentence_id AND e.annotator = a.annotator"
            f"  AND e.layer = 'annotation' AND e.action NOT IN ({_BOOKKEEPING_SQL})) GROUP BY a.annotator"))

    def count_status(self, annotator: str, status: str = "done") -> int:
        return self.conn.execute(
            "SELECT count(*) FROM annotations WHERE annotator = ? AND status = ?", (annotator, status)
        ).fetchone()[0]

    def count_status_in_doc(self, annotator: str, doc_id: str, status: str = "done") -> int:
        return self.conn.execute(
            "SELECT count(*) FROM documents d JOIN sentences s ON s.n BETWEEN d.first_n AND d.last_n"
            " JOIN annotations a ON a.sentence_id = s.id AND a.annotator = ?"
            " WHERE d.id = ? AND a.status = ?", (annotator, doc_id, status)).fetchone()[0]

    def done_tag_sets(self, annotators: list[str] | None = None, sample: set[str] | None = None
                      ) -> tuple[dict[str, dict[str, frozenset]], Counter, set[str]]:
        """Each sentence unit's done tag sets by annotator (corpus order; each distinct stored set parsed
        once), the count of the other judgments by status, and the items left out by ``sample``.
        The one place that answers "who chose what" for agreement, review and statistics."""
        by_item: dict[str, dict[str, frozenset]] = {}
        other: Counter = Counter()
        outside: set[str] = set()
        wanted = set(annotators) if annotators else None
        parsed: dict[str, frozenset] = {}
        for sid, who, labels, status in self.judgments.on_sentences():
            if wanted is not None and who not in wanted:
                continue
            if sample is not None and sid not in sample:
                outside.add(sid)
                continue
            if status != "done":
                other[status] += 1
                continue
            tags = parsed.get(labels)
            if tags is None:
                tags = parsed[labels] = frozenset(json.loads(labels))
            by_item.setdefault(sid, {})[who] = tags
        return by_item, other, outside

    def item_judgments(self, sentence_id: str) -> dict[str, State]:
        return self.judgments.for_item(sentence_id)

    def gold_items(self) -> dict[str, State]:
        return self.gold.all()

    # Stale gold: adjudicated (done) gold whose judgments changed after it was settled. A change is an
    # annotation-layer event on the sentence that changed a judgment's labels or status (or created or
    # removed it), logged after the gold event that settled the gold as it stands: the latest gold
    # event, undo and redo aside, that left these labels with this status (so undoing a
    # re-adjudication back to the old gold makes it stale again). Event ids order what happened in this
    # database without trusting clocks, and a merge logs a change when it arrives, so a judgment edited
    # in another copy before the adjudication but merged after it counts; a merely re-confirmed
    # judgment does not. (Gold no event accounts for compares times instead.)
    _STALE_EVENT = (
        "e.sentence_id = g.sentence_id AND e.layer = 'annotation'"
        " AND coalesce(e.id > (SELECT max(x.id) FROM events x WHERE x.sentence_id = g.sentence_id"
        " AND x.layer = 'gold' AND x.action NOT IN ('undo', 'redo')"
        " AND json_extract(x.after, '$.status') = g.status AND json_extract(x.after, '$.labels') = json(g.labels)),"
        " julianday(e.at) > julianday(g.updated_at))"
        " AND (e.before IS NULL OR e.after IS NULL"
        " OR json_extract(e.before, '$.labels') IS NOT json_extract(e.after, '$.labels')"
        " OR json_extract(e.before, '$.status') IS NOT json_extract(e.after, '$.status'))")
    _ADJUDICATED = "g.status = 'done' AND g.updated_at IS NOT NULL"

    def stale_gold(self) -> list[str]:
        """Sentence ids (corpus order) of adjudicated gold whose judgments changed after adjudication."""
        return [r[0] for r in self.conn.execute(
            f"SELECT g.sentence_id FROM gold g WHERE {self._ADJUDICATED}"
            f" AND EXISTS (SELECT 1 FROM events e WHERE {self._STALE_EVENT}) ORDER BY g.sentence_n")]

    def stale_gold_annotators(self, sentence_id: str) -> list[str]:
        """Who changed a judgment on this sentence after its gold was adjudicated ([] when not stale)."""
        return [r[0] for r in self.conn.execute(
            f"SELECT DISTINCT e.annotator FROM gold g JOIN events e ON {self._STALE_EVENT}"
            f" WHERE g.sentence_id = ? AND {self._ADJUDICATED} ORDER BY e.annotator", (sentence_id,))]

    def export_rows(self, kind: str | None = "sentence") -> Iterator["ExportRow"]:
        """Units in corpus order joined with their judgments (one row per judgment, annotators in order)
        and gold, as ``ExportRow``s. Units without judgments have None judgment fields."""
        where = "WHERE s.kind = ?" if kind else ""
        return map(ExportRow._make, self.conn.execute(
            "SELECT s.n, s.id, s.doc_id, s.idx, s.kind, s.text, s.section,"
            f" {records.columns(records.NAMES[1:], 'a')}, g.adjudicator, {records.columns(records.GOLD_VALUES, 'g')}"
            " FROM sentences s LEFT JOIN annotations a ON a.sentence_id = s.id"
            f" LEFT JOIN gold g ON g.sentence_id = s.id {where} ORDER BY s.n", (kind,) if kind else ()))

    def annotators(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT DISTINCT annotator FROM annotations ORDER BY annotator")]

    def training_state(self) -> tuple[int, int]:
        """What a model trained on ``training_examples`` depends on: (id of the last event, number of done
        judgments and gold). Every change of a judgment writes an event, so the first grows with each."""
        last = self.conn.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0]
        done = self.conn.execute("SELECT (SELECT count(*) FROM annotations WHERE status = 'done')"
                                 " + (SELECT count(*) FROM gold WHERE status = 'done')").fetchone()[0]
        return last, done

    def training_examples(self) -> list[tuple[str, list[str]]]:
        """(sentence text, labels) of every done judgment, and of done gold in place of judgments it settles."""
        return [(text, json.loads(labels)) for text, labels in self.conn.execute(_TRAINING.format("s.text"))]

    def training_labels(self, chunk: int = 20_000) -> Iterator[list[tuple[int, str]]]:
        """``training_examples`` without the texts, in chunks: (sentence number, labels as stored JSON).
        A model learns from a sample and reads only its texts (``CorpusMixin.texts_at``)."""
        cur = self.conn.execute(_TRAINING.format("s.n"))
        while rows := cur.fetchmany(chunk):
            yield rows
        self.conn.execute("PRAGMA shrink_memory")  # the scan's pages are not read again: their cache goes

    def status_counts(self) -> list[tuple[str, str, int]]:
        return self.conn.execute(
            "SELECT annotator, status, count(*) FROM annotations GROUP BY annotator, status ORDER BY annotator").fetchall()

    def doc_judgment_counts(self) -> list[dict]:
        """Per document: sentences, sentences with a done judgment, done judgments, sentences with gold."""
        cur = self.conn.execute(
            "SELECT d.id, d.title, d.n_sentences,"
            " (SELECT count(DISTINCT a.sentence_n) FROM annotations a WHERE a.sentence_n BETWEEN d.first_n AND d.last_n"
            "   AND a.status = 'done'),"
            " (SELECT count(*) FROM annotations a WHERE a.sentence_n BETWEEN d.first_n AND d.last_n AND a.status = 'done'),"
            " (SELECT count(*) FROM gold g WHERE g.sentence_n BETWEEN d.first_n AND d.last_n AND g.status = 'done')"
            " FROM documents d ORDER BY d.rowid")
        return [dict(zip(("id", "title", "n_sentences", "annotated", "judgments", "gold"), r)) for r in cur]

    def event_times(self) -> Iterable[tuple[str, str, str]]:
        """(annotator, time, action) of every tagging event (bookkeeping left out), per annotator in time
        order (events merged from another database sit among the ones made here by their times)."""
        return self.conn.execute(
            "SELECT annotator, at, action FROM events WHERE layer = 'annotation'"
            f" AND action NOT IN ({_BOOKKEEPING_SQL}) ORDER BY annotator, at, id")

    def confirms_per_day(self) -> list[tuple[str, str, int]]:
        """(annotator, UTC day YYYY-MM-DD, confirmed sentences) from the event log, by annotator and day."""
        return self.conn.execute(
            "SELECT annotator, substr(at, 1, 10), count(*) FROM events WHERE layer = 'annotation'"
            " AND action = 'confirm' GROUP BY annotator, substr(at, 1, 10) ORDER BY 1, 2").fetchall()

    # The resume frontier: meta 'frontier:<annotator>' = n such that every sentence unit up to n is
    # finished by that annotator. Resuming starts its search there instead of walking all finished
    # work; any write that leaves a sentence at or below it unfinished pulls it back first.
    def pull_frontier(self, who: str, n: int | None) -> None:
        if n is not None:
            self.conn.execute("UPDATE meta SET value = ? WHERE key = ? AND CAST(value AS INTEGER) >= ?",
                              (str(n - 1), f"frontier:{who}", n))

    def resume_point(self, who: str):
        """The first sentence unit this annotator has not finished (None when all are)."""
        if self.read_only:  # nothing can be remembered: search from the recorded hint
            row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (f"frontier:{who}",)).fetchone()
            return self.next_in_queue(who, "todo", int(row[0]) if row else 0)
        try:
            with self.transaction():
                row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (f"frontier:{who}",)).fetchone()
                start = int(row[0]) if row else 0
                s = self.next_in_queue(who, "todo", start)
                last = s.n - 1 if s is not None else self.conn.execute(
                    "SELECT coalesce(max(n), 0) FROM sentences").fetchone()[0]
                self.conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
                                  (f"frontier:{who}", str(last)))
        except StoreBusy:  # another process is writing: the hint is only a speed-up, find the point without it
            row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (f"frontier:{who}",)).fetchone()
            return self.next_in_queue(who, "todo", int(row[0]) if row else 0)
        return s

