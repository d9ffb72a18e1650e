"""Command palette entries (ctrl+p): tags by Chinese title, English name or id, and the screens' commands.

Each entry is (plain text, command, help); the palette screen (modals.PaletteScreen) shows titles
literally, never as markup, and runs the command in the ordered key path."""

from __future__ import annotations

import itertools
from functools import partial

from annotator.session import QUEUES


def tag_entries(screen):
    tax = screen.session.taxonomy
    for tag in tax.tags.values():
        key = f"[{tag.key}] " if tag.key else ""
        yield f"Toggle {key}{tag.title} · {tag.en} · {tag.id}", partial(screen.toggle_tag, tag.id), tag.description
    yield "Go to document…", screen.action_documents, "List documents with progress"
    yield "Search sentences…", screen.action_search, "Find text in all documents"
    for q in QUEUES:
        yield f"Queue: {q}", partial(screen.change_queue, q), f"Work through the {q} queue"
    yield "Help: keys", screen.action_help, "Every key, including the taxonomy's"


def review_entries(screen):
    """Review screen palette: filter the disagreement queue by tag or by annotator pair."""
    session = screen.session
    yield "Filter: all disagreements", partial(screen.set_filter, None, None), "Clear the filter"
    for tag in session.taxonomy.tags.values():
        text = f"Filter by tag: {tag.title} · {tag.en} · {tag.id}"
        yield text, partial(screen.set_filter, tag.id, None), "Only items where annotators differ on this tag"
    for a, b in itertools.combinations(sorted(session.store.annotators()), 2):
        yield f"Filter by pair: {a} vs {b}", partial(screen.set_filter, None, (a, b)), "Only items these two differ on"
    yield "Dashboard", screen.action_dashboard, "Agreement figures"
