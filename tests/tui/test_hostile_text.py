"""Report text, notes, titles, tag names and annotator names are shown literally in every widget:
never parsed as markup, never passed to the terminal as control sequences."""

from __future__ import annotations

import unicodedata

import pytest

from annotator.ingest.importer import import_paths
from annotator.store import State, Store
from annotator.core.taxonomy import parse_taxonomy
from annotator.tui.app import build_app
from annotator.tui.render import safe
from screens import screen_text

NASTY = "[/] [b]粗[/b] [link=file:///etc/passwd]x[/link] \x1b[2J\x07\x9b31m\u202e"
TAXONOMY = r"""
name: "恶意[b]分类\e[2J"
facets:
  - id: act
    title: "活动[/]"
    multiple: true
    tags:
      - id: consult
        title: "协商[b]议政"
        en: "consult [link=file:///etc/passwd]x[/link]"
        key: c
        description: "[red]描述\e[2J"
        keywords: [协商]
      - id: evil
        title: "监督\e[2J[/]"
        en: "oversight\a"
        key: e
"""
EVIL_NAME = "eve[b]\x1b[31m"


@pytest.fixture
def hostile(tmp_path):
    doc = tmp_path / "hostile.txt"
    doc.write_text(f"# 报告[/]{NASTY}\n\n一、协商[b]部分\x1b[2J\n\n本委开展协商{NASTY}。第二句[/b]也在这里。\n", encoding="utf-8")
    db = tmp_path / "hostile.db"
    store = Store(db)
    import_paths(store, [doc])
    tax = parse_taxonomy(TAXONOMY, "evil.yaml")
    sents = list(store.iter_units("sentence"))
    for s in sents:
        store.change("annotation", s.id, EVIL_NAME, "confirm", State(("consult",), "done", NASTY))
        store.change("annotation", s.id, "bob", "confirm", State(("evil",), "done", "bob[/]"))
    store.close()
    return db, tax


def assert_literal(text: str, *must: str) -> None:
    bad = sorted({f"U+{ord(c):04X}" for c in text if unicodedata.category(c) == "Cc" and c != "\n"})
    assert not bad, f"control characters reached the screen: {bad}"
    assert "\u202e" not in text
    for m in must:
        assert m in text, f"{m!r} not shown literally"


def test_safe_maps_one_for_one():
    s = "a\x1b[2J\x00\x7f\x9b\u202eb"
    assert len(safe(s)) == len(s)
    assert safe(s) == "a␛[2J␀␡��b"
    assert safe("[b]政协[/]") == "[b]政协[/]"


async def test_tagging_screen_and_its_dialogs_show_text_literally(hostile, palette_hits):
    db, tax = hostile
    app = build_app(Store(db), tax, EVIL_NAME, queue="all", suggestions=False)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        assert_literal(screen_text(app), "[/]", "[b]粗[/b]", "[link=file:///etc/passwd]x[/link]", "␛[2J",
                       "协商[b]议政", "eve[b]␛[31m", "活动[/]")
        await pilot.press("question_mark")
        await pilot.pause()
        assert_literal(screen_text(app), "协商[b]议政", "监督␛[2J[/]", "[link=file:///etc/passwd]x[/link]")
        await pilot.press("escape", "slash")
        await pilot.pause()
        for ch in "[/b]":
            await pilot.press(ch)
        await pilot.press("enter")
        for _ in range(50):
            await pilot.pause(0.05)
            if "第二句[/b]" in screen_text(app):
                break
        assert_literal(screen_text(app), "第二句[/b]")
        await pilot.press("escape", "ctrl+o")
        await pilot.pause()
        assert_literal(screen_text(app), "报告[/]")
        await pilot.press("escape", "ctrl+p")
        await pilot.press(*"consult")
        await palette_hits(app, pilot)
        assert_literal(screen_text(app), "协商[b]议政", "[link=file:///etc/passwd]x[/link]")
        await pilot.press("escape", "semicolon")
        await pilot.pause()
        assert_literal(screen_text(app), "[b]粗[/b]")


async def test_review_screen_and_dashboard_show_text_literally(hostile):
    db, tax = hostile
    app = build_app(Store(db), tax, "judge[/]", mode="review")
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        assert_literal(screen_text(app), "eve[b]␛[31m", "bob[/]", "[link=file:///etc/passwd]x[/link]", "judge[/]",
                       "协商[b]议政")
        await pilot.press("ctrl+d")
        for _ in range(100):
            await pilot.pause(0.05)
            if "Computing" not in screen_text(app):
                break
        assert_literal(screen_text(app), "eve[b]␛[31m", "协商[b]议政")


async def test_review_palette_and_its_notification_show_names_literally(hostile, palette_hits):
    db, tax = hostile
    app = build_app(Store(db), tax, "judge", mode="review")
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p", *"pair")
        await palette_hits(app, pilot)
        assert_literal(screen_text(app), "bob vs eve[b]␛[31m")
        await pilot.press("enter")
        for _ in range(40):
            await pilot.pause(0.05)
            if app._notifications:
                break
        (note,) = list(app._notifications)
        assert note.message.endswith("disagreements between bob and eve[b]␛[31m") and not note.markup
        assert_literal(screen_text(app), "pair=bob,eve[b]␛[31m")
