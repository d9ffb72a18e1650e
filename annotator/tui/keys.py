"""Every key of every screen, and the one ordered path they all take.

The registry (``TAGGING``, ``REVIEW``) is the single source of the screens' bindings (footer), their
help screens and the README's key table. ``OrderedKeys`` is the screen side of the ordered input
path: the app hands it one key at a time and waits until that key has acted (its database write,
the dialog it opened) before it takes the next one.
"""

from __future__ import annotations

import asyncio
import inspect
from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True)
class KeySpec:
    keys: tuple[str, ...]  # Textual key names
    action: str  # the screen method that acts (sync or async)
    help: str  # what the help screen and the README say
    label: str = ""  # footer label; "" keeps it out of the footer
    args: tuple = ()
    shown: str = ""  # how help writes the keys (default: the key names)

    @property
    def display(self) -> str:
        return self.shown or " / ".join(self.keys)


def spec(keys: str, action: str, help_: str, label: str = "", *args, shown: str = "") -> KeySpec:
    return KeySpec(tuple(keys.split(",")), action, help_, label, args, shown)


PAGE = 1000  # the scroll keys' argument for a page (see SentenceScreen.action_scroll_sentence)
TAG_KEYS_HELP = ("a-z A-Z 0-9", "a tag's key (letters and digits belong to the taxonomy): toggle that tag on the "
                 "current sentence")

TAGGING: list[KeySpec] = [
    spec("enter", "action_confirm", "confirm: status done (with no tags it is an explicit \"none of these\") and go to "
         "the next sentence in the queue", "Confirm"),
    spec("up", "action_move", "previous sentence in the corpus, without confirming", "", -1),
    spec("down", "action_move", "next sentence in the corpus, without confirming", "", 1),
    spec("pageup", "action_queue_step", "previous sentence in the queue, without confirming", "", 1),
    spec("pagedown", "action_queue_step", "next sentence in the queue, without confirming", "", 0),
    spec("home", "action_doc_edge", "first sentence of the document", "", 0),
    spec("end", "action_doc_edge", "last sentence of the document", "", 1),
    spec("ctrl+z", "action_undo", "undo, unlimited and across sentences (from the event log, so it survives restarts)",
         "Undo"),
    spec("ctrl+y", "action_redo", "redo"),
    spec("exclamation_mark", "action_flag", "flag as uncertain (toggle)", "Flag", shown="!"),
    spec("minus", "action_skip", "skip", "Skip", shown="-"),
    spec("semicolon", "action_note", "edit a note (enter saves, escape cancels)", "Note", shown=";"),
    spec("slash", "action_search", "search sentence text in all documents and jump to a hit", "Search", shown="/"),
    spec("ctrl+o", "action_documents", "document list with per-document progress"),
    spec("equals_sign", "action_accept", "accept the suggested tags (★) at or above the threshold; suggestions never "
         "become labels any other way", shown="="),
    spec("space,shift+pagedown", "action_scroll_sentence", "a page down a long sentence (▼ says how much is left)",
         "", PAGE),
    spec("shift+pageup", "action_scroll_sentence", "a page up", "", -PAGE),
    spec("shift+down", "action_scroll_sentence", "scroll a long sentence (and its context) down", "", 1),
    spec("shift+up", "action_scroll_sentence", "scroll a long sentence (and its context) up", "", -1),
    spec("ctrl+g", "action_guidelines", "guideline panel beside the text (below it under 110 columns), open or "
         "closed: descriptions and examples, scrolled to the tag last toggled"),
    spec("ctrl+t", "action_collapse", "tag panel: collapse the facets to their keys (more room for the sentence), "
         "or expand them (a long sentence collapses them by itself)"),
    spec("ctrl+p", "action_palette", "command palette: any tag by Chinese title, English name or id (also tags "
         "without a key), documents by title, queues, every command"),
    spec("question_mark", "action_help", "help: every key, including the taxonomy's", "Help", shown="?"),
    spec("ctrl+q", "action_quit", "quit; everything is already saved"),
]

REVIEW: list[KeySpec] = [
    spec("enter", "action_save", "save the gold tags (adjudicated) and go to the next item; an empty gold set is "
         "refused here", "Save gold"),
    spec("ctrl+n", "action_save_none", "save an explicit \"none of these\" (gold with no tags) and go to the next item",
         "None"),
    spec("minus", "action_skip", "skip the item without writing gold", "Skip", shown="-"),
    *[spec(f"f{i}", "action_copy", f"copy annotator #{i}'s tags into gold", "", i - 1) for i in range(1, 10)],
    spec("down,pagedown", "action_step", "next item", "", 1),
    spec("up,pageup", "action_step", "previous item", "", -1),
    spec("ctrl+z", "action_undo", "undo gold changes", "Undo"),
    spec("ctrl+y", "action_redo", "redo gold changes"),
    spec("ctrl+d", "action_dashboard", "agreement dashboard (`s` sorts the tag table, escape returns)", "Dashboard"),
    spec("space,shift+pagedown", "action_scroll_sentence", "a page down a long sentence (▼ says how much is left)",
         "", PAGE),
    spec("shift+pageup", "action_scroll_sentence", "a page up", "", -PAGE),
    spec("shift+down", "action_scroll_sentence", "scroll a long sentence (and its context) down", "", 1),
    spec("shift+up", "action_scroll_sentence", "scroll a long sentence (and its context) up", "", -1),
    spec("ctrl+g", "action_guidelines", "guideline panel beside the text (below it under 110 columns), open or "
         "closed: descriptions and examples, scrolled to the tag last toggled"),
    spec("ctrl+t", "action_collapse", "tag panel: collapse the facets to their keys (more room for the sentence), "
         "or expand them (a long sentence collapses them by itself)"),
    spec("ctrl+p", "action_palette", "command palette: filter the queue by tag or annotator pair, every command"),
    spec("question_mark", "action_help", "help: every key, including the taxonomy's", "Help", shown="?"),
    spec("ctrl+q", "action_quit", "quit; every gold judgment is already saved"),
]
REVIEW_TAG_KEYS_HELP = ("a-z A-Z 0-9", "a tag's key: toggle that gold tag")
REVIEW_COPY_HELP = ("F1…F9", "copy that annotator's tags (in the order shown) into gold")


def bindings(specs: list[KeySpec]) -> list[Binding]:
    """Footer entries (and mouse clicks on them) for the keys that have a label."""
    return [Binding(s.keys[0], f"{s.action.removeprefix('action_')}({', '.join(map(repr, s.args))})", s.label)
            for s in specs if s.label]


def help_rows(specs: list[KeySpec], first: tuple[str, str] | None = None) -> list[tuple[str, str]]:
    """(keys, what they do) for the help screen, pairs of moves folded into one row."""
    rows = [first] if first else []
    seen: set[str] = set()
    for s in specs:
        if s.action == "action_copy":
            if s.action not in seen:
                rows.append(REVIEW_COPY_HELP)
                seen.add(s.action)
            continue
        rows.append((s.display, s.help))
    return rows


def readme_table(specs: list[KeySpec], first: tuple[str, str]) -> str:
    """The README's key table, generated from the registry (a test keeps the README in sync)."""
    rows = ["| key | action |", "|---|---|"]
    for keys_, what in help_rows(specs, first):
        shown = " / ".join(f"`{k.strip()}`" for k in keys_.replace("…", "` … `").split(" / "))
        rows.append(f"| {shown} | {what} |")
    return "\n".join(rows)


def keymap(specs: list[KeySpec]) -> dict[str, KeySpec]:
    return {k: s for s in specs for k in s.keys}


class OrderedKeys:
    """Screen side of the ordered input path: ``handle_key`` acts on one key, to completion.

    A key the screen's keymap names runs its action (awaited when it is a coroutine); anything else
    goes to ``other_key``, and a key nobody takes is dropped with a notice, never applied elsewhere."""

    KEYMAP: dict[str, KeySpec] = {}
    STARTS_READY = True  # False: keys wait until the screen calls ``ready.set()`` (its first item shown)

    @property
    def ready(self) -> asyncio.Event:
        event = getattr(self, "_keys_ready", None)
        if event is None:
            event = self._keys_ready = asyncio.Event()
            if self.STARTS_READY:
                event.set()
        return event

    async def handle_key(self, event) -> None:
        for name in event.aliases:
            s = self.KEYMAP.get(name)
            if s is not None:
                await run(getattr(self, s.action), *s.args)
                return
        if not await run(self.other_key, event):
            self.app.key_dropped(event)

    def other_key(self, event) -> bool:
        """Keys outside the keymap (tag letters, text in a dialog); True when the key acted."""
        return False

    def handle_paste(self, text: str) -> bool:
        return False

    def action_quit(self) -> None:
        self.app.exit()


async def run(fn, *args):
    result = fn(*args)
    if inspect.isawaitable(result):
        result = await result
    return result


def key_label(event) -> str:
    """How a notice names a key: its character when it has one, else its name."""
    if event.character and event.is_printable:
        return repr(event.character)
    return event.key
