"""Layout-aware PDF reading: ragged and justified lines, two columns, footnotes, page breaks,
running headers, the CJK-digit gap, encryption and files built to hurt (generated with reportlab)."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest

from annotator.core.errors import InputError
from annotator.ingest.formats import extract
from annotator.ingest.importer import import_paths
from annotator.ingest.segmenter import segment
from annotator.store import Store
from tests.pdf_make import Doc, render

TITLE = "政协某县委员会常务委员会2022年工作回顾"
PARAS = [
    "一年来，县政协常务委员会坚持以习近平新时代中国特色社会主义思想为指导，认真履行政治协商、民主监督、参政议政职能，"
    "围绕全县中心工作建言献策，为推动经济社会高质量发展作出了积极贡献。",
    "我们全年召开常委会议14次，主席会议22次，组织委员开展专题调研12次，提出意见建议80余条，"
    "其中多条被县委县政府采纳，转化为具体的政策措施。",
    "委员在评议中直言：“问题要找准，措施要管用。”这种实事求是的作风得到了群众的普遍认可，"
    "也推动了相关部门改进工作，提高了办事效率和服务水平。",
    "我们坚持把加强思想政治引领贯穿履职全过程，深入开展学习二十大精神活动，组织委员学习培训三次，"
    "进一步凝聚了团结奋斗的共识，增强了做好新时代政协工作的使命感和责任感。",
    "我们推动协商议事室提质扩面，在全县各乡镇建成协商议事室二十个，开展协商活动六十余场，"
    "打通了服务群众的最后一公里，让协商民主成果更多更公平地惠及全县人民。",
]
HEADINGS = ["一、坚持党的领导，筑牢思想根基", "二、聚焦中心大局，履职尽责有为"]


def _doc(**kw) -> Doc:
    blocks = [("title", TITLE), ("heading", HEADINGS[0])]
    blocks += [("para", p) for p in PARAS[:3]]
    blocks += [("heading", HEADINGS[1])]
    blocks += [("para", p) for p in PARAS[3:]]
    return Doc(blocks, **kw)


def _units(path: Path):
    ex = extract(path)
    seg = segment(ex.text, "x", ex.title, ex.kinds)
    return seg, [(u.kind, u.text) for u in seg.units]


def _expected_sentences(paras=PARAS) -> list[str]:
    from annotator.ingest.segmenter import segment as seg

    return [u.text for p in paras for u in seg(p).units]


def _check_whole(units, paras=PARAS) -> None:
    sentences = [t for k, t in units if k == "sentence"]
    assert sentences == _expected_sentences(paras)
    headings = [t for k, t in units if k == "heading"]
    assert headings == [TITLE] + HEADINGS


@pytest.mark.parametrize("ragged", [True, False], ids=["ragged", "justified"])
@pytest.mark.parametrize("indent", [True, False], ids=["indented", "block"])
def test_wrapped_lines_are_joined_and_never_become_headings(tmp_path, ragged, indent):
    seg, units = _units(render(_doc(ragged=ragged, indent=indent, size=12), tmp_path / "r.pdf"))
    _check_whole(units)
    assert seg.title == TITLE  # not glued to the first section heading


def test_two_columns_are_read_one_after_the_other(tmp_path):
    seg, units = _units(render(_doc(columns=2, size=10.5, ragged=True), tmp_path / "c.pdf"))
    _check_whole(units)
    assert seg.title == TITLE


def test_no_space_for_the_gap_between_chinese_and_digits(tmp_path):
    seg, units = _units(render(_doc(digit_gap=3.0), tmp_path / "g.pdf"))
    _check_whole(units)
    assert any("常委会议14次" in t for _, t in units)


@pytest.mark.parametrize("indent", [True, False], ids=["indented", "block"])
@pytest.mark.parametrize("ragged", [True, False], ids=["ragged", "justified"])
def test_page_break_inside_a_sentence_and_after_a_heading(tmp_path, indent, ragged):
    long = [p * 1 for p in PARAS]
    blocks = [("title", TITLE), ("heading", HEADINGS[0])] + [("para", p) for p in long * 2]
    blocks += [("pagebreak", ""), ("heading", HEADINGS[1]), ("pagebreak", ""), ("para", PARAS[0])]
    doc = Doc(blocks, size=14, header="政协某县第九届委员会第三次会议文件", page_numbers="— {} —",
              indent=indent, ragged=ragged)
    seg, units = _units(render(doc, tmp_path / "b.pdf"))
    sentences = [t for k, t in units if k == "sentence"]
    assert sentences == _expected_sentences(long * 2 + [PARAS[0]])
    assert [t for k, t in units if k == "heading"] == [TITLE] + HEADINGS
    assert not any("会议文件" in t or "—" in t for _, t in units)


def test_footnotes_are_meta_and_the_sentence_around_the_mark_is_whole(tmp_path):
    para = ("我们推动协商议事室^1提质扩面，在全县各乡镇建成协商议事室二十个，开展协商活动六十余场，"
            "打通了服务群众的最后一公里。")
    notes = {"1": "协商议事室是县政协在乡镇设立的协商平台，2021年起在全县推广。"}
    blocks = [("title", TITLE), ("heading", HEADINGS[0]), ("para", PARAS[0]), ("para", para), ("para", PARAS[1])]
    seg, units = _units(render(Doc(blocks, notes=notes, size=12), tmp_path / "f.pdf"))
    sentences = [t for k, t in units if k == "sentence"]
    assert sentences == _expected_sentences([PARAS[0], para.replace("^1", ""), PARAS[1]])
    meta = [t for k, t in units if k == "meta"]
    assert meta == ["1 " + notes["1"]] or meta == ["1" + notes["1"]]


def test_a_repeating_body_line_at_the_top_of_each_page_is_kept(tmp_path):
    body_line = "各位委员：以下为本次会议审议的工作报告正文。"
    blocks = [("para", p) for p in PARAS * 2]
    seg, units = _units(render(Doc(blocks, size=16, header_in_body=body_line, indent=True), tmp_path / "h.pdf"))
    assert sum(1 for _, t in units if body_line in t) >= 2


def _cid_pdf(path: Path, **encrypt) -> Path:
    """A PDF whose font has no Unicode mapping (Identity-H, no ToUnicode): pdfminer reads (cid:N)."""
    render(Doc([("para", PARAS[0]), ("para", PARAS[1])], encrypt=encrypt or None), path)
    data = path.read_bytes()
    assert b"/UniGB-UCS2-H" in data and b"(GB1)" in data or encrypt
    data = data.replace(b"/UniGB-UCS2-H", b"/Identity-H  ")
    path.write_bytes(data.replace(b"(GB1)", b"(XX1)"))
    return path


def test_encrypted_no_copy_pdf_with_empty_user_password_opens(tmp_path):
    for k in range(6):  # each file gets a new key: its encrypted strings differ every time
        doc = _doc(encrypt={"userPassword": "", "ownerPassword": f"owner{k}", "canPrint": 0, "canCopy": 0})
        seg, units = _units(render(doc, tmp_path / f"e{k}.pdf"))
        _check_whole(units)


def test_unmappable_text_layer_is_refused_in_one_line(tmp_path):
    for name, enc in (("plain.pdf", {}), ("nocopy.pdf", {"userPassword": "", "ownerPassword": "o", "canCopy": 0})):
        with pytest.raises(InputError) as err:
            extract(_cid_pdf(tmp_path / name, **enc))
        assert err.value.reason == "this PDF's text layer cannot be read; OCR is not supported"


def test_a_real_user_password_is_refused(tmp_path):
    path = render(_doc(encrypt={"userPassword": "secret", "ownerPassword": "owner"}), tmp_path / "p.pdf")
    with pytest.raises(InputError) as err:
        extract(path)
    assert "password" in err.value.reason and "\n" not in err.value.reason


def test_files_built_to_hurt_are_refused_fast_and_the_folder_goes_on(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    with open(folder / "zeros.pdf", "wb") as fh:
        fh.truncate(50 * 1024 * 1024)  # 50 MB of zero bytes
    bomb = zlib.compress(b"\0" * (300 * 1024 * 1024), 9)  # a stream that inflates to 300 MB
    (folder / "bomb.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Length " + str(len(bomb)).encode()
                                      + b" /Filter /FlateDecode >>\nstream\n" + bomb + b"\nendstream\nendobj\n%%EOF\n")
    render(_doc(), folder / "good.pdf")
    store = Store(tmp_path / "a.db")
    report = import_paths(store, [folder])
    refused = {Path(p).name: r for p, r in report.refused}
    assert refused["zeros.pdf"] == "not a PDF (no %PDF- header)"
    assert "inflates past" in refused["bomb.pdf"]
    assert [Path(p).name for p in report.added] == ["good.pdf"]
    store.close()


def test_page_limit_is_checked_before_reading(tmp_path, monkeypatch):
    from annotator.ingest import pdf_read

    path = render(Doc([("para", p) for p in PARAS * 3], size=16), tmp_path / "r.pdf")
    monkeypatch.setattr(pdf_read, "MAX_PAGES", 1)
    with pytest.raises(InputError) as err:
        list(pdf_read.iter_pages(path, max_pages=1))
    assert "pages" in err.value.reason



def test_a_photo_caption_at_the_foot_of_a_page_is_a_caption_not_a_footnote(tmp_path):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from tests.pdf_make import FONT, _font

    _font()
    path = tmp_path / "cap.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont(FONT, 12)
    y = 760
    for k in range(0, len(PARAS[0]), 36):
        c.drawString(72 + (24 if k == 0 else 0), y, PARAS[0][k:k + 36])
        y -= 20
    c.rect(150, 300, 200, 150)
    c.setFont(FONT, 9)
    c.drawString(180, 280, "图为委员视察老旧小区改造现场")
    c.showPage()
    c.save()
    seg, units = _units(path)
    assert ("caption", "图为委员视察老旧小区改造现场") in units
    assert [t for k, t in units if k == "sentence"] == _expected_sentences(PARAS[:1])


@pytest.mark.parametrize("columns", [1, 2])
@pytest.mark.parametrize("justified", [True, False], ids=["justified", "left"])
def test_a_report_typeset_by_a_layout_engine_reads_whole(tmp_path, columns, justified):
    from tests.pdf_make import render_flowing

    paras = PARAS * 4
    path = render_flowing(tmp_path / "w.pdf", paras, TITLE, HEADINGS, columns, justified,
                          header="政协某县第九届委员会第三次会议文件")
    seg, units = _units(path)
    assert [t for k, t in units if k == "sentence"] == _expected_sentences(paras)
    assert [t for k, t in units if k == "heading"] == [TITLE] + HEADINGS
    assert seg.title == TITLE
    assert not any(k == "meta" for k, _ in units)


def test_a_large_flate_image_is_not_a_bomb(tmp_path):
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    from tests.pdf_make import FONT, _font
    from annotator.ingest import pdf_read

    _font()
    path = tmp_path / "img.pdf"
    c = canvas.Canvas(str(path))
    c.setFont(FONT, 12)
    c.drawString(72, 700, PARAS[0][:30] + "。")
    from PIL import Image

    c.drawImage(ImageReader(Image.new("RGB", (1500, 1500), "white")), 72, 100, 300, 300)  # a Flate XObject
    c.showPage()
    c.save()
    pdf_read.check_streams(path, max_stream=1024 * 1024)  # the 6.75 MB image is not counted
    assert extract(path).text.strip() == PARAS[0][:30] + "。"


def test_an_ascii85_wrapped_bomb_is_refused(tmp_path):
    import base64

    from annotator.ingest import pdf_read

    bomb = base64.a85encode(zlib.compress(b"\0" * (20 * 1024 * 1024), 9)) + b"~>"
    path = tmp_path / "a85.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Length " + str(len(bomb)).encode()
                     + b" /Filter [ /ASCII85Decode /FlateDecode ] >>\nstream\n" + bomb + b"\nendstream\nendobj\n")
    with pytest.raises(InputError) as err:
        pdf_read.check_streams(path, max_stream=10 * 1024 * 1024)
    assert "inflates past 10 MB" in err.value.reason


def test_a_sentence_cut_by_the_page_end_around_a_two_line_footnote_is_rejoined(tmp_path):
    para = ("我们推动协商议事室^1提质扩面，在全县各乡镇建成协商议事室二十个，开展协商活动六十余场，打通了服务群众的"
            "最后一公里，让协商民主成果更多更公平地惠及全县人民，得到了各界群众的广泛好评和充分肯定。")
    note = ("协商议事室是县政协在乡镇设立的协商平台，2021年起在全县推广，由政协委员、乡镇干部和群众代表共同参与，"
            "每季度至少开展一次协商活动，协商成果报送县委县政府参考。")
    from annotator.ingest.pdf_read import iter_pages

    crossed = 0
    for lead in range(1, 6):  # the footnoted paragraph starts at different heights: some cross the page end
        filler = "我们" + "认真履职" * (lead * 7) + "。"
        front = (PARAS * 2)[:8] + [filler]
        blocks = [("para", p) for p in front] + [("para", para), ("para", PARAS[1])]
        path = render(Doc(blocks, notes={"1": note}, size=14), tmp_path / f"f{lead}.pdf")
        pages = ["".join(c["text"] for c in chars) for _, _, chars in iter_pages(path)]
        crossed += len(pages) > 1 and "议事室" in pages[0] and "充分肯定" in pages[1] and "协商平台" in pages[0]
        seg, units = _units(path)
        expected = front + [para.replace("^1", ""), PARAS[1]]
        assert [t for k, t in units if k == "sentence"] == _expected_sentences(expected), lead
        assert [t.replace(" ", "") for k, t in units if k == "meta"] == ["1" + note], lead
        assert not any(k == "caption" for k, _ in units)
    assert crossed


@pytest.mark.slow
def test_memory_stays_flat_with_the_page_count(tmp_path):
    """Pages are read one at a time and released: 300 pages stay far below what keeping them all
    took (about 1.9 MB a page before). The 2,000-page figure: benchmarks/pdf_memory.py."""
    import importlib.util
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location("pdf_memory", root / "benchmarks" / "pdf_memory.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    path = tmp_path / "long.pdf"
    bench.write_pdf(path, 300)
    code = ("import sys; from pathlib import Path; from annotator.ingest.formats import extract; "
            "n = len(extract(Path(sys.argv[1])).text); "
            "print(n, [l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0])")
    # VmHWM, not ru_maxrss: a child's ru_maxrss counts the size of this (large) process at the fork
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True,
                         env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    chars, peak_kb = map(int, out.stdout.split())
    assert chars > 300 * 200
    assert peak_kb / 1024 < 250, peak_kb / 1024
