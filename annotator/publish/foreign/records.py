"""What every foreign source reader gives: records (text, their label names, who, where), problems
that refuse the whole source, and notes on what was deliberately left out."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from annotator.core.errors import InputError, SourceError
from annotator.ingest.decoding import MAX_BYTES, decode_bytes, file_problem


@dataclass
class Record:
    """One judgment as another tool wrote it: the text it was given to and the label names chosen."""

    where: str  # "line 3", "task 12 (annotation 40)", "row 7": how the user finds it in the file
    text: str
    labels: list[str]  # the tool's label names, before mapping to tag ids
    annotator: str | None  # None: --annotator names it
    status: str = "done"  # done, or skipped (Prodigy ignore)
    note: str = ""
    unit_hint: str | None = None  # our own stable unit id, when the file came from our exporter
    updated_at: str | None = None  # ISO time the tool recorded, if any


@dataclass
class ReadResult:
    records: list[Record] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # any: the source is refused
    left_out: dict[str, int] = field(default_factory=dict)  # why → how many (reported, never silent)

    def leave_out(self, why: str, n: int = 1) -> None:
        self.left_out[why] = self.left_out.get(why, 0) + n


@dataclass
class Options:
    """How to read a source (the CLI's --from options)."""

    annotator: str | None = None
    text_column: str = "text"
    labels_column: str = "labels"
    delimiter: str | None = None  # CSV: None sniffs , ; tab |
    label_separator: str | None = None  # CSV: None accepts ; , |
    keep_empty: bool = False  # an empty label list is a judgment that no tag applies
    renames: dict[str, str] = field(default_factory=dict)  # the file's annotator name → ours


def read_source_text(path: Path, max_bytes: int = MAX_BYTES) -> str:
    """The file's text in whatever encoding it was saved in (BOM, UTF-8, GB18030, …: see decoding);
    line ends are left as they are (a JSON string may hold U+2028, a CSV cell CR LF)."""
    problem = file_problem(path, max_bytes)
    if problem:
        raise SourceError(str(path), [problem])
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(str(path), [f"cannot read: {exc.strerror or exc}"]) from None
    if not data.strip():
        raise SourceError(str(path), ["empty file"])
    try:
        text, _ = decode_bytes(data, str(path))
    except InputError as exc:
        raise SourceError(str(path), [exc.reason]) from None
    return text.lstrip("\ufeff")


def json_lines(text: str, result: ReadResult):
    """(line number, object) for each non-blank line of a JSON-lines text; malformed lines are problems."""
    for i, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            yield i, json.loads(line)
        except (ValueError, RecursionError) as exc:
            result.problems.append(f"line {i}: malformed JSON ({getattr(exc, 'msg', 'nested too deeply')})")


def iso_time(value) -> str | None:
    """An ISO 8601 string or a Unix time as the store writes times (UTC, milliseconds, Z); else None."""
    try:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            t = datetime.fromtimestamp(float(value), timezone.utc)
        elif isinstance(value, str) and value:
            t = datetime.fromisoformat(value.replace("Z", "+00:00"))
        else:
            return None
    except (ValueError, OverflowError, OSError):
        return None
    if t.tzinfo is None:
        t = t.replace(tzinfo=timezone.utc)
    return t.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def label_names(value, where: str, result: ReadResult) -> list[str] | None:
    """A list of label names (strings; numbers become their text); None after naming the problem."""
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list):
        result.problems.append(f"{where}: labels must be a list, not {type(value).__name__}")
        return None
    out = []
    for v in value:
        if isinstance(v, bool) or not isinstance(v, (str, int)):
            result.problems.append(f"{where}: a label must be a name, not {json.dumps(v, ensure_ascii=False)[:60]}")
            return None
        out.append(str(v))
    return out
