"""Command palette entries (ctrl+p): tags by Chinese title, English name or id, documents by title,
queues, and every command of the screen.

Each entry is (plain text, command, help); the palette screen (modals.PaletteScreen) shows titles
literally, never as markup, and runs the command in the ordered key path."""

from __future__ import annotations

import itertools
from functools import partial

from annotator.annotate.tagging import QUEUES

# Every command of a screen, as (label, action method name, help); an entry appears when the
# screen has that action. The palette calls the same methods the keys do.
SCREEN_COMMANDS = [
    ("Undo", "action_undo", "Undo the last change (any sentence)"),
    ("Redo", "action_redo", "Redo what was undone"),
    ("Flag as uncertain", "action_flag", "Toggle the uncertain flag"),
    ("Skip", "action_skip", "Skip this item and go on"),
    ("Note…", "action_note", "Edit the note on this sentence"),
    ("Accept suggestions", "action_accept", "Add the suggested tags"),
    ("Confirm", "action_confirm", "Mark done and go on"),
    ("Save gold", "action_save", "Save gold and go on"),
    ("Save \"none of these\" as gold", "action_save_none", "Gold with no tags, then the next item"),
    ("Search sentences…", "action_search", "Find text in all documents"),
    ("Go to document…", "action_documents", "List documents with progress"),
    ("Dashboard", "action_dashboard", "Agreement figures"),
    ("Guidelines panel (open/close)", "action_guidelines", "Each tag's description and examples beside the text"),
    ("Guidelines, full screen", "action_guidelines_full", "Every tag's description and examples (esc closes)"),
    ("Help: keys", "action_help", "Every key, including the taxonomy's"),
]


def screen_commands(screen):
    for text, name, help_ in SCREEN_COMMANDS:
        action = getattr(screen, name, None)
        if action is not None:
            yield text, action, help_
    yield "Quit", screen.app.exit, "Everything is already saved"


def tag_entries(screen):
    tax = screen.session.taxonomy
    for tag in tax.tags.values():
        key = f"[{tag.key}] " if tag.key else ""
        yield f"Toggle {key}{tag.title} · {tag.en} · {tag.id}", partial(screen.toggle_tag, tag.id), tag.description
    for q in QUEUES:
        if q == "assigned" and screen.session.plan is None:
            continue
        yield f"Queue: {q}", partial(screen.change_queue, q), f"Work through the {q} queue"
    for doc in screen.session.store.documents():  # documents by title
        title = doc.get("title") or doc["id"]
        yield (f"Document: {title}", partial(screen.act, "goto_doc", screen.session.goto_document, doc["id"]),
               doc.get("path") or doc["id"])
    yield from screen_commands(screen)


def review_entries(screen):
    """Review screen palette: the disagreement or stale-gold queue, filters by tag or by annotator pair, and
    its commands."""
    session = screen.session
    yield "Queue: disagreements", partial(screen.set_queue, "disagreements"), "Items whose judgments differ"
    yield ("Queue: stale gold", partial(screen.set_queue, "stale"),
           "Adjudicated items whose judgments changed since (a merge, a re-edit)")
    yield "Filter: all disagreements", partial(screen.set_filter, None, None), "Clear the filter"
    for tag in session.taxonomy.tags.values():
        text = f"Filter by tag: {tag.title} · {tag.en} · {tag.id}"
        yield text, partial(screen.set_filter, tag.id, None), "Only items where annotators differ on this tag"
    for a, b in itertools.combinations(sorted(session.store.annotators()), 2):
        yield f"Filter by pair: {a} vs {b}", partial(screen.set_filter, None, (a, b)), "Only items these two differ on"
    yield from screen_commands(screen)
