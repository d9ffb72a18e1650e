"""PDF, Word and web pages: fixtures built here (reportlab + STSong-Light, python-docx, plain HTML)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from annotator.ingest.formats import extract
from annotator.ingest.importer import import_paths
from annotator.ingest.segmenter import doc_id_for, segment, strip_markup
from annotator.store import Store

TITLE = "政协某县委员会常务委员会工作报告"
HEADER = "政协某县第九届委员会第三次会议文件"


def _pdf(path: Path, image_only: bool = False) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    w, h = A4
    font = "STSong-Light"
    c = canvas.Canvas(str(path), pagesize=A4)
    if image_only:  # a scanned page: shapes, no text
        c.rect(72, 72, w - 144, h - 144, fill=1)
        c.showPage()
        c.save()
        return path

    def furniture(page: int, style: str) -> None:
        c.setFont(font, 9)
        c.drawString(72, h - 40, HEADER)
        c.drawCentredString(w / 2, 36, style.format(page))

    furniture(1, "— {} —")
    c.setFont(font, 18)
    c.drawCentredString(w / 2, h - 110, TITLE)
    c.setFont(font, 12)
    y = h - 160
    for line in ["一年来，县政协常务委员会坚持以习近平新时代中国特色社会主义思想为",
                 "指导，认真履行政治协商、民主监督、参政议政职能。",
                 "一、过去一年的工作",
                 "我们围绕中心服务大局，组织委员开展专题调研十二次，提出意见建议八",
                 "十余条，推动县委县政府出台政策措施二十项，有力促进了全县经济社会的高"]:
        c.drawString(72, y, line)
        y -= 22
    c.showPage()  # the sentence is cut by the page end: "…经济社会的高" | "质量发展。"
    furniture(2, "第 {} 页")
    c.setFont(font, 12)
    c.drawString(72, h - 100, "质量发展。全县人民共同奋斗。")
    c.setFont(font, 9)
    c.drawString(120, h - 140, "图为委员视察现场")
    c.showPage()
    furniture(3, "- {} -")
    c.setFont(font, 12)
    c.drawString(72, h - 100, "二、今后一年的工作")
    c.drawString(72, h - 122, "我们将继续努力。")
    c.showPage()
    c.rect(72, 72, 200, 200, fill=1)  # an image-only page among text pages
    c.showPage()
    c.save()
    return path


def _docx(path: Path) -> Path:
    import docx

    d = docx.Document()
    sec = d.sections[0]
    sec.header.paragraphs[0].text = "政协某县委员会办公室"
    sec.footer.paragraphs[0].text = "第 1 页"
    d.add_paragraph("首页 > 文件", style="Normal")
    d.add_paragraph("政协某县委员会2024年工作要点", style="Title")
    d.add_heading("一、总体要求", level=1)
    d.add_paragraph("坚持以人民为中心。做好各项工作。")
    d.add_heading("二、主要任务", level=1)
    d.add_paragraph("加强调查研究，提高建言质量。")
    d.save(str(path))
    return path


HTML = """<html><head><meta charset="utf-8"><title>某县政协2024年工作要点_某县党政门户网</title></head>
<body><div class="nav">当前位置：首页 > 重要会议 > 正文</div>
<h1>某县政协2024年工作要点</h1>
<div class="info">发布时间：2024-02-01 来源：县政协办 编辑：张三 浏览次数：123</div>
<div>字体大小：【大 中 小】 分享到：微信 微博</div>
<div class="content"><p>2024年县政协工作的总体要求是：坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大精神。</p>
<p>一、加强思想政治引领</p><p>深入开展主题教育，组织委员学习培训三次。“要把协商搞好。”主席说。</p>
<p>二、围绕中心建言资政</p><p>围绕乡村振兴开展专题协商，形成调研报告五篇。</p></div>
<div>上一篇：某县政协2023年工作要点</div><div>下一篇：无</div>
<div class="footer">版权所有：某县人民政府 ICP备12345678号</div></body></html>"""


def _units(ex):
    seg = segment(ex.text, "x", ex.title)
    return seg, [(u.kind, u.text) for u in seg.units]


def test_pdf_headers_footers_page_numbers_are_out_and_cut_sentence_is_joined(tmp_path):
    ex = extract(_pdf(tmp_path / "r.pdf"))
    assert ex.format == "pdf"
    assert HEADER not in ex.text
    for n in ("— 1 —", "第 2 页", "- 3 -"):
        assert n not in ex.text
    seg, units = _units(ex)
    assert seg.title == TITLE
    assert ("heading", TITLE) == units[0]
    assert ("sentence", "一年来，县政协常务委员会坚持以习近平新时代中国特色社会主义思想为指导，"
                        "认真履行政治协商、民主监督、参政议政职能。") in units
    assert ("sentence", "我们围绕中心服务大局，组织委员开展专题调研十二次，提出意见建议八十余条，"
                        "推动县委县政府出台政策措施二十项，有力促进了全县经济社会的高质量发展。") in units
    assert ("caption", "图为委员视察现场") in units
    assert ("heading", "二、今后一年的工作") in units
    assert all(k != "meta" for k, _ in units)


def test_image_only_pdf_is_refused_and_others_still_import(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    _pdf(folder / "scan.pdf", image_only=True)
    _docx(folder / "w.docx")
    store = Store(tmp_path / "a.db")
    report = import_paths(store, [folder])
    assert [(Path(p).name, r) for p, r in report.refused] == [("scan.pdf", "no text layer: run OCR first")]
    assert len(report.added) == 1
    store.close()


def test_docx_title_style_and_headings_header_footer_left_out(tmp_path):
    ex = extract(_docx(tmp_path / "w.docx"))
    assert ex.format == "docx"
    assert "政协某县委员会办公室" not in ex.text and "第 1 页" not in ex.text
    seg, units = _units(ex)
    assert seg.title == "政协某县委员会2024年工作要点"
    assert units[0] == ("meta", "首页 > 文件")
    assert ("heading", "一、总体要求") in units and ("heading", "二、主要任务") in units
    assert ("sentence", "加强调查研究，提高建言质量。") in units
    assert [u.section for u in seg.units if u.text == "加强调查研究，提高建言质量。"] == ["二、主要任务"]


def test_html_furniture_is_meta_title_is_h1_and_quotation_keeps_attribution(tmp_path):
    (tmp_path / "p.html").write_text(HTML, encoding="utf-8")
    ex = extract(tmp_path / "p.html")
    assert ex.format == "html"
    seg, units = _units(ex)
    assert seg.title == "某县政协2024年工作要点"
    meta = [t for k, t in units if k == "meta"]
    # trafilatura drops the breadcrumb as boilerplate; whatever furniture it keeps is meta
    assert not any("当前位置" in t for k, t in units if k != "meta")
    assert any(t.startswith("发布时间") for t in meta)
    assert any("字体大小" in t for t in meta)
    assert any(t.startswith("上一篇") for t in meta)
    assert ("sentence", "“要把协商搞好。”主席说。") in units
    assert all(u.section is None or not u.section.startswith("当前位置") for u in seg.units)
    sentences = [t for k, t in units if k == "sentence"]
    assert not any("发布时间" in t or "分享" in t for t in sentences)


def test_mixed_folder_import_is_lossless_idempotent_and_records_the_format(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    _pdf(folder / "r.pdf")
    _docx(folder / "w.docx")
    (folder / "p.htm").write_text(HTML, encoding="utf-8")
    (folder / "t.txt").write_text("关于某事的报告\n一年来工作很好。\n", encoding="utf-8")
    db = tmp_path / "a.db"
    store = Store(db)
    r1 = import_paths(store, [folder])
    assert len(r1.added) == 4 and not r1.refused
    r2 = import_paths(store, [folder])
    assert len(r2.unchanged) == 4 and not r2.added
    for d in store.documents():
        doc = store.document(d["id"])
        assert doc_id_for(doc["text"]) == d["id"]
        units = store.units(d["id"])
        assert "".join(u.text for u in units).replace(" ", "") == strip_markup(doc["text"]).replace(" ", "")
        for u in units:
            assert "".join(doc["text"][u.start:u.end].replace("**", "").split()) == "".join(u.text.split())
    store.close()
    formats = dict(sqlite3.connect(db).execute("SELECT path, format FROM documents").fetchall())
    assert {Path(p).name: f for p, f in formats.items()} == {
        "r.pdf": "pdf", "w.docx": "docx", "p.htm": "html", "t.txt": "text"}


def test_meta_units_are_never_queued(tmp_path):
    (tmp_path / "p.html").write_text(HTML, encoding="utf-8")
    store = Store(tmp_path / "a.db")
    import_paths(store, [tmp_path / "p.html"])
    kinds = {u.kind for u in store.iter_units()}
    assert "meta" in kinds
    assert all(u.kind == "sentence" for u in store.iter_units("sentence"))
    assert all(u.qpos is None for u in store.iter_units() if u.kind == "meta")
    store.close()


@pytest.mark.parametrize("suffix", [".pdf", ".docx", ".html"])
def test_damaged_files_are_refused_in_one_line(tmp_path, suffix):
    f = tmp_path / f"bad{suffix}"
    f.write_bytes(b"PK\x03\x04 not really" if suffix != ".html" else b"\x00\x01\x02" * 100)
    store = Store(tmp_path / "a.db")
    report = import_paths(store, [f])
    assert len(report.refused) == 1 and "\n" not in report.refused[0][1]
    assert store.count_documents() == 0
    store.close()
