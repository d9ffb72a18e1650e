"""Modal screens: help, note, search, document list, command palette.

Each takes its keys from the ordered input path (keys.OrderedKeys): typing straight after the key
that opened a dialog goes into that dialog, in order, and its result acts before the next key."""

from __future__ import annotations

import asyncio

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.fuzzy import Matcher
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from annotator.store import Sentence, Store
from annotator.tui import render
from annotator.tui.keys import OrderedKeys, run


def _binding_map(widget_class) -> dict[str, str]:
    out: dict[str, str] = {}
    for b in widget_class.BINDINGS:
        for key in b.key.split(","):
            out.setdefault(key.strip(), b.action)
    return out


INPUT_ACTIONS = {k: a for k, a in _binding_map(Input).items() if a != "submit"}
LIST_ACTIONS = {k: a for k, a in _binding_map(OptionList).items() if a != "select"}


async def edit_input(field: Input, event) -> bool:
    """Apply one key to a text field as Textual's Input would (characters, backspace, arrows, ctrl+u…)."""
    if event.is_printable and event.character:
        field.insert_text_at_cursor(event.character)
        return True
    for name in event.aliases:
        action = INPUT_ACTIONS.get(name)
        if action:
            await field.run_action(action)
            return True
    return False


async def move_in_list(options: OptionList, event) -> bool:
    for name in event.aliases:
        action = LIST_ACTIONS.get(name)
        if action:
            await options.run_action(action)
            return True
    return False


class Dialog(OrderedKeys, ModalScreen[None]):
    """A modal that closes with escape; subclasses take the other keys in ``other_key``."""

    async def close(self) -> None:
        await self.app.pop_screen()

    async def handle_key(self, event) -> None:
        if event.key == "escape":
            await self.close()
            return
        if event.key == "ctrl+q":
            self.app.exit()
            return
        await super().handle_key(event)


class HelpScreen(Dialog):
    def __init__(self, renderable):
        super().__init__()
        self.renderable = renderable

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(self.renderable, id="help")
        yield Static(" ↑/↓ pgup/pgdn scroll · escape, ? or q closes", id="help-hint")

    async def other_key(self, event) -> bool:
        if event.key in ("question_mark", "q"):
            await self.close()
            return True
        box = self.query_one("#help-box", VerticalScroll)
        scroll = {"up": box.scroll_up, "down": box.scroll_down, "pageup": box.scroll_page_up,
                  "pagedown": box.scroll_page_down, "home": box.scroll_home, "end": box.scroll_end}.get(event.key)
        if scroll is None:
            return False
        scroll(animate=False)
        return True


class NoteScreen(Dialog):
    def __init__(self, note: str, on_save):
        super().__init__()
        self.note = note
        self.on_save = on_save

    def compose(self) -> ComposeResult:
        with Vertical(id="note-box", classes="dialog"):
            yield Label("Note for this sentence (enter saves, escape cancels)")
            yield Input(value=render.safe(self.note), id="note-input")

    async def other_key(self, event) -> bool:
        field = self.query_one(Input)
        if event.key == "enter":
            await self.close()
            await run(self.on_save, field.value)
            return True
        return await edit_input(field, event)

    def handle_paste(self, text: str) -> bool:
        self.query_one(Input).insert_text_at_cursor(render.safe(text.replace("\n", " ")))
        return True


class SearchScreen(Dialog):
    """Type, press enter to search all documents, pick a hit with the arrows and enter."""

    def __init__(self, store: Store, on_pick):
        super().__init__()
        self.store = store
        self.on_pick = on_pick
        self.hits: list[Sentence] = []
        self.browsing = False  # the arrows and enter go to the hits instead of the query

    def compose(self) -> ComposeResult:
        with Vertical(id="search-box", classes="dialog"):
            yield Label("Search sentence text (enter searches, ↓ to the hits, enter opens)")
            yield Input(id="search-input", placeholder="e.g. 协商议事")
            yield OptionList(id="search-hits")

    async def other_key(self, event) -> bool:
        # Which part has the keys is kept here, not read from Textual's focus (which moves later).
        field = self.query_one(Input)
        hits = self.query_one(OptionList)
        if self.browsing:
            if event.key == "enter":
                await self.pick(hits.highlighted)
                return True
            if event.key == "up" and hits.highlighted in (0, None):
                self.browse(False)
                return True
            if await move_in_list(hits, event):
                return True
            self.browse(False)  # typing again edits the query
        if event.key == "enter":
            await self.run_search(field.value)
            return True
        if event.key == "down":
            if self.hits:
                self.browse(True)
            return True
        return await edit_input(field, event)

    def browse(self, hits: bool) -> None:
        self.browsing = hits
        (self.query_one(OptionList) if hits else self.query_one(Input)).focus()

    def handle_paste(self, text: str) -> bool:
        self.query_one(Input).insert_text_at_cursor(render.safe(text.replace("\n", " ")))
        return True

    async def run_search(self, needle: str) -> None:
        """Search off the event loop's thread, but finish before the next key is taken (it may pick a hit)."""
        needle = needle.strip()
        if not needle:
            return
        try:
            if self.store.path == ":memory:":  # no second connection can see an in-memory database
                hits, scanned = _search_on(self.store, needle)
            else:
                hits, scanned = await asyncio.to_thread(_search, self.store, needle)
        except Exception as exc:
            self.notify(render.safe(f"Search failed: {exc}"), severity="error", markup=False)
            return
        if scanned >= UNINDEXED_NOTE:
            self.notify(f"{scanned:,} sentences are not in the search index yet (an import is still indexing or "
                        "was interrupted): they were scanned, so this search is slower but complete", markup=False)
        self.show_hits(needle, hits)

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

    @on(OptionList.OptionSelected)
    async def picked_by_mouse(self, event: OptionList.OptionSelected) -> None:
        await self.pick(event.option_index)

    async def pick(self, index: int | None) -> None:
        if index is not None and 0 <= index < len(self.hits):
            await self.close()
            await run(self.on_pick, self.hits[index])


UNINDEXED_NOTE = 20_000  # units outside the search index worth telling the user about (they are scanned)


def _search_on(store: Store, needle: str) -> tuple[list[Sentence], int]:
    """The hits, and how many units outside the index were scanned for them."""
    return store.search(needle), (store.unindexed() if len(needle) >= 3 else 0)


def _search(store: Store, needle: str) -> tuple[list[Sentence], int]:
    other = store.reopen()  # a thread of its own gets its own connection
    try:
        return _search_on(other, needle)
    finally:
        other.close()


class DocsScreen(Dialog):
    def __init__(self, docs: list[dict], current: str | None, on_pick):
        super().__init__()
        self.docs = docs
        self.current = current
        self.on_pick = on_pick

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

    async def other_key(self, event) -> bool:
        ol = self.query_one(OptionList)
        if event.key == "enter":
            await self.pick(ol.highlighted)
            return True
        return await move_in_list(ol, event)

    @on(OptionList.OptionSelected)
    async def picked_by_mouse(self, event: OptionList.OptionSelected) -> None:
        await self.pick(event.option_index)

    async def pick(self, index: int | None) -> None:
        if index is not None and 0 <= index < len(self.docs):
            await self.close()
            await run(self.on_pick, self.docs[index]["id"])


class PaletteScreen(Dialog):
    """ctrl+p: type to filter the screen's commands (fuzzy, synchronous), ↑/↓ to choose, enter runs."""

    LIMIT = 200

    def __init__(self, entries: list[tuple[str, object, str]]):
        super().__init__()
        self.entries = [(render.safe(text), command, render.safe(help_ or "")) for text, command, help_ in entries]
        self.shown: list[int] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="palette-box", classes="dialog"):
            yield Input(id="palette-input", placeholder="Search for commands…")
            yield OptionList(id="palette-hits")

    def on_mount(self) -> None:
        self.filter("")

    def filter(self, query: str) -> None:
        ol = self.query_one(OptionList)
        ol.clear_options()
        if query.strip():
            matcher = Matcher(query)
            scored = [(matcher.match(text), i) for i, (text, _, _) in enumerate(self.entries)]
            ranked = [i for score, i in sorted(scored, key=lambda x: -x[0]) if score > 0]
        else:
            matcher, ranked = None, list(range(len(self.entries)))
        self.shown = ranked[: self.LIMIT]
        for i in self.shown:
            text, _, help_ = self.entries[i]
            line = Content(text)  # plain text: '[b]' in a title stays literal
            if matcher:
                for o in matcher.fuzzy_search.match(query, text)[1]:
                    line = line.stylize(matcher.match_style, o, o + 1)
            if help_:
                line = line + Content("\n") + Content.styled(help_, "dim")
            ol.add_option(Option(line))
        if self.shown:
            ol.highlighted = 0

    async def other_key(self, event) -> bool:
        field = self.query_one(Input)
        ol = self.query_one(OptionList)
        if event.key == "enter":
            await self.pick(ol.highlighted)
            return True
        if event.key in ("up", "down", "pageup", "pagedown"):
            return await move_in_list(ol, event)
        before = field.value
        if not await edit_input(field, event):
            return False
        if field.value != before:
            self.filter(field.value)
        return True

    @on(OptionList.OptionSelected)
    async def picked_by_mouse(self, event: OptionList.OptionSelected) -> None:
        await self.pick(event.option_index)

    async def pick(self, index: int | None) -> None:
        if index is None or not 0 <= index < len(self.shown):
            self.notify("No command matches.", markup=False, timeout=3)
            return
        _, command, _ = self.entries[self.shown[index]]
        await self.close()
        await run(command)
