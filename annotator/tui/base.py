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
from annotator.tui import render
from annotator.tui.keys import OrderedKeys

LOCK_RETRY = 0.003  # seconds between tries while another process holds the write lock (bulk writers pause
# a few milliseconds between their short transactions; a try every few milliseconds catches that gap)
LOCK_PATIENCE = 30.0  # give up (nothing saved, keys typed meanwhile dropped) after this long


class SentenceScreen(OrderedKeys, Screen):
    """One sentence with its context, a middle panel (``MIDDLE`` id), the tag panel and a status line.

    Subclasses set ``session`` (with ``taxonomy``, ``current``, ``before``, ``after``, ``doc_title``) and
    implement ``on_tag_key(tag_id)`` and ``refresh_view()``."""

    MIDDLE = "labels"
    STARTS_READY = False  # keys wait until the first sentence is shown (``opened``)
    suggest_enabled = True  # False (--no-suggest): no keyword highlight, no ◆, no ★

    def __init__(self) -> None:
        super().__init__()
        self.highlighter = None  # set by a worker: jieba's dictionary loads off the keypress path

    def compose(self) -> ComposeResult:
        yield Static(id="where")
        with Vertical(id="reading"):
            yield Static(id="before", classes="context")
            yield Static(id="current")
            yield Static(id=self.MIDDLE)
            yield Static(id="after", classes="context")
        yield Static(id="tags")
        yield Static(id="status")
        yield Footer()

    def on_resize(self) -> None:
        if self.session.current is not None:
            self.refresh_view()

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
        reading.scroll_relative(y=delta, animate=False)

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
        self.refresh_view()
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

    def show_sentence(self) -> set[str]:
        """Draw the title/section line, the context and the current sentence (keywords highlighted).

        Returns the tags whose keywords matched, for the tag panel."""
        s = self.session
        cur = s.current
        where = render.plain(s.doc_title or "", style="bold")
        if cur is not None and cur.section:
            where.append("  ›  ", style="dim")
            where.append(render.safe(cur.section))
        self.query_one("#where", Static).update(where)
        self.query_one("#before", Static).update(render.context_text(s.before))
        self.query_one("#after", Static).update(render.context_text(s.after))
        highlights, matched = [], set()
        if self.suggest_enabled and self.highlighter is not None and cur is not None:
            for start, end, _kw, tags in self.highlighter.matches(cur.text):
                highlights.append((start, end, render.tag_colour(s.taxonomy, tags[0])))
                matched.update(tags)
        current = self.query_one("#current", Static)
        if cur is None and getattr(s, "queue_empty", False):
            current.update(render.plain(f"The {s.queue} queue is empty: nothing to tag here. "
                                        "Choose another queue or document (ctrl+p).", style="italic"))
            current.border_title = "empty queue"
            return matched
        current.update(render.sentence_text(cur, highlights))
        if cur is not None:
            current.border_title = f"{cur.doc_id[:8]} #{cur.idx}"
            # the current sentence has priority: bring its first line into view (the rest scrolls)
            self.call_after_refresh(self.query_one("#reading").scroll_to_widget, current, animate=False, top=True)
        return matched

    def show_tags(self, labels: tuple[str, ...], matched: set[str], suggested: dict[str, float] | None = None) -> None:
        if not self.suggest_enabled:
            matched, suggested = set(), None
        self.query_one("#tags", Static).update(render.tag_panel(
            self.session.taxonomy, labels, matched=matched, suggested=suggested, english=self.size.width >= 100))
