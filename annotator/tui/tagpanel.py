"""The tag panel, laid out for the space the screen can give it.

Four modes, from the most to the least room: ``full`` (key, mark, Chinese title, English name),
``titles`` (no English), ``short`` (titles cut to a few characters, more columns) and ``keys``
(facets collapsed: one line per facet with each tag's key and mark). ``layout`` picks the first mode
that fits in the rows it is given; every cell has a fixed width (room for the ◆/★ cues is kept), so
the panel's height never changes while tags are toggled and a redraw needs no new layout. ``TagPanel``
repaints only the rows whose text changed.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from annotator.core.taxonomy import Facet, Tag, Taxonomy
from annotator.core.textsafe import safe
from annotator.tui.line import changed_span
from annotator.tui.render import tag_colour as colour

MODES = ("full", "titles", "short", "keys")
GAP = 2  # cells between columns
SHORT = 9  # cells of a title in the short mode (longer ones are cut to 4 characters and …)
CUE_ROOM = {"full": len(" ◆ ★0.00"), "titles": len(" ◆ ★0.00"), "short": len(" ◆★")}


@dataclass(frozen=True)
class PanelLayout:
    mode: str
    rows: int  # lines the panel takes (without its border)
    widths: tuple[int, ...] = ()  # of each column (grid modes)
    width: int = 0  # of the whole panel (keys mode wraps at it)
    cues: bool = True  # room kept for ◆ and ★


def _items(taxonomy: Taxonomy) -> list[tuple[Facet, Tag | None]]:
    """The grid's cells in order: each facet's heading (tag None), then its tags."""
    out: list[tuple[Facet, Tag | None]] = []
    for facet in taxonomy.facets:
        out.append((facet, None))
        out.extend((facet, tag) for tag in facet.tags)
    return out


def _title(tag: Tag, mode: str) -> str:
    title = safe(tag.title)
    if mode == "short" and cell_len(title) > SHORT:
        t = Text(title)
        t.truncate(SHORT, overflow="ellipsis")
        return t.plain
    return title


def _cell(taxonomy: Taxonomy, facet: Facet, tag: Tag | None, mode: str, chosen: bool = False,
          matched: bool = False, score: float | None = None) -> Text:
    if tag is None:
        head = Text(safe(facet.title if mode != "short" else facet.title[:4]) + " ", style="bold underline")
        head.append("多选" if facet.multiple else "单选", style="dim")
        return head
    c = colour(taxonomy, tag.id)
    t = Text("  " * tag.depth)
    t.append(tag.key or " ", style="bold reverse" if tag.key else "dim")
    mark = ("■" if chosen else "□") if facet.multiple else ("●" if chosen else "○")
    t.append(f" {mark} ", style=f"bold {c}" if chosen else "dim")
    t.append(_title(tag, mode), style=f"bold {c}" if chosen else "")
    if mode == "full":
        t.append(" " + safe(tag.en), style="dim")
    if mode == "short":
        if matched or score is not None:
            t.append(" ")
        if matched:
            t.append("◆", style=c)
        if score is not None:
            t.append("★", style="bold cyan")
    else:
        if matched:
            t.append(" ◆", style=c)
        if score is not None:
            t.append(f" ★{score:.2f}", style="bold cyan")
    return t


def _grid(taxonomy: Taxonomy, mode: str, width: int, cues: bool) -> PanelLayout:
    """The fewest rows whose columns (filled top to bottom) fit in ``width``."""
    sizes = [_cell(taxonomy, f, t, mode).cell_len + (CUE_ROOM[mode] if cues and t is not None else 0)
             for f, t in _items(taxonomy)]
    n = len(sizes)
    for rows in range(1, n + 1):
        cols = -(-n // rows)
        widths = tuple(max(sizes[c * rows:(c + 1) * rows]) for c in range(cols))
        if sum(widths) + GAP * (cols - 1) <= width:
            return PanelLayout(mode, rows, widths, width, cues)
    return PanelLayout(mode, n, (min(max(sizes), width),), width, cues)


def _keys_lines(taxonomy: Taxonomy, width: int, labels: frozenset[str] = frozenset(),
                matched: frozenset[str] = frozenset(), suggested: frozenset[str] = frozenset()) -> list[Text]:
    lines: list[Text] = []
    for facet in taxonomy.facets:
        line = Text(safe(facet.title) + " ", style="bold underline")
        line.truncate(max(1, width // 2))
        for tag in facet.tags:
            if not tag.key:
                continue  # a tag without a key is chosen in the palette; the state line names it
            on = tag.id in labels
            mark = ("■" if on else "□") if facet.multiple else ("●" if on else "○")
            token = Text(tag.key, style="bold reverse")
            style = f"bold {colour(taxonomy, tag.id)}" if on else "dim"
            if tag.id in suggested:
                style = "bold cyan" if not on else style
            elif tag.id in matched and not on:
                style = colour(taxonomy, tag.id)
            token.append(mark, style=style)
            if line.cell_len + 1 + token.cell_len > width:
                lines.append(line)
                line = Text("  ")
            elif line.cell_len and not line.plain.endswith(" "):
                line.append(" ")
            line.append_text(token)
        lines.append(line)
    return lines


def layout(taxonomy: Taxonomy, width: int, max_rows: int, english: bool = True, cues: bool = True,
           collapsed: bool = False) -> PanelLayout:
    """The most detailed mode that fits in ``max_rows`` (the keys mode when none does, or ``collapsed``)."""
    if not collapsed:
        for mode in MODES[:-1]:
            if mode == "full" and not english:
                continue
            p = _grid(taxonomy, mode, width, cues)
            if p.rows <= max_rows:
                return p
    return PanelLayout("keys", len(_keys_lines(taxonomy, width)), (), width, cues)


class Painter:
    """The panel's rows for one layout, each row built once per combination of its cells' states."""

    def __init__(self, taxonomy: Taxonomy, p: PanelLayout):
        self.taxonomy, self.layout = taxonomy, p
        self.items = _items(taxonomy)
        self._rows: dict[tuple, Text] = {}

    def rows(self, labels: tuple[str, ...] | frozenset = (), matched: set[str] | frozenset = frozenset(),
             suggested: dict[str, float] | None = None) -> list[Text]:
        """Exactly ``layout.rows`` lines, each cell padded to its column's width."""
        p, chosen, suggested = self.layout, frozenset(labels), suggested or {}
        if p.mode == "keys":
            return _keys_lines(self.taxonomy, p.width, chosen, frozenset(matched), frozenset(suggested))
        states = [None if t is None else (t.id in chosen, t.id in matched, suggested.get(t.id)) for _f, t in self.items]
        out = []
        for r in range(p.rows):
            idx = [c * p.rows + r for c in range(len(p.widths)) if c * p.rows + r < len(self.items)]
            key = (r, *(states[i] for i in idx))
            row = self._rows.get(key)
            if row is None:
                row = self._rows[key] = self._row(idx, states)
                if len(self._rows) > 4096:  # bounded: a long session toggles many combinations
                    self._rows.clear()
                    self._rows[key] = row
            out.append(row)
        return out

    def _row(self, idx: list[int], states: list) -> Text:
        row = Text(no_wrap=True, overflow="crop")
        for c, i in enumerate(idx):
            facet, tag = self.items[i]
            cell = _cell(self.taxonomy, facet, tag, self.layout.mode, *(states[i] or (False, False, None)))
            w = self.layout.widths[c]
            if cell.cell_len > w:
                cell.truncate(w)
            if c:
                row.append(" " * GAP)
            row.append_text(cell)
            if c + 1 < len(idx):
                row.append(" " * (w - cell.cell_len))
        return row


def lines(taxonomy: Taxonomy, p: PanelLayout, labels: tuple[str, ...] | frozenset = (),
          matched: set[str] | frozenset = frozenset(), suggested: dict[str, float] | None = None) -> Text:
    """The whole panel as one text (``Painter.rows`` joined)."""
    text = Text("\n").join(Painter(taxonomy, p).rows(labels, matched, suggested))
    text.no_wrap = True
    text.overflow = "crop"
    return text


class TagPanel(Widget):
    """The tag panel on screen: one row of text per line, and a change repaints only the rows that differ
    (Textual's line API), so a tag key redraws one or two lines of the panel."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._lines: list[Text] = []
        self._strips: dict[int, Strip] = {}

    @property
    def content(self) -> Text:
        """Everything the panel shows, as one text."""
        return Text("\n").join(self._lines)

    def render(self) -> Text:
        return self.content

    def show(self, rows: list[Text]) -> None:
        """Show these rows: of a row that changed, only the cells that differ are redrawn."""
        old, self._lines = self._lines, rows
        if len(old) != len(rows):
            self._strips.clear()
            self.refresh()
            return
        width = self.content_size.width
        regions = []  # relative to the content region (inside the border and padding)
        for y, (a, b) in enumerate(zip(old, rows)):
            if a is b or a == b:
                continue
            before = self._strips.pop(y, None)
            if before is None or before.cell_length != width:
                regions.append(Region(0, y, width, 1))
                continue
            span = changed_span(before, self._render(y, width))
            if span is not None:
                regions.append(Region(span[0], y, span[1] - span[0], 1))
        if regions:
            self.refresh(*regions)

    def on_resize(self) -> None:
        self._strips.clear()

    def render_line(self, y: int) -> Strip:
        strip = self._strips.get(y)
        width = self.content_size.width
        if strip is None or strip.cell_length != width:
            strip = self._render(y, width)
        return strip

    def _render(self, y: int, width: int) -> Strip:
        text = self._lines[y] if y < len(self._lines) else Text()
        strip = Strip(list(text.render(self.app.console)), text.cell_len)
        strip = self._strips[y] = strip.adjust_cell_length(width, self.rich_style)
        return strip


def panel_text(taxonomy: Taxonomy, labels: tuple[str, ...], matched: set[str] | frozenset = frozenset(),
               suggested: dict[str, float] | None = None, english: bool = True, width: int = 120,
               rows: int = 1000) -> Text:
    """Every facet with its tags (key, state, Chinese title, English name) as one Text, laid out for
    ``width`` columns and at most ``rows`` lines (what the panel widget draws, for printing)."""
    return lines(taxonomy, layout(taxonomy, width, rows, english=english, cues=True), labels, matched, suggested)
