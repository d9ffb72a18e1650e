"""What the tagging and review screens share: layout, taxonomy keys, timing, keyword highlighting."""

from __future__ import annotations

import asyncio
from time import monotonic, perf_counter

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from annotator.core.errors import AnnotatorError, JudgmentChanged, StoreBusy
from annotator.tui import render, tagpanel
from annotator.tui.keys import OrderedKeys, key_label

LOCK_RETRY = 0.003  # seconds between tries while another process holds the write lock (bulk writers pause
# a few milliseconds between their short transactions; a try every few milliseconds catches that gap)
LOCK_PATIENCE = 30.0  # give up (nothing saved, keys typed meanwhile dropped) after this long

MIN_WIDTH = 40  # columns below which the screen shows only the enlarge-the-terminal line
MIN_READING = 5  # rows the reading area keeps at least (the current sentence's frame and 3 lines)
PANEL_SHARE = 0.45  # of the rows left by the fixed lines, the tag panel takes at most this much
MAX_CONTEXT = 25  # units of context on each side, at most
READING_FRAME = 7  # columns around a line of the current sentence: padding, scrollbar, border, padding


class Part(Static):
    """A part of the reading area (context, current sentence, middle panel): its height follows its text.

    When the screen's layout gives it a new size, the size is taken as it is: Textual would otherwise
    ask for a second layout pass, drawn a frame (1/60 s) later, for every new sentence."""

    def _size_updated(self, size, virtual_size, container_size, layout: bool = True) -> bool:
        return super()._size_updated(size, virtual_size, container_size, layout=False)


class SentenceScreen(OrderedKeys, Screen):
    """One sentence with its context, an optional middle panel (``MIDDLE`` id) in the reading area, an
    optional state line below it (``STATE`` id), the tag panel and a status line.

    The layout is planned for the terminal's size (``fit``): the tag panel takes what it needs in the
    most detailed mode that leaves the reading area most of the height, the context grows with the
    rows left over, and below a minimum size one line asks for a larger terminal (keys are refused
    meanwhile: nothing is written blindly). Each redraw updates only the widgets whose content
    changed (``put``); a tag key touches the tag panel, the state line and the status line.

    Subclasses set ``session`` (with ``taxonomy``, ``current``, ``before``, ``after``, ``doc_title``) and
    implement ``on_tag_key(tag_id)`` and ``refresh_view()``."""

    MIDDLE: str | None = None
    STATE: str | None = None
    STARTS_READY = False  # keys wait until the first sentence is shown (``opened``)
    suggest_enabled = True  # False (--no-suggest): no keyword highlight, no ◆, no ★

    def __init__(self) -> None:
        super().__init__()
        self.highlighter = None  # set by a worker: jieba's dictionary loads off the keypress path
        self.collapsed = False  # the tag panel's facets collapsed to their keys (ctrl+t)
        self.plan: tagpanel.Plan | None = None
        self.painter: tagpanel.Painter | None = None
        self.too_small = False
        self.small_message = ""
        self.reading_rows = 0
        self.text_width = 0  # cells of a line of the current sentence
        self._drawn: dict[str, tuple] = {}  # widget id -> (key, content) it shows now (see ``put``)
        self._widgets: dict[str, Static] = {}
        self._cues: tuple = (None, [], set())  # (key, highlights, matched) of the current sentence
        # (key, (lines before, lines after), the context before and after wrapped) of the current sentence
        self._context_plan: tuple = (None, (0, 0), [], [])
        self._wrapped: dict[tuple, list[Text]] = {}  # (unit id, width) -> the unit's lines
        self._shown_id: object = None  # the sentence the reading area was last scrolled for

    def compose(self) -> ComposeResult:
        yield Static(id="where")
        with Vertical(id="reading"):
            yield Part(id="before", classes="context")
            yield Part(id="current")
            if self.MIDDLE:
                yield Part(id=self.MIDDLE)
            yield Part(id="after", classes="context")
        if self.STATE:
            yield Static(id=self.STATE, classes="state")
        yield tagpanel.TagPanel(id="tags")
        yield Static(id="status")
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
        smallest = tagpanel.plan(tax, max(width, MIN_WIDTH) - 2, 0, collapsed=True)
        needs = (MIN_WIDTH, fixed + MIN_READING + smallest.rows)
        self.too_small = width < needs[0] or height < needs[1]
        self.set_class(self.too_small, "-too-small")
        if self.too_small:
            self.small_message = (f"Enlarge the terminal: this screen needs at least {needs[0]}×{needs[1]} "
                                  f"(now {width}×{height}). Keys are ignored until then; ctrl+q quits.")
            self.query_one("#too-small", Static).update(Text(self.small_message, style="bold"))
            return
        avail = height - fixed
        max_rows = max(smallest.rows, min(int(avail * PANEL_SHARE), avail - MIN_READING))
        self.plan = tagpanel.plan(tax, width - 2, max_rows, cues=self.suggest_enabled, collapsed=self.collapsed)
        self.painter = tagpanel.Painter(tax, self.plan)
        self.query_one("#tags").styles.height = self.plan.rows + 1
        self.reading_rows = avail - self.plan.rows
        self.text_width = max(1, width - READING_FRAME)
        context = max(2, min(MAX_CONTEXT, self.reading_rows // 2))
        if context != self.session.context_size:
            self.session.context_size = context
            if self.session.current is not None:
                self.session.before, self.session.after = self.session.store.context(
                    self.session.current, context, context)
        self._drawn.clear()
        self.refresh_view()

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
        """Collapse the tag panel's facets to their keys (more room for the sentence), or expand them."""
        self.collapsed = not self.collapsed
        self.fit()

    def put(self, wid: str, key: object, build, layout: bool = False) -> bool:
        """Show ``build()`` in widget ``wid`` unless it already shows the content ``key`` stands for.

        ``layout=False`` for widgets of a fixed height: their redraw then touches nothing else."""
        widget = self._widgets.get(wid)
        if widget is None:
            widget = self._widgets[wid] = self.query_one(f"#{wid}", Static)
        drawn = self._drawn.get(wid)
        if drawn is not None and drawn[0] == key and drawn[1] is widget.content:
            return False  # (a widget updated elsewhere, e.g. the waiting notice, no longer matches)
        content = build()
        widget.update(content, layout=layout)
        self._drawn[wid] = (key, content)
        return True

    async def other_key(self, event) -> bool:
        """Letters and digits belong to the taxonomy: a tag's key goes to ``on_tag_key``."""
        ch = event.character
        if ch and len(ch) == 1 and ch.isascii() and ch.isalnum():
            tag = self.session.taxonomy.keys.get(ch)
            if tag is not None:
                if self.session.current is None:
                    self.notify(f"{ch!r}: there is no sentence here to tag", markup=False, timeout=3)
                    return True
                await self.on_tag_key(tag.id)
                return True
        return False

    async def on_tag_key(self, tag_id: str) -> None:
        raise NotImplementedError

    async def action_guidelines(self) -> None:
        """The guideline panel: each tag's description and examples."""
        from annotator.tui.modals import HelpScreen

        await self.app.push_screen(HelpScreen(render.guidelines(self.session.taxonomy)))

    def action_scroll_sentence(self, delta: int) -> None:
        """Scroll the reading area (context and current sentence) by ``delta`` lines
        (proposed keys: shift+up / shift+down, and shift+pageup / shift+pagedown for a page)."""
        reading = self.query_one("#reading")
        if abs(delta) >= 1000:  # a page
            delta = (1 if delta > 0 else -1) * max(1, reading.size.height - 1)
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
        self.query_one("#status", Static).update(Text(
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
        if self.MIDDLE:  # the middle panel's height is known now: share the context rows again
            self.refresh_view()
        self.start_worker()

    def start_worker(self) -> None:
        """Start the background loading (highlighter, model); subclasses decide what it is."""

    def highlighter_ready(self, highlighter) -> None:
        self.highlighter = highlighter
        self.refresh_view()

    def keyword_cues(self) -> tuple[list[tuple[int, int, str]], set[str]]:
        """Keyword spans of the current sentence (with their tag's colour) and the tags they match,
        computed once per sentence and highlighter."""
        cur = self.session.current
        key = (cur.id if cur else None, id(self.highlighter), self.suggest_enabled)
        if self._cues[0] != key:
            highlights, matched = [], set()
            if self.suggest_enabled and self.highlighter is not None and cur is not None:
                for start, end, _kw, tags in self.highlighter.matches(cur.text):
                    highlights.append((start, end, render.tag_colour(self.session.taxonomy, tags[0])))
                    matched.update(tags)
            self._cues = (key, highlights, matched)
        return self._cues[1], self._cues[2]

    def middle_rows(self) -> int:
        """Rows the middle panel takes in the reading area (as last laid out)."""
        return self.query_one(f"#{self.MIDDLE}").outer_size.height if self.MIDDLE else 0

    def show_sentence(self) -> set[str]:
        """Draw the title/section line, the context and the current sentence (keywords highlighted).
        Nothing is redrawn while the sentence stays the same.

        Returns the tags whose keywords matched, for the tag panel."""
        s = self.session
        cur = s.current
        self.put("where", (s.doc_title, cur.section if cur else None), lambda: render.where_line(s.doc_title, cur))
        highlights, matched = self.keyword_cues()
        if cur is None:
            empty = getattr(s, "queue_empty", False)
            self.show_context("before", False)
            self.show_context("after", False)
            if self.put("current", ("none", empty, getattr(s, "queue", "")),
                        lambda: render.no_sentence(getattr(s, "queue", ""), empty), layout=True):
                self.query_one("#current").border_title = "empty queue" if empty else ""
            return matched
        before_k, after_k = self.context_lines(cur)
        self.show_context("before", before_k > 0)
        self.show_context("after", after_k > 0)
        wide = self.text_width + 4  # context lines are as wide as the current sentence's frame
        self.put("before", (tuple(u.id for u in s.before), before_k, wide),
                 lambda: render.joined(self._context_plan[2][len(self._context_plan[2]) - before_k:]), layout=True)
        if self.put("current", (cur.id, tuple(highlights)), lambda: render.sentence_text(cur, highlights), layout=True):
            self.query_one("#current").border_title = f"{cur.doc_id[:8]} #{cur.idx}"
        self.put("after", (tuple(u.id for u in s.after), after_k, wide),
                 lambda: render.joined(self._context_plan[3][:after_k]), layout=True)
        if self._shown_id != cur.id:
            # the current sentence has priority: a new one is shown from its first line (the rest scrolls)
            self._shown_id = cur.id
            reading = self.query_one("#reading")
            if reading.scroll_y:
                reading.scroll_to(y=0, animate=False, immediate=True)  # in the same frame
        return matched

    def show_context(self, wid: str, shown: bool) -> None:
        widget = self.query_one(f"#{wid}")
        if widget.display != shown:
            widget.display = shown

    def context_lines(self, cur) -> tuple[int, int]:
        """How many lines of context go before and after the current sentence: as many as the reading
        area has rows to spare, shared between the two sides (none before a sentence that does not fit,
        so it is shown from its first line). Computed once per sentence and layout."""
        s, width = self.session, self.text_width
        middle = self.middle_rows()
        key = (cur.id, width, self.reading_rows, middle, tuple(u.id for u in s.before), tuple(u.id for u in s.after))
        if self._context_plan[0] != key:
            console = self.app.console
            spare = self.reading_rows - render.wrapped_height(cur.text, width, console) - 2 - middle
            before_lines = self.context_wrap(reversed(s.before), width + 4, max(spare, 0), reverse=True)
            after_lines = self.context_wrap(s.after, width + 4, max(spare, 3))
            before, after = len(before_lines), len(after_lines)
            if spare <= 0:
                b, a = 0, min(after, 3)
            else:
                b = min(before, max(spare // 2, spare - after))
                a = min(after, spare - b)
            self._context_plan = (key, (b, a), before_lines, after_lines)
        return self._context_plan[1]

    def context_wrap(self, units, width: int, enough: int, reverse: bool = False) -> list[Text]:
        """Lines of context units, nearest first, until ``enough`` lines (each unit wrapped once and kept)."""
        out: list[Text] = []
        for u in units:
            if len(out) >= enough:
                break
            lines = self._wrapped.get((u.id, width))
            if lines is None:
                if len(self._wrapped) > 4096:
                    self._wrapped.clear()
                lines = self._wrapped[(u.id, width)] = render.context_wrapped([u], width, self.app.console)
            out = lines + out if reverse else out + lines
        return out

    def show_tags(self, labels: tuple[str, ...], matched: set[str], suggested: dict[str, float] | None = None) -> None:
        """The tag panel: only its rows that changed are repainted."""
        if self.painter is None:
            return
        if not self.suggest_enabled:
            matched, suggested = set(), None
        self.query_one("#tags", tagpanel.TagPanel).show(self.painter.rows(labels, matched, suggested))

    def show_status(self, key: object, build) -> None:
        self.put("status", key, build)
