"""The current sentence has priority: a 1,000-character sentence can be read to its last character."""

import pytest
from textual import events

from annotator.store import Store
from annotator.tui.app import build_app
from annotator.tui.modals import HelpScreen
from storehelpers import iter_annotations

LONG = ("政协委员围绕乡村振兴开展专题协商，" * 60)[:999] + "。"


def _db(tmp_path):
    store = Store(tmp_path / "long.db")
    units = [(0, "heading", "长句测试", None, 0, 4), (1, "sentence", LONG, "长句测试", 4, 4 + len(LONG)),
             (2, "sentence", "短句。", "长句测试", 4 + len(LONG), 7 + len(LONG))]
    store.add_document("longdoc", "long.txt", "长句测试", "长句测试" + LONG + "短句。", "utf-8", 1, units)
    store.close()
    return tmp_path / "long.db"


@pytest.mark.parametrize("size", [(120, 24), (80, 24)])
async def test_a_long_sentence_is_readable_first_to_last(tmp_path, taxonomy, size):
    app = build_app(Store(_db(tmp_path)), taxonomy, "alice")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screen = app.screen
        reading = screen.query_one("#reading")
        assert reading.size.height >= 3
        top, bottom = reading.current_span()
        assert bottom - top > reading.size.height  # taller than the area
        assert reading.scroll_offset.y == top  # shown from its first line
        for _ in range(200):
            screen.action_scroll_sentence(1)
            await pilot.pause()
            if reading.scroll_offset.y + reading.size.height >= bottom:
                break
        assert reading.scroll_offset.y + reading.size.height >= bottom  # last line shown
        assert "。" in reading.render_line(bottom - 1 - reading.scroll_offset.y).text


async def test_guideline_dialog_shows_descriptions(seeded_db, taxonomy):
    """The full-screen guidelines (the palette's "Guidelines, full screen") list every description."""
    from annotator.tui.render import plain_of

    app = build_app(Store(seeded_db), taxonomy, "alice")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await app.screen.action_guidelines_full()
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = plain_of(app.screen.renderable.renderables)
        tag = next(t for t in taxonomy.tags.values() if t.description)
        assert tag.description in text


def test_taxonomy_examples_are_validated_with_file_line():
    from annotator.core.errors import TaxonomyError
    from annotator.core.taxonomy import parse_taxonomy

    good = "name: t\ntags:\n  - id: a\n    title: 甲\n    en: A\n    examples: [一个例句。, 另一个。]\n"
    assert parse_taxonomy(good, "t.yaml").tags["a"].examples == ("一个例句。", "另一个。")
    bad = "name: t\ntags:\n  - id: a\n    title: 甲\n    en: A\n    examples:\n      - 1\n"
    with pytest.raises(TaxonomyError) as e:
        parse_taxonomy(bad, "t.yaml")
    assert any("t.yaml:7" in p and "example" in p for p in e.value.problems)
    with pytest.raises(TaxonomyError):
        parse_taxonomy("name: t\ntags:\n  - id: a\n    title: 甲\n    en: A\n    examples: 句子\n", "t.yaml")


async def test_too_small_shows_one_line_and_refuses_keys(tmp_path, taxonomy):
    """Below the minimum size the screen asks for a larger terminal; a tag key typed meanwhile is refused
    (nothing written: the user cannot see what it would change), and works once the terminal is larger."""
    from annotator.tui.base import SentenceScreen

    db = _db(tmp_path)
    app = build_app(Store(db), taxonomy, "alice")
    async with app.run_test(size=(30, 10)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SentenceScreen) and screen.too_small
        message = str(screen.query_one("#too-small").render())
        assert "Enlarge the terminal" in message and "at least 40×" in message
        assert not screen.query_one("#reading").display or not screen.query_one("#reading").region
        await pilot.press("c", "enter")
        await pilot.pause()
        assert app.session.state.labels == ()
        assert "Ignored: enter" in str(screen.query_one("#too-small").render())
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert not screen.too_small and screen.query_one("#reading").region
        await pilot.press("c")
        await pilot.pause()
        assert app.session.state.labels == ("consultation",)
    saved = [a for a in iter_annotations(Store(db)) if a["annotator"] == "alice"]
    assert [a["labels"] for a in saved] == [["consultation"]]


@pytest.mark.parametrize("size, modes", [((200, 50), {"full"}), ((120, 40), {"full", "titles"}),
                                         ((120, 24), {"titles", "short"}), ((80, 24), {"titles", "short"}),
                                         ((60, 18), {"keys"})])
async def test_tag_panel_compacts_so_the_sentence_keeps_most_of_the_height(seeded_db, taxonomy, size, modes):
    app = build_app(Store(seeded_db), taxonomy, "alice")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.panel_layout.mode in modes
        panel = screen.query_one("#tags").outer_size.height
        reading = screen.query_one("#reading").size.height
        assert panel - 1 <= max(screen.panel_layout.rows, int((size[1] - 5) * 0.45)) and reading >= 5
        assert reading > panel - 1 or screen.panel_layout.mode == "keys"
        shown = screen.query_one("#tags").content.plain
        assert all(t.key in shown for t in taxonomy.tags.values() if t.key)  # every key stays on screen
        await pilot.press("ctrl+t")  # facets collapsed to their keys: more rows for the sentence
        await pilot.pause()
        assert screen.panel_layout.mode == "keys" and screen.query_one("#reading").size.height >= reading
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert screen.panel_layout.mode in modes


async def test_context_grows_with_the_height(seeded_db, taxonomy):
    app = build_app(Store(seeded_db), taxonomy, "alice", queue="all")
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause()
        for _ in range(8):  # away from the document's first sentences
            await pilot.press("down")
        await pilot.pause()
        s, screen = app.session, app.screen
        reading = screen.query_one("#reading")
        i = [u.id for u in reading.units].index(s.current.id)
        assert i > 2 and len(reading.units) - i > 3
        assert reading.virtual_size.height >= reading.size.height  # no block of empty rows under the sentence
        assert all(reading.render_line(y).text.strip() for y in range(reading.size.height))
    app = build_app(Store(seeded_db), taxonomy, "alice", queue="all")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        reading = app.screen.query_one("#reading")
        assert reading.virtual_size.height >= reading.size.height


async def test_a_tag_key_redraws_only_what_changed(seeded_db, taxonomy):
    """A tag key leaves the reading area as it is; only the tag panel's changed rows, the state line and
    the status line may change. A move to a sentence already on screen repaints the lines of the two
    sentences involved, and nothing else of the reading area."""
    app = build_app(Store(seeded_db), taxonomy, "alice", suggestions=False, queue="all")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        reading = screen.query_one("#reading")
        where = screen.query_one("#where").content
        panel = screen.query_one("#tags")
        rows = list(panel._lines)
        await pilot.press("c")
        await pilot.pause()
        assert app.session.state.labels == ("consultation",)
        assert reading.painted == [] and screen.query_one("#where").content is where
        changed = [y for y, (a, b) in enumerate(zip(rows, panel._lines)) if a is not b]
        assert len(changed) == 1 and "■ 政治协商" in panel._lines[changed[0]].plain
        assert "政治协商" in screen.query_one("#labels").content.plain
        old = reading.current_span()
        await pilot.press("down")  # the next sentence is on screen: two sentences' lines repainted
        await pilot.pause()
        new = reading.current_span()
        assert new[0] >= old[1] and reading.painted is not None
        assert sorted(reading.painted) == [(old[0], old[1] - old[0]), (new[0], new[1] - new[0])]
        assert "▌" in reading.render_line(new[0] - reading.scroll_offset.y).text
        assert "▌" not in reading.render_line(old[0] - reading.scroll_offset.y).text
        redrawn = 0
        for key in ["down"] * 40 + ["up"] * 40:  # the view scrolls (redrawn whole) only when the sentence leaves it
            await pilot.press(key)
            await pilot.pause()
            top, bottom = reading.current_span()
            assert reading.scroll_offset.y <= top and bottom <= reading.scroll_offset.y + reading.size.height
            assert app.session.current.id == reading.current_id
            redrawn += reading.painted is None
        assert 0 < redrawn < 40  # most moves repaint two sentences only


async def test_a_burst_of_scroll_keys_scrolls_by_each_key(tmp_path, taxonomy):
    """shift+down typed fast (before the screen redraws) scrolls once per key, none lost."""
    app = build_app(Store(_db(tmp_path)), taxonomy, "alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        reading = app.screen.query_one("#reading")
        start = reading.scroll_offset.y
        assert start == reading.current_span()[0] and reading.max_scroll_y >= start + 6
        for _ in range(5):
            await app.screen.handle_key(events.Key("shift+down", None))
        await pilot.pause()
        assert reading.scroll_offset.y == start + 5


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_a_jump_places_the_sentence_in_view(seeded_db, taxonomy, size):
    """A jump (end/home of the document, another document) loads the units around the new sentence and
    places it in view, with context above when it fits."""
    app = build_app(Store(seeded_db), taxonomy, "alice", queue="all")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        reading = app.screen.query_one("#reading")
        for key in ("end", "home", "end", "down", "down", "end"):
            await pilot.press(key)
            await pilot.pause()
            top, bottom = reading.current_span()
            assert app.session.current.id == reading.current_id
            assert reading.scroll_offset.y <= top and bottom <= reading.scroll_offset.y + reading.size.height
            if top > 0 and bottom - top < reading.size.height - 3:
                assert reading.scroll_offset.y < top  # a line of context above
