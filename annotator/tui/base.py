"""What the tagging and review screens share: layout, taxonomy keys, timing, keyword highlighting."""

from __future__ import annotations

from time import perf_counter

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from annotator.errors import AnnotatorError
from annotator.tui import render


class SentenceScreen(Screen):
    """One sentence with its context, a middle panel (``MIDDLE`` id), the tag panel and a status line.

    Subclasses set ``session`` (with ``taxonomy``, ``current``, ``before``, ``after``, ``doc_title``) and
    implement ``on_tag_key(tag_id)`` and ``refresh_view()``."""

    MIDDLE = "labels"

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

    def on_key(self, event) -> None:
        """Letters and digits belong to the taxonomy: a tag's key goes to ``on_tag_key``."""
        ch = event.character
        if ch and len(ch) == 1 and ch.isascii() and ch.isalnum() and self.session.current is not None:
            tag = self.session.taxonomy.keys.get(ch)
            if tag is not None:
                event.stop()
                event.prevent_default()
                self.on_tag_key(tag.id)

    def on_tag_key(self, tag_id: str) -> None:
        raise NotImplementedError

    def action_guidelines(self) -> None:
        """The guideline panel: each tag's description and examples (proposed key: f2)."""
        from annotator.tui.modals import HelpScreen

        self.app.push_screen(HelpScreen(render.guidelines(self.session.taxonomy)))

    def action_scroll_sentence(self, delta: int) -> None:
        """Scroll the reading area (context and current sentence) by ``delta`` lines
        (proposed keys: shift+up / shift+down, and shift+pageup / shift+pagedown for a page)."""
        reading = self.query_one("#reading")
        if abs(delta) >= 1000:  # a page
            delta = (1 if delta > 0 else -1) * max(1, reading.size.height - 1)
        reading.scroll_relative(y=delta, animate=False)

    def timed(self, name: str, fn, *args):
        """Run a handler and redraw, recording its duration in the app (benchmarks read it)."""
        t0 = perf_counter()
        try:
            result = fn(*args)
        except AnnotatorError as exc:  # read-only database, lock held too long: say so, keep the screen
            self.notify(render.safe(str(exc)), severity="error", markup=False, timeout=8)
            self.refresh_view()
            return None
        self.refresh_view()
        self.app.record_timing(name, perf_counter() - t0)
        return result

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
        if self.highlighter is not None and cur is not None:
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
        self.query_one("#tags", Static).update(render.tag_panel(
            self.session.taxonomy, labels, matched=matched, suggested=suggested, english=self.size.width >= 100))
