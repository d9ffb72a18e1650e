"""Chinese line breaking in the reading area (annotator/tui/wrap.py)."""

from hypothesis import given, settings, strategies as st
from rich.cells import cell_len
from rich.text import Text

from annotator.tui.wrap import NO_END, NO_START, SPACES, allowed, lines, spans

HAN = "政协委员会提案协商民主监督参政议政界别"
PUNCT_START = "，。、；：？！）」』》,.;:?!)]}…—%"
PUNCT_END = "（「『《([{“"
LATIN = "abcXYZ019-_"
ALPHABET = HAN + PUNCT_START + PUNCT_END + LATIN + "  ”\n\t"


def _shown(text: str, s: int, e: int) -> str:
    return text[s:e].rstrip(" \u3000\n")  # spaces at a break hang past the width unseen


@settings(max_examples=400, deadline=None)
@given(text=st.text(alphabet=ALPHABET, max_size=200), width=st.integers(1, 60), glue=st.integers(0, 3))
def test_every_character_kept_in_order_and_every_line_fits(text, width, glue):
    parts = spans(text, width, glue)
    assert "".join(text[s:e] for s, e in parts) == text  # nothing added, dropped or reordered
    assert all(e > s for s, e in parts)
    for s, e in parts:
        shown = _shown(text, s, e)
        assert cell_len(shown) <= width or len(shown) == 1 or not any(
            allowed(text, k, glue) for k in range(s + 1, e))  # only an unbreakable run may overflow
    assert all(e - s >= 1 for s, e in parts)


@settings(max_examples=400, deadline=None)
@given(chunks=st.lists(st.tuples(st.text(alphabet=HAN, min_size=1, max_size=6),
                                 st.sampled_from(["", " ", "，", "。", "、", "）", "”", "…"]),
                                 st.sampled_from(["", "（", "《", "“"])), max_size=40),
       width=st.integers(6, 80))
def test_no_line_starts_with_closing_or_ends_with_opening_punctuation(chunks, width):
    """Chinese text whose punctuation is single (as in reports): the prohibitions always hold."""
    text = "".join(h + p + o for h, p, o in chunks)
    parts = spans(text, width)
    for k, (s, e) in enumerate(parts):
        shown = text[s:e].rstrip(" ")
        assert cell_len(shown) <= width
        if k:
            assert text[s] not in NO_START and text[s] not in SPACES
        if k + 1 < len(parts):
            assert text[e - 1] not in NO_END


@settings(max_examples=200, deadline=None)
@given(words=st.lists(st.text(alphabet=HAN, min_size=1, max_size=12), min_size=1, max_size=30),
       width=st.integers(6, 80))
def test_a_space_inside_chinese_text_does_not_leave_a_half_empty_line(words, width):
    text = " ".join(words)
    parts = spans(text, width)
    for s, e in parts[:-1]:
        assert cell_len(text[s:e].rstrip(" ")) >= width - 2  # filled, as if the space were not there


def test_examples_from_the_report():
    text = "围绕“红武共进 界别同行”主题开展活动，共收到提案123件。"
    got = [text[s:e] for s, e in spans(text, 20)]
    assert got[0] == "围绕“红武共进 界别同" and all(cell_len(g.rstrip()) <= 20 for g in got)
    assert not any(g[0] in NO_START for g in got[1:])
    # a comma that would start a line takes the character before it along
    assert _cut("一二三四五，六七", 10) == ["一二三四", "五，六七"]
    # an opening quote never ends a line
    assert _cut("一二三四“五六”", 10) == ["一二三四", "“五六”"]
    assert _cut("一二三“四五六", 8) == ["一二三", "“四五六"]
    # a Latin word is not cut when a break fits
    assert _cut("协商 COVID-19 防控", 12) == ["协商 ", "COVID-19 防", "控"]
    # a heading's mark stays with the heading, even on a narrow line
    assert _cut("§ 一、二〇二三年工作回顾", 3, glue=2)[0] == "§ 一"
    assert _cut("§ 一、二〇二三年工作回顾", 40, glue=2) == ["§ 一、二〇二三年工作回顾"]


def _cut(text, width, glue=0):
    return [text[s:e] for s, e in spans(text, width, glue)]


def test_lines_keep_styles_and_hide_line_feeds():
    t = Text("政协委员\n会提案")
    t.stylize("bold", 2, 6)
    got = lines(t, 40)
    assert [g.plain for g in got] == ["政协委员", "会提案"]
    assert got[0].spans and got[1].spans
    assert [g.plain for g in lines(Text(""), 10)] == [""]
