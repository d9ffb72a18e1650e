"""Line breaking for Chinese report text in a terminal: where each line of a unit ends.

Rich breaks at spaces, so an ASCII space inside Chinese text (``“红武共进 界别同行”``) ends a line
early and leaves it half empty, which reads as a paragraph break; and it lets a line start with
``，``. Here a line may end between any two Chinese characters, and everywhere else only after a
space (a run of Latin letters, digits and ASCII punctuation stays whole, as a word), so lines are
filled to the width. The usual prohibitions apply: no line starts with closing punctuation
(``，。、；：？！）」』》,.;:?!)]}…—%`` …) and none ends with an opening bracket or quote
(``（「『《([{“‘`` …); a character that would break one is carried to the next line with its
neighbour. Widths are terminal cells (a Chinese character takes two). Only when no allowed break
fits on a line (a Latin word or a run of punctuation wider than the line) is it broken where the
width ends.

``spans`` is a pure function of the plain text: the lines it gives, joined, are the text exactly
(every character kept, in order; spaces at a break stay at the end of the line they follow, where
they may hang past the width unseen).
"""

from __future__ import annotations

from rich.cells import get_character_cell_size
from rich.segment import Segment
from rich.text import Text

NO_START = frozenset("，。、；：？！）」』》〉】〕〗〙〛｝］’”〞〟…‥—–～·・ー々〻％‰℃"
                     ",.;:?!)]}%>" "ゝゞヽヾぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ")
NO_END = frozenset("（「『《〈【〔〖〘〚｛［‘“〝([{<￥＄$£¥#")
SPACES = frozenset(" \u3000")


def _narrow(ch: str) -> bool:
    """A character that is part of a Latin 'word' (no break between two of them except after a space)."""
    return get_character_cell_size(ch) == 1 and ch not in SPACES and ch not in "“”‘’…—–·"


def allowed(text: str, i: int, glue: int = 0) -> bool:
    """Whether a line may end before ``text[i]`` (0 < i < len(text))."""
    if i <= glue:
        return False
    a, b = text[i - 1], text[i]
    if a == "\n":
        return True
    if b in SPACES or b == "\n":
        return False  # spaces stay at the end of the line they follow
    if a in SPACES:
        return True
    if b in NO_START or a in NO_END:
        return False
    return not (_narrow(a) and _narrow(b))


def spans(text: str, width: int, glue: int = 0) -> list[tuple[int, int]]:
    """(start, end) of each line of ``text`` wrapped at ``width`` cells; no line break within the first
    ``glue`` characters (a heading's ``§ `` stays on the heading's first line). A line feed ends a line."""
    width = max(1, width)
    n = len(text)
    out: list[tuple[int, int]] = []
    start = 0
    while start < n:
        used, i, best, end = 0, start, None, None
        while i < n:
            ch = text[i]
            if ch == "\n":
                end = i + 1
                break
            cells = get_character_cell_size(ch)
            if ch not in SPACES and used + cells > width and i > start:
                if best is not None:
                    end = best
                else:  # no allowed break fits: break where the width ends (past the glued start)
                    end = i if i > glue else min(n, glue + 1)
                break
            used += cells
            i += 1
            if i < n and allowed(text, i, glue):
                best = i
        out.append((start, n if end is None else end))
        start = out[-1][1]
    return out


def lines(text: Text, width: int, glue: int = 0) -> list[Text]:
    """``text`` (with its styles) cut into the lines ``spans`` gives; a line feed is not shown."""
    plain = text.plain
    parts = spans(plain, width, glue)
    if not parts:
        return [Text()]
    cuts = [s for s, _ in parts[1:]]
    out = list(text.divide(cuts)) if cuts else [text.copy()]
    for line in out:
        if line.plain.endswith("\n"):
            line.right_crop(1)
    return out


class Wrapped:
    """A Rich renderable: ``text`` broken by these rules at the width it is given, each line after
    ``indent`` spaces (the guideline panel's descriptions and examples)."""

    def __init__(self, text: Text, indent: int = 0) -> None:
        self.text, self.indent = text, indent

    def __rich_console__(self, console, options):
        width = max(1, options.max_width - self.indent)
        for line in lines(self.text, width):
            if self.indent:
                yield Segment(" " * self.indent)
            yield from line.render(console)
            yield Segment.line()
