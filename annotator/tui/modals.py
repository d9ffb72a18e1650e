"""Modal screens: help, note, search, document list."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from annotator.store import Sentence, Store
from annotator.tui import render


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q", "close", "Close")]

    def __init__(self, renderable):
        super().__init__()
        self.renderable = renderable

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(self.renderable, id="help")

    def action_close(self) -> None:
        self.dismiss(None)


class NoteScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, note: str):
        super().__init__()
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(id="note-box", classes="dialog"):
            yield Label("Note for this sentence (enter saves, escape cancels)")
            yield Input(value=render.safe(self.note), id="note-input")

    @on(Input.Submitted)
    def save(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class SearchScreen(ModalScreen[Sentence | None]):
    """Type, press enter to search all documents, pick a hit with the arrows and enter."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, store: Store):
        super().__init__()
        self.store = store
        self.hits: list[Sentence] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="search-box", classes="dialog"):
            yield Label("Search sentence text (enter searches, ↓ to the hits)")
            yield Input(id="search-input", placeholder="e.g. 协商议事")
            yield OptionList(id="search-hits")

    @on(Input.Submitted)
    def run_search(self, event: Input.Submitted) -> None:
        needle = event.value.strip()
        if not needle:
            return
        if self.store.path == ":memory:":  # no second connection can see an in-memory database
            self.show_hits(needle, self.store.search(needle))
        else:
            self.search(needle)

    @work(thread=True, exclusive=True)
    def search(self, needle: str) -> None:
        try:
            store = self.store.reopen()  # a thread of its own gets its own connection
            try:
                hits = store.search(needle)
            finally:
                store.close()
        except Exception as exc:
            self.app.call_from_thread(self.notify, render.safe(f"Search failed: {exc}"), severity="error",
                                      markup=False)
            return
        self.app.call_from_thread(self.show_hits, needle, hits)

    def show_hits(self, needle: str, hits: list[Sentence]) -> None:
        self.hits = hits
        ol = self.query_one(OptionList)
        ol.clear_options()
        for h in hits:
            line = Text(f"{h.doc_id[:8]}#{h.idx} ", style="dim")
            line.append(render.safe(h.text))
            line.highlight_words([render.safe(needle)], style="bold reverse")
            ol.add_option(Option(line))
        if hits:
            ol.highlighted = 0
        else:
            ol.add_option(Option(render.plain(f"no sentence contains {needle!r}"), disabled=True))

    def on_key(self, event) -> None:
        if event.key == "down" and isinstance(self.focused, Input) and self.hits:
            self.query_one(OptionList).focus()
            event.stop()

    @on(OptionList.OptionSelected)
    def pick(self, event: OptionList.OptionSelected) -> None:
        if 0 <= event.option_index < len(self.hits):
            self.dismiss(self.hits[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)


class DocsScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, docs: list[dict], current: str | None = None):
        super().__init__()
        self.docs = docs
        self.current = current

    def on_mount(self) -> None:
        ol = self.query_one(OptionList)
        ids = [d["id"] for d in self.docs]
        ol.highlighted = ids.index(self.current) if self.current in ids else 0
        ol.focus()

    def compose(self) -> ComposeResult:
        with Vertical(id="docs-box", classes="dialog"):
            yield Label("Documents — done / sentences (enter opens)")
            ol = OptionList(id="docs-list")
            for d in self.docs:
                total = d["n_sentences"] or 0
                pct = (100 * d["done"] / total) if total else 0
                line = Text(f"{d['done']:>5}/{total:<5} {pct:5.1f}%  ", style="green" if pct >= 100 else "")
                line.append(render.safe(d["title"] or d["id"]))
                line.append(f"  {d['id'][:8]}", style="dim")
                ol.add_option(Option(line))
            yield ol

    @on(OptionList.OptionSelected)
    def pick(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.docs[event.option_index]["id"])

    def action_cancel(self) -> None:
        self.dismiss(None)
