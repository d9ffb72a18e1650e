"""The palette lists documents by title and every command of the screen."""

from annotator.store import Store
from annotator.tui.app import build_app
from annotator.tui.keys import run
from annotator.tui.palette import tag_entries


async def test_palette_has_documents_and_every_command(seeded_db, taxonomy):
    store = Store(seeded_db)
    app = build_app(store, taxonomy, "alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        entries = {text: cmd for text, cmd, _ in tag_entries(screen)}
        for doc in store.documents():
            assert f"Document: {doc['title']}" in entries
        for label in ("Undo", "Redo", "Flag as uncertain", "Skip", "Note…", "Search sentences…", "Go to document…",
                      "Guidelines panel (open/close)", "Guidelines, full screen", "Help: keys", "Quit", "Queue: todo", "Queue: flagged"):
            assert label in entries, label
        last = store.documents()[-1]
        await run(entries[f"Document: {last['title']}"])
        await pilot.pause()
        assert screen.session.current.doc_id == last["id"]
        await run(entries["Flag as uncertain"])
        await pilot.pause()
        assert screen.session.state.status == "flagged"
        await run(entries["Undo"])
        await pilot.pause()
        assert screen.session.state.status != "flagged"
