"""Web pages as old and current CMSes serve them (generated here): nothing lost to libxml2's depth
limit, captions as captions, no script text, titles from the page's evidence."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.ingest.formats import extract
from annotator.ingest.segmenter import segment

TITLE = "政协某县委员会常务委员会工作报告"
HEAD = '<html><head><meta charset="utf-8"><title>{title}</title>{extra}</head><body>'


def _para(i: int) -> str:
    return f"第{i}段：县政协围绕中心工作开展协商议政，全年召开常委会议{i}次，推动解决了一批群众关心的问题。"


def _page(tmp_path: Path, body: str, title: str = TITLE + "_某县人民政府门户网", extra: str = "") -> Path:
    path = tmp_path / "p.html"
    path.write_text(HEAD.format(title=title, extra=extra) + body + "</body></html>", encoding="utf-8")
    return path


def _units(path: Path):
    ex = extract(path)
    seg = segment(ex.text, "x", ex.title, ex.kinds)
    return seg, [(u.kind, u.text) for u in seg.units]


@pytest.mark.parametrize("shape", ["font", "div", "deep"])
def test_old_cms_markup_loses_no_paragraph(tmp_path, shape):
    paras = range(400)
    if shape == "font":  # an unclosed <p><font> per paragraph
        body = "".join(f'<p><font face="宋体" size="3">{_para(i)}' for i in paras)
    elif shape == "div":  # an unclosed <div> inside each <p>
        body = "".join(f"<p><div>{_para(i)}" for i in paras)
    else:  # 100,000 nested divs around the text
        body = "<div>" * 100_000 + "".join(f"<p>{_para(i)}</p>" for i in paras) + "</div>" * 100_000
    seg, units = _units(_page(tmp_path, f"<h1>{TITLE}</h1>" + body))
    sentences = [t for k, t in units if k == "sentence"]
    assert sentences == [_para(i) for i in paras]
    assert seg.title == TITLE


ARTICLE = """<div class="banner"><img src="b.jpg" alt="2017年文化部banner嵌入"></div>
<div class="crumb">当前页面: 首页 &gt; 政务公开 &gt; 工作报告</div>
<div class="content"><h2>{title}</h2><h3>——在政协某县第九届委员会第二次会议上</h3>
<p>——在政协某县第九届委员会第二次会议上</p>
<p>各位委员：</p>
<p>现在，我代表政协某县委员会常务委员会向大会报告工作，请予审议。</p>
<p>一、2018年工作回顾</p>
<p style="text-align:center"><img src="a.jpg"></p><p style="text-align:center">县政协主席调研老旧小区改造工程</p>
<p>2022年，青溪县政协围绕中心工作开展协商议政。全年召开常委会议4次。</p>
<noscript>您的浏览器不支持JavaScript，请启用后浏览本页内容</noscript><script>var a="脚本里的文字";</script>
<style>.x{{content:"样式里的文字"}}</style>
<figure><img src="c.jpg"><figcaption>委员视察现场</figcaption></figure>
<p>二、2019年工作安排</p><p>我们将继续努力。</p></div>"""


def test_captions_subtitle_once_and_no_script_text(tmp_path):
    seg, units = _units(_page(tmp_path, ARTICLE.format(title=TITLE)))
    assert ("caption", "县政协主席调研老旧小区改造工程") in units
    assert ("caption", "委员视察现场") in units
    assert ("sentence", "2022年，青溪县政协围绕中心工作开展协商议政。") in units
    assert sum(1 for _, t in units if t == "——在政协某县第九届委员会第二次会议上") == 1
    text = "".join(t for _, t in units)
    for hidden in ("JavaScript", "脚本里的文字", "样式里的文字"):
        assert hidden not in text
    assert seg.title == TITLE


@pytest.mark.parametrize("case", ["breadcrumb", "banner", "cell", "outline", "og"])
def test_title_from_the_page_evidence(tmp_path, case):
    body = ARTICLE.format(title=TITLE)
    title, extra = TITLE + "_某县人民政府门户网", ""
    if case == "breadcrumb":  # the <title> is the breadcrumb; the heading says it
        title = "当前页面: 首页 > 政务公开 > 工作报告"
    elif case == "banner":  # the first heading is a banner picture's alt text
        body = '<h1><img src="b.jpg" alt="2017年文化部banner嵌入">2017年文化部banner嵌入</h1>' + body
    elif case == "cell":  # a table-formatted title, no heading tags
        title = "某县政协网"
        body = (f"<table><tr><td>标题:{TITLE}</td></tr><tr><td>发布日期:2018-01-02</td></tr></table>"
                + body.replace(f"<h2>{TITLE}</h2>", ""))
    elif case == "outline":  # the portal's name as <title>; the first heading is an outline heading
        title = "某县政协网"
        body = body.replace(f"<h2>{TITLE}</h2>", f"<p><strong>{TITLE}</strong></p>").replace(
            "<p>一、2018年工作回顾</p>", "<h2>一、2018年工作回顾</h2>")
    else:
        title, extra = "某县政协网", f'<meta property="og:title" content="{TITLE}">'
    seg, units = _units(_page(tmp_path, body, title, extra))
    assert seg.title == TITLE
    assert not any(t.startswith("标题") for _, t in units)


def test_a_page_laid_out_in_tables_with_br_paragraphs(tmp_path):
    body = ('<table width="980"><tr><td><img src="logo.gif" alt="某县政协网"></td></tr>'
            '<tr><td class="nav">您的位置：首页 &gt;&gt; 工作报告</td></tr>'
            f'<tr><td align="center"><font size="4"><b>{TITLE}</b></font></td></tr>'
            '<tr><td>' + "".join(f"&nbsp;&nbsp;&nbsp;&nbsp;{_para(i)}<br><br>" for i in range(30)) + '</td></tr>'
            '<tr><td><table><tr><td>单位</td><td>件数</td></tr><tr><td>提案</td><td>120</td></tr></table></td></tr>'
            '<tr><td>版权所有：某县政协 ICP备12345号</td></tr></table>')
    path = tmp_path / "t.htm"
    path.write_bytes((HEAD.format(title=TITLE + "--某县政协网", extra="").replace("utf-8", "gb2312") + body
                      + "</body></html>").encode("gb18030"))
    seg, units = _units(path)
    assert [t for k, t in units if k == "sentence" and t.startswith("第")] == [_para(i) for i in range(30)]
    assert seg.title == TITLE
    assert [t for _, t in units if "|" in t] == ["| 单位 | 件数 |", "| 提案 | 120 |"]  # the data table stays one
    assert ("meta", "版权所有：某县政协 ICP备12345号") in units


def test_the_site_logo_heading_is_not_the_title(tmp_path):
    body = ('<div class="header"><h1 class="logo">某县政协</h1></div>'
            + ARTICLE.format(title=TITLE).replace(f"<h2>{TITLE}</h2>", f"<p><b>{TITLE}</b></p>"))
    seg, units = _units(_page(tmp_path, body, title="工作报告 - 某县政协"))
    assert seg.title == TITLE
