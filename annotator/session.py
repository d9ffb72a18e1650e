"""One annotator's tagging session: position, queue, judgments, undo — no UI.

Every method that changes a judgment writes it through the store at once. Nothing on the
keypress path scans the corpus: moves walk indexes from the current position and the
progress counters are kept up to date from each change's before/after states.
"""

from __future__ import annotations

import time
from dataclasses import replace

from annotator.store import EMPTY, Sentence, State, Store
from annotator.taxonomy import Taxonomy

QUEUES = ("todo", "all", "flagged", "skipped", "done")
IDLE_CAP = 300.0  # seconds: time spent on a sentence stops counting after this


class TaggingSession:
    def __init__(self, store: Store, taxonomy: Taxonomy, annotator: str, queue: str = "todo",
                 suggestions_shown: bool = False):
        if queue not in QUEUES:
            raise ValueError(f"unknown queue '{queue}' (choose from {', '.join(QUEUES)})")
        self.store = store
        self.taxonomy = taxonomy
        self.annotator = annotator
        self.queue = queue
        self.suggestions_shown = suggestions_shown
        self.current: Sentence | None = None
        self.state: State = EMPTY
        self.before: list[Sentence] = []
        self.after: list[Sentence] = []
        self.doc_title = ""
        self.total = store.count_units("sentence")
        self.done_total = store.count_status(annotator, "done")
        self.doc_total = 0
        self.done_doc = 0
        self._doc_id: str | None = None
        self._recorded = False
        self._mark = time.monotonic()
        self.queue_empty = False
        self.priority: list[int] = []  # sentence n's to visit first (uncertainty order), filled by the app

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
        else:
            s = self.store.next_in_queue(self.annotator, self.queue, 0)
        self.queue_empty = s is None
        if s is None:  # an empty queue shows no sentence, so nothing can be tagged by mistake
            self.current = None
            self.before, self.after, self.state = [], [], EMPTY
            return None
        self._show(s)
        return s

    def goto_document(self, doc_id: str) -> Sentence | None:
        bounds = self.store.doc_sentence_bounds(doc_id)
        if bounds is None:
            return None
        s = self.store.next_in_queue(self.annotator, self.queue, bounds[0] - 1)
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
        """Next/previous sentence unit in corpus order (any status)."""
        if not self.current:
            return False
        s = self.current
        for _ in range(abs(delta)):
            s = self.store.next_in_queue(self.annotator, "all", s.n, backwards=delta < 0) or s
        if s is not self.current:
            self._show(s)
        return s is not None

    def queue_step(self, backwards: bool = False) -> bool:
        """Next/previous sentence in the current queue, without confirming."""
        if not self.current:
            return False
        s = self.store.next_in_queue(self.annotator, self.queue, self.current.n, backwards)
        if s:
            self._show(s)
        return s is not None

    def doc_edge(self, last: bool) -> None:
        if not self.current:
            return
        bounds = self.store.doc_sentence_bounds(self.current.doc_id)
        if bounds:
            self._show(self.store.sentence_at(bounds[1] if last else bounds[0]))

    def set_queue(self, queue: str) -> None:
        if queue not in QUEUES:
            raise ValueError(f"unknown queue '{queue}'")
        self.queue = queue
        s = self.store.next_in_queue(self.annotator, queue, 0)
        self.queue_empty = s is None
        if s:
            self._show(s)
        else:  # an empty queue: no sentence to tag
            self.current = None
            self.before, self.after, self.state = [], [], EMPTY

    def _show(self, s: Sentence | None) -> None:
        if s is None:
            return
        self.current = s
        self.before, self.after = self.store.context(s)
        self.state = self.store.annotation(s.id, self.annotator) or EMPTY
        if s.doc_id != self._doc_id:
            doc = self.store.document(s.doc_id)
            self._doc_id = s.doc_id
            self.doc_title = doc["title"] if doc else s.doc_id
            self.doc_total = doc["n_sentences"] if doc else 0
            self.done_doc = self.store.count_status_in_doc(self.annotator, s.doc_id)
        self._mark = time.monotonic()

    # ------------------------------------------------------------ judgments
    def _write(self, action: str, after: State) -> None:
        if self.current is None:  # an empty queue: no sentence, nothing to write
            return
        if not self._recorded:
            t = self.taxonomy
            self.store.record_taxonomy(t.name, t.version, t.hash, t.path, t.source)
            self._recorded = True
        now = time.monotonic()
        spent = min(now - self._mark, IDLE_CAP)
        self._mark = now
        before, _ = self.store.change("annotation", self.current.id, self.annotator, action, after,
                                      taxonomy=self.taxonomy.hash, seconds=spent,
                                      suggestions_shown=self.suggestions_shown)
        self._count(before, after, self.current.doc_id)
        self.state = after

    def _count(self, before: State | None, after: State | None, doc_id: str) -> None:
        delta = int(bool(after and after.status == "done")) - int(bool(before and before.status == "done"))
        self.done_total += delta
        if doc_id == self._doc_id:
            self.done_doc += delta

    def toggle(self, tag_id: str) -> State:
        labels = self.taxonomy.toggle(self.state.labels, tag_id)
        self._write(f"toggle:{tag_id}", replace(self.state, labels=tuple(labels)))
        return self.state

    def set_labels(self, labels: list[str], action: str = "set") -> State:
        self._write(action, replace(self.state, labels=tuple(sorted(set(labels)))))
        return self.state

    def accept(self, tag_ids: list[str]) -> State:
        """Add suggested tags (one explicit action); a single-choice facet keeps the first offered."""
        labels = list(self.state.labels)
        for tag_id in tag_ids:
            if tag_id in labels or tag_id not in self.taxonomy.tags:
                continue
            facet = self.taxonomy.facet_by_id[self.taxonomy.tags[tag_id].facet]
            if not facet.multiple and any(self.taxonomy.tags[x].facet == facet.id for x in labels):
                continue
            labels = self.taxonomy.toggle(labels, tag_id)
        self._write("accept-suggestions", replace(self.state, labels=tuple(labels)))
        return self.state

    def confirm(self) -> bool:
        """Mark done (an empty label set means 'none of these') and go to the next in the queue."""
        self._write("confirm", replace(self.state, status="done"))
        return self.advance()

    def advance(self) -> bool:
        while self.priority:  # --order uncertain: the model's least certain sentences first
            s = self.store.sentence_at(self.priority.pop(0))
            state = self.store.annotation(s.id, self.annotator) if s else None
            if s is not None and (state is None or state.status == "draft"):
                self._show(s)
                return True
        if self.current is None:
            return False
        s = self.store.next_in_queue(self.annotator, self.queue, self.current.n)
        if s is None and self.queue == "todo":  # wrap to earlier unfinished sentences before saying finished
            s = self.store.next_in_queue(self.annotator, self.queue, 0)
            if s is not None and s.n == self.current.n and self.state.status != "draft":
                s = None
        self.queue_empty = s is None
        if s:
            self._show(s)
        return s is not None

    def toggle_flag(self) -> State:
        status = "draft" if self.state.status == "flagged" else "flagged"
        self._write("flag" if status == "flagged" else "unflag", replace(self.state, status=status))
        return self.state

    def skip(self) -> bool:
        self._write("skip", replace(self.state, status="skipped"))
        return self.advance()

    def set_note(self, note: str) -> State:
        self._write("note", replace(self.state, note=note))
        return self.state

    def undo(self) -> bool:
        return self._undo_redo(redo=False)

    def redo(self) -> bool:
        return self._undo_redo(redo=True)

    def _undo_redo(self, redo: bool) -> bool:
        result = (self.store.redo if redo else self.store.undo)("annotation", self.annotator)
        if result is None:
            return False
        sid, previous, restored = result
        target = self.store.sentence(sid)
        same_doc = target.doc_id == self._doc_id
        delta = int(bool(restored and restored.status == "done")) - int(bool(previous and previous.status == "done"))
        self.done_total += delta
        if same_doc:
            self.done_doc += delta
        if not self.current or sid != self.current.id:
            self._show(target)  # a new document recounts its progress from the database
        self.state = restored or EMPTY
        return True

    # ------------------------------------------------------------ reading
    @property
    def position(self) -> int:
        return self.current.qpos if self.current else 0
