"""Does a word cross a paragraph break (立|案 → 立案)? jieba's answer, without loading jieba.

Page-break repair asks this a few times per report: does jieba (dictionary only, HMM off) cut a word
across the break? jieba answers after loading its whole dictionary: half a million Python strings,
about 0.65 s and 100 MB in every process that asks. The answer needs only the frequencies of the few
substrings of a 12-character window, so this module keeps a compact copy of jieba's frequency table —
two sorted integer arrays, 64-bit hashes of its entries and their frequencies, 6 MB — made once from
jieba's own table and cached in the user's cache folder; a process reads it in milliseconds. The cut
is jieba's own algorithm (its blocks, its DAG, its route by log frequency, ties included), so the
answers are jieba's: ``tests/ingest/test_wordbreak.py`` compares them with jieba on thousands of
windows. Until the table is cached on a machine, a process settles its first breaks with a few byte
searches in jieba's dict.txt (``may_cross``), so a small first import makes nothing; where no cache
can be read or written, jieba itself answers.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import zlib
from array import array
from bisect import bisect_left
from math import log
from pathlib import Path

# jieba 0.42's block patterns (``jieba.re_han_default``, ``re_skip_default``, ``re_eng``); a test checks them
RE_HAN = re.compile("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-]+)", re.U)
RE_SKIP = re.compile("(\r\n|\\s)", re.U)
RE_ENG = re.compile("[a-zA-Z0-9]", re.U)
WINDOW = 6  # characters each side of the break
MAGIC = b"annotator-jieba-freq 1\n"

_jieba = None
_table: "FreqTable | None | bool" = None  # False: no table could be had; jieba answers


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


def _hash(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")


class FreqTable:
    """jieba's FREQ (words and their prefixes → frequency; 0 for a prefix only) and its total."""

    def __init__(self, keys: array, freqs: array, total: int):
        self.keys, self.freqs, self.total, self.n = keys, freqs, total, len(keys)
        self.logtotal = log(total)

    def get(self, word: str) -> int | None:
        h = _hash(word)
        i = bisect_left(self.keys, h)
        return self.freqs[i] if i < self.n and self.keys[i] == h else None

    # ---- jieba.Tokenizer.cut(sentence, HMM=False), step for step
    def _dag(self, s: str) -> dict[int, list[int]]:
        dag, n = {}, len(s)
        for k in range(n):
            ends, i, frag = [], k, s[k]
            while i < n:
                f = self.get(frag)
                if f is None:
                    break
                if f:
                    ends.append(i)
                i += 1
                frag = s[k:i + 1]
            dag[k] = ends or [k]
        return dag

    def _cut_block(self, s: str):
        dag, n = self._dag(s), len(s)
        route = {n: (0, 0)}
        for idx in range(n - 1, -1, -1):
            route[idx] = max((log(self.get(s[idx:x + 1]) or 1) - self.logtotal + route[x + 1][0], x) for x in dag[idx])
        x, buf = 0, ""
        while x < n:
            y = route[x][1] + 1
            word = s[x:y]
            if RE_ENG.match(word) and len(word) == 1:
                buf += word
            else:
                if buf:
                    yield buf
                    buf = ""
                yield word
            x = y
        if buf:
            yield buf

    def cut(self, sentence: str):
        for blk in RE_HAN.split(sentence):
            if not blk:
                continue
            if RE_HAN.match(blk):
                yield from self._cut_block(blk)
            else:
                for x in RE_SKIP.split(blk):
                    if RE_SKIP.match(x):
                        yield x
                    else:
                        yield from x


def _dict_file() -> Path | None:
    import importlib.util

    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(spec.submodule_search_locations[0]) / "dict.txt"


def _cache_path(dict_file: Path) -> Path:
    st = dict_file.stat()
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "annotator"
    return base / f"jieba-freq-{st.st_size}-{st.st_mtime_ns}.bin"


def _read(path: Path, dict_file: Path) -> FreqTable | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if not data.startswith(MAGIC):
        return None
    try:
        end = data.index(b"\n", len(MAGIC))
        head = json.loads(data[len(MAGIC):end])
        st = dict_file.stat()
        if head["dict"] != [st.st_size, st.st_mtime_ns]:
            return None
        n, body = head["n"], memoryview(data)[end + 1:]
        if len(body) != 12 * n or zlib.crc32(body) != head["crc32"]:
            return None
        keys, freqs = array("Q"), array("I")
        keys.frombytes(body[:8 * n])
        freqs.frombytes(body[8 * n:])
        return FreqTable(keys, freqs, int(head["total"]))
    except (ValueError, KeyError, TypeError, OSError):
        return None


def _build(path: Path, dict_file: Path) -> FreqTable | None:
    """From jieba's own table (jieba loaded once for it); written atomically. None if two entries share a
    hash (never seen: 64 bits) or a frequency does not fit."""
    jb = load_jieba()
    pairs = sorted((_hash(w), f) for w, f in jb.dt.FREQ.items())
    keys, freqs = array("Q", (h for h, _ in pairs)), array("I")
    try:
        freqs.extend(f for _, f in pairs)
    except OverflowError:
        return None
    if any(keys[i] == keys[i + 1] for i in range(len(keys) - 1)):
        return None
    table = FreqTable(keys, freqs, jb.dt.total)
    body = keys.tobytes() + freqs.tobytes()
    st = dict_file.stat()
    head = {"n": len(keys), "total": jb.dt.total, "dict": [st.st_size, st.st_mtime_ns], "crc32": zlib.crc32(body)}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(MAGIC + json.dumps(head).encode() + b"\n" + body)
        os.replace(tmp, path)
    except OSError:
        pass  # no cache folder: this process uses the table it built; the next builds it again
    return table


def freq_table(build: bool = True) -> FreqTable | None:
    """The compact table: read from the cache, or (``build``) made once from jieba's and cached. None when
    there is none (yet): jieba answers."""
    global _table
    if _table is None or (_table is False and build and not _built):
        found = None
        try:
            dict_file = _dict_file()
            if dict_file is not None:
                path = _cache_path(dict_file)
                found = _read(path, dict_file) or (_make(path, dict_file) if build else None)
        except (OSError, RuntimeError):
            found = None
        _table = found or False
    return _table or None


_built = False


def _make(path: Path, dict_file: Path) -> FreqTable | None:
    global _built
    _built = True  # tried once per process, whatever came of it
    return _build(path, dict_file)


_dict_bytes: bytes | None = None
_prechecks = 0
PRECHECKS_FIRST = 12  # breaks settled by the dictionary file alone before the table is made (first use only)


def may_cross(tail: str, head: str) -> bool:
    """Can any word cross the break at all? jieba (without HMM) joins characters across it only into a
    word of its dictionary or a run of ASCII letters and digits. Finding the dictionary words that hold
    the two characters next to the break is a few byte searches in jieba's dict.txt (milliseconds): on a
    machine where the table is not cached yet, a small import settles its few breaks this way instead of
    making the table (about 2 s, once)."""
    global _dict_bytes
    x, y = tail[-1], head[0]
    if x.isascii() and x.isalnum() and y.isascii() and y.isalnum():
        return True
    if _dict_bytes is None:
        try:
            _dict_bytes = b"\n" + (_dict_file() or Path("/nonexistent")).read_bytes()
        except OSError:
            return True  # no dictionary file to read: let jieba decide
    data = _dict_bytes
    a, b = tail[-WINDOW:], head[:WINDOW]
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
    """Does jieba (HMM off) cut a word across the break between ``tail`` and ``head``?"""
    global _prechecks
    a, b = tail[-WINDOW:], head[:WINDOW]
    table = freq_table(build=False)
    if table is None and _jieba is None and _prechecks < PRECHECKS_FIRST:
        _prechecks += 1
        if not may_cross(tail, head):
            return False  # no word can cross it: jieba's answer would be no
    if table is None:
        table = freq_table()
    tokens = table.cut(a + b) if table is not None else load_jieba().cut(a + b, HMM=False)
    pos = 0
    for tok in tokens:
        if pos < len(a) < pos + len(tok):
            return True
        pos += len(tok)
        if pos >= len(a):
            return False
    return False
