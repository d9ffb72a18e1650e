"""Does a word cross a paragraph break (立|案 → 立案)? jieba answers; its dictionary file settles most
breaks before its model is loaded."""

from __future__ import annotations

_jieba = None


def load_jieba():
    """jieba with its dictionary loaded (once per process); its log lines stay off stderr."""
    global _jieba
    if _jieba is None:
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        _jieba = jieba
    return _jieba


_dict_bytes: bytes | None = None
_prechecks = 0
PRECHECKS_BEFORE_JIEBA = 12  # a process with more breaks to settle than this loads jieba once instead


def may_cross(tail: str, head: str) -> bool:
    """Can any word cross the break at all? jieba (without HMM) joins characters across it only into a
    word of its dictionary or a run of ASCII letters and digits. Finding the dictionary words that hold
    the two characters next to the break is a few byte searches in jieba's dict.txt (milliseconds), so
    most breaks are settled without loading jieba's model (about half a second)."""
    global _dict_bytes
    x, y = tail[-1], head[0]
    if x.isascii() and x.isalnum() and y.isascii() and y.isalnum():
        return True
    if _dict_bytes is None:
        import importlib.util
        import os

        spec = importlib.util.find_spec("jieba")
        try:
            with open(os.path.join(spec.submodule_search_locations[0], "dict.txt"), "rb") as fh:
                _dict_bytes = b"\n" + fh.read()
        except (OSError, AttributeError, TypeError, IndexError):
            return True  # no dictionary file to read: let jieba decide
    data = _dict_bytes
    a, b = tail[-6:], head[:6]
    around = a + b
    pair = (x + y).encode("utf-8")
    i = data.find(pair)
    while i >= 0:
        line_start = data.rfind(b"\n", 0, i) + 1
        word = data[line_start:data.find(b" ", i)].decode("utf-8", "replace")
        k = around.find(word)
        while k >= 0:
            if k < len(a) < k + len(word):
                return True
            k = around.find(word, k + 1)
        i = data.find(pair, i + 1)
    return False


def word_crosses(tail: str, head: str) -> bool:
    """Does jieba segment a word across the break (立|案 → 立案)?"""
    global _prechecks
    if _jieba is None and _prechecks < PRECHECKS_BEFORE_JIEBA:
        _prechecks += 1
        if not may_cross(tail, head):
            return False  # no word can cross it: jieba's answer would be no
    load_jieba()
    a, b = tail[-6:], head[:6]
    pos = 0
    for tok in _jieba.cut(a + b, HMM=False):
        if pos < len(a) < pos + len(tok):
            return True
        pos += len(tok)
    return False
