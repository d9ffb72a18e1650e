"""The punctuation and spacing the segmenter and the title rules read."""

from __future__ import annotations

import re

END_MARKS = "。！？!?"
CLOSERS = "”’」』）)》】〕"
END_RE = re.compile(r"(?:[。！？!?]|……+)+[" + CLOSERS + r"]*")
# characters that cannot start a sentence: a paragraph starting with one continues the previous
CONTINUATION_START = "，,、；;：:。．.！!？?”’」』）)》】〕"
PAIRS = (("“", "”"), ("《", "》"), ("（", "）"), ("(", ")"), ("「", "」"), ("【", "】"))
# a heading cannot end with these: a "heading" that does is a sentence cut by a page break
OPEN_END = frozenset("的了和与及把在对从将为是等被向以于并而且或着所让使由给同跟就都也还又")
WS = re.compile(r"\s+")
