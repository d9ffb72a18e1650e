"""Command palette (ctrl+p): tags by Chinese title, English name or id, and the app's commands."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.markup import escape

from annotator.tui.render import safe


class _PlainCommands(Provider):
    """Entries are (plain text, command, help); titles are shown literally, never as markup."""

    def _entries(self):
        raise NotImplementedError

    async def discover(self) -> Hits:
        for text, command, help_ in self._entries():
            yield DiscoveryHit(Content(safe(text)), command, text=safe(text), help=escape(safe(help_ or "")))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, command, help_ in self._entries():
            text = safe(text)
            score, offsets = matcher.fuzzy_search.match(query, text)
            if score > 0:
                display = Content(text)  # plain text: '[b]' in a title stays literal
                for o in offsets:
                    display = display.stylize(matcher.match_style, o, o + 1)
                yield Hit(score, display, command, text=text, help=escape(safe(help_ or "")))


# Every command of a screen, as (label, action method name, help); an entry appears when the
# screen has that action. Keys stay with the screen's bindings; the palette calls the same methods.
SCREEN_COMMANDS = [
    ("Undo", "action_undo", "Undo the last change (any sentence)"),
    ("Redo", "action_redo", "Redo what was undone"),
    ("Flag as uncertain", "action_flag", "Toggle the uncertain flag"),
    ("Skip", "action_skip", "Skip this sentence and go on"),
    ("Note…", "action_note", "Edit the note on this sentence"),
    ("Accept suggestions", "action_accept", "Add the suggested tags"),
    ("Confirm", "action_confirm", "Mark done and go on"),
    ("Save gold", "action_save", "Save gold and go on"),
    ("Search sentences…", "action_search", "Find text in all documents"),
    ("Go to document…", "action_documents", "List documents with progress"),
    ("Dashboard", "action_dashboard", "Agreement figures"),
    ("Guidelines", "action_guidelines", "Each tag's description and examples"),
    ("Help: keys", "action_help", "Every key, including the taxonomy's"),
]


def screen_commands(screen):
    for text, name, help_ in SCREEN_COMMANDS:
        action = getattr(screen, name, None)
        if action is not None:
            yield text, action, help_
    yield "Quit", screen.app.exit, "Everything is already saved"


class TagCommands(_PlainCommands):
    def _entries(self):
        screen = self.screen
        tax = screen.session.taxonomy
        for tag in tax.tags.values():
            key = f"[{tag.key}] " if tag.key else ""
            text = f"Toggle {key}{tag.title} · {tag.en} · {tag.id}"
            yield text, partial(screen.toggle_tag, tag.id), tag.description
        for q in ("todo", "all", "flagged", "skipped", "done"):
            yield f"Queue: {q}", partial(screen.change_queue, q), f"Work through the {q} queue"
        for doc in screen.session.store.documents():  # documents by title
            title = doc.get("title") or doc["id"]
            yield f"Document: {title}", partial(screen.timed, "goto_doc", screen.session.goto_document, doc["id"]), \
                doc.get("path") or doc["id"]
        yield from screen_commands(screen)


class ReviewCommands(_PlainCommands):
    """Review screen palette: filter the disagreement queue by tag or by annotator pair."""

    def _entries(self):
        import itertools

        screen = self.screen
        session = screen.session
        yield "Filter: all disagreements", partial(screen.set_filter, None, None), "Clear the filter"
        for tag in session.taxonomy.tags.values():
            text = f"Filter by tag: {tag.title} · {tag.en} · {tag.id}"
            yield text, partial(screen.set_filter, tag.id, None), "Only items where annotators differ on this tag"
        names = sorted(session.store.annotators())
        for a, b in itertools.combinations(names, 2):
            yield f"Filter by pair: {a} vs {b}", partial(screen.set_filter, None, (a, b)), "Only items these two differ on"
        yield from screen_commands(screen)
