"""The reading area: the current sentence in the flow of its document, drawn with Textual's line API.

Every unit around the current sentence is wrapped once at the area's width and kept as lines. The
current sentence is the same lines restyled (a bar in the margin, a background, bold, its keywords
underlined): it never takes more or fewer lines than it does as context. So a move to a sentence that
is already fully on screen repaints only the lines of the two sentences involved, as a cursor moves in
an editor. The view scrolls (and everything is redrawn) only when the new current sentence would not
be fully visible with a line of context above and two below: it is then placed a third of the way
down, or shown from its first line when it is taller than the area.

When the current sentence goes on beyond the view, the view's last row says so instead of a line
("▼ 16 more lines"), and its first row when it began above ("▲ 5 lines above"); ``page`` is the step
that scrolls by a view without skipping a line under those rows. The lines are broken by
``wrap`` (Chinese line breaking: between characters, with the line-start/line-end prohibitions)."""

from __future__ import annotations

from bisect import bisect_right

from rich.segment import Segment
from rich.text import Text
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from annotator.core.textsafe import safe
from annotator.store import Sentence
from annotator.tui import wrap

BAR = "▌ "  # the margin of the current sentence's lines (context lines get two spaces)
GUTTER = 2
KIND_MARK = {"heading": "§ ", "caption": "▣ ", "meta": "· ", "sentence": ""}
MARGIN_ABOVE, MARGIN_BELOW = 1, 2  # lines of context the current sentence keeps in view, when there are any
CACHE_LIMIT = 4096  # wrapped units kept (per width and highlighting)


def unit_text(u: Sentence, highlights: tuple = ()) -> Text:
    """A unit as literal text ('[b]' stays '[b]', ESC shows as ␛), with its kind's mark and style, and
    the keyword spans (start, end, colour) of the sentence underlined."""
    mark = KIND_MARK.get(u.kind, "")
    t = Text(mark, style="bold" if u.kind == "heading" else "")
    t.append(safe(u.text).replace("\t", " "), style="dim italic" if u.kind == "meta" else "")  # one for one
    for start, end, colour in highlights:
        t.stylize(f"bold underline {colour}", start + len(mark), end + len(mark))
    return t


class Reader(ScrollView, can_focus=False):
    """The current sentence with the units before and after it, as one scrollable flow of lines.

    ``show`` gives it the current sentence and a way to load the units around it; ``show_message`` a
    text instead (an empty queue). ``painted`` records what the last change repainted: ``None`` for everything, else
    the (first line, count) ranges, which tests and benchmarks read."""

    COMPONENT_CLASSES = {"reader--context", "reader--current", "reader--bar", "reader--cue"}
    DEFAULT_CSS = """
    Reader > .reader--cue { color: $accent; background: $panel; text-style: bold; }
    Reader > .reader--context { color: $text-muted; text-style: dim; }
    Reader > .reader--current { background: $boost; text-style: bold; }
    Reader > .reader--bar { color: $accent; background: $boost; text-style: bold; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.units: list[Sentence] = []
        self.current_id: object = None
        self.highlights: tuple = ()
        self.message: Text | None = None
        self.painted: list[tuple[int, int]] | None = None
        self._index: dict[object, int] = {}
        self._tops: list[int] = []  # each unit's first line
        self._total = 0
        self._width = 0  # cells a unit is wrapped at (the area's width less the margin)
        self._height = 0
        self._wrapped: dict[tuple, list[Text]] = {}  # (unit id, width, highlights or None) -> lines
        self._strips: dict[int, Strip] = {}  # line -> its strip, as drawn now
        self._message_lines: list[Text] = []
        self._window = None  # Store.context, as given by the screen
        self._more = False  # whether the document may go on after the last unit loaded

    # ------------------------------------------------------------ what the screen calls
    def show(self, current: Sentence, highlights: tuple, window) -> None:
        """Show ``current`` with the keyword spans ``highlights``; ``window(unit, before, after)`` gives the
        units of its document before and after a unit (``Store.context``), asked only when needed.

        When the sentence is already among the units on screen, only its lines and the previous current
        sentence's are repainted, unless it is not fully in view: then the units around it are loaded
        again and the view is placed around it."""
        self._window = window
        width, height = self._area()
        if (self.message is None and width == self._width and height == self._height
                and current.id in self._index):
            if current.id == self.current_id and highlights == self.highlights:
                self.painted = []
                return
            old, self.current_id, self.highlights = self.current_id, current.id, highlights
            if current.id == old or self._in_view(self._index[current.id]):
                cues = self.hidden()
                self._repaint([old, current.id])
                if cues != self.hidden():  # the rows that said the sentence goes on
                    for y in {0, self._height - 1}:
                        self.refresh_lines(round(self.scroll_y) + y)
                        self.painted.append((round(self.scroll_y) + y, 1))
                self._extend()
                return
        self.message, self.current_id, self.highlights = None, current.id, highlights
        if not self.scrollable_content_region.height:  # not laid out yet: ``on_resize`` loads and draws
            self.units, self._index, self._tops, self._width, self._height = [current], {current.id: 0}, [], 0, 0
            return
        self._width, self._height = width, height
        self._load(current)
        self._layout(place=True)

    def _reach(self) -> int:
        """Units to load on each side: enough lines to fill the area (a unit takes at least one)."""
        return max(self._height, 8) + MARGIN_BELOW

    def _load(self, current: Sentence) -> None:
        k = self._reach()
        before, after = self._window(current, k, k) if self._window else ([], [])
        self.units, self._more = [*before, current, *after], len(after) >= k

    def _extend(self) -> None:
        """Load the units that follow the last one before the view can reach it (appended: nothing
        above moves, and only the newly visible lines are drawn)."""
        y0 = round(self.scroll_y)
        if not self._more or self._total >= y0 + 2 * self._height or not self._window:
            return
        k = self._reach()
        _, extra = self._window(self.units[-1], 0, k)
        self._more = len(extra) >= k
        old_total = self._total
        for u in extra:
            self._index[u.id] = len(self.units)
            self.units.append(u)
            self._tops.append(self._total)
            self._total += len(self._lines(u, None))
        for y in range(old_total, self._total):
            self._strips.pop(y, None)  # drawn blank while there was nothing there
        self.virtual_size = Size(self._width + GUTTER, self._total)
        first, last = max(old_total, y0), min(self._total, y0 + self._height)
        if first < last:
            self.refresh_lines(first, last - first)
            self.painted = (self.painted or []) + [(first, last - first)]

    def show_message(self, text: Text) -> None:
        """A text in place of any sentence (an empty queue)."""
        if self.message is not None and self.message == text:
            return
        self.message, self.units, self.current_id, self.highlights = text, [], None, ()
        if not self.scrollable_content_region.height:  # not laid out yet: ``on_resize`` draws it
            self._index, self._width, self._height = {}, 0, 0
            return
        self._layout(place=True)

    def current_span(self) -> tuple[int, int] | None:
        """The current sentence's first line and the line after its last."""
        i = self._index.get(self.current_id)
        return None if i is None or i >= len(self._tops) else (self._tops[i], self._end(i))  # (not laid out)

    def hidden(self) -> tuple[int, int]:
        """Lines of the current sentence out of view above and below it (a row that says so hides one)."""
        span = self.current_span()
        height = self.scrollable_content_region.height
        if span is None or self.message is not None or height < 3:
            return 0, 0
        top, end = span
        y0 = round(self.scroll_y)
        above = max(0, min(end, y0 + 1) - top) if top < y0 else 0
        below = max(0, end - max(top, y0 + height - 1)) if end > y0 + height else 0
        return above, below

    def page(self) -> int:
        """Lines a page scroll moves: the view less the two rows that may say the sentence goes on."""
        return max(1, self.scrollable_content_region.height - 2)

    def following(self, count: int) -> list[Sentence]:
        """Up to ``count`` sentence units after the current one, among those loaded."""
        i = self._index.get(self.current_id)
        if i is None:
            return []
        return [u for u in self.units[i + 1:i + 1 + 4 * count] if u.kind == "sentence"][:count]

    def current_text(self) -> Text:
        """The current sentence as shown (with its keyword highlights), unwrapped."""
        i = self._index.get(self.current_id)
        if i is None:
            return self.message.copy() if self.message is not None else Text()
        return unit_text(self.units[i], self.highlights)

    def text(self) -> str:
        """Everything the area holds, one unit per line (what a reader could scroll through)."""
        if self.message is not None:
            return self.message.plain
        return "\n".join(unit_text(u).plain for u in self.units)

    # ------------------------------------------------------------ layout
    def _area(self) -> tuple[int, int]:
        region = self.scrollable_content_region
        return max(1, region.width - GUTTER), region.height

    def on_resize(self) -> None:
        if self._area() != (self._width, self._height) and (self.units or self.message is not None):
            current = self.units[self._index[self.current_id]] if self.current_id in self._index else None
            self._width, self._height = self._area()
            if current is not None:
                self._load(current)  # enough units for the new height
            self._layout(place=True)

    def _layout(self, place: bool) -> None:
        """Wrap the units at the area's width, then (``place``) scroll so the current sentence is in view."""
        self._width, self._height = self._area()
        self._index = {u.id: i for i, u in enumerate(self.units)}
        self._tops, y = [], 0
        if self.message is not None:
            self._message_lines = list(self.message.wrap(self.app.console, self._width))
            y = len(self._message_lines)
        for u in self.units:
            self._tops.append(y)
            y += len(self._lines(u, None))
        self._total = y
        self._strips.clear()
        self.virtual_size = Size(self._width + GUTTER, y)
        self.painted = None
        if place:
            target = self._placement()
            if round(self.scroll_y) != target:
                self.scroll_to(y=target, animate=False, immediate=True, force=True)  # scrollbars may not be known yet
        self.refresh()

    def _end(self, i: int) -> int:
        return self._tops[i + 1] if i + 1 < len(self._tops) else self._total

    def _in_view(self, i: int) -> bool:
        """Whether unit ``i`` is fully in view with its margins of context (from its first line when
        it is taller than the area)."""
        top, end, y0 = self._tops[i], self._end(i), round(self.scroll_y)
        above, below = min(MARGIN_ABOVE, top), min(MARGIN_BELOW, self._total - end)
        if end - top + above + below > self._height:
            return y0 == top
        return y0 + above <= top and end + below <= y0 + self._height

    def _placement(self) -> int:
        """The first line to show: the current sentence a third of the way down (more context above
        when little follows it), from its first line when it does not fit with its margins."""
        i = self._index.get(self.current_id)
        if i is None:
            return 0
        top, end = self._tops[i], self._end(i)
        above, below = min(MARGIN_ABOVE, top), min(MARGIN_BELOW, self._total - end)
        spare = self._height - (end - top)
        if spare < above + below:
            return top
        lead = min(top, max(above, spare // 3, spare - (self._total - end)))
        return max(0, min(top - lead, self._total - self._height))

    def _lines(self, u: Sentence, highlights: tuple | None) -> list[Text]:
        key = (u.id, self._width, highlights)
        lines = self._wrapped.get(key)
        if lines is None:
            if len(self._wrapped) > CACHE_LIMIT:
                self._wrapped.clear()
            text = unit_text(u, highlights or ())  # Chinese line breaking, the mark kept on the first line
            lines = self._wrapped[key] = wrap.lines(text, self._width, glue=len(KIND_MARK.get(u.kind, "")))
        return lines

    def _repaint(self, ids: list) -> None:
        """Repaint the lines of these units (those on screen)."""
        y0, ranges = round(self.scroll_y), []
        for uid in dict.fromkeys(ids):
            i = self._index.get(uid)
            if i is None:
                continue
            top, end = self._tops[i], self._end(i)
            for y in range(top, end):
                self._strips.pop(y, None)
            first, last = max(top, y0), min(end, y0 + self._height)
            if first < last:
                ranges.append((first, last - first))
                self.refresh_lines(first, last - first)
        self.painted = ranges

    # ------------------------------------------------------------ drawing
    def render_line(self, y: int) -> Strip:
        line = round(self.scroll_y) + y
        width = self.scrollable_content_region.width
        if y == 0 or y == self.scrollable_content_region.height - 1:
            above, below = self.hidden()
            if y == 0 and above:
                return self._cue(f"▲ {above} {_lines(above)} of this sentence above · shift+pageup: previous page",
                                 width)
            if y and below:
                return self._cue(f"▼ {below} more {_lines(below)} of this sentence · space: next page", width)
        strip = self._strips.get(line)
        if strip is None or strip.cell_length != width:
            strip = self._strips[line] = self._strip(line, width)
        return strip

    def _cue(self, text: str, width: int) -> Strip:
        style = self.get_component_rich_style("reader--cue")
        return Strip([Segment(text, style)]).adjust_cell_length(width, style)

    def _strip(self, line: int, width: int) -> Strip:
        console = self.app.console
        base = self.rich_style
        if self.message is not None:
            if line >= len(self._message_lines):
                return Strip.blank(width, base)
            segments = [Segment(" " * GUTTER, base), *Segment.apply_style(
                self._message_lines[line].render(console), base)]
            return Strip(segments).adjust_cell_length(width, base)
        i = bisect_right(self._tops, line) - 1
        if i < 0 or line >= self._total:
            return Strip.blank(width, base)
        u = self.units[i]
        if u.id == self.current_id:
            style = self.get_component_rich_style("reader--current")
            text = self._lines(u, self.highlights)[line - self._tops[i]]
            margin = Segment(BAR, self.get_component_rich_style("reader--bar"))
        else:
            style = self.get_component_rich_style("reader--context")
            text = self._lines(u, None)[line - self._tops[i]]
            margin = Segment(" " * GUTTER, style)
        segments = [margin, *Segment.apply_style(text.render(console), style)]
        return Strip(segments).adjust_cell_length(width, style)


def _lines(n: int) -> str:
    return "line" if n == 1 else "lines"
