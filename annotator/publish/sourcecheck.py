"""What a database source brings is checked before anything of it is used: its documents and units.

One document at a time (its units streamed from the source), so a source of millions of units is
checked in bounded memory. Problems are collected up to ``MAX_PROBLEMS``; then the check stops.
"""

from __future__ import annotations

from annotator.core.model import SOURCE_FORMATS, UNIT_KINDS
from annotator.store import Store

MAX_PROBLEMS = 200

LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")  # what str.splitlines() splits at


def _int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def corpus_problems(src: Store) -> list[str]:
    """Every problem with the source's documents and units (unique ids, known kinds and formats,
    offsets inside the document text, no line break inside a unit, ids that are '<document>-<index>')."""
    problems: list[str] = []
    dups = src.source_duplicate_unit_ids()
    if dups:
        problems.append(f"unit ids used twice: {', '.join(map(repr, dups))}")
    stray = src.source_stray_units()
    if stray:
        problems.append(f"{stray} units belong to no document (their n is outside every document's range)")
    for d in src.source_documents():
        if len(problems) >= MAX_PROBLEMS:
            break
        problems += _document_problems(src, d)
    return problems


def _document_problems(src: Store, d: dict) -> list[str]:
    doc = d["id"]
    where = f"document {doc!r}"
    out = []
    if not isinstance(doc, str) or not doc or "\n" in doc:
        return [f"{where}: the id must be a one-line string"]
    if d["format"] not in SOURCE_FORMATS:
        out.append(f"{where}: unknown format {d['format']!r} ({', '.join(SOURCE_FORMATS)})")
    text = d["text"]
    if not isinstance(text, str):
        return out + [f"{where}: its text is not text"]
    first, last, n_units = d["first_n"], d["last_n"], d["n_units"]
    if not (_int(first) and _int(last) and _int(n_units)) or n_units < 0 or last - first + 1 != n_units:
        return out + [f"{where}: its unit range (first_n {first!r}, last_n {last!r}, n_units {n_units!r}) "
                      "is not consistent"]
    seen = sentences = 0
    for n, uid, udoc, idx, kind, utext, section, start, end in src.source_units(first, last):
        seen += 1
        w = f"unit {uid!r}"
        if udoc != doc or not _int(idx) or idx != n - first or uid != f"{doc}-{idx}":
            out.append(f"{w}: not unit {n - first} of {where} (ids are '<document id>-<index>')")
        if kind not in UNIT_KINDS:
            out.append(f"{w}: unknown kind {kind!r} ({', '.join(UNIT_KINDS)})")
        sentences += kind == "sentence"
        if not isinstance(utext, str) or not utext:
            out.append(f"{w}: its text must be a non-empty string")
        elif any(c in LINE_BREAKS for c in utext):
            out.append(f"{w}: a line break inside a unit")
        if section is not None and (not isinstance(section, str) or any(c in LINE_BREAKS for c in section)):
            out.append(f"{w}: its section must be one line of text or null")
        if not (_int(start) and _int(end) and 0 <= start <= end <= len(text)):
            out.append(f"{w}: offsets {start!r}..{end!r} are not inside the document text (0..{len(text)})")
        if len(out) >= MAX_PROBLEMS:
            return out
    if seen != n_units:
        out.append(f"{where}: {seen} units stored, {n_units} recorded")
    elif d["n_sentences"] != sentences:
        out.append(f"{where}: {sentences} sentence units stored, {d['n_sentences']!r} recorded")
    return out
