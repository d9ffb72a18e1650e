"""Segmentation rules, on crafted text and on the bundled seeds."""

from __future__ import annotations

import re

import pytest

from annotator.core.resources import seeds_dir
from annotator.ingest.segmenter import doc_id_for, segment, strip_markup
from annotator.ingest.decoding import normalise

SEEDS = sorted(seeds_dir().glob("*.txt"))


def kinds(text):
    return [(u.kind, u.text) for u in segment(text).units]


def test_end_marks_and_closing_quotes_stay_with_their_sentence():
    units = kinds("他说：“我们要协商。”然后散会！真的吗？好的!行?最后……还有一句")
    assert [t for _, t in units] == ["他说：“我们要协商。”", "然后散会！", "真的吗？", "好的!", "行?", "最后……", "还有一句"]


def test_semicolons_and_halfwidth_commas_do_not_end_sentences():
    units = kinds("一是加强学习;二是加强调研；三是加强协商,推动发展。下一句。")
    assert [t for _, t in units] == ["一是加强学习;二是加强调研；三是加强协商,推动发展。", "下一句。"]


def test_markdown_headings_ordinals_and_emphasis():
    text = "# 标题\n\n## 副标题\n\n一、建设忠诚政协\n\n**把学习摆在首位。**深入学习新思想。\n\n（二）加强协商\n\n正文一句。"
    units = kinds(text)
    assert units[0] == ("heading", "标题")
    assert units[1] == ("heading", "副标题")
    assert units[2] == ("heading", "一、建设忠诚政协")
    assert units[3] == ("sentence", "把学习摆在首位。")
    assert units[4] == ("sentence", "深入学习新思想。")
    assert units[5] == ("heading", "（二）加强协商")
    assert all("**" not in t for _, t in units)


def test_sections_are_the_nearest_heading_above():
    seg = segment("# 报告\n\n一、第一部分\n\n句子一。\n\n二、第二部分\n\n句子二。")
    by_text = {u.text: u for u in seg.units}
    assert by_text["句子一。"].section == "一、第一部分"
    assert by_text["句子二。"].section == "二、第二部分"
    assert seg.title == "报告"


def test_page_break_joined_when_a_word_is_split_across_it():
    text = "政协年初制定协商计划。专门把议题定为政协议政性常\n\n委会协商课题,成立课题组。"
    units = kinds(text)
    assert ("sentence", "专门把议题定为政协议政性常委会协商课题,成立课题组。") in units


def test_page_break_joined_when_next_paragraph_starts_with_punctuation():
    units = kinds("今年组织了大量活动。围绕乡村振兴开展调研\n\n，形成了报告。")
    assert units[-1] == ("sentence", "围绕乡村振兴开展调研，形成了报告。")


def test_page_break_joined_when_a_quote_is_left_open():
    units = kinds("围绕区委点题“完善区级国有公司\n\n与乡镇板块联动发展的体制机制”深入调查研究。")
    assert units == [("sentence", "围绕区委点题“完善区级国有公司与乡镇板块联动发展的体制机制”深入调查研究。")]


def test_caption_is_not_glued_to_the_next_sentence():
    text = ("区政协围绕乡村振兴开展专题调研，形成了高质量的调研报告，供区委决策参考。\n\n\n\n"
            "区委书记参加协商活动\n\n\n\n这是下一段的正文，它讲述委员们如何围绕中心大局履职尽责。")
    units = kinds(text)
    assert ("caption", "区委书记参加协商活动") in units
    assert ("sentence", "这是下一段的正文，它讲述委员们如何围绕中心大局履职尽责。") in units


def test_photo_caption_with_full_stop_is_a_caption():
    text = "正文很长的一句话在这里出现并且结束了。\n\n\n\n2019年11月14日,区委召开政协工作会议。\n\n\n\n另一段正文。"
    assert ("caption", "2019年11月14日,区委召开政协工作会议。") in kinds(text)


def test_bylines_are_captions():
    assert ("caption", "■通讯员 闵海燕") in kinds("标题\n\n■通讯员 闵海燕\n\n正文一句。")


def test_markup_like_text_is_kept_verbatim():
    units = kinds("会议提出[b]加强[/b]协商[/]意见。[link=x]点此[/link]。")
    assert [t for _, t in units] == ["会议提出[b]加强[/b]协商[/]意见。", "[link=x]点此[/link]。"]


def test_doc_id_depends_only_on_text():
    assert doc_id_for("甲。") == doc_id_for("甲。")
    assert doc_id_for("甲。") != doc_id_for("乙。")


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_seeds_lose_nothing_and_offsets_point_into_the_text(path):
    text = normalise(path.read_text(encoding="utf-8"))
    seg = segment(text)
    joined = "".join(u.text for u in seg.units)
    assert re.sub(r"\s", "", joined) == strip_markup(text)
    for u in seg.units:
        assert "\n" not in u.text
        assert strip_markup(text[u.start:u.end]) == re.sub(r"\s", "", u.text)
    assert [u.idx for u in seg.units] == list(range(len(seg.units)))


# Every page-break split in the seeds, as (seed prefix, end of first half, start of second half).
SPLITS = [
    ("000", "政协议政性常", "委会协商课题"),
    ("000", "“金坛第一", "人民医院迁建"),
    ("000", "开展协商议事", "活动2次"),
    ("000", "召开社情民意信", "息工作座谈会"),
    ("001", "加强和改", "进人民政协"),
    ("001", "战略眼光,请", "“两办”会同"),
    ("001", "“为民办实", "工程”民意监督员"),
    ("001", "等多项专", "项课题调研视察"),
    ("001", "牢记使", "命”主题教育"),
    ("002", "完善区级国有公司", "与乡镇板块联动"),
    ("002", "组织委员集", "中视察"),
    ("003", "《打造企业全", "生命周期"),
    ("003", "支持和保障各", "民主党派"),
    ("003", "责任重", "大。"),
]


@pytest.mark.parametrize("prefix,tail,head", SPLITS)
def test_every_seed_page_break_is_repaired(prefix, tail, head):
    path = next(p for p in SEEDS if p.name.startswith(prefix))
    units = segment(normalise(path.read_text(encoding="utf-8"))).units
    assert any(u.kind == "sentence" and tail + head in u.text for u in units), f"{tail}|{head} not joined"


CAPTIONS = [
    ("000", "常州市政协主席白云萍来坛调研"),
    ("000", "政协委员视察园区企业"),
    ("001", "2019年11月14日,区委召开政协工作会议。"),
    ("004", "■通讯员 闵海燕"),
    ("004", "2023年8月18日,金湖县政协主席会议视察专精特新企业培育工作。"),
]
TITLES = [("001", "认真履职 凝心聚力建设新港闻"), ("004", "金湖县政协"), ("004", "勇毅前行谱新篇"),
          ("002", "2024年提案工作回顾"), ("004", "坚持政治引领 在学习贯彻新思想上筑根基、凝共识")]


@pytest.mark.parametrize("prefix,text", CAPTIONS + TITLES)
def test_captions_and_titles_are_not_sentences(prefix, text):
    path = next(p for p in SEEDS if p.name.startswith(prefix))
    units = segment(normalise(path.read_text(encoding="utf-8"))).units
    matching = [u for u in units if u.text == text]
    assert matching and all(u.kind in ("heading", "caption") for u in matching)
    # and no sentence swallowed it (glued captions would sit at a sentence's start or end)
    assert not any(u.kind == "sentence" and (u.text.startswith(text) or u.text.endswith(text)) for u in units)


SEED_TITLES = {
    "000": "展现新担当 实现新作为 奋力开创政协工作新局面",
    "001": "认真履职 凝心聚力建设新港闻",
    "002": "郑政平在区政协十五届四次会上的工作报告(摘登)",
    "003": "第四届衢州市柯城区委员会常务委员会工作报告(摘要)",
    "004": "踔厉奋发担使命 勇毅前行谱新篇",  # once 金湖县政协: the masthead above the headline
}


@pytest.mark.parametrize("prefix,title", SEED_TITLES.items())
def test_seed_documents_are_titled_by_their_headline(prefix, title):
    path = next(p for p in SEEDS if p.name.startswith(prefix))
    assert segment(normalise(path.read_text(encoding="utf-8")), path.stem).title == title


@pytest.mark.parametrize("text,title", [
    ("某某市政协\n\n凝心聚力谋发展\n\n2023年,市政协围绕中心工作开展调研。\n", "凝心聚力谋发展"),
    ("某某县政协办公室\n\n砥砺前行\n奋楫争先\n\n2023年,县政协围绕中心工作开展调研。\n", "砥砺前行 奋楫争先"),
    ("凝心聚力谋发展\n\n一、加强理论学习\n\n2023年,市政协围绕中心工作开展调研。\n", "凝心聚力谋发展"),
    ("新时代政协\n\n2023年,市政协围绕中心工作开展调研。\n", "新时代政协"),  # not a masthead: no place name
    ("2023年,市政协围绕中心工作开展调研。\n", "fallback"),
])
def test_plain_text_title_skips_a_masthead_and_joins_a_couplet(text, title):
    assert segment(normalise(text), "fallback").title == title


@pytest.mark.parametrize("text, joined", [
    # a page number between the heading and the fragment; the fragment ends in a word no heading ends with
    ("一、坚持党的领导\n\n— 3 —\n\n我们坚持把加强思想政治引领的\n作用贯穿履职全过程，深入开展学习活动。\n",
     "我们坚持把加强思想政治引领的作用贯穿履职全过程，深入开展学习活动。"),
    # paragraphs start indented: an unindented line after the indented fragment continues it
    ("　　一、坚持党的领导\n\n　　我们坚持把加强思想政治\n引领贯穿履职全过程，深入开展学习活动。\n"
     "　　我们坚持团结和民主两大主题。\n　　过去一年工作很好。\n",
     "我们坚持把加强思想政治引领贯穿履职全过程，深入开展学习活动。"),
    # a hard-wrapped text: the fragment is exactly one wrapped line long
    ("一、坚持党的领导\n我们坚持把加强思想政治引领贯穿履职全\n" + "过程。我们深入开展学习活动取得成效全\n" * 3 + "过程。\n",
     "我们坚持把加强思想政治引领贯穿履职全过程。"),
])
def test_page_break_after_a_heading_leaves_no_heading_fragment(text, joined):
    units = [(u.kind, u.text) for u in segment(text).units]
    assert ("sentence", joined) in units
    assert [t for k, t in units if k == "heading"] == ["一、坚持党的领导"]


def test_urls_are_kept_whole():
    seg = segment("详见https://www.example.gov.cn/zxgz/index.html?id=123&page=2。网址为www.zx.gov.cn/a.b?x=1，请访问。\n")
    assert [u.text for u in seg.units] == ["详见https://www.example.gov.cn/zxgz/index.html?id=123&page=2。",
                                           "网址为www.zx.gov.cn/a.b?x=1，请访问。"]
