"""What the tagging and review screens share: layout, taxonomy keys, timing, keyword highlighting."""

from __future__ import annotations

import asyncio
from time import monotonic, perf_counter

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Container
from textual.screen import Screen
from textual.widgets import Footer, Static

from annotator.core.errors import AnnotatorError, JudgmentChanged, StoreBusy
from annotator.tui import guide, render, tagpanel, wrap
from annotator.tui.actions import PAGE
from annotator.tui.keys import OrderedKeys, key_label
from annotator.tui.line import TextLine
from annotator.tui.reader import GUTTER, KIND_MARK, MARGIN_ABOVE, Reader, unit_text

LOCK_RETRY = 0.003  # seconds between tries while another process holds the write lock (bulk writers pause
# a few milliseconds between their short transactions; a try every few milliseconds catches that gap)
LOCK_PATIENCE = 30.0  # give up (nothing saved, keys typed meanwhile dropped) after this long

MIN_WIDTH = 40  # columns below which the screen shows only the enlarge-the-terminal line
MIN_READING = 5  # rows the reading area keeps at least
PREFETCH_AFTER = 0.01  # seconds after a move (the frame is out by then): the next sentences' keyword spans
IGNORED_NOTICE_GAP = 2.0  # seconds: keys dropped closer together than this share one notice
PANEL_SHARE = 0.45  # of the rows left by the fixed lines, the tag panel takes at most this much


class SentenceScreen(OrderedKeys, Screen):
    """One sentence in the flow of its document (the reading area, ``reader.Reader``), an optional
    middle panel below it (``MIDDLE`` id), an optional state line (``STATE`` id), the tag panel and a
    status line.

    The layout is planned for the terminal's size (``fit``): the tag panel takes what it needs in the
    most detailed mode that leaves the reading area most of the height, the context grows with the
    rows left over, and below a minimum size one line asks for a larger terminal (keys are refused
    meanwhile: nothing is written blindly). Each redraw updates only the widgets whose content
    changed (``put``); a tag key touches the tag panel, the state line and the status line, and a
    move to a sentence already on screen repaints the lines of the two sentences involved.

    Subclasses set ``session`` (with ``store``, ``taxonomy``, ``current``, ``doc_title``) and
    implement ``on_tag_key(tag_id)`` and ``refresh_view()``."""

    MIDDLE: str | None = None
    STATE: str | None = None
    STARTS_READY = False  # keys wait until the first sentence is shown (``opened``)
    suggest_enabled = True  # False (--no-suggest): no keyword highlight, no ◆, no ★

    def __init__(self) -> None:
        super().__init__()
        self.highlighter = None  # set by a worker: jieba's dictionary loads off the keypress path
        self.collapsed = False  # the tag panel's facets collapsed to their keys (ctrl+t)
        self.panel_layouts: tuple[tagpanel.PanelLayout, tagpanel.PanelLayout] | None = None  # (expanded, collapsed) for this size
        self._expand_for: object = None  # the sentence on which ctrl+t expanded a panel collapsed for it
        self._rows_of: tuple = (None, 0)  # ((sentence id, width), its lines) last measured
        self.guide_open = False  # the guideline panel (ctrl+g)
        self.guide_rows = 0  # its height when it sits below the text (0 beside it or closed)
        self._avail = 0  # rows for the reading area and the tag panel (set by ``fit``)
        self.panel_layout: tagpanel.PanelLayout | None = None
        self.painter: tagpanel.Painter | None = None
        self.too_small = False
        self.small_message = ""
        self.reading_rows = 0
        self._drawn: dict[str, tuple] = {}  # widget id -> (key, content) it shows now (see ``put``)
        self._widgets: dict[str, TextLine] = {}  # id -> the widget (looked up once)
        self._prefetch = None  # the timer of the next ``prefetch_cues``
        self._cues: dict[tuple, tuple[list, set]] = {}  # (unit id, highlighter, on) -> (highlights, matched)
        self._ignored_at = float("-inf")  # when a key was last dropped for want of a live item

    def compose(self) -> ComposeResult:
        yield TextLine(id="where")
        with Container(id="body"):
            yield Reader(id="reading")
            yield guide.GuidePanel(self.session.taxonomy, id="guide")
        if self.MIDDLE:
            yield Static(id=self.MIDDLE, classes="middle")
        if self.STATE:
            yield TextLine(id=self.STATE, classes="state")
        yield tagpanel.TagPanel(id="tags")
        yield TextLine(id="status")
        yield Footer()
        yield Static(id="too-small")

    # ------------------------------------------------------------ layout
    def fixed_rows(self) -> int:
        """Rows that are not the reading area's or the tag panel's lines: title, panel border, status,
        footer, and the state line when there is one."""
        return 4 + (1 if self.STATE else 0)

    def fit(self) -> None:
        """Plan the screen for the terminal's size, then redraw everything."""
        width, height = self.app.size
        tax = self.session.taxonomy
        fixed = self.fixed_rows()
        smallest = tagpanel.layout(tax, max(width, MIN_WIDTH) - 2, 0, collapsed=True)
        needs = (MIN_WIDTH, fixed + MIN_READING + smallest.rows)
        self.too_small = width < needs[0] or height < needs[1]
        self.set_class(self.too_small, "-too-small")
        if self.too_small:
            self.small_message = (f"Enlarge the terminal: this screen needs at least {needs[0]}×{needs[1]} "
                                  f"(now {width}×{height}). Keys are ignored until then; ctrl+q quits.")
            self.query_one("#too-small", Static).update(Text(self.small_message, style="bold"))
            return
        avail = height - fixed
        self.place_guide(width, avail - smallest.rows)
        avail -= self.guide_rows
        max_rows = max(smallest.rows, min(int(avail * PANEL_SHARE), avail - MIN_READING))
        self.panel_layouts = (tagpanel.layout(tax, width - 2, max_rows, cues=self.suggest_enabled),
                      tagpanel.layout(tax, width - 2, max_rows, cues=self.suggest_enabled, collapsed=True))
        self.panel_layout = None
        self._avail = avail
        self.use_layout(self.choose_layout())
        self._drawn.clear()
        self.refresh_view()

    def place_guide(self, width: int, rows: int) -> None:
        """The guideline panel beside the text on a wide terminal, below it on a narrow one (``guide.place``)."""
        self.guide_rows = guide.place(self, width, rows, MIN_READING)

    def labels_shown(self) -> tuple[str, ...]:
        """The tags the tag panel shows as chosen (the annotator's, or the gold in review)."""
        return ()

    def choose_layout(self) -> tagpanel.PanelLayout:
        """The tag panel's layout for the current sentence: collapsed to its keys when the user asked
        (ctrl+t), or when the sentence needs the room (it would not fit in the reading area beside
        the expanded panel, and ctrl+t has not expanded it for this sentence)."""
        expanded, keys = self.panel_layouts
        cur = self.session.current
        if self.collapsed:
            return keys
        if cur is None or cur.id != self._expand_for:
            self._expand_for = None  # ctrl+t's expansion lasts while its sentence is the current one
        if cur is None or cur.id == self._expand_for or expanded.mode == "keys":
            return expanded
        room = self._avail - expanded.rows - self.middle_rows()
        return keys if self.sentence_rows(cur) + MARGIN_ABOVE > room else expanded

    def middle_rows(self) -> int:
        """Rows the middle panel (the review grid) takes now."""
        return self.query_one(f"#{self.MIDDLE}").outer_size.height if self.MIDDLE else 0

    def sentence_rows(self, cur) -> int:
        """Lines the sentence takes in the reading area at its width (as the reader wraps it)."""
        width = self.app.size.width - 3 - GUTTER  # the area's padding and scrollbar, the margin
        if self.guide_open and not self.guide_rows:
            width -= guide.side_width(self.app.size.width) + 1
        key = (cur.id, width)
        if self._rows_of[0] != key:
            glue = len(KIND_MARK.get(cur.kind, ""))
            self._rows_of = (key, len(wrap.spans(unit_text(cur).plain, width, glue)))
        return self._rows_of[1]

    def use_layout(self, layout: tagpanel.PanelLayout) -> None:
        if layout == self.panel_layout:
            return
        self.panel_layout = layout
        self.painter = tagpanel.Painter(self.session.taxonomy, layout)
        self.query_one("#tags").styles.height = layout.rows + 1
        self.reading_rows = self._avail - layout.rows

    def on_resize(self) -> None:
        if self.ready.is_set():
            self.fit()

    async def handle_key(self, event) -> None:
        """Below the minimum size the screen cannot show what a key would change: every key but quit is
        refused (the message says so) instead of acting blindly."""
        if self.too_small and "ctrl+q" not in event.aliases:
            if event.key not in ("shift", "ctrl", "alt") and not event.key.startswith("mouse"):
                self.query_one("#too-small", Static).update(Text(
                    f"{self.small_message} Ignored: {key_label(event)}.", style="bold"))
            return
        await super().handle_key(event)

    def action_collapse(self) -> None:
        """Collapse the tag panel's facets to their keys (more room for the sentence), or expand them;
        a panel collapsed because the sentence needs the room is expanded for this sentence."""
        if self.too_small or self.panel_layout is None:
            return
        if self.panel_layout.mode == "keys":
            self.collapsed = False
            self._expand_for = self.session.current.id if self.session.current else None
        else:
            self.collapsed, self._expand_for = True, None
        self.fit()

    def put(self, wid: str, key: object, build) -> bool:
        """Show ``build()`` in the one-line widget ``wid`` unless it already shows the content ``key``
        stands for (only the cells that change are redrawn, see ``TextLine``)."""
        widget = self._widgets.get(wid)
        if widget is None:
            widget = self._widgets[wid] = self.query_one(f"#{wid}", TextLine)
        drawn = self._drawn.get(wid)
        if drawn is not None and drawn[0] == key and drawn[1] is widget.content:
            return False  # (a widget updated elsewhere, e.g. the waiting notice, no longer matches)
        content = build()
        widget.update(content)
        self._drawn[wid] = (key, content)
        return True

    async def other_key(self, event) -> bool:
        """Letters and digits belong to the taxonomy: a tag's key goes to ``on_tag_key``."""
        ch = event.character
        if ch and len(ch) == 1 and ch.isascii() and ch.isalnum():
            tag = self.session.taxonomy.keys.get(ch)
            if tag is not None:
                if not self.no_live_item(repr(ch)):
                    self.guide_follows(tag.id)
                    await self.on_tag_key(tag.id)
                return True
        return False

    async def on_tag_key(self, tag_id: str) -> None:
        raise NotImplementedError

    def nothing_live(self) -> str:
        """Why no item takes keys now (the queue is finished or empty): the end of the notice."""
        raise NotImplementedError

    def no_live_item(self, what: str) -> bool:
        """A key that would write while no item is live (a finished or empty queue) is dropped: nothing is
        written, and a notice says so (one per burst, not one per key). True when it was dropped."""
        if self.session.current is not None:
            return False
        now = monotonic()
        if now - self._ignored_at > IGNORED_NOTICE_GAP:
            self.notify(render.safe(f"{what} ignored: {self.nothing_live()}"), severity="warning", markup=False,
                        timeout=6)
        self._ignored_at = now
        return True

    def action_guidelines(self) -> None:
        """Open or close the guideline panel beside (or below) the text."""
        self.guide_open = not self.guide_open
        if self.guide_open:
            panel = self.query_one("#guide", guide.GuidePanel)
            labels = self.labels_shown()
            if labels:
                panel.show_tag(labels[-1])
        self.fit()

    def guide_follows(self, tag_id: str) -> None:
        """A tag key: the open guideline panel shows that tag's facet."""
        if self.guide_open:
            self.query_one("#guide", guide.GuidePanel).show_tag(tag_id)

    async def action_guidelines_full(self) -> None:
        """Every tag's description and examples in a full-screen dialog (esc closes)."""
        from annotator.tui.modals import HelpScreen

        await self.app.push_screen(HelpScreen(render.guidelines(self.session.taxonomy)))

    def action_scroll_sentence(self, delta: int) -> None:
        """Scroll the reading area (context and current sentence) by ``delta`` lines, or by a page
        (``actions.PAGE``: a view less the rows that say the sentence goes on, so no line is skipped; only
        while the sentence goes on beyond the view)."""
        reading = self.query_one("#reading", Reader)
        if abs(delta) >= PAGE:  # a page, no further than the sentence's last (first) line
            above, below = reading.hidden()
            if self.session.current is None:
                self.notify("There is no sentence here to page through.", markup=False, timeout=3)
                return
            if not (below if delta > 0 else above):
                self.notify("The sentence is in view" + (" to its end" if delta > 0 else " from its start")
                            + " (shift+↓ / shift+↑ scroll the context).", markup=False, timeout=3)
                return
            delta = min(reading.page(), below) if delta > 0 else -min(reading.page(), above)
        reading.scroll_relative(y=delta, animate=False, immediate=True)  # a burst adds up

    async def act(self, name: str, fn, *args):
        """Run one key's session operation to completion, then redraw (its duration goes to the app's
        timings, which benchmarks read).

        While another process holds the write lock the key waits, in order, and the status line says
        so. A refusal (the row changed elsewhere, read-only database, taxonomy moved, lock held too
        long) is shown in one line, and the keys typed ahead of it are dropped: they were meant for a
        state that did not come about."""
        t0 = perf_counter()
        deadline = monotonic() + LOCK_PATIENCE
        waiting = False
        try:
            while True:
                try:
                    result = fn(*args)
                    break
                except StoreBusy as exc:
                    if monotonic() > deadline:
                        raise AnnotatorError(str(exc)) from None
                    if not waiting:
                        waiting = True
                        self.show_waiting()
                    await asyncio.sleep(LOCK_RETRY)
        except JudgmentChanged as exc:
            self.refuse(str(exc), "warning")
            return None
        except AnnotatorError as exc:
            self.refuse(str(exc), "error")
            return None
        self.refresh_view()
        self.app.record_timing(name, perf_counter() - t0)
        return result

    def refuse(self, message: str, severity: str) -> None:
        self.notify(render.safe(message), severity=severity, markup=False, timeout=8)
        self.app.drop_typed_ahead()
        self.refresh_view()

    def show_waiting(self) -> None:
        self.query_one("#status", TextLine).update(Text(
            " waiting for the database: another process is writing — your keys are kept, in order ",
            style="bold black on yellow"))

    def opened(self) -> None:
        """The screen shows its first item: keys may act on it now."""
        self.fit()
        self.ready.set()
        self.call_after_refresh(self.after_first_paint)

    def after_first_paint(self) -> None:
        """The first sentence is on screen: only now start the heavy worker (jieba holds the GIL while loading)."""
        self.app.mark_first_paint()
        self.start_worker()

    def start_worker(self) -> None:
        """Start the background loading (highlighter, model); subclasses decide what it is."""

    def highlighter_ready(self, highlighter) -> None:
        self.highlighter = highlighter
        self.refresh_view()

    def keyword_cues(self, unit=None) -> tuple[list[tuple[int, int, str]], set[str]]:
        """Keyword spans of a sentence (the current one by default), with their tag's colour, and the
        tags they match; computed once per sentence and highlighter."""
        cur = self.session.current if unit is None else unit
        key = (cur.id if cur else None, id(self.highlighter), self.suggest_enabled)
        cues = self._cues.get(key)
        if cues is None:
            highlights, matched = [], set()
            if self.suggest_enabled and self.highlighter is not None and cur is not None:
                for start, end, _kw, tags in self.highlighter.matches(cur.text):
                    highlights.append((start, end, render.tag_colour(self.session.taxonomy, tags[0])))
                    matched.update(tags)
            if len(self._cues) > 1024:
                self._cues.clear()
            cues = self._cues[key] = (highlights, matched)
        return cues

    def prefetch_cues(self) -> None:
        """Once a sentence is drawn: the keyword spans of the next sentences on screen, so that moving
        on does not wait for them."""
        if self.highlighter is None or not self.suggest_enabled:
            return
        for unit in self.query_one("#reading", Reader).following(2):
            self.keyword_cues(unit)

    def show_sentence(self) -> set[str]:
        """Draw the title/section line and the reading area: the current sentence (keywords highlighted)
        in the flow of its document. A sentence already on screen is only restyled (see ``Reader``).

        Returns the tags whose keywords matched, for the tag panel."""
        s = self.session
        cur = s.current
        if self.panel_layouts is not None:
            self.use_layout(self.choose_layout())  # collapsed while a long sentence needs the room
        self.put("where", (s.doc_title, cur.section if cur else None), lambda: render.where_line(s.doc_title, cur))
        highlights, matched = self.keyword_cues()
        reader = self.query_one("#reading", Reader)
        if cur is None:
            reader.show_message(render.no_sentence(getattr(s, "queue", ""), getattr(s, "queue_empty", False),
                                                   getattr(s, "finished", False)))
        else:
            shown = reader.current_id
            reader.show(cur, tuple(highlights), s.store.context)
            if reader.current_id != shown:  # when the frame is out and keys are quiet (jieba holds the GIL)
                if self._prefetch is not None:
                    self._prefetch.stop()
                self._prefetch = self.set_timer(PREFETCH_AFTER, self.prefetch_cues)
        return matched

    def show_tags(self, labels: tuple[str, ...], matched: set[str], suggested: dict[str, float] | None = None) -> None:
        """The tag panel: only its rows that changed are repainted."""
        if self.painter is None:
            return
        if not self.suggest_enabled:
            matched, suggested = set(), None
        self.query_one("#tags", tagpanel.TagPanel).show(self.painter.rows(labels, matched, suggested))
        if self.guide_open:
            self.query_one("#guide", guide.GuidePanel).fill(frozenset(labels))

    def show_status(self, key: object, build) -> None:
        self.put("status", key, build)
