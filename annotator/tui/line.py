"""A one-line widget (title, state and status lines): its text drawn straight to one strip.

``Static`` turns each new text into Textual content and lays it out again; these lines change on
every move, so they are drawn with the line API instead: an update repaints the one line, nothing else."""

from __future__ import annotations

from rich.segment import Segment
from rich.text import Text
from textual.strip import Strip
from textual.widget import Widget


class TextLine(Widget):
    """One line of text, cut with an ellipsis to the width (double-width characters counted as two)."""

    DEFAULT_CSS = "TextLine { height: 1; }"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.content: Text = Text()
        self._strip: Strip | None = None

    def update(self, content: Text, layout: bool = False) -> None:
        self.content, self._strip = content, None
        self.refresh()

    def render(self) -> Text:
        return self.content

    def on_resize(self) -> None:
        self._strip = None

    def render_line(self, y: int) -> Strip:
        width = self.content_size.width
        if y:
            return Strip.blank(width, self.rich_style)
        if self._strip is None or self._strip.cell_length != width:
            text = self.content.copy()
            text.truncate(max(1, width), overflow="ellipsis")
            segments = Segment.apply_style(text.render(self.app.console), self.rich_style)
            self._strip = Strip(segments).adjust_cell_length(width, self.rich_style)
        return self._strip
