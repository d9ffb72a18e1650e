"""One annotator's tagging session: position, queue, judgments, undo — no UI.

Every method that changes a judgment writes it through the store at once. Nothing on the
keypress path scans the corpus: moves walk indexes from the current position and the
progress counters are kept up to date from each change's before/after states.
"""

from __future__ import annotations

import time
from dataclasses import replace

from annotator.core.errors import AnnotatorError, JudgmentChanged
from annotator.store import EMPTY, Sentence, State, Store, TaxonomyRecord, Write
from annotator.core.taxonomy import Taxonomy

from annotator.core.model import IDLE_SECONDS as IDLE_CAP  # time spent on a sentence stops counting after this
from annotator.core.model import TAG_QUEUES as QUEUES


class TaggingSession:
    def __init__(self, store: Store, taxonomy: Taxonomy, annotator: str, queue: str = "todo"):
        if queue not in QUEUES:
            raise ValueError(f"unknown queue '{queue}' (choose from {', '.join(QUEUES)})")
        self.store = store
        self.taxonomy = taxonomy
        self.annotator = annotator
        self.queue = queue
        self.current: Sentence | None = None
        self.state: State = EMPTY
        self.doc_title = ""
        self.total = store.count_units("sentence")
        self.done_total = store.count_status(annotator, "done")
        self.doc_total = 0
        self.done_doc = 0
        self._doc_id: str | None = None
        # The taxonomies this session may write under: the database's when it opened, and its own.
        self._taxonomies = frozenset(x for x in (store.get_meta("taxonomy"), taxonomy.hash) if x)
        self._record = TaxonomyRecord(taxonomy.name, taxonomy.version, taxonomy.hash, taxonomy.path, taxonomy.source)
        self._mark = time.monotonic()
        self.queue_empty = False
        # the sentence shown when the queue finished (then nothing is live): ↑ / PgUp / Home go back to it
        self.last: Sentence | None = None
        self.priority: list[int] = []  # sentence n's to visit first (uncertainty order): see visit_first
        # this annotator's share of the assignment plan: counts for the status line, and whether the
        # sentence shown is assigned to them (None: not assigned; True: in the overlap sample)
        self.plan = store.assignment_counts(annotator) if store.has_assignment(annotator) else None
        self.assigned_here: bool | None = None
        if queue == "assigned" and self.plan is None:
            raise AnnotatorError(f"nothing is assigned to {annotator}: see `annotator progress`, or tag "
                                 "with --queue todo")

    @property
    def finished(self) -> bool:
        """The queue ran out under this screen: no sentence is live, so no key can write."""
        return self.current is None and self.last is not None

    def _finish(self) -> None:
        """Nothing left in the queue: the screen shows that and no live sentence; moving back revives one."""
        if self.current is not None:
            self.last = self.current
        self.current = None
        self.state = EMPTY
        self.queue_empty = True
        if self.queue == "assigned":  # a re-plan may have ended the assignment: the status line shows the plan now
            has = self.store.has_assignment(self.annotator)
            self.plan = self.store.assignment_counts(self.annotator) if has else None
            self.assigned_here = None

    # ------------------------------------------------------------ positioning
    def start(self, doc_ref: str | None = None) -> Sentence | None:
        """Resume at the first sentence this annotator has not finished (in a document if given)."""
        if doc_ref:
            doc = self.store.find_document(doc_ref)
            if doc is None:
                raise LookupError(f"no document matches '{doc_ref}'")
            return self.goto_document(doc["id"])
        if self.queue == "todo":
            s = self.store.resume_point(self.annotator)
        elif self.queue == "assigned":
            s = self._next_assigned()
        else:
            s = self.store.next_in_queue(self.annotator, self.queue, 0)
        self.queue_empty = s is None
        if s is None:  # an empty queue shows no sentence, so nothing can be tagged by mistake
            self.current = None
            self.state = EMPTY
            return None
        self._show(s)
        return s

    def goto_document(self, doc_id: str) -> Sentence | None:
        bounds = self.store.doc_sentence_bounds(doc_id)
        if bounds is None:
            return None
        queue = "todo" if self.queue == "assigned" else self.queue  # the first unfinished one in the document
        s = self.store.next_in_queue(self.annotator, queue, bounds[0] - 1)
        if s is None or s.doc_id != doc_id:
            s = self.store.sentence_at(bounds[0])
        self._show(s)
        return s

    def goto(self, sentence: Sentence) -> None:
        if sentence.kind != "sentence":  # a heading or caption hit: show the next sentence after it
            nxt = self.store.next_in_queue(self.annotator, "all", sentence.n)
            sentence = nxt or sentence
        self._show(sentence)

    def move(self, delta: int) -> bool:
        """Next/previous sentence unit in corpus order (any status). From a finished queue, back shows
        the sentence it finished on."""
        if not self.current:
            if delta < 0 and self.last is not None:
                self._show(self.last)
                return True
            return False
        s = self.current
        for _ in range(abs(delta)):
            s = self.store.next_in_queue(self.annotator, "all", s.n, backwards=delta < 0) or s
        if s is not self.current:
            self._show(s)
        return s is not None

    def queue_step(self, backwards: bool = False) -> bool:
        """Next/previous sentence in the current queue, without confirming. From a finished queue, back
        shows the queue's last sentence (or the one it finished on, when the queue holds none now)."""
        if not self.current:
            if not backwards or self.last is None:
                return False
            s = None
            if self.queue != "assigned":
                s = self.store.next_in_queue(self.annotator, self.queue, self.last.n + 1, backwards=True)
            self._show(s or self.last)
            return True
        if self.queue == "assigned":
            s = self._next_assigned(backwards)
        else:
            s = self.store.next_in_queue(self.annotator, self.queue, self.current.n, backwards)
        if s:
            self._show(s)
        return s is not None

    def _next_assigned(self, backwards: bool = False) -> Sentence | None:
        """The assigned queue: the overlap sample first, then the rest, each in corpus order, skipping what
        this annotator finished; forward it wraps to earlier unfinished ones before saying finished."""
        cur, here, who = self.current, self.assigned_here, self.annotator
        if backwards:
            if cur is None or here is None:
                return None
            s = self.store.next_assigned(who, cur.n, here, backwards=True)
            if s is None and here is False:  # from the first of the rest back to the last of the sample
                s = self.store.next_assigned(who, 1 << 62, True, backwards=True)
            return s
        order = [(here, cur.n)] if cur is not None and here is not None else []
        for overlap, after in order + [(True, 0), (False, 0)]:
            s = self.store.next_assigned(who, after, overlap)
            if s is not None and cur is not None and s.n == cur.n:
                s = self.store.next_assigned(who, cur.n, overlap)
            if s is not None:
                return s
        return None

    def doc_edge(self, last: bool) -> None:
        here = self.current or self.last  # from a finished queue: the edges of the document it ended in
        if here is None:
            return
        bounds = self.store.doc_sentence_bounds(here.doc_id)
        if bounds:
            self._show(self.store.sentence_at(bounds[1] if last else bounds[0]))

    def set_queue(self, queue: str) -> None:
        if queue not in QUEUES:
            raise ValueError(f"unknown queue '{queue}'")
        if queue == "assigned" and self.plan is None:
            raise AnnotatorError(f"nothing is assigned to {self.annotator} (see `annotator assign`)")
        self.queue = queue
        previous = self.current or self.last
        if queue == "assigned":
            self.current, self.assigned_here = None, None  # start from the overlap sample
            s = self._next_assigned()
        else:
            s = self.store.next_in_queue(self.annotator, queue, 0)
        self.queue_empty = s is None
        if s:
            self._show(s)
        else:  # an empty queue: no sentence to tag (↑ still goes back to the one shown before)
            self.current, self.state, self.last = None, EMPTY, previous

    def _show(self, s: Sentence | None) -> None:
        if s is None:
            return
        self.current = s
        self.state = self.store.judgments.get(s.id, self.annotator) or EMPTY
        if self.plan is not None:
            self.assigned_here = self.store.assignment(s.n, self.annotator)
        if s.doc_id != self._doc_id:
            doc = self.store.document(s.doc_id)
            self._doc_id = s.doc_id
            self.doc_title = doc["title"] if doc else s.doc_id
            self.doc_total = doc["n_sentences"] if doc else 0
            self.done_doc = self.store.count_status_in_doc(self.annotator, s.doc_id)
        self._mark = time.monotonic()

    # ------------------------------------------------------------ judgments
    def _write(self, action: str, change, shown: bool = False) -> State:
        """Write one judgment: ``change`` maps the row as it is inside the write transaction to the new
        state. The row must still be what this screen shows (else JudgmentChanged, nothing written),
        and the database must still use this session's taxonomy (else TaxonomyMoved)."""
        if self.current is None:
            raise AnnotatorError("no sentence to tag here")
        spent = min(time.monotonic() - self._mark, IDLE_CAP)
        try:
            before, after = self.store.change(
                "annotation", self.current.id, self.annotator, action, compute=lambda row: change(row or EMPTY),
                expect=self.state, write=Write(self.taxonomy.hash, spent, shown, self._record, self._taxonomies))
        except JudgmentChanged as exc:
            self._adopt(exc.current)
            raise
        self._mark = time.monotonic()
        self._count(before, after, self.current.doc_id)
        self.state = after
        return after

    def _adopt(self, current: State | None) -> None:
        """Show the row as it is now (it changed elsewhere); the counters follow it."""
        self._count(self.state if self.state != EMPTY else None, current, self.current.doc_id)
        self.state = current or EMPTY

    def _count(self, before: State | None, after: State | None, doc_id: str) -> None:
        delta = int(bool(after and after.status == "done")) - int(bool(before and before.status == "done"))
        self.done_total += delta
        if doc_id == self._doc_id:
            self.done_doc += delta
        if self.plan is not None and self.assigned_here is not None:
            self.plan["done"] += delta
            self.plan["sample_done"] += delta if self.assigned_here else 0

    # Every write says whether suggestions were on screen when it was made (``shown``): the judgment
    # records it, so agreement can tell suggested rounds from independent ones.
    def toggle(self, tag_id: str, shown: bool = False) -> State:
        return self._write(f"toggle:{tag_id}",
                           lambda row: replace(row, labels=tuple(self.taxonomy.toggle(row.labels, tag_id))), shown)

    def set_labels(self, labels: list[str], action: str = "set", shown: bool = False) -> State:
        return self._write(action, lambda row: replace(row, labels=tuple(sorted(set(labels)))), shown)

    def accept(self, tag_ids: list[str]) -> State:
        """Add suggested tags (one explicit action); a single-choice facet keeps the first offered."""
        def add(row: State) -> State:
            labels = list(row.labels)
            for tag_id in tag_ids:
                if tag_id in labels or tag_id not in self.taxonomy.tags:
                    continue
                facet = self.taxonomy.facet_by_id[self.taxonomy.tags[tag_id].facet]
                if not facet.multiple and any(self.taxonomy.tags[x].facet == facet.id for x in labels):
                    continue
                labels = self.taxonomy.toggle(labels, tag_id)
            return replace(row, labels=tuple(labels))

        return self._write("accept-suggestions", add, True)  # accepting suggestions: they were shown

    def confirm(self, shown: bool = False) -> bool:
        """Mark done (an empty label set means 'none of these') and go to the next in the queue."""
        self._write("confirm", lambda row: replace(row, status="done"), shown)
        return self.advance()

    def visit_first(self, order: list[int]) -> None:
        """Visit these sentence n's first, in this order (--order uncertain: the model's least certain);
        the ones already judged are passed over when their turn comes."""
        self.priority = list(order)

    def advance(self) -> bool:
        while self.priority:  # --order uncertain: the model's least certain sentences first
            s = self.store.sentence_at(self.priority.pop(0))
            state = self.store.judgments.get(s.id, self.annotator) if s else None
            if s is not None and (state is None or state.status == "draft"):
                self._show(s)
                return True
        if self.current is None:
            return False
        if self.queue == "assigned":  # (the plan as it is now: a re-plan may have ended the assignment)
            s = self._next_assigned()
        else:
            s = self.store.next_in_queue(self.annotator, self.queue, self.current.n)
            if s is None and self.queue == "todo":  # wrap to earlier unfinished sentences before saying finished
                s = self.store.next_in_queue(self.annotator, self.queue, 0)
                if s is not None and s.n == self.current.n and self.state.status != "draft":
                    s = None
        if s is None:
            self._finish()
            return False
        self.queue_empty = False
        self._show(s)
        return True

    def toggle_flag(self, shown: bool = False) -> State:
        flag = self.state.status != "flagged"
        return self._write("flag" if flag else "unflag",
                           lambda row: replace(row, status="flagged" if flag else "draft"), shown)

    def skip(self, shown: bool = False) -> bool:
        self._write("skip", lambda row: replace(row, status="skipped"), shown)
        return self.advance()

    def set_note(self, note: str, shown: bool = False) -> State:
        return self._write("note", lambda row: replace(row, note=note), shown)

    def undo(self) -> bool:
        return self._undo_redo(redo=False)

    def redo(self) -> bool:
        return self._undo_redo(redo=True)

    def _undo_redo(self, redo: bool) -> bool:
        try:
            result = (self.store.redo if redo else self.store.undo)(
                "annotation", self.annotator, allowed_taxonomies=self._taxonomies,
                known_tags=frozenset(self.taxonomy.tags))
        except JudgmentChanged:
            if self.current is not None:  # whatever happened elsewhere, show this sentence as it is now
                self._adopt(self.store.judgments.get(self.current.id, self.annotator))
            raise
        if result is None:
            return False
        sid, previous, restored = result
        target = self.store.sentence(sid)
        same_doc = target.doc_id == self._doc_id
        delta = int(bool(restored and restored.status == "done")) - int(bool(previous and previous.status == "done"))
        self.done_total += delta
        if same_doc:
            self.done_doc += delta
        here = self.store.assignment(target.n, self.annotator) if self.plan is not None else None
        if here is not None:
            self.plan["done"] += delta
            self.plan["sample_done"] += delta if here else 0
        if not self.current or sid != self.current.id:
            self._show(target)  # a new document recounts its progress from the database
        self.state = restored or EMPTY
        return True

    # ------------------------------------------------------------ reading
    @property
    def position(self) -> int:
        return self.current.qpos if self.current else 0
