"""Every command of every screen, each defined once (the model: harlequin's ``actions.py``).

An ``Action`` names the screen method it calls, what it does, the screens it serves, its keys on each
of them (the same action may take other keys or arguments on another screen), and its palette and
footer labels. Each screen's keymap and footer bindings, its help screen, the palette's commands and
the key tables in docs/tagging.md are all derived from ``ACTIONS``; ``OrderedKeys`` checks at import
that every screen has the method of every action it serves (tests/test_actions.py checks it, too).

Textual bindings are display-only (footer, mouse): the ordered input path (app.py, keys.py) takes every key.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.binding import Binding

TAGGING, REVIEW, DASHBOARD = "tagging", "review", "dashboard"
SCREENS = (TAGGING, REVIEW, DASHBOARD)
PAGE = 1000  # the scroll keys' argument for a page (see SentenceScreen.action_scroll_sentence)


@dataclass(frozen=True)
class Keys:
    """Keys that call an action on one screen, with the arguments they pass."""

    keys: tuple[str, ...]  # Textual key names
    args: tuple = ()
    help: str = ""  # what help and the docs say for these keys (default: the action's description)
    shown: str = ""  # how help writes the keys (default: the key names)
    folded: bool = False  # help shows these keys in the row of the action's first keys

    @property
    def display(self) -> str:
        return self.shown or " / ".join(self.keys)


def keys(names: str, *args, help: str = "", shown: str = "", folded: bool = False) -> Keys:
    return Keys(tuple(names.split(",")), args, help, shown, folded)


@dataclass(frozen=True)
class Action:
    id: str
    method: str  # the screen method it calls (sync or async), checked on every screen it serves
    description: str  # the help screens and the docs tables
    screens: tuple[str, ...]  # the screens it serves (on the palette too, when it has a palette label)
    bound: dict[str, tuple[Keys, ...]] = field(default_factory=dict)  # screen -> its keys there
    palette: str = ""  # palette label ("" keeps it off the palette)
    palette_help: str = ""
    footer: str = ""  # footer label ("" keeps it out of the footer)

    def on(self, screen: str) -> tuple[Keys, ...]:
        return self.bound.get(screen, ())


def action(id_: str, method: str, description: str, screens: str, bound: dict | None = None, *,
           palette: str = "", palette_help: str = "", footer: str = "") -> Action:
    return Action(id_, method, description, tuple(screens.split(",")),
                  {s: tuple(k if isinstance(k, tuple) else (k,)) for s, k in (bound or {}).items()},
                  palette, palette_help, footer)


T, R, D, TR = TAGGING, REVIEW, DASHBOARD, f"{TAGGING},{REVIEW}"
SCROLL = (keys("space,shift+pagedown", PAGE, help="a page down a long sentence (▼ says how much is left)"),
          keys("shift+pageup", -PAGE, help="a page up"),
          keys("shift+down", 1, help="scroll a long sentence (and its context) down"),
          keys("shift+up", -1, help="scroll a long sentence (and its context) up"))

# The order is the help screens', the docs tables', the footers' and the palette's.
ACTIONS: list[Action] = [
    action("confirm", "action_confirm", "confirm: status done (with no tags it is an explicit \"none of these\") "
           "and go to the next sentence in the queue", T, {T: keys("enter")},
           palette="Confirm", palette_help="Mark done and go on", footer="Confirm"),
    action("save", "action_save", "save the gold tags (adjudicated) and go to the next item; an empty gold set is "
           "refused here", R, {R: keys("enter")}, palette="Save gold", palette_help="Save gold and go on",
           footer="Save gold"),
    action("save_none", "action_save_none", "save an explicit \"none of these\" (gold with no tags) and go to the "
           "next item", R, {R: keys("ctrl+n")}, palette="Save \"none of these\" as gold",
           palette_help="Gold with no tags, then the next item", footer="None"),
    action("skip_item", "action_skip", "skip the item without writing gold", R, {R: keys("minus", shown="-")},
           palette="Skip", palette_help="Skip this item and go on", footer="Skip"),
    action("copy", "action_copy", "copy that annotator's tags (in the order shown) into gold", R,
           {R: tuple(keys(f"f{i}", i - 1, shown="F1…F9", folded=i > 1) for i in range(1, 10))}),
    action("move", "action_move", "previous or next sentence in the corpus, without confirming", T,
           {T: (keys("up", -1, help="previous sentence in the corpus, without confirming"),
                keys("down", 1, help="next sentence in the corpus, without confirming"))}),
    action("queue_step", "action_queue_step", "previous or next sentence in the queue, without confirming", T,
           {T: (keys("pageup", 1, help="previous sentence in the queue, without confirming"),
                keys("pagedown", 0, help="next sentence in the queue, without confirming"))}),
    action("doc_edge", "action_doc_edge", "first or last sentence of the document", T,
           {T: (keys("home", 0, help="first sentence of the document"),
                keys("end", 1, help="last sentence of the document"))}),
    action("step", "action_step", "next or previous item", R,
           {R: (keys("down,pagedown", 1, help="next item"), keys("up,pageup", -1, help="previous item"))}),
    action("undo", "action_undo", "undo", TR,
           {T: keys("ctrl+z", help="undo, unlimited and across sentences (from the event log, so it survives "
                                   "restarts)"),
            R: keys("ctrl+z", help="undo gold changes")},
           palette="Undo", palette_help="Undo the last change (any sentence)", footer="Undo"),
    action("redo", "action_redo", "redo", TR, {T: keys("ctrl+y"), R: keys("ctrl+y", help="redo gold changes")},
           palette="Redo", palette_help="Redo what was undone"),
    action("flag", "action_flag", "flag as uncertain (toggle)", T, {T: keys("exclamation_mark", shown="!")},
           palette="Flag as uncertain", palette_help="Toggle the uncertain flag", footer="Flag"),
    action("skip", "action_skip", "skip", T, {T: keys("minus", shown="-")},
           palette="Skip", palette_help="Skip this item and go on", footer="Skip"),
    action("note", "action_note", "edit a note (enter saves, escape cancels)", T, {T: keys("semicolon", shown=";")},
           palette="Note…", palette_help="Edit the note on this sentence", footer="Note"),
    action("search", "action_search", "search sentence text in all documents and jump to a hit", T,
           {T: keys("slash", shown="/")}, palette="Search sentences…", palette_help="Find text in all documents",
           footer="Search"),
    action("documents", "action_documents", "document list with per-document progress", T, {T: keys("ctrl+o")},
           palette="Go to document…", palette_help="List documents with progress"),
    action("accept", "action_accept", "accept the suggested tags (★) at or above the threshold; suggestions never "
           "become labels any other way", T, {T: keys("equals_sign", shown="=")},
           palette="Accept suggestions", palette_help="Add the suggested tags"),
    action("dashboard", "action_dashboard", "agreement dashboard (`s` sorts the tag table, escape returns)", R,
           {R: keys("ctrl+d")}, palette="Dashboard", palette_help="Agreement figures", footer="Dashboard"),
    action("scroll_sentence", "action_scroll_sentence", "scroll a long sentence (and its context)", TR,
           {T: SCROLL, R: SCROLL}),
    action("guidelines", "action_guidelines", "guideline panel beside the text (below it under 110 columns), open "
           "or closed: descriptions and examples, scrolled to the tag last toggled", TR,
           {T: keys("ctrl+g"), R: keys("ctrl+g")}, palette="Guidelines panel (open/close)",
           palette_help="Each tag's description and examples beside the text"),
    action("guidelines_full", "action_guidelines_full", "every tag's description and examples, full screen", TR,
           palette="Guidelines, full screen", palette_help="Every tag's description and examples (esc closes)"),
    action("collapse", "action_collapse", "tag panel: collapse the facets to their keys (more room for the "
           "sentence), or expand them (a long sentence collapses them by itself)", TR,
           {T: keys("ctrl+t"), R: keys("ctrl+t")}),
    action("palette", "action_palette", "command palette", TR,
           {T: keys("ctrl+p", help="command palette: any tag by Chinese title, English name or id (also tags "
                                   "without a key), documents by title, queues, every command"),
            R: keys("ctrl+p", help="command palette: filter the queue by tag or annotator pair, every command")}),
    action("help", "action_help", "help: every key, including the taxonomy's", TR,
           {T: keys("question_mark", shown="?"), R: keys("question_mark", shown="?")},
           palette="Help: keys", palette_help="Every key, including the taxonomy's", footer="Help"),
    action("close", "action_close", "back to the review queue", D, {D: keys("escape,ctrl+d")}, footer="Back"),
    action("sort", "action_sort", "sort tags by α, ascending or descending", D, {D: keys("s")}, footer="Sort tags"),
    action("scroll", "action_scroll", "scroll the dashboard", D,
           {D: (keys("up", "up", help="scroll up"), keys("down", "down", help="scroll down"),
                keys("pageup", "page_up", help="scroll a page up"),
                keys("pagedown", "page_down", help="scroll a page down"))}),
    action("quit", "action_quit", "quit", f"{TR},{D}",
           {T: keys("ctrl+q", help="quit; everything is already saved"),
            R: keys("ctrl+q", help="quit; every gold judgment is already saved"), D: keys("ctrl+q")},
           palette="Quit", palette_help="Everything is already saved"),
]

BY_ID = {a.id: a for a in ACTIONS}

# The first help row of a screen: the keys that come from the taxonomy, not from ACTIONS.
TAG_KEYS = {TAGGING: ("a-z A-Z 0-9", "a tag's key (letters and digits belong to the taxonomy): toggle that tag on "
                                     "the current sentence"),
            REVIEW: ("a-z A-Z 0-9", "a tag's key: toggle that gold tag")}


@dataclass(frozen=True)
class Command:
    """What one key does on one screen: the method the ordered input path calls, and its arguments."""

    method: str
    args: tuple = ()


def serving(screen: str) -> list[Action]:
    return [a for a in ACTIONS if screen in a.screens]


def keymap(screen: str) -> dict[str, Command]:
    """Key name -> command, for the ordered input path (keys.OrderedKeys.handle_key)."""
    return {k: Command(a.method, b.args) for a in serving(screen) for b in a.on(screen) for k in b.keys}


def bindings(screen: str) -> list[Binding]:
    """Footer entries (and mouse clicks on them): display-only, the ordered input path takes the keys."""
    out = []
    for a in serving(screen):
        if a.footer and a.on(screen):
            b = a.on(screen)[0]
            out.append(Binding(b.keys[0], f"{a.method.removeprefix('action_')}({', '.join(map(repr, b.args))})",
                               a.footer))
    return out


def help_rows(screen: str) -> list[tuple[str, str]]:
    """(keys, what they do) for the help screen and the docs: the taxonomy's keys first."""
    rows = [TAG_KEYS[screen]] if screen in TAG_KEYS else []
    for a in serving(screen):
        rows += [(b.display, b.help or a.description) for b in a.on(screen) if not b.folded]
    return rows


def palette_commands(screen) -> list[tuple[str, object, str]]:
    """(label, bound method, help) of every palette command the screen serves: the methods the keys call."""
    return [(a.palette, getattr(screen, a.method), a.palette_help) for a in serving(screen.SCREEN) if a.palette]


def key_table(screen: str) -> str:
    """A screen's key table for docs/ (the cog blocks in docs/tagging.md; tests/test_docs.py keeps it in sync)."""
    rows = ["| key | action |", "|---|---|"]
    for keys_, what in help_rows(screen):
        shown = " / ".join(f"`{k.strip()}`" for k in keys_.replace("…", "` … `").split(" / "))
        rows.append(f"| {shown} | {what} |")
    return "\n".join(rows)


def missing_methods(screen: str, cls) -> list[str]:
    """The actions serving ``screen`` whose method ``cls`` lacks (or has as something not callable)."""
    return [f"{a.id}: {cls.__name__}.{a.method}" for a in serving(screen) if not callable(getattr(cls, a.method, None))]


def clashes(screen: str) -> list[str]:
    """Keys bound twice on one screen."""
    seen: dict[str, str] = {}
    out = []
    for a in serving(screen):
        for b in a.on(screen):
            for k in b.keys:
                if k in seen:
                    out.append(f"{screen}: {k} is {seen[k]} and {a.id}")
                seen.setdefault(k, a.id)
    return out
