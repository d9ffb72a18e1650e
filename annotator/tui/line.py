"""One-line widgets (title, state and status lines), and what the line-API widgets share: of a line
that changed, only the cells that differ are redrawn.

``Static`` turns each new text into Textual content and lays it out again; these lines change on
every move, so they are drawn with the line API instead, and a change repaints the span of cells
between the first and the last that differ (the status line's position counter, a tag's mark)."""

from __future__ import annotations

from rich.cells import cell_len
from rich.segment import Segment
from rich.text import Text
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget


def changed_span(old: Strip, new: Strip) -> tuple[int, int] | None:
    """The cells [start, end) where two strips of a line differ (None: they are the same). Whole
    segments are compared, so a wide character is never cut in two. Equal segments at the end are at
    the same cells when the strips are equally wide (a line's are)."""
    if old.cell_length != new.cell_length:
        return 0, max(old.cell_length, new.cell_length)
    a, b = list(old), list(new)
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    if i == n and len(a) == len(b):
        return None
    j = 0  # equal segments at the end
    while j < n - i and a[-1 - j] == b[-1 - j]:
        j += 1
    start = sum(cell_len(seg.text) for seg in a[:i])
    end = max(sum(cell_len(seg.text) for seg in a[:len(a) - j]), sum(cell_len(seg.text) for seg in b[:len(b) - j]))
    return (start, end) if end > start else None


def text_strip(text: Text, width: int, style, console) -> Strip:
    """A line of text as a strip of exactly ``width`` cells (cut with an ellipsis, padded in ``style``)."""
    text = text.copy()
    text.truncate(max(1, width), overflow="ellipsis")
    return Strip(Segment.apply_style(text.render(console), style)).adjust_cell_length(width, style)


class TextLine(Widget):
    """One line of text, cut with an ellipsis to the width (double-width characters counted as two)."""

    DEFAULT_CSS = "TextLine { height: 1; }"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.content: Text = Text()
        self._strip: Strip | None = None

    def update(self, content: Text) -> None:
        """Show ``content``; only the cells that changed are redrawn."""
        old, self.content, self._strip = self._strip, content, None
        width = self.content_size.width
        if old is None or width <= 0 or old.cell_length != width:
            self.refresh()
            return
        self._strip = text_strip(content, width, self.rich_style, self.app.console)
        span = changed_span(old, self._strip)
        if span is not None:
            self.refresh(Region(span[0], 0, span[1] - span[0], 1))  # relative to the content region

    def render(self) -> Text:
        return self.content

    def on_resize(self) -> None:
        self._strip = None

    def render_line(self, y: int) -> Strip:
        width = self.content_size.width
        if y:
            return Strip.blank(width, self.rich_style)
        if self._strip is None or self._strip.cell_length != width:
            self._strip = text_strip(self.content, width, self.rich_style, self.app.console)
        return self._strip
