"""Search that lands: `/ term enter enter` opens the first hit, hits are labelled by document title and
section with a highlighted snippet, a count, and the query is kept for the next search."""

import sqlite3

from textual.widgets import Input, Label, OptionList

from annotator.store import Store
from annotator.tui.app import build_app
from annotator.tui.search import SearchScreen, count_line, hit_text
from pty_app import PtyApp, keys


def _judged(db, who):
    with sqlite3.connect(db) as c:
        return {r[0]: (r[1], r[2]) for r in c.execute(
            "SELECT sentence_n, labels, status FROM annotations WHERE annotator = ?", (who,))}


async def test_enter_enter_opens_the_first_hit_and_later_keys_tag_it(seeded_db, taxonomy):
    store = Store(seeded_db)
    first, second = store.search("提案")[:2]
    assert first.kind == second.kind == "sentence"
    app = build_app(store, taxonomy, "alice", suggestions=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"提案", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SearchScreen) and screen.browsing
        count = str(screen.query_one("#search-count", Label).render())
        assert count.startswith(f"{len(screen.hits)} hits for '提案'")
        await pilot.press("enter", "c")  # the second enter opens the first hit; 'c' tags it
        await pilot.pause()
        assert not isinstance(app.screen, SearchScreen)
        assert app.session.current.id == first.id and app.session.state.labels == ("consultation",)
        # reopened: the query is kept (selected), the hits are listed again, the next hit highlighted
        await pilot.press("slash")
        await pilot.pause()
        screen = app.screen
        field = screen.query_one(Input)
        assert field.value == "提案" and (field.selection.start, field.selection.end) == (0, 2)
        assert screen.query_one(OptionList).highlighted == 1
        await pilot.press("enter")  # the same query's hits are listed: enter opens the highlighted one
        await pilot.pause()
        assert app.session.current.id == second.id
        await pilot.press("slash", *"码", "enter")  # typing replaces the kept query
        await pilot.pause()
        assert app.screen.query_one(Input).value == "码" and app.screen.searched == "码"
        await pilot.press("down", "up", "up")  # ↑ on the first hit returns to the query
        await pilot.pause()
        assert not app.screen.browsing
        await pilot.press("escape")


async def test_hits_show_title_section_and_a_literal_highlighted_snippet(tmp_path, taxonomy):
    store = Store(tmp_path / "s.db")
    hostile = "[b]粗体[/b] 前文很长很长很长很长很长很长很长很长 关键词 \x1b[2J后文"
    units = [(0, "heading", "一、[red]章节", None, 0, 6), (1, "sentence", hostile, "一、[red]章节", 6, 40)]
    store.add_document("d1", "d1.txt", "[i]某县政协[/i]工作报告", "x", "utf-8", 1, units)
    app = build_app(store, taxonomy, "alice", suggestions=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"关键词", "enter")
        await pilot.pause()
        ol = app.screen.query_one(OptionList)
        assert ol.option_count == 1
        shown = ol.get_option_at_index(0).prompt
        text = shown.plain if hasattr(shown, "plain") else str(shown)
        assert "[i]某县政协[/i]工作报告" in text and "一、[red]章节" in text  # title and section, literally
        assert "关键词" in text and "\x1b" not in text and "␛" in text  # no control code reaches the terminal
        assert str(app.screen.query_one("#search-count", Label).render()).startswith("1 hit for")
        await pilot.press("escape")


def test_snippet_starts_near_the_match_and_marks_every_match():
    from annotator.store import Sentence

    s = Sentence(1, "d-1", "d", 3, "sentence", "甲" * 40 + "协商Ab协商ab", "节", 0, 50, None)
    t = hit_text(s, "aB", "标题", 60)
    head, snippet = t.plain.split("\n")
    assert head.startswith("标题  ›  节") and snippet.startswith("  …") and "协商Ab协商ab" in snippet
    marked = [t.plain[sp.start:sp.end] for sp in t.spans if "reverse" in str(sp.style)]
    assert marked == ["Ab", "ab"]  # ASCII case folded, as the search matches
    assert count_line("x", 0, False).plain == "no sentence contains 'x'"
    assert "more than 200" in count_line("x", 200, True).plain


def test_search_enter_enter_in_a_real_terminal(seeded_db, taxonomy):
    """Typed as one burst in a pseudo-terminal: the first hit is opened, tagged and confirmed."""
    store = Store(seeded_db)
    first = store.search("提案")[0]
    store.close()
    with PtyApp(seeded_db, "tag", "--annotator", "alice", "--no-suggest", size=(80, 24)) as app:
        app.wait_drawn("alice")
        app.send(keys("/", "提案", "enter", "enter", "c", "enter"))
        app.wait(lambda: _judged(seeded_db, "alice").get(first.n, ("", ""))[1] == "done", "the burst's last key")
    assert _judged(seeded_db, "alice") == {first.n: ('["consultation"]', "done")}


async def test_a_note_is_edited_not_replaced(seeded_db, taxonomy):
    """Only the search dialog's kept query is replaced by typing; an existing note is appended to."""
    app = build_app(Store(seeded_db), taxonomy, "alice", suggestions=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("semicolon", *"first", "enter")
        await pilot.pause()
        await pilot.press("semicolon", *" more", "enter")
        await pilot.pause()
        assert app.session.state.note == "first more"
