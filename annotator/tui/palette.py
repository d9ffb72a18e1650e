"""Command palette entries (ctrl+p): tags by Chinese title, English name or id, documents by title,
queues, and every command of the screen.

Each entry is (plain text, command, help); the palette screen (modals.PaletteScreen) shows titles
literally, never as markup, and runs the command in the ordered key path."""

from __future__ import annotations

import itertools
from functools import partial

from annotator.annotate.tagging import QUEUES
from annotator.tui.actions import palette_commands


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
    yield from palette_commands(screen)  # the same methods the keys call


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
    yield from palette_commands(screen)  # the same methods the keys call
