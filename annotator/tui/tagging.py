"""The tagging screen: one sentence at a time, tags toggled by the taxonomy's keys."""

from __future__ import annotations

from textual import work
from textual.binding import Binding
from textual.widgets import Static

from annotator.session import TaggingSession
from annotator.tui import render
from annotator.tui.base import SentenceScreen
from annotator.tui.modals import DocsScreen, HelpScreen, NoteScreen, SearchScreen
from annotator.tui.palette import TagCommands

APP_KEYS = [
    ("a-z A-Z 0-9", "toggle the tag with that key (see the tag panel)"),
    ("enter", "confirm the sentence (done, even with no tags) and go to the next in the queue"),
    ("up / down", "previous / next sentence, without confirming"),
    ("pageup / pagedown", "previous / next sentence in the queue, without confirming"),
    ("home / end", "first / last sentence of this document"),
    ("ctrl+z / ctrl+y", "undo / redo (unlimited, across sentences)"),
    ("!", "flag the sentence as uncertain (toggle)"),
    ("-", "skip the sentence"),
    (";", "edit a note for the sentence"),
    ("/", "search sentence text in all documents"),
    ("ctrl+o", "document list with progress"),
    ("ctrl+p", "command palette: every tag by name, queues, documents"),
    ("=", "accept the suggested tags (★) above the threshold"),
    ("?", "this help"),
    ("ctrl+q", "quit (every judgment is already saved)"),
]


class TagScreen(SentenceScreen):
    COMMANDS = {TagCommands}
    BINDINGS = [
        Binding("enter", "confirm", "Confirm"),
        Binding("up", "move(-1)", "Prev", show=False),
        Binding("down", "move(1)", "Next", show=False),
        Binding("pageup", "queue_step(1)", "Prev in queue", show=False),
        Binding("pagedown", "queue_step(0)", "Next in queue", show=False),
        Binding("home", "doc_edge(0)", "Doc start", show=False),
        Binding("end", "doc_edge(1)", "Doc end", show=False),
        Binding("ctrl+z", "undo", "Undo"),
        Binding("ctrl+y", "redo", "Redo", show=False),
        Binding("exclamation_mark", "flag", "Flag"),
        Binding("minus", "skip", "Skip"),
        Binding("semicolon", "note", "Note"),
        Binding("slash", "search", "Search"),
        Binding("ctrl+o", "documents", "Docs"),
        Binding("equals_sign", "accept", "Accept ★"),
        Binding("question_mark", "help", "Help"),
    ]
    RETRAIN_EVERY = 25

    def __init__(self, session: TaggingSession, doc: str | None = None, suggest: bool = True,
                 order: str = "document"):
        super().__init__()
        self.session = session
        self.start_doc = doc
        self.suggest_enabled = suggest
        self.order = order
        self.suggester = None
        self.suggestions: list = []
        self._confirms = 0

    def on_mount(self) -> None:
        try:
            self.session.start(self.start_doc)
        except LookupError as exc:
            self.notify(render.safe(str(exc)), severity="error", markup=False)
            self.session.start()
        self.refresh_view()
        self.call_after_refresh(self.after_first_paint)

    def start_worker(self) -> None:
        self.load_suggester()

    # ------------------------------------------------------------ workers
    @work(thread=True, exclusive=True, group="suggest")
    def load_suggester(self) -> None:
        """Load jieba with the taxonomy keywords and train on the database's judgments, off the UI thread."""
        try:
            self._load_suggester()
        except Exception as exc:  # suggestions are a help: losing them must not close the screen
            self.app.call_from_thread(self.notify, render.safe(f"Suggestions unavailable: {exc}"),
                                      severity="warning", markup=False)

    def _load_suggester(self) -> None:
        from annotator.suggest import Highlighter, for_store, uncertain_order

        tax = self.session.taxonomy
        highlighter = self.highlighter or Highlighter(tax)
        self.app.call_from_thread(self.highlighter_ready, highlighter)
        path = self.session.store.path
        own = path != ":memory:"  # a thread gets its own connection (closed below)
        store = self.session.store.reopen() if own else self.session.store
        try:
            suggester = for_store(store, tax, highlighter)  # the same training as `annotator suggest`
            priority = []
            if self.order == "uncertain" and suggester.model is not None:
                priority = uncertain_order(store, self.session.annotator, suggester)
        finally:
            if own:
                store.close()
        self.app.call_from_thread(self.suggester_ready, suggester, priority)

    def suggester_ready(self, suggester, priority: list[int]) -> None:
        self.suggester = suggester
        if priority:
            self.session.priority = priority
        self.app.suggester_trainings += 1
        self.refresh_view()

    # ------------------------------------------------------------ view
    def refresh_view(self) -> None:
        s = self.session
        matched = self.show_sentence()
        self.suggestions = []
        if self.suggest_enabled and self.suggester is not None and s.current is not None:
            self.suggestions = self.suggester.suggest(s.current.text)
        s.suggestions_shown = bool(self.suggestions)
        self.query_one("#labels", Static).update(render.labels_line(s.taxonomy, s.state))
        self.show_tags(s.state.labels, matched, {x.tag: x.score for x in self.suggestions})
        self.query_one("#status", Static).update(render.status_text(
            s.queue, s.position, s.total, s.done_total, s.done_doc, s.doc_total, s.annotator, s.queue_empty))

    # ------------------------------------------------------------ keys
    def on_tag_key(self, tag_id: str) -> None:
        self.timed("toggle", self.session.toggle, tag_id)

    def toggle_tag(self, tag_id: str) -> None:
        self.timed("toggle", self.session.toggle, tag_id)

    def action_confirm(self) -> None:
        if self.session.current is None:
            return
        moved = self.timed("confirm", self.session.confirm)
        self._confirms += 1
        if self._confirms % self.RETRAIN_EVERY == 0 and self.highlighter is not None:
            self.load_suggester()  # retrain in the background; the screen never waits for it
        if not moved:
            self.notify(f"The {self.session.queue} queue is finished.", markup=False)

    def action_accept(self) -> None:
        if not self.suggest_enabled:
            self.notify("Suggestions are off.", markup=False)
            return
        if self.session.current is None:
            return
        picks = [x.tag for x in self.suggestions if x.score >= (self.suggester.threshold if self.suggester else 1)]
        if not picks:
            self.notify("No suggestions to accept.", markup=False)
            return
        self.timed("accept", self.session.accept, picks)

    def action_move(self, delta: int) -> None:
        self.timed("move", self.session.move, delta)

    def action_queue_step(self, backwards: int) -> None:
        self.timed("queue_step", self.session.queue_step, bool(backwards))

    def action_doc_edge(self, last: int) -> None:
        self.timed("doc_edge", self.session.doc_edge, bool(last))

    def action_undo(self) -> None:
        if not self.timed("undo", self.session.undo):
            self.notify("Nothing to undo.", markup=False)

    def action_redo(self) -> None:
        if not self.timed("redo", self.session.redo):
            self.notify("Nothing to redo.", markup=False)

    def action_flag(self) -> None:
        self.timed("flag", self.session.toggle_flag)

    def action_skip(self) -> None:
        self.timed("skip", self.session.skip)

    def action_note(self) -> None:
        def done(note: str | None) -> None:
            if note is not None and note != self.session.state.note:
                self.timed("note", self.session.set_note, note)

        self.app.push_screen(NoteScreen(self.session.state.note), done)

    def action_search(self) -> None:
        def done(hit) -> None:
            if hit is not None:
                self.timed("goto", self.session.goto, hit)

        self.app.push_screen(SearchScreen(self.session.store), done)

    def action_documents(self) -> None:
        def done(doc_id: str | None) -> None:
            if doc_id:
                self.timed("goto_doc", self.session.goto_document, doc_id)

        current = self.session.current.doc_id if self.session.current else None
        self.app.push_screen(DocsScreen(self.session.store.doc_progress(self.session.annotator), current), done)

    def change_queue(self, queue: str) -> None:
        self.timed("queue", self.session.set_queue, queue)
        if self.session.queue_empty:
            self.notify(f"The {queue} queue is empty.", markup=False)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(render.help_group(self.session.taxonomy, APP_KEYS)))
