"""Snapshots of the tagging and review screens at 80×24, 120×40 and 200×50 (long Chinese sentence),
and of a terminal below the minimum size.

The background worker (jieba, model) is switched off so every snapshot is deterministic.
Regenerate with: pytest tests/tui/test_snapshots.py --snapshot-update
"""

import pytest

from annotator.store import Store
from annotator.tui.app import build_app
from annotator.tui.base import SentenceScreen

SIZES = [(80, 24), (120, 40), (200, 50)]
LONG = ("政协委员围绕乡村振兴开展专题协商，提出意见建议二十三条，" * 40)[:999] + "。"


@pytest.fixture(autouse=True)
def no_real_terminal_app():
    """snap_compare runs the app headless through App.run, which conftest otherwise refuses."""


@pytest.fixture(autouse=True)
def no_worker(monkeypatch):
    from annotator.tui.review import ReviewScreen
    from annotator.tui.tagging import TagScreen

    for screen in (SentenceScreen, TagScreen, ReviewScreen):  # each screen's own worker, too
        monkeypatch.setattr(screen, "start_worker", lambda self: None)


def _long_db(tmp_path):
    store = Store(tmp_path / "long.db")
    units = [(0, "heading", "一、长句测试", None, 0, 6), (1, "sentence", "前一句。", "一、长句测试", 6, 10),
             (2, "sentence", LONG, "一、长句测试", 10, 10 + len(LONG)),
             (3, "sentence", "后一句。", "一、长句测试", 10 + len(LONG), 14 + len(LONG))]
    store.add_document("longdoc", "long.txt", "某县政协工作报告", "x", "utf-8", 1, units)
    store.close()
    return tmp_path / "long.db"


async def _quiet(pilot):
    pilot.app.clear_notifications()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_tagging_screen(snap_compare, tmp_path, taxonomy, size):
    app = build_app(Store(_long_db(tmp_path)), taxonomy, "alice", suggestions=False)
    assert snap_compare(app, terminal_size=size, press=["down"], run_before=_quiet)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_review_screen(snap_compare, double_db, taxonomy, size):
    app = build_app(Store(double_db), taxonomy, "judge", mode="review")
    assert snap_compare(app, terminal_size=size, run_before=_quiet)


def test_too_small_screen(snap_compare, tmp_path, taxonomy):
    app = build_app(Store(_long_db(tmp_path)), taxonomy, "alice", suggestions=False)
    assert snap_compare(app, terminal_size=(36, 10), press=["c"], run_before=_quiet)
