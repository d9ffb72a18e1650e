"""A spreadsheet's CSV: a text column and a labels column (names chosen with --text-column and
--labels-column), decoded in whatever encoding it was saved in (Excel writes a BOM, or GB18030 on
a Chinese Windows), the delimiter sniffed among , ; tab | unless --delimiter says. Labels in a cell
are separated by ; , | or their full-width forms (or exactly --label-separator). An ``annotator``
column names who labelled each row unless --annotator is given; an ``id`` column holding our stable
unit ids (our own CSV export) settles a text found in several units. A cell our --excel export
protected with a leading ' (a formula character after it) is read without it."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from annotator.publish.csvtable import FORMULA_START
from annotator.publish.foreign.doccano import OUR_ID
from annotator.core.errors import SourceError
from annotator.publish.foreign.records import Options, ReadResult, Record, read_source_text

SEPARATORS = re.compile(r"[;,|；，、｜]")
DELIMITERS = ",;\t|"
FIELD_LIMIT = 100_000_000  # characters in one cell (csv's default, 131,072, is less than a long report)


def _unprotect(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and cell[1:2] and cell[1:].startswith(FORMULA_START) else cell


def read(path: Path, opts: Options) -> ReadResult:
    result = ReadResult()
    text = read_source_text(path)
    delimiter = opts.delimiter
    if delimiter is None:
        try:
            delimiter = csv.Sniffer().sniff(text[:20000].split("\n", 1)[0] or text[:2000], DELIMITERS).delimiter
        except csv.Error:
            delimiter = ","
    if len(delimiter) != 1:
        raise SourceError(str(path), [f"--delimiter must be one character, not {delimiter!r}"])
    csv.field_size_limit(max(csv.field_size_limit(), FIELD_LIMIT))  # a whole report may sit in one cell
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise SourceError(str(path), [f"no header row ({exc})" if str(exc) else "no header row"]) from None
    header = [h.strip() for h in header]
    missing = [c for c in (opts.text_column, opts.labels_column) if c not in header]
    if missing:
        raise SourceError(str(path), [f"no column {', '.join(map(repr, missing))} (columns: {', '.join(header)}; "
                                      f"delimiter {delimiter!r}): choose them with --text-column and --labels-column"])
    ti, li = header.index(opts.text_column), header.index(opts.labels_column)
    ai = header.index("annotator") if "annotator" in header and not opts.annotator else None
    ii = header.index("id") if "id" in header else None
    try:
        for number, row in enumerate(reader, 2):  # the spreadsheet's row number: the header is row 1
            where = f"row {number}"
            if not any(c.strip() for c in row):
                continue
            if len(row) <= max(ti, li):
                result.problems.append(f"{where}: {len(row)} cells, fewer than the header's (a delimiter "
                                       "or quote out of place?)")
                continue
            cell = _unprotect(row[li]).strip()
            if opts.label_separator:
                names = [x.strip() for x in cell.split(opts.label_separator)]
            else:
                names = [x.strip() for x in SEPARATORS.split(cell)]
            names = [x for x in names if x]
            if not names and not opts.keep_empty:
                result.leave_out("rows with an empty labels cell (--keep-empty stores them as 'no tag applies')")
                continue
            who = opts.annotator or (row[ai].strip() if ai is not None and ai < len(row) and row[ai].strip() else None)
            hint = row[ii] if ii is not None and ii < len(row) and OUR_ID.fullmatch(row[ii]) else None
            result.records.append(Record(where, _unprotect(row[ti]), names, who, unit_hint=hint))
    except csv.Error as exc:
        result.problems.append(f"row {reader.line_num}: {exc}")
    return result
