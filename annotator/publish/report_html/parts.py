"""What every section is made of: a figure (chart, readings, table) and number formats."""

from __future__ import annotations


def f3(v, digits: int = 3) -> str:
    return "—" if v is None else f"{v:.{digits}f}"


def interval(ci) -> str:
    return f"{ci[0]:.2f}–{ci[1]:.2f}" if ci else "—"


def figure(key: str, title: str, chart: tuple[str, int] | None = None, reading_: str | list | None = None,
           columns: list[str] | None = None, rows: list[list] | None = None, collapsed: bool = False,
           note: str | None = None) -> dict:
    svg, marks = chart if chart and chart[1] else (None, 0)  # a chart with nothing drawn is left out
    readings = reading_ if isinstance(reading_, list) else ([reading_] if reading_ else [])
    table = {"columns": columns, "rows": rows, "collapsed": collapsed} if columns and rows else None
    return {"key": key, "title": title, "svg": svg, "marks": marks, "readings": readings, "table": table,
            "note": note}
