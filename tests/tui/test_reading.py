"""Reading long text: the ▼/▲ cues, page keys, the tag panel collapsing for a long sentence, Chinese line
breaking in the reading area, and the guideline panel beside (or below) the text."""

import pytest

from annotator.store import Store
from annotator.tui.app import build_app
from annotator.tui.guide import GuidePanel
from annotator.tui.reader import GUTTER
from annotator.tui.wrap import NO_END, NO_START
from storehelpers import iter_annotations

LONG = "围绕“红武共进 界别同行”主题，" + ("政协委员围绕乡村振兴开展专题协商，提出意见建议二十三条，推动（县委）出台《实施意见》；" * 30)
LONG = LONG[:999] + "。"
HEADING = "二、聚焦中心大局，围绕全县经济社会发展的重点难点问题深入开展调查研究和协商议政"


def _db(tmp_path):
    store = Store(tmp_path / "long.db")
    texts = [("heading", "一、长句测试"), ("sentence", "前一句。"), ("sentence", LONG), ("sentence", "后一句。"),
             ("heading", HEADING), *[("sentence", f"第{i}句，关于协商议事的安排。") for i in range(12)]]
    units, pos = [], 0
    for i, (kind, text) in enumerate(texts):
        units.append((i, kind, text, "一、长句测试", pos, pos + len(text)))
        pos += len(text)
    store.add_document("longdoc", "long.txt", "某县政协工作报告", "".join(t for _, t in texts), "utf-8", 1, units)
    store.close()
    return tmp_path / "long.db"


def _row(reading, y) -> str:
    return reading.render_line(y).text


async def _to_long(app, pilot):
    await pilot.pause()
    await pilot.press("down")  # from 前一句 to the long sentence
    await pilot.pause()
    assert app.session.current.text == LONG


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_cue_says_how_much_follows_and_pages_show_every_line(tmp_path, taxonomy, size):
    app = build_app(Store(_db(tmp_path)), taxonomy, "alice", suggestions=False)
    async with app.run_test(size=size) as pilot:
        await _to_long(app, pilot)
        reading = app.screen.query_one("#reading")
        h = reading.size.height
        top, bottom = reading.current_span()
        if bottom - top <= h:  # fits at this size: no cue at all
            assert not any("more line" in _row(reading, y) for y in range(h))
            return
        seen = set()
        for _ in range(40):
            y0 = reading.scroll_offset.y
            above, below = reading.hidden()
            first, last = (1 if above else 0), (h - 1 if below else h)
            if below:
                assert f"▼ {below} more lines" in _row(reading, h - 1) and below == bottom - (y0 + h - 1)
            if above:
                assert f"▲ {above} line" in _row(reading, 0)
            seen.update(y for y in range(y0 + first, y0 + last) if top <= y < bottom)
            if not below:
                break
            await pilot.press("space")
            await pilot.pause()
        assert seen == set(range(top, bottom))  # no line skipped under a cue
        assert "。" in _row(reading, bottom - 1 - reading.scroll_offset.y)
        await pilot.press("shift+pageup")
        await pilot.pause()
        assert reading.scroll_offset.y < y0


async def test_tag_panel_collapses_while_a_long_sentence_needs_the_room(tmp_path, taxonomy):
    app = build_app(Store(_db(tmp_path)), taxonomy, "alice", suggestions=False)
    async with app.run_test(size=(120, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        expanded = screen.panel_layout.mode
        assert expanded != "keys"  # 前一句: the full panel
        y = screen.query_one("#reading").scroll_offset.y
        await pilot.press("space")  # a short sentence in view: a page key does not scroll it away
        await pilot.pause()
        assert screen.query_one("#reading").scroll_offset.y == y
        await pilot.press("down")
        await pilot.pause()
        assert screen.panel_layout.mode == "keys"  # the long sentence needs the room
        reading = screen.query_one("#reading")
        assert reading.size.height >= 24 - 5 - screen.panel_layout.rows - 1
        await pilot.press("ctrl+t")  # expanded by hand for this sentence
        await pilot.pause()
        assert screen.panel_layout.mode == expanded
        await pilot.press("down")  # a short sentence: expanded
        await pilot.pause()
        assert screen.panel_layout.mode == expanded
        await pilot.press("up")  # back on the long one: collapsed again
        await pilot.pause()
        assert screen.panel_layout.mode == "keys"
        await pilot.press("c")  # keys still act on the sentence
        await pilot.pause()
        assert app.session.state.labels == ("consultation",)


@pytest.mark.parametrize("size", [(60, 18), (80, 24)])
async def test_reading_area_breaks_chinese_lines_by_the_rules(tmp_path, taxonomy, size):
    app = build_app(Store(_db(tmp_path)), taxonomy, "alice", suggestions=False, queue="all")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        reading = app.screen.query_one("#reading")
        width = reading._width
        for u in reading.units:
            lines = [t.plain for t in reading._lines(u, None)]
            assert "".join(lines) == ("§ " if u.kind == "heading" else "") + u.text  # nothing added or dropped
            for k, line in enumerate(lines):
                assert reading.app.console.measure(line).maximum <= width or len(line) == 1
                if k:
                    assert line[0] not in NO_START, (u.text, lines)
                if k + 1 < len(lines):
                    assert line[-1] not in NO_END
            if u.text == LONG:  # the space inside the quote does not end a line early
                assert lines[0].startswith("围绕“红武共进 界别同行”") or len(lines[0]) * 2 >= width - 2
            if u.kind == "heading":
                assert lines[0].startswith("§ ") and len(lines[0]) > 3  # the mark stays on the heading's line


async def test_guideline_panel_beside_the_text_on_a_wide_screen(tmp_path, taxonomy):
    app = build_app(Store(_db(tmp_path)), taxonomy, "alice", suggestions=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        reading, panel = screen.query_one("#reading"), screen.query_one("#guide", GuidePanel)
        assert not panel.display or not panel.region.width
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert panel.region.width >= 36 and panel.region.x >= reading.region.right  # beside, not over
        assert reading.region.width >= 60
        assert any("▌" in _row(reading, y) for y in range(reading.size.height))  # the sentence stays in view
        tag = taxonomy.keys["v"]
        assert tag.description in panel.text()
        await pilot.press("v")  # tagging goes on; the panel scrolls to the tag and marks it
        await pilot.pause()
        assert app.session.state.labels == (tag.id,) and panel.shown_tag == tag.id
        assert f"■ [v] {tag.title}" in panel.text()
        await pilot.press("enter")
        await pilot.pause()
        assert panel.region.width  # stays open on the next sentence
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert not panel.region.width and reading.region.width > 100
    saved = [a for a in iter_annotations(Store(tmp_path / "long.db")) if a["annotator"] == "alice"]
    assert [(a["labels"], a["status"]) for a in saved] == [([tag.id], "done")]


async def test_guideline_panel_below_the_text_on_a_narrow_screen(tmp_path, taxonomy):
    app = build_app(Store(_db(tmp_path)), taxonomy, "alice", suggestions=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        await pilot.press("ctrl+g")
        await pilot.pause()
        reading, panel = screen.query_one("#reading"), screen.query_one("#guide", GuidePanel)
        assert panel.region.height >= 4 and panel.region.y >= reading.region.bottom
        assert reading.size.height >= 5 and reading.region.width >= 80 - 2 - GUTTER
        assert panel.region.bottom <= screen.query_one("#tags").region.y


async def test_guideline_panel_in_review(double_db, taxonomy):
    app = build_app(Store(double_db), taxonomy, "judge", mode="review")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+g")
        await pilot.pause()
        panel = app.screen.query_one("#guide", GuidePanel)
        assert panel.region.width and app.screen.query_one("#reading").region.width >= 60
        gold = app.session.gold.labels
        for tag_id in gold:
            assert f"■ [{taxonomy.tags[tag_id].key}]" in panel.text() or not taxonomy.tags[tag_id].key
