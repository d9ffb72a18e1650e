"""Placing another tool's records on our units by their text, never by position.

A record's text is normalised as the importer normalises a report (line ends, BOM, surrounding
space) and looked up among every unit of the corpus. Found in one unit: placed there. Found in
several: ambiguous, not placed — unless the record carries our own unit id (our exports do) and that
unit is one of them. Not found as one unit: the text is split with our segmenter; a record of several
sentences all found in one document is *re-segmented* — placed on each of them only with
``split_records`` (a paragraph's labels are not each sentence's labels, so the user decides), else
listed. A text found nowhere is missing: imported as a new document with ``import_missing``, else
listed. A text that is a heading or other non-sentence unit is listed: only sentences are judged."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from annotator.ingest.decoding import normalise
from annotator.ingest.segmenter import doc_id_for, segment_rows
from annotator.publish.foreign.records import Record
from annotator.store import Store

PLACED, RESEGMENTED, IMPORTED = "placed", "re-segmented", "imported"
MISSING, AMBIGUOUS, NOT_SENTENCE, SPLIT_NEEDED = "missing", "ambiguous", "not a sentence", "several sentences"
CONFLICTING, REFUSED = "conflicting", "refused"
NOT_PLACED = (MISSING, AMBIGUOUS, NOT_SENTENCE, SPLIT_NEEDED, CONFLICTING, REFUSED)


@dataclass
class Outcome:
    record: Record
    labels: list[str]  # tag ids
    kind: str
    units: list[str] = field(default_factory=list)  # the unit ids it is placed on
    detail: str = ""


@dataclass
class NewDocument:
    doc_id: str
    path: str
    title: str
    text: str
    units: list[tuple]  # (idx, kind, text, section, start, end)


def key_text(text: str) -> str:
    """A record's text as the importer would have stored it: normalised line ends, no BOM, stripped."""
    return normalise(text).strip()


def _pieces(text: str) -> list[tuple]:
    return segment_rows(text)[1]


def _choose(hits: list[tuple[str, str, str]], hint: str | None) -> tuple[tuple | None, str]:
    if hint is not None:
        for h in hits:
            if h[0] == hint:
                return h, ""
    if len(hits) == 1:
        return hits[0], ""
    return None, f"in {len(hits)} units ({', '.join(h[0] for h in hits[:3])}{', …' if len(hits) > 3 else ''})"


def _in_one_document(sentences: list[str], found: dict) -> tuple[list[str] | None, str, str]:
    """The units of one document holding every sentence of a split record: (unit ids, kind, detail)."""
    docs = None
    for s in sentences:
        hits = found.get(s)
        if not hits:
            return None, MISSING, f"its sentence {s[:30]!r} is in no unit"
        here = {h[1] for h in hits}
        docs = here if docs is None else docs & here
    if not docs:
        return None, MISSING, "its sentences are not in one document"
    if len(docs) > 1:
        return None, AMBIGUOUS, f"its sentences are in {len(docs)} documents"
    doc = docs.pop()
    units = []
    for s in sentences:
        in_doc = [h for h in found[s] if h[1] == doc]
        if len(in_doc) > 1:
            return None, AMBIGUOUS, f"its sentence {s[:30]!r} is in {len(in_doc)} units of document {doc}"
        if in_doc[0][2] != "sentence":
            return None, NOT_SENTENCE, f"{in_doc[0][0]} is a {in_doc[0][2]}"
        units.append(in_doc[0][0])
    return units, RESEGMENTED, f"{len(units)} sentences"


def place(store: Store, items: list[tuple[Record, list[str]]], *, source: str, split_records: bool = False,
          import_missing: bool = False) -> tuple[list[Outcome], list[NewDocument]]:
    """Where each (record, tag ids) goes, and the documents ``import_missing`` brings; nothing is written."""
    keys = [key_text(r.text) for r, _ in items]
    found = store.units_with_text(k for k in keys if k)
    pieces: dict[str, list[tuple]] = {}
    for k in keys:
        if k and k not in found and k not in pieces:
            pieces[k] = _pieces(k)
    wanted = {p[2] for ps in pieces.values() for p in ps}
    found.update(store.units_with_text(wanted - found.keys()) if wanted else {})
    outcomes: list[Outcome] = []
    new_docs: dict[str, NewDocument] = {}
    for (rec, labels), k in zip(items, keys):
        out = Outcome(rec, labels, PLACED)
        outcomes.append(out)
        if not k:
            out.kind, out.detail = REFUSED, "empty text"
            continue
        ps = pieces.get(k)
        single = k if k in found else (ps[0][2] if ps and len(ps) == 1 and ps[0][2] in found else None)
        if single is not None:
            hit, why = _choose(found[single], rec.unit_hint)
            if hit is None:
                out.kind, out.detail = AMBIGUOUS, why
            elif hit[2] != "sentence":
                out.kind, out.detail = NOT_SENTENCE, f"{hit[0]} is a {hit[2]}"
            else:
                out.units = [hit[0]]
            continue
        sentences = [p[2] for p in ps or () if p[1] == "sentence"]
        if sentences and len(ps) > 1:  # several units (a paragraph, a heading with its sentence)
            units, kind, detail = _in_one_document(sentences, found)
            if kind == RESEGMENTED and len(ps) != len(sentences):
                detail = f"{len(ps)} units, {len(sentences)} of them sentence{'s' if len(sentences) > 1 else ''}"
            if units is not None:
                out.units, out.kind, out.detail = units, kind, detail
                if not split_records:
                    out.kind, out.units = SPLIT_NEEDED, []
                    out.detail = f"{detail}: --split-records gives each the record's labels"
                continue
            if kind != MISSING:
                out.kind, out.detail = kind, detail
                continue
        out.kind, out.detail = MISSING, "" if len(ps or ()) <= 1 else f"{len(sentences)} sentences, not all found"
        if import_missing:
            doc = new_docs.get(doc_id_for(k)) or _new_document(k, source, rec.where)
            sent_ids = [f"{doc.doc_id}-{u[0]}" for u in doc.units if u[1] == "sentence"]
            if len(sent_ids) > 1 and not split_records:
                out.kind, out.detail = SPLIT_NEEDED, (f"not in the corpus; {len(sent_ids)} sentences: "
                                                      "--split-records imports it and gives each the record's labels")
                continue
            new_docs[doc.doc_id] = doc
            out.kind, out.units, out.detail = IMPORTED, sent_ids, f"new document {doc.doc_id}"
    _near_misses(store, [(o, k) for o, k in zip(outcomes, keys) if o.kind == MISSING])
    return outcomes, list(new_docs.values())


def loose(text: str) -> str:
    """A text compared without regard to full-width/half-width forms (NFKC) and spaces: for hints only."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def _stable_run(text: str) -> str:
    """The longest run of characters that neither NFKC nor spacing changes (up to 12): a search key."""
    best = cur = ""
    for ch in text:
        if not ch.isspace() and unicodedata.normalize("NFKC", ch) == ch:
            cur += ch
            if len(cur) > len(best):
                best = cur
        else:
            cur = ""
    return best[:12]


def _near_misses(store: Store, missing: list[tuple[Outcome, str]]) -> None:
    """Name, for a missing record, a unit whose text differs only in full-width forms or spaces (a
    spreadsheet's ，for , …): a hint in the report, never a placement (the text is the key). The
    candidates come from the trigram index, so this costs one indexed search per missing record."""
    for o, k in missing:
        run = _stable_run(k)
        if len(run) < 3:
            continue
        want = loose(k)
        for u in store.search(run, limit=50):
            if loose(u.text) == want:
                o.detail = (o.detail + "; " if o.detail else "") + f"{u.id} differs only in full-width forms or spaces"
                break


def _new_document(text: str, source: str, where: str) -> NewDocument:
    """A record's text as a document of its own; a text of one unit is one sentence (it was labelled
    as one elsewhere, even when it reads like a heading)."""
    title, rows = segment_rows(text, fallback_title=f"{Path(source).name} {where}")
    if len(rows) == 1:
        idx, _, utext, _, start, end = rows[0]
        rows = [(idx, "sentence", utext, None, start, end)]
    doc_id = doc_id_for(text)
    return NewDocument(doc_id, f"{source}#{where}", title, text, rows)
