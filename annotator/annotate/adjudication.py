"""Adjudication: the queue of items whose done judgments differ, and the gold layer (no UI)."""

from __future__ import annotations

from dataclasses import replace

from annotator.core.errors import AnnotatorError, JudgmentChanged
from annotator.core.model import REVIEW_QUEUES as QUEUES
from annotator.store import EMPTY, Sentence, State, Store, TaxonomyRecord, Write
from annotator.core.taxonomy import Taxonomy


def disagreements(store: Store, tag: str | None = None, pair: tuple[str, str] | None = None) -> list[str]:
    """Sentence ids (corpus order) where two or more done judgments differ, optionally filtered."""
    by_item, _, _ = store.done_tag_sets()
    out = []
    for sid, j in by_item.items():
        if pair:
            if pair[0] not in j or pair[1] not in j or j[pair[0]] == j[pair[1]]:
                continue
        elif len(j) < 2 or len(set(j.values())) == 1:
            continue
        if tag and not (any(tag in s for s in j.values()) and not all(tag in s for s in j.values())):
            continue
        out.append(sid)
    return out


UNTOUCHED = State((), "draft")  # the gold an item has before anyone adjudicated it


def review_items(store: Store, queue: str = "disagreements", tag: str | None = None,
                 pair: tuple[str, str] | None = None) -> list[str]:
    """The sentence ids of a review queue (corpus order). A tag or pair filter narrows the stale queue
    to its items where the annotators differ on that tag or between that pair."""
    if queue not in QUEUES:
        raise AnnotatorError(f"unknown review queue '{queue}' (choose from: {', '.join(QUEUES)})")
    if queue == "disagreements":
        return disagreements(store, tag, pair)
    stale = store.stale_gold()
    if tag or pair:
        keep = set(disagreements(store, tag, pair))
        stale = [sid for sid in stale if sid in keep]
    return stale


class AdjudicationSession:
    def __init__(self, store: Store, taxonomy: Taxonomy, adjudicator: str, tag: str | None = None,
                 pair: tuple[str, str] | None = None, queue: str = "disagreements"):
        self.store = store
        self.taxonomy = taxonomy
        self.adjudicator = adjudicator
        self.tag = tag
        self.pair = pair
        self.queue = queue
        self.items = review_items(store, queue, tag, pair)
        self.pos = 0
        self.current: Sentence | None = None
        self.judgments: dict[str, State] = {}
        self.gold: State = EMPTY
        self.stale_by: list[str] = []  # who changed a judgment on this item since its gold was adjudicated
        self.doc_title = ""
        self.finished = False  # went past the last item: nothing is live until a move back
        self._taxonomies = frozenset(x for x in (store.get_meta("taxonomy"), taxonomy.hash) if x)
        self._record = TaxonomyRecord(taxonomy.name, taxonomy.version, taxonomy.hash, taxonomy.path, taxonomy.source)

    @property
    def annotators(self) -> list[str]:
        return sorted(self.judgments)

    def start(self) -> bool:
        """Open at the first item without saved gold (or the first item)."""
        gold = self.store.gold.all()
        for i, sid in enumerate(self.items):
            g = gold.get(sid)
            if g is None or g.status != "done":
                return self.show(i)
        return self.show(0)

    def show(self, pos: int) -> bool:
        self.finished = False
        if not self.items:
            self.current = None
            return False
        self.pos = max(0, min(pos, len(self.items) - 1))
        sid = self.items[self.pos]
        self.current = self.store.sentence(sid)
        self.judgments = self.store.judgments.for_item(sid)
        self.gold = self.store.gold.get(sid) or UNTOUCHED
        self.stale_by = self.store.stale_gold_annotators(sid)
        doc = self.store.document(self.current.doc_id)
        self.doc_title = doc["title"] if doc else ""
        return True

    def set_filter(self, tag: str | None = None, pair: tuple[str, str] | None = None) -> None:
        self.tag, self.pair = tag, pair
        self.items = review_items(self.store, self.queue, tag, pair)
        self.start()

    def set_queue(self, queue: str) -> None:
        """Switch between the disagreement queue and the stale-gold queue (the filter stays)."""
        self.items = review_items(self.store, queue, self.tag, self.pair)
        self.queue = queue
        self.start()

    def _write(self, action: str, change) -> State:
        """Write the gold judgment: ``change`` maps the gold row as it is inside the write transaction to
        the new state. If another reviewer changed it since it was shown, nothing is written and the
        current gold is shown instead (JudgmentChanged)."""
        if self.current is None:
            raise AnnotatorError("no item to adjudicate here")
        try:
            _, after = self.store.change(
                "gold", self.current.id, self.adjudicator, action, compute=lambda row: change(row or UNTOUCHED),
                expect=self.gold, write=Write(self.taxonomy.hash, record=self._record,
                                              allowed_taxonomies=self._taxonomies))
        except JudgmentChanged as exc:
            self.gold = exc.current or UNTOUCHED
            raise
        self.gold = after
        self.stale_by = self.store.stale_gold_annotators(self.current.id)
        return after

    def toggle(self, tag_id: str) -> State:
        return self._write(f"gold-toggle:{tag_id}", lambda row: replace(
            row, labels=tuple(self.taxonomy.toggle(row.labels, tag_id)), status="draft"))

    def copy_from(self, annotator: str) -> State:
        labels = tuple(sorted(self.judgments[annotator].labels))
        return self._write(f"gold-copy:{annotator}", lambda row: replace(row, labels=labels, status="draft"))

    def save(self) -> bool:
        """enter: the gold set is adjudicated; move to the next item. An empty gold set is refused here:
        "none of these" is its own explicit key (``save_none``), never what an untouched item gets."""
        if self.current is None:
            raise AnnotatorError("no item to adjudicate here")
        if not self.gold.labels:
            raise AnnotatorError("the gold set is empty: press ctrl+n to save \"none of these\", "
                                 "or - to skip this item without saving gold")
        self._write("gold-save", lambda row: replace(row, status="done"))
        return self._next_or_finish()

    def save_none(self) -> bool:
        """An explicit "none of these": gold with no tags, adjudicated; move to the next item."""
        self._write("gold-none", lambda row: replace(row, labels=(), status="done"))
        return self._next_or_finish()

    def skip(self) -> bool:
        """Go to the next item without writing gold."""
        if self.current is None:
            raise AnnotatorError("no item to skip here")
        return self._next_or_finish()

    def step(self, delta: int) -> bool:
        """Move by ``delta`` items. From a finished queue, back shows the last item again."""
        if self.current is None:
            return bool(self.finished and delta < 0 and self.items) and self.show(len(self.items) - 1)
        if not 0 <= self.pos + delta < len(self.items):
            return False
        return self.show(self.pos + delta)

    def _next_or_finish(self) -> bool:
        """After a save or a skip: the next item, or past the last one — the queue is finished and no item
        is live, so keys typed after it write nothing."""
        if self.step(1):
            return True
        self.current, self.judgments, self.gold, self.stale_by = None, {}, EMPTY, []
        self.finished = True
        return False

    def undo(self) -> bool:
        return self._undo_redo(False)

    def redo(self) -> bool:
        return self._undo_redo(True)

    def _undo_redo(self, redo: bool) -> bool:
        result = (self.store.redo if redo else self.store.undo)(
            "gold", self.adjudicator, allowed_taxonomies=self._taxonomies, known_tags=frozenset(self.taxonomy.tags))
        if result is None:
            return False
        sid, _, restored = result
        if sid in self.items:
            self.show(self.items.index(sid))
        self.gold = restored or UNTOUCHED
        if self.current is not None:
            self.stale_by = self.store.stale_gold_annotators(self.current.id)
        return True


