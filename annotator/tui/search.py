"""The search dialog (/): type, enter searches all documents, enter again opens the highlighted hit.

After a search the hits have the keys: ↓/↑ move the highlight (↑ on the first hit returns to the
query), enter opens the highlighted hit (the first one unless moved), typing edits the query again.
So ``/ 协商 enter enter`` opens the first hit, and the keys after it go to the tagging screen. Each
hit shows its document's title, its section and the sentence around the match with the match
highlighted (report text is always literal, never markup), and a count line says how many there
are. The query is kept for the next ``/`` (selected: typing replaces it), with its hits shown again
and the hit after the one opened last highlighted, so ``/ enter`` goes to the next hit."""

from __future__ import annotations

import asyncio

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList
from textual.widgets.input import Selection
from textual.widgets.option_list import Option

from annotator.store import Sentence, Store
from annotator.tui import render
from annotator.tui.modals import Dialog, edit_input, move_in_list
from annotator.tui.keys import run

LIMIT = 200  # hits listed (the count says when there are more)
BEFORE = 12  # characters of the sentence shown before the first match


def _fold(s: str) -> str:
    """ASCII case folding, as the store's search matches."""
    return "".join(c.lower() if c.isascii() else c for c in s)


def count_line(needle: str, n: int, more: bool) -> Text:
    if more:
        return render.plain(f"more than {LIMIT} hits for {needle!r}: the first {LIMIT} are listed (refine the search)")
    if not n:
        return render.plain(f"no sentence contains {needle!r}")
    return render.plain(f"{n} hit{'s' if n != 1 else ''} for {needle!r} · ↑/↓ choose · enter opens")


def hit_text(hit: Sentence, needle: str, title: str, width: int) -> Text:
    """Two lines of ``width`` cells at most: the document's title › section, then the sentence from a
    little before the first match, every match highlighted, cut with … at the end of the line."""
    head = render.plain(title or hit.doc_id[:8], style="bold")
    if hit.section:
        head.append("  ›  ", style="dim")
        head.append(render.safe(hit.section), style="dim")
    head.append(f"  #{hit.idx}", style="dim")
    text = render.safe(hit.text)
    folded, key = _fold(text), _fold(needle)
    first = folded.find(key) if key else -1
    start = max(0, first - BEFORE) if first > 0 else 0
    prefix = "  " + ("…" if start else "")
    snippet = Text(prefix + text[start:])
    offset = len(prefix) - start  # where text[i] is in the snippet: i + offset
    if key:
        i = folded.find(key, start)
        while i >= 0:
            snippet.stylize("bold reverse", i + offset, i + offset + len(key))
            i = folded.find(key, i + len(key))
    for line in (head, snippet):
        line.truncate(max(8, width), overflow="ellipsis")
    return Text("\n").join([head, snippet])


class SearchScreen(Dialog):
    """See the module's docstring. ``memory`` (a dict the calling screen keeps) holds the last query
    and the hit opened last, for the next time the dialog opens."""

    def __init__(self, store: Store, on_pick, memory: dict | None = None):
        super().__init__()
        self.store = store
        self.on_pick = on_pick
        self.memory = memory if memory is not None else {}
        self.hits: list[Sentence] = []
        self.searched: str | None = None  # the query the hits are for
        self.browsing = False  # the arrows and enter go to the hits instead of the query
        self._titles: dict[str, str] | None = None
        self._restore: asyncio.Task | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="search-box", classes="dialog"):
            yield Label("enter searches · enter again opens the hit · esc closes")
            yield Input(value=self.memory.get("query", ""), id="search-input", placeholder="e.g. 协商议事",
                        select_on_focus=False)  # only the kept query is selected, once (on_mount)
            yield Label("", id="search-count")
            yield OptionList(id="search-hits")

    def on_mount(self) -> None:
        field = self.query_one(Input)
        if field.value:
            field.selection = Selection(0, len(field.value))  # typing replaces the kept query
            self._restore = asyncio.ensure_future(self._show_again(field.value))

    async def _show_again(self, query: str) -> None:
        """The last query's hits, the one after the hit opened last highlighted (keys wait for this)."""
        await self.run_search(query, browse=False)
        picked = self.memory.get("picked")
        if self.hits and picked is not None:
            self.query_one(OptionList).highlighted = min(picked + 1, len(self.hits) - 1)

    async def other_key(self, event) -> bool:
        # Which part has the keys is kept here, not read from Textual's focus (which moves later).
        if self._restore is not None:
            await self._restore
            self._restore = None
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
            if field.value.strip() and field.value.strip() == self.searched and self.hits:
                await self.pick(hits.highlighted)  # the hits of this very query are listed: open one
            else:
                await self.run_search(field.value)
            return True
        if event.key == "down":
            if self.hits:
                self.browse(True)
            return True
        if event.is_printable and event.character and not field.selection.is_empty:
            field.replace(event.character, *field.selection)  # typing replaces the kept (selected) query
            return True
        return await edit_input(field, event)

    def browse(self, hits: bool) -> None:
        self.browsing = hits
        field = self.query_one(Input)
        if not hits:
            field.selection = Selection.cursor(len(field.value))
        (self.query_one(OptionList) if hits else field).focus()

    def handle_paste(self, text: str) -> bool:
        if self.browsing:
            self.browse(False)
        field = self.query_one(Input)
        text = render.safe(text.replace("\n", " "))
        if field.selection.is_empty:
            field.insert_text_at_cursor(text)
        else:
            field.replace(text, *field.selection)
        return True

    async def run_search(self, needle: str, browse: bool = True) -> None:
        """Search off the event loop's thread, but finish before the next key is taken (it may pick a hit)."""
        needle = needle.strip()
        if not needle:
            return
        try:
            if self.store.path == ":memory:":  # no second connection can see an in-memory database
                hits, scanned = _search_on(self.store, needle, LIMIT + 1)
            else:
                hits, scanned = await asyncio.to_thread(_search, self.store, needle, LIMIT + 1)
        except Exception as exc:
            self.notify(render.safe(f"Search failed: {exc}"), severity="error", markup=False)
            return
        if scanned >= UNINDEXED_NOTE:
            indexer = getattr(self.app, "indexer", None)
            why = ("it is being built in the background" if indexer is not None and indexer.running()
                   else "run `annotator index` where the database can be written")
            self.notify(f"{scanned:,} sentences are not in the search index yet ({why}): they were scanned, so "
                        "this search is slower but complete", markup=False)
        if needle != self.memory.get("query"):
            self.memory.pop("picked", None)  # a new query: the next "/" starts from its first hit
        self.memory["query"] = needle
        self.show_hits(needle, hits)
        if browse and self.hits:
            self.browse(True)

    def titles(self) -> dict[str, str]:
        if self._titles is None:
            self._titles = {d["id"]: d.get("title") or d.get("path") or d["id"] for d in self.store.documents()}
        return self._titles

    def show_hits(self, needle: str, hits: list[Sentence]) -> None:
        more = len(hits) > LIMIT
        self.hits, self.searched = hits[:LIMIT], needle
        self.query_one("#search-count", Label).update(count_line(needle, len(self.hits), more))
        ol = self.query_one(OptionList)
        ol.clear_options()
        titles = self.titles()
        width = (ol.scrollable_content_region.width or int(self.app.size.width * 0.8) - 8) - 2
        for h in self.hits:
            ol.add_option(Option(hit_text(h, needle, titles.get(h.doc_id, ""), width)))
        if self.hits:
            ol.highlighted = 0

    @on(OptionList.OptionSelected)
    async def picked_by_mouse(self, event: OptionList.OptionSelected) -> None:
        await self.pick(event.option_index)

    async def pick(self, index: int | None) -> None:
        if index is not None and 0 <= index < len(self.hits):
            self.memory["picked"] = index
            await self.close()
            await run(self.on_pick, self.hits[index])


UNINDEXED_NOTE = 20_000  # units outside the search index worth telling the user about (they are scanned)


def _search_on(store: Store, needle: str, limit: int) -> tuple[list[Sentence], int]:
    """The hits, and how many units outside the index were scanned for them."""
    return store.search(needle, limit), (store.unindexed() if len(needle) >= 3 else 0)


def _search(store: Store, needle: str, limit: int) -> tuple[list[Sentence], int]:
    other = store.reopen()  # a thread of its own gets its own connection
    try:
        return _search_on(other, needle, limit)
    finally:
        other.close()
