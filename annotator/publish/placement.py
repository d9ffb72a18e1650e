"""Where a judgment from elsewhere belongs: on the unit whose text is the text it was given to.

A stable sentence id is '<document id>-<index>', and the document id is a hash of the document's
text, so the same report has the same document id everywhere. The index is not stable: another
segmenter (another release) may cut the same text into other units. So an id alone never places a
judgment. ``Placer.place`` compares texts:

- as-is: the unit with that id has exactly the given text (and is a sentence);
- re-placed: the id's unit has another text (or the id is unknown), and exactly one unit of the same
  document has exactly that text — the judgment goes there;
- not placed: no unit, or several units, of the document have that text; the document is not here;
  the text is now a heading, caption or meta unit. The caller keeps such judgments (an unplaced file).

A record without text (hand-made files) is placed by id only when this database's document was
segmented by the current segmenter version (then the id means what it meant when it was exported by
this release); otherwise it is not placed.

Reusable: ``place(store, records)`` for any records with ``sentence_id`` and ``text``.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from annotator.ingest.segmenter import SEGMENTER_VERSION
from annotator.store import Store

AS_IS, REPLACED, BY_ID, UNPLACED = "as-is", "re-placed", "by id", "unplaced"
CACHED_DOCUMENTS = 64  # documents whose units are held while placing (records come grouped by document)


@dataclass(frozen=True)
class Placement:
    how: str  # AS_IS, REPLACED, BY_ID or UNPLACED
    sentence_id: str | None  # where the judgment lands (None when not placed)
    reason: str = ""  # why not placed, or why re-placed


class _Doc:
    """One document's units, by index and by text."""

    def __init__(self, units: Iterable, segmenter: int | None):
        self.by_idx: dict[int, tuple[str, str, str]] = {}
        self.by_text: dict[str, list[tuple[str, str]]] = {}
        for u in units:
            self.by_idx[u.idx] = (u.id, u.kind, u.text)
            self.by_text.setdefault(u.text, []).append((u.id, u.kind))
        self.segmenter = segmenter


class Placer:
    """Places judgments on a database's units by their text (see the module's doc).

    ``extra(doc_id)``: units of documents about to be added with the same judgments (a database
    source's documents this database lacks), or None."""

    def __init__(self, store: Store, extra: Callable[[str], list | None] | None = None):
        self.store, self.extra = store, extra
        self._docs: OrderedDict[str, _Doc | None] = OrderedDict()

    def _doc(self, doc_id: str) -> _Doc | None:
        if doc_id in self._docs:
            self._docs.move_to_end(doc_id)
            return self._docs[doc_id]
        doc = None
        seg = self.store.segmenter_of(doc_id)
        if seg is not None or self.store.has_document(doc_id):
            doc = _Doc(self.store.units(doc_id), seg)
        elif self.extra is not None:
            units = self.extra(doc_id)
            doc = _Doc(units, SEGMENTER_VERSION) if units is not None else None
        self._docs[doc_id] = doc
        if len(self._docs) > CACHED_DOCUMENTS:
            self._docs.popitem(last=False)
        return doc

    def place(self, sentence_id: str, text: str | None) -> Placement:
        doc_id, _, idx_s = sentence_id.rpartition("-") if isinstance(sentence_id, str) else ("", "", "")
        if not doc_id or not idx_s.isdigit():
            return Placement(UNPLACED, None, f"{sentence_id!r} is not a sentence id (<document id>-<index>)")
        doc = self._doc(doc_id)
        if doc is None:
            return Placement(UNPLACED, None, f"document {doc_id} is not in this database (import the report, "
                                             "then merge this file again)")
        here = doc.by_idx.get(int(idx_s))
        if text is None:
            if doc.segmenter != SEGMENTER_VERSION:
                return Placement(UNPLACED, None, "the record has no text to check its sentence by, and this "
                                                 f"database's document was segmented by segmenter version "
                                                 f"{doc.segmenter}, not {SEGMENTER_VERSION}")
            if here is None:
                return Placement(UNPLACED, None, f"no unit {sentence_id} in this database, and no text to find it by")
            if here[1] != "sentence":
                return Placement(UNPLACED, None, f"{sentence_id} is a {here[1]} here, not a sentence")
            return Placement(BY_ID, sentence_id, "no text in the record: placed by id")
        if here is not None and here[2] == text:
            if here[1] != "sentence":
                return Placement(UNPLACED, None, f"its text is a {here[1]} here, not a sentence")
            return Placement(AS_IS, sentence_id)
        found = doc.by_text.get(text, [])
        if len(found) == 1:
            uid, kind = found[0]
            if kind != "sentence":
                return Placement(UNPLACED, None, f"its text is a {kind} here ({uid}), not a sentence")
            return Placement(REPLACED, uid, f"{sentence_id} has another text here")
        if not found:
            return Placement(UNPLACED, None, f"no unit of document {doc_id} has exactly its text here "
                                             "(the report was segmented differently)")
        return Placement(UNPLACED, None, f"{len(found)} units of document {doc_id} have exactly its text: "
                                         "which one it was given to is unknown")


def place(store: Store, records: Iterable[dict]) -> Iterator[tuple[dict, Placement]]:
    """Each record (with ``sentence_id`` and ``text``, None when unknown) with where it belongs here."""
    placer = Placer(store)
    for rec in records:
        yield rec, placer.place(rec["sentence_id"], rec.get("text"))
