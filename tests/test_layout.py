"""The current sentence has priority: a 1,000-character sentence can be read to its last character."""

import pytest

from annotator.store import Store
from annotator.tui.app import build_app
from annotator.tui.modals import HelpScreen

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
        reading, current = screen.query_one("#reading"), screen.query_one("#current")
        assert reading.size.height >= 3
        top = current.virtual_region.y
        assert reading.scroll_offset.y <= top < reading.scroll_offset.y + reading.size.height  # first line shown
        for _ in range(200):
            screen.action_scroll_sentence(1)
            await pilot.pause()
            if reading.scroll_offset.y + reading.size.height >= current.virtual_region.bottom:
                break
        assert reading.scroll_offset.y + reading.size.height >= current.virtual_region.bottom  # last line shown


async def test_guideline_panel_shows_descriptions(seeded_db, taxonomy):
    app = build_app(Store(seeded_db), taxonomy, "alice")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+g")  # the guideline key
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = "\n".join(t.plain for t in app.screen.renderable.renderables)
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
