"""Tables on a terminal of any width that never cut a number.

Columns whose cells are all numbers (or "—") or single identifiers (tag ids, names) never wrap;
the other columns fold. If the
numbers alone do not fit the width, each row is printed stacked, one "column: value" line
per cell, with a note saying so. Nothing is ever truncated with an ellipsis.
"""

from __future__ import annotations

import re

from rich.console import Console
from rich.table import Table
from rich.text import Text

_NUMBER = re.compile(r"^[-+−]?[\d.,%–\-]+$|^—$|^$")
_WORD = re.compile(r"^[\w.\-:/#@+]+$", re.ASCII)  # one identifier (a tag id, a name): never broken inside


def fmt3(v) -> str:
    """A figure with three decimals, or "—" for none."""
    return "—" if v is None else f"{v:.3f}"


def _plain(cell) -> str:
    return cell.plain if isinstance(cell, Text) else str(cell)


def print_table(console: Console, table: Table) -> None:
    for col in table.columns:
        whole = all(_NUMBER.match(_plain(c).strip()) or _WORD.match(_plain(c).strip()) for c in col._cells)
        col.no_wrap = whole
        col.overflow = "fold"
        col.min_width = max((len(_plain(c)) for c in col._cells), default=0) if whole else None
    if table.__rich_measure__(console, console.options).minimum <= console.width:
        console.print(table)
        return
    _print_stacked(console, table)


def _print_stacked(console: Console, table: Table) -> None:
    title = _plain(table.title) if table.title else ""
    console.print(Text(f"{title} (stacked: too narrow for the table)" if title else "(stacked: too narrow for the table)",
                       style="bold"))
    headers = [_plain(c.header) for c in table.columns]
    pad = max((len(h) for h in headers), default=0)
    for i in range(table.row_count):
        for j, col in enumerate(table.columns):
            cell = col._cells[i]
            line = Text(f"{'  ' if j else ''}{headers[j].ljust(pad if j else 0)}: ")
            line.append(cell if isinstance(cell, Text) else Text(str(cell)))
            console.print(line, overflow="fold")
