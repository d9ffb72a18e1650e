"""Page furniture in text of any origin becomes `meta` units; titles come from evidence; two
segmentation repairs (first paragraph after a heading, quotation with its attribution)."""

from __future__ import annotations

import pytest

from annotator.ingest.segmenter import segment, strip_markup

WEB_TEXT = """当前位置：首页 > 重要会议 > 正文
某县党政门户网
首页 >重要会议 >政协会议
政协某县第十届委员会常务委员会工作报告
发布时间：2024-01-10 09:30 来源：县政协办公室 编辑：李四
浏览次数：1024
字体大小：【大 中 小】
分享到：
视频加载中，请稍候...
各位委员：
现在，我代表政协某县第十届委员会常务委员会向大会报告工作，请予审议。
一、过去一年的工作
过去一年，我们坚持团结和民主两大主题。“协商就要真协商。”主席说。
上一篇：关于召开政协会议的通知
下一篇：县政协召开主席会议
相关链接
版权所有：某县人民政府办公室
备案号：某ICP备12345678号-1
— 3 —
第 4 页
"""


def test_web_furniture_is_meta_and_nothing_is_lost():
    seg = segment(WEB_TEXT, "fallback")
    kinds = {u.text: u.kind for u in seg.units}
    for line in ("当前位置：首页 > 重要会议 > 正文", "首页 >重要会议 >政协会议",
                 "发布时间：2024-01-10 09:30 来源：县政协办公室 编辑：李四", "浏览次数：1024",
                 "字体大小：【大 中 小】", "分享到：", "视频加载中，请稍候...", "上一篇：关于召开政协会议的通知",
                 "下一篇：县政协召开主席会议", "相关链接", "版权所有：某县人民政府办公室",
                 "备案号：某ICP备12345678号-1", "— 3 —", "第 4 页"):
        assert kinds[line] == "meta", line
    assert "".join(u.text for u in seg.units).replace(" ", "") == strip_markup(WEB_TEXT).replace(" ", "")
    for u in seg.units:
        assert WEB_TEXT[u.start:u.end] == u.text


def test_title_is_the_report_title_not_breadcrumb_or_portal():
    seg = segment(WEB_TEXT, "fallback")
    assert seg.title == "政协某县第十届委员会常务委员会工作报告"
    assert all(u.section is None or "首页" not in u.section for u in seg.units)
    assert [u.section for u in seg.units if u.text.startswith("过去一年")] == ["一、过去一年的工作"]


def test_title_hint_that_is_furniture_is_ignored():
    seg = segment("首页 > 文件\n某县政协2024年工作要点\n一年来工作很好。\n", "f", title_hint="当前位置：首页")
    assert seg.title == "某县政协2024年工作要点"


def test_quotation_keeps_its_attribution():
    seg = segment("过去一年，委员们很努力。“协商就要真协商。”主席说。我们继续前进。\n")
    assert [u.text for u in seg.units] == ["过去一年，委员们很努力。", "“协商就要真协商。”主席说。", "我们继续前进。"]


def test_quotation_followed_by_a_new_sentence_is_still_cut():
    seg = segment("“协商就要真协商。”这是我们的共识，也是今后工作的方向和目标。\n")
    assert len(seg.units) == 2


def test_page_break_inside_first_paragraph_after_heading_is_repaired():
    text = "一、过去一年的工作\n过去一年，县政协常务委员会在县委的坚强领导下，紧紧围绕全县中心工作，认真履\n行职能，取得了新成效。\n"
    seg = segment(text)
    assert [(u.kind, u.text) for u in seg.units] == [
        ("heading", "一、过去一年的工作"),
        ("sentence", "过去一年，县政协常务委员会在县委的坚强领导下，紧紧围绕全县中心工作，认真履行职能，取得了新成效。")]


def test_page_break_mid_word_after_heading_without_comma():
    text = "# 报告\n## 工作回顾\n我们认真开展民主监\n督工作取得明显成效。\n"
    seg = segment(text)
    assert ("sentence", "我们认真开展民主监督工作取得明显成效。") in [(u.kind, u.text) for u in seg.units]


@pytest.mark.parametrize("line", ["上一篇：无", "分享到：微信", "ICP备05001234号", "字体大小：【大 中 小】"])
def test_furniture_lines_never_title(line):
    seg = segment(line + "\n", "fallback")
    assert seg.title == "fallback" and seg.units[0].kind == "meta"
