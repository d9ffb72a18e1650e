"""The CSV table export: one row per unit, column names every analysis tool accepts, no formula cells.

Columns, in order: ``id``, ``document``, ``text``; per annotator (sorted by name) ``labels_<name>``
(the tags of a done judgment joined by ``;``, empty otherwise) and ``status_<name>`` (done, draft,
skipped, flagged, or empty when that annotator has no judgment); ``labels`` (the selected set joined
by ``;``), ``label_source`` (empty when unresolved); then one 0/1 column per tag in taxonomy order
(empty when the unit is unresolved: unknown, not 0).

Column names are made valid for R (``read.csv``), pandas, Stata and SQL alike: every run of
characters other than ASCII letters, digits and ``_`` becomes ``_``; a name that would not start with
a letter gets ``x`` in front; a reserved word of R or Stata (``if``, ``in``, ``next``, ``NA``, ``int``…)
gets ``_`` after it (R's ``read.csv`` would otherwise rename it); names are cut to 32 characters (Stata's limit); a name already taken
(compared without regard to case) gets ``_2``, ``_3``… The dataset card maps every column to what it
holds, so an annotator called ``张三`` or ``text`` is never lost.
"""

from __future__ import annotations

import csv
import io
import re

from annotator.core.taxonomy import Taxonomy

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet may run a cell that begins so (CSV injection)
NAME_MAX = 32
# reserved words of R (read.csv's make.names renames them) and Stata; compared lower-cased
RESERVED = frozenset("""if else repeat while function for next break true false null inf nan na na_integer_
na_real_ na_character_ na_complex_ in byte int long float double str strl using with""".split())
BOM = "\ufeff"


def column_name(raw: str, taken: set[str]) -> str:
    """``raw`` made a valid, unique column name (see the module doc); ``taken`` (lower-cased) grows."""
    name = re.sub(r"[^A-Za-z0-9_]+", "_", raw)
    if not name or not name[0].isalpha():
        name = "x" + name
    if name.lower() in RESERVED:
        name += "_"
    name = name[:NAME_MAX]
    base, k = name, 1
    while name.lower() in taken:
        k += 1
        suffix = f"_{k}"
        name = base[:NAME_MAX - len(suffix)] + suffix
    taken.add(name.lower())
    return name


class Table:
    """The header and the rows of one CSV export; ``excel`` prefixes formula-like cells with ``'``."""

    def __init__(self, annotators: list[str], taxonomy: Taxonomy, excel: bool = False):
        self.annotators = sorted(annotators)
        self.tags = list(taxonomy.tags)
        self.excel = excel
        self.formula_cells = 0  # cells that begin with a formula character (prefixed when excel)
        taken: set[str] = set()
        self.columns: dict[str, str] = {}  # column name → what it holds (for the dataset card)
        for fixed, meaning in (("id", "stable unit id"), ("document", "document id"), ("text", "unit text")):
            self.columns[column_name(fixed, taken)] = meaning
        self.per_annotator: list[tuple[str, str, str]] = []
        for who in self.annotators:
            lab = column_name(f"labels_{who}", taken)
            st = column_name(f"status_{who}", taken)
            self.columns[lab] = f"tags of {who}'s done judgment, joined by ;"
            self.columns[st] = f"status of {who}'s judgment (empty: none)"
            self.per_annotator.append((who, lab, st))
        self.columns[column_name("labels", taken)] = "selected tags (--source), joined by ;"
        self.columns[column_name("label_source", taken)] = "where the selected tags come from (empty: unresolved)"
        for tag in self.tags:
            self.columns[column_name(tag, taken)] = f"1 if tag {tag} is selected, 0 if not, empty if unresolved"
        self._buf = io.StringIO()
        self._writer = csv.writer(self._buf, lineterminator="\r\n")

    def _line(self, cells: list[str]) -> str:
        self._buf.seek(0)
        self._buf.truncate()
        self._writer.writerow(cells)
        return self._buf.getvalue()

    def header(self) -> str:
        return (BOM if self.excel else "") + self._line(list(self.columns))

    def _cell(self, value: str) -> str:
        if value.startswith(FORMULA_START):
            self.formula_cells += 1
            if self.excel:
                return "'" + value
        return value

    def row(self, unit, labels: list[str] | None, label_source: str | None) -> str:
        cells = [unit.id, unit.doc, unit.text]
        for who, _, _ in self.per_annotator:
            a = unit.annotations.get(who)
            cells.append(";".join(sorted(a["labels"])) if a and a["status"] == "done" else "")
            cells.append(a["status"] if a else "")
        chosen = set(labels) if labels is not None else None
        cells.append(";".join(sorted(chosen)) if chosen is not None else "")
        cells.append(label_source or "")
        cells += ["" if chosen is None else ("1" if t in chosen else "0") for t in self.tags]
        return self._line([self._cell(c) for c in cells])
