"""The tagging screen: one sentence at a time, tags toggled by the taxonomy's keys."""

from __future__ import annotations

from textual import work
from textual.worker import get_current_worker

from annotator.annotate.tagging import TaggingSession
from annotator.tui import render
from annotator.tui.base import SentenceScreen
from annotator.tui.actions import TAGGING, help_rows
from annotator.tui.messages import HighlighterReady, SuggesterReady, WorkerFailed
from annotator.tui.modals import DocsScreen, HelpScreen, NoteScreen, PaletteScreen
from annotator.tui.palette import tag_entries
from annotator.tui.search import SearchScreen


class TagScreen(SentenceScreen):
    STATE = "labels"
    SCREEN = TAGGING  # its keys, footer, help and palette commands: tui/actions.py
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
        self._suggested_for: object = None
        self._suggested: list = []
        self._confirms = 0
        self.search_memory: dict = {}  # the last search's query and the hit opened last (see SearchScreen)
        self._training = False  # a suggestion worker is running
        self._train_again = False  # a retrain was asked for meanwhile

    def on_mount(self) -> None:
        try:
            self.session.start(self.start_doc)
        except LookupError as exc:
            self.notify(render.safe(str(exc)), severity="error", markup=False)
            self.session.start()
        self.opened()

    def start_worker(self) -> None:
        self.train()

    def train(self) -> None:
        """Load or retrain suggestions in a worker, handing it what it needs now. With --no-suggest
        nothing is loaded or trained. While a training runs, a request waits for it to finish (one
        training at a time; the next one starts from the judgments as they are then)."""
        if not self.suggest_enabled:
            return
        if self._training:
            self._train_again = True
            return
        self._training, self._train_again = True, False
        s = self.session
        self.load_suggester(s.store, s.taxonomy, s.annotator, self.highlighter, self.order)

    # ------------------------------------------------------------ workers
    @work(thread=True, group="suggest")  # one at a time by self._training: none is ever cancelled midway
    def load_suggester(self, store, taxonomy, annotator: str, highlighter, order: str) -> None:
        """Load jieba with the taxonomy keywords, then the database's shared model, off the UI thread: a
        fresh model file is loaded, else a training process trains it (this thread only waits for it,
        so the keys keep the interpreter). The results come back as messages."""
        worker = get_current_worker()
        try:
            from annotator.annotate.shared import TrainingCancelled, model_in_process
            from annotator.annotate.suggest import Highlighter, Suggester, fit, uncertain_order

            if highlighter is None:
                highlighter = Highlighter(taxonomy)
                self.post_message(HighlighterReady(highlighter))
            own = store.path != ":memory:"  # a thread gets its own connection (closed below)
            db = store.reopen() if own else store
            try:
                if own:
                    model = model_in_process(store.path, db, taxonomy, lambda: worker.is_cancelled)
                else:  # no other process can open an in-memory database
                    model = fit(db.training_examples(), taxonomy, highlighter).model
                suggester = Suggester(taxonomy, highlighter, model)
                priority = []
                if order == "uncertain" and suggester.model is not None:
                    priority = uncertain_order(db, annotator, suggester)
            finally:
                if own:
                    db.close()
        except TrainingCancelled:
            return
        except Exception as exc:  # suggestions are a help: losing them must not close the screen
            self.post_message(WorkerFailed(f"Suggestions unavailable: {exc}"))
            return
        self.post_message(SuggesterReady(suggester, priority))

    def on_highlighter_ready(self, message: HighlighterReady) -> None:
        self.highlighter_ready(message.highlighter)

    def on_suggester_ready(self, message: SuggesterReady) -> None:
        self._training = False
        if self._train_again:
            self.train()
        self.suggester = message.suggester
        if message.priority:
            self.session.visit_first(message.priority)
        self.app.suggester_trainings += 1
        self.refresh_view()

    def on_worker_failed(self, message: WorkerFailed) -> None:
        self._training = False
        self.notify(render.safe(message.text), severity=message.severity, markup=False)

    # ------------------------------------------------------------ view
    @property
    def shown(self) -> bool:
        """Whether suggestions are on screen now: each judgment records it (passed to the write)."""
        return bool(self.suggestions)

    def refresh_view(self) -> None:
        """Redraw what changed: the reading area only for a new sentence (or highlighting), the tag
        panel, the state line and the status line when their content differs."""
        if self.too_small:
            return
        s = self.session
        matched = self.show_sentence()
        self.suggestions = self.suggestions_for(s.current)
        self.put("labels", s.state, lambda: render.state_line(s.taxonomy, s.state))
        self.show_tags(s.state.labels, matched, {x.tag: x.score for x in self.suggestions})
        plan = dict(s.plan) if s.plan is not None else None  # a copy: the session updates its counts in place
        args = (s.queue, s.position, s.total, s.done_total, s.done_doc, s.doc_total, s.annotator, s.queue_empty, plan)
        self.show_status(args, lambda: render.status_text(*args))

    def suggestions_for(self, cur) -> list:
        """The model's suggestions for a sentence, computed once per sentence and model."""
        if not self.suggest_enabled or self.suggester is None or cur is None:
            return []
        key = (cur.id, id(self.suggester))
        if self._suggested_for != key:
            self._suggested_for = key
            self._suggested = self.suggester.suggest(cur.text)
        return self._suggested

    def labels_shown(self) -> tuple[str, ...]:
        return self.session.state.labels

    # ------------------------------------------------------------ keys (see actions.ACTIONS)
    async def on_tag_key(self, tag_id: str) -> None:
        await self.act("toggle", self.session.toggle, tag_id, self.shown)

    async def toggle_tag(self, tag_id: str) -> None:
        if self.no_live_item(f"Toggle {tag_id}"):
            return
        await self.act("toggle", self.session.toggle, tag_id, self.shown)

    def nothing_live(self) -> str:
        s = self.session
        if s.finished:
            return f"the {s.queue} queue is finished — {render.FINISHED_HINT}"
        return f"the {s.queue} queue is empty — ctrl+p for another queue or a document"

    async def action_confirm(self) -> None:
        if self.no_live_item("Enter"):
            return
        moved = await self.act("confirm", self.session.confirm, self.shown)
        if moved is None:
            return
        self._confirms += 1
        if self._confirms % self.RETRAIN_EVERY == 0 and self.highlighter is not None:
            self.train()  # retrain in the background; the screen never waits for it
        if not moved:
            self.queue_finished()

    def queue_finished(self) -> None:
        if self.session.queue == "assigned":
            self.notify(f"Your assignment is finished — {render.FINISHED_HINT}; ctrl+p, then the todo queue, for "
                        "anything else.", markup=False)
        else:
            self.notify(f"The {self.session.queue} queue is finished — {render.FINISHED_HINT}.", markup=False)

    async def action_accept(self) -> None:
        if not self.suggest_enabled:
            self.notify("Suggestions are off.", markup=False)
            return
        if self.no_live_item("="):
            return
        picks = [x.tag for x in self.suggestions if x.score >= (self.suggester.threshold if self.suggester else 1)]
        if not picks:
            self.notify("No suggestions to accept.", markup=False)
            return
        await self.act("accept", self.session.accept, picks)

    async def action_move(self, delta: int) -> None:
        await self.act("move", self.session.move, delta)

    async def action_queue_step(self, backwards: int) -> None:
        await self.act("queue_step", self.session.queue_step, bool(backwards))

    async def action_doc_edge(self, last: int) -> None:
        await self.act("doc_edge", self.session.doc_edge, bool(last))

    async def action_undo(self) -> None:
        if await self.act("undo", self.session.undo) is False:
            self.notify("Nothing to undo.", markup=False)

    async def action_redo(self) -> None:
        if await self.act("redo", self.session.redo) is False:
            self.notify("Nothing to redo.", markup=False)

    async def action_flag(self) -> None:
        if self.no_live_item("!"):
            return
        await self.act("flag", self.session.toggle_flag, self.shown)

    async def action_skip(self) -> None:
        if self.no_live_item("-"):
            return
        if await self.act("skip", self.session.skip, self.shown) is False:
            self.queue_finished()

    async def action_note(self) -> None:
        if self.no_live_item(";"):
            return

        async def save(note: str) -> None:
            if note != self.session.state.note:
                await self.act("note", self.session.set_note, note, self.shown)

        await self.app.push_screen(NoteScreen(self.session.state.note, save))

    async def action_search(self) -> None:
        async def go(hit) -> None:
            await self.act("goto", self.session.goto, hit)
            if hit.kind != "sentence":  # headings and captions are never tagged: say where the keys now go
                self.notify(f"That hit is a {hit.kind}, which is not tagged: the sentence after it is open.",
                            markup=False)

        await self.app.push_screen(SearchScreen(self.session.store, go, self.search_memory))

    async def action_documents(self) -> None:
        async def go(doc_id: str) -> None:
            await self.act("goto_doc", self.session.goto_document, doc_id)

        current = self.session.current.doc_id if self.session.current else None
        await self.app.push_screen(DocsScreen(self.session.store.doc_progress(self.session.annotator), current, go))

    async def change_queue(self, queue: str) -> None:
        await self.act("queue", self.session.set_queue, queue)
        if self.session.queue_empty:
            self.notify(f"The {queue} queue is empty.", markup=False)

    async def action_palette(self) -> None:
        await self.app.push_screen(PaletteScreen(list(tag_entries(self))))

    async def action_help(self) -> None:
        await self.app.push_screen(HelpScreen(render.help_group(self.session.taxonomy,
                                                                help_rows(TAGGING))))
