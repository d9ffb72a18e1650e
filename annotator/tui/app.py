"""The one factory that builds the Textual app from domain objects (CLI and tests use it)."""

from __future__ import annotations

from time import perf_counter

from textual.app import App

from annotator.session import TaggingSession
from annotator.store import Store
from annotator.taxonomy import Taxonomy
from annotator.tui.tagging import TagScreen


class AnnotatorApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "annotator"

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

    def on_mount(self) -> None:
        if isinstance(self.session, TaggingSession):
            self.push_screen(TagScreen(self.session, self.start_doc, suggest=self.suggest, order=self.order))
        else:
            from annotator.tui.review import ReviewScreen

            self.sub_title = "review"
            self.push_screen(ReviewScreen(self.session))

    def mark_first_paint(self) -> None:
        if self.first_paint is None:
            self.first_paint = perf_counter()

    def record_timing(self, name: str, seconds: float) -> None:
        self.timings.append((name, seconds))


def build_app(store: Store, taxonomy: Taxonomy, annotator: str, *, mode: str = "tag", queue: str = "todo",
              doc: str | None = None, suggestions: bool = True, order: str = "document", tag: str | None = None,
              pair: tuple[str, str] | None = None) -> AnnotatorApp:
    """The one factory: mode 'tag' opens the tagging screen, 'review' the adjudication queue."""
    if mode == "review":
        from annotator.review import ReviewSession

        return AnnotatorApp(ReviewSession(store, taxonomy, annotator, tag=tag, pair=pair))
    session = TaggingSession(store, taxonomy, annotator, queue=queue)
    app = AnnotatorApp(session, doc)
    app.suggest = suggestions
    app.order = order
    return app
