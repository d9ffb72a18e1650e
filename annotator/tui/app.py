"""The one factory that builds the Textual app from domain objects (CLI and tests use it)."""

from __future__ import annotations

import asyncio
import sqlite3
from time import perf_counter

from textual import events
from textual._time import get_time
from textual.app import App

from annotator.core.errors import AnnotatorError
from annotator.annotate.indexing import BackgroundIndex
from annotator.annotate.tagging import TaggingSession
from annotator.store import Store, damaged
from annotator.core.taxonomy import Taxonomy
from annotator.tui.keys import OrderedKeys, key_label
from annotator.tui.tagging import TagScreen

LOCK_TRY = 0.002  # seconds: how long one write try waits for another process's lock before the screen retries


class AnnotatorApp(App):
    """The ordered input path: every key (and paste) from the terminal is taken from the app's message
    queue one at a time and handed to the screen on top, which acts on it to completion — the
    database write, the redraw's data, the dialog it opens — before the next key is taken. Nothing
    bubbles and no binding is resolved later, so a burst of keys acts exactly as the same keys typed
    slowly; keys typed while a dialog opens go into that dialog."""

    CSS_PATH = "app.tcss"
    TITLE = "annotator"
    ENABLE_COMMAND_PALETTE = False  # the screens' own palette (ctrl+p) takes keys in order too

    def __init__(self, session, doc: str | None = None):
        super().__init__()
        self.session = session
        self.start_doc = doc
        self.started_at = perf_counter()
        self.first_paint: float | None = None
        self.timings: list[tuple[str, float]] = []  # (action, seconds) measured inside the handlers
        self.suggest = True
        self.order = "document"
        self.suggester_trainings = 0  # how many times the suggestion worker has finished
        self.fatal: str | None = None  # why the app ended early (a damaged database…), for the command to print
        self._drop_before = float("-inf")  # keys typed before this moment are dropped (see drop_typed_ahead)
        self._dropped_notice = 0.0
        self.indexer = BackgroundIndex(session.store)  # a large import left the search index to this screen

    def on_mount(self) -> None:
        self.session.store.set_lock_wait(LOCK_TRY)  # the screen waits for locks itself, in order
        if isinstance(self.session, TaggingSession):
            self.push_screen(TagScreen(self.session, self.start_doc, suggest=self.suggest, order=self.order))
        else:
            from annotator.tui.review import ReviewScreen

            self.sub_title = "review"
            self.push_screen(ReviewScreen(self.session))

    # ------------------------------------------------------------ the ordered input path
    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            await self.take_input(event)
            return
        await super().on_event(event)

    async def take_input(self, event: events.Key | events.Paste) -> None:
        if event.time <= self._drop_before:
            self._note_dropped()
            return
        if isinstance(event, events.Key) and event.key == "ctrl+j":  # Enter typed while the terminal was
            event = events.Key("enter", "\r")                      # still in line mode (start-up)
        screen = self.screen
        while not isinstance(screen, OrderedKeys) or not screen.ready.is_set():
            if isinstance(screen, OrderedKeys):
                await screen.ready.wait()
            else:  # start-up: our first screen is not on the stack yet
                await asyncio.sleep(0.01)
            screen = self.screen
        if isinstance(event, events.Paste):
            if not screen.handle_paste(event.text):
                self.notify("Pasted text does nothing here (paste into a note or a search).", markup=False, timeout=3)
            return
        await screen.handle_key(event)

    def drop_typed_ahead(self) -> None:
        """A key was refused: the keys already typed after it were meant for a state that did not come
        about, so they are dropped (with a notice) instead of acting on the wrong sentence."""
        self._drop_before = get_time()

    def _note_dropped(self) -> None:
        if self._dropped_notice < self._drop_before:
            self._dropped_notice = self._drop_before
            self.notify("Keys typed after the refused one were dropped: nothing was applied for them.",
                        severity="warning", markup=False, timeout=6)

    def key_dropped(self, event: events.Key) -> None:
        if event.key in ("shift", "ctrl", "alt") or event.key.startswith("mouse"):
            return
        self.notify(f"{key_label(event)} does nothing here — press ? for the keys.", markup=False, timeout=3)

    def _handle_exception(self, error: Exception) -> None:
        """A database that turns out damaged (or another domain error nobody caught) ends the app with
        one line for the command to print, not a traceback with local variables."""
        if isinstance(error, (sqlite3.DatabaseError, AnnotatorError)) and self._exception is None:
            self.fatal = str(error) if isinstance(error, AnnotatorError) else damaged(error)
            self._return_code = 1
            self.exit(return_code=1)
            return
        super()._handle_exception(error)

    def mark_first_paint(self) -> None:
        if self.first_paint is None:
            self.first_paint = perf_counter()
            self.indexer.start()  # only now: the first sentence is on screen before any heavy work

    def record_timing(self, name: str, seconds: float) -> None:
        self.timings.append((name, seconds))


def build_app(store: Store, taxonomy: Taxonomy, annotator: str, *, mode: str = "tag", queue: str = "todo",
              doc: str | None = None, suggestions: bool = True, order: str = "document", tag: str | None = None,
              pair: tuple[str, str] | None = None, review_queue: str = "disagreements") -> AnnotatorApp:
    """The one factory: mode 'tag' opens the tagging screen, 'review' the adjudication queue
    (``review_queue``: disagreements or stale)."""
    if mode == "review":
        from annotator.annotate.adjudication import AdjudicationSession

        return AnnotatorApp(AdjudicationSession(store, taxonomy, annotator, tag=tag, pair=pair, queue=review_queue))
    session = TaggingSession(store, taxonomy, annotator, queue=queue)
    app = AnnotatorApp(session, doc)
    app.suggest = suggestions
    app.order = order
    return app
