"""Page-break repair asks whether jieba cuts a word across a break; the compact frequency table answers
exactly as jieba does (its blocks, DAG and route), read from a cache in milliseconds, rebuilt when the
cache is damaged, and jieba answers where no table can be had."""

from __future__ import annotations

import random

import jieba
import pytest
from hypothesis import given, settings, strategies as st

import annotator.ingest.wordbreak as wb
from annotator.core.resources import seeds_dir

SEEDS = "".join(p.read_text(encoding="utf-8") for p in sorted(seeds_dir().glob("*.txt")))


@pytest.fixture(scope="module")
def table():
    t = wb.freq_table()
    assert t is not None
    return t


def _jieba_crosses(tail: str, head: str) -> bool:
    a, b = tail[-6:], head[:6]
    pos = 0
    for tok in wb.load_jieba().cut(a + b, HMM=False):
        if pos < len(a) < pos + len(tok):
            return True
        pos += len(tok)
    return False


def test_block_patterns_are_jiebas():
    assert wb.RE_HAN.pattern == jieba.re_han_default.pattern
    assert wb.RE_SKIP.pattern == jieba.re_skip_default.pattern
    assert wb.RE_ENG.pattern == jieba.re_eng.pattern


def test_cuts_equal_jiebas_on_seed_windows(table):
    rng = random.Random(25)
    jb = wb.load_jieba()
    for _ in range(3000):
        i = rng.randrange(1, len(SEEDS) - 1)
        window = SEEDS[max(0, i - 6):i + 6]
        assert list(table.cut(window)) == list(jb.cut(window, HMM=False)), window
        assert wb.word_crosses(SEEDS[:i], SEEDS[i:]) == _jieba_crosses(SEEDS[:i], SEEDS[i:]), window


ALPHABET = st.sampled_from(list("政协委员会提案办理立案协商民主年月日工作报告的了和把一二三") +
                           list("abcXYZ019 .%-_#&+，。、；：“”（）\n\t\r") + ["\u3000", "ａ", "𠀀"])


@settings(max_examples=400, deadline=None)
@given(st.lists(ALPHABET, min_size=1, max_size=14).map("".join))
def test_cuts_equal_jiebas_on_any_text(table, text):
    assert list(table.cut(text)) == list(wb.load_jieba().cut(text, HMM=False))


def test_known_breaks():
    assert wb.word_crosses("依法立", "案审查")  # 立|案 → 立案
    assert not wb.word_crosses("工作。", "今年")


def _fresh(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(wb, "_table", None)
    monkeypatch.setattr(wb, "_built", False)
    monkeypatch.setattr(wb, "_prechecks", 0)


def test_a_damaged_cache_is_made_again(monkeypatch, tmp_path, table):
    good = wb._cache_path(wb._dict_file())
    _fresh(monkeypatch, tmp_path)
    path = wb._cache_path(wb._dict_file())
    path.parent.mkdir(parents=True)
    data = bytearray(good.read_bytes())
    assert wb._read(good, wb._dict_file()) is not None
    data[-5] ^= 0xFF  # one frequency changed: the checksum no longer matches
    path.write_bytes(bytes(data))
    assert wb._read(path, wb._dict_file()) is None
    made = []
    monkeypatch.setattr(wb, "_build", lambda p, d: made.append(p) or table)  # (the real one: the next test)
    assert wb.freq_table() is table and made == [path]  # never the damaged copy: made again


def test_no_cache_folder_still_answers_exactly(monkeypatch, tmp_path):
    _fresh(monkeypatch, tmp_path)
    (tmp_path / "cache").write_text("a file where the folder would be")
    assert wb.word_crosses("依法立", "案审查") and not wb.word_crosses("工作。", "今年")
    assert not (tmp_path / "cache").is_dir()


def test_a_small_first_import_settles_its_breaks_without_making_the_table(monkeypatch, tmp_path):
    _fresh(monkeypatch, tmp_path)
    monkeypatch.setattr(wb, "_jieba", None)  # a new process: jieba not loaded
    assert not wb.word_crosses("工作。", "今年")  # no dictionary word holds "。今": settled by the dictionary file
    assert wb._table is False and not wb._built  # nothing made or loaded for it
    assert not wb._cache_path(wb._dict_file()).exists()
