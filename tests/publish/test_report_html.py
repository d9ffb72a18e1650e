"""`annotator report`: the HTML file's content, its self-containment and its escaping (no browser)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.core.metrics import METRICS, reading
from annotator.publish.report_html import charts
from annotator.publish.report_html.page import CSP
from tests.report_data import HOSTILE, HOSTILE_NAME, HOSTILE_TEXT, HOSTILE_TITLE, build


@pytest.fixture(scope="module")
def report_html(tmp_path_factory, double_template, taxonomy):
    tmp = tmp_path_factory.mktemp("report")
    db = build(double_template, tmp, taxonomy)
    out = tmp / "report.html"
    res = CliRunner().invoke(cli, ["--db", str(db), "report", "--out", str(out), "--bootstrap", "200",
                                   "--no-suggestions"])
    assert res.exit_code == 0, res.output
    assert "report →" in res.output
    return out.read_text(encoding="utf-8")


class Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parsed(html: str) -> Collect:
    p = Collect()
    p.feed(html)
    return p


def test_self_contained_no_script_no_network(report_html):
    p = parsed(report_html)
    names = [t for t, _ in p.tags]
    assert "script" not in names and "iframe" not in names and "object" not in names and "link" not in names
    for tag, attrs in p.tags:
        for k, v in attrs.items():
            assert not k.startswith("on"), (tag, k)  # no inline event handler anywhere
            if k in ("src", "href", "xlink:href") and v:
                assert v.startswith(("#", "data:")), (tag, k, v[:60])
    assert not re.search(r"https?://(?!www\.w3\.org/)", report_html.replace('xmlns="http://www.w3.org/2000/svg"', ""))
    metas = [a for t, a in p.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert metas and metas[0]["content"] == CSP
    assert "default-src 'none'" in CSP and "script-src 'none'" in CSP and "img-src data:" in CSP


def test_hostile_strings_are_text(report_html):
    p = parsed(report_html)
    # no element or attribute came from the data: the only img/script-looking things are text
    assert not any(t == "img" for t, _ in p.tags)
    assert not any("onerror" in k for _, a in p.tags for k in a)
    text = "".join(p.text)
    assert HOSTILE_NAME in text  # the annotator name, shown as it is
    assert "</style><img src=x onerror=" in text  # the document title, as text
    assert '"><img src=x onerror=alert(1)>点击javascript:alert(2)' in text  # the sentence text
    assert "\u202e" not in report_html and "\u202c" not in report_html  # bidi overrides neutralised
    assert "&lt;script&gt;" in report_html


def test_charts_and_sections(report_html):
    p = parsed(report_html)
    figs = {a["data-key"]: a for t, a in p.tags if t == "figure"}
    for key in ("status", "per-day", "overall", "per-tag", "pairs", "per-doc", "gold", "prevalence", "doc-tag",
                "co-activity"):
        assert figs[key].get("data-chart") == "1", key
        assert int(figs[key]["data-marks"]) > 0, key
    svgs = [a for t, a in p.tags if t == "svg"]
    assert len(svgs) == sum(1 for a in figs.values() if a.get("data-chart"))
    ids = [a["id"] for _, a in p.tags if "id" in a]
    assert len(ids) == len(set(ids)), "every id unique across the inline SVGs"
    # per tag: one bar per tag with a figure, weakest first
    marks = re.findall(r'id="per-tag-mark-(\d+)"', report_html)
    assert len(marks) == int(figs["per-tag"]["data-marks"])
    # the overall figures iterate METRICS, with their readings
    for m in METRICS:
        if m.needs is None:
            assert f"<td>{m.label}</td>" in "".join(f"<td>{t}</td>" for t in p.text)
    assert "by Krippendorff&#39;s thresholds" in report_html
    assert "Suggestions" in report_html and "Not evaluated" in report_html
    assert "Dataset card" in report_html and "taxonomy hash" in report_html


def test_disputed_sentences_show_who_chose_what(report_html):
    assert "Most disputed sentences for" in report_html
    assert "who chose what" in report_html


def test_reading_is_plain_language():
    m = METRICS[0]
    assert reading(m, 0.71, (0.68, 0.75)) == ("α MASI 0.71 [0.68–0.75]: between 0.667 and 0.8: tentative "
                                              "conclusions only, by Krippendorff's thresholds")
    assert "no figure (only 2 items)" in reading(m, None, None, "only 2 items")
    assert "band itself is uncertain" in reading(m, 0.7, (0.6, 0.85))


def test_svg_text_is_escaped_and_stripped():
    nasty = '<script>x</script>$\\alpha$ & "q" \x1b[2J\u202etail'
    svg, marks = charts.bars("t", [nasty, "ok"], [0.5, None])
    assert marks == 1
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "\x1b" not in svg and "\u202e" not in svg
    assert "$\\alpha$" in svg  # a dollar is a dollar, not mathtext
    assert svg.startswith("<svg") and 'id="t-' in svg and 'id="patch' not in svg
    assert '<g id="t-mark-0"><title>&lt;script&gt;x&lt;/script&gt;$\\alpha$ &amp; &quot;q&quot;' in svg  # hover text


def test_report_refuses_cleanly_without_database(tmp_path):
    res = CliRunner().invoke(cli, ["--db", str(tmp_path / "none.db"), "report", "--out", str(tmp_path / "r.html")])
    assert res.exit_code != 0
    assert "Traceback" not in res.output
    assert not (tmp_path / "r.html").exists()


def test_metric_descriptors_match_the_figures(double_template, taxonomy):
    """METRICS, PER_TAG and PAIR name keys the agreement report really writes (one list, no drift)."""
    from annotator.core.metrics import PAIR, PER_TAG
    from annotator.measure.report import report
    from annotator.store import Store

    store = Store(double_template)
    try:
        rep = report(store, taxonomy, bootstrap=50, distance="hierarchy", detail=True)
    finally:
        store.close()
    for m in METRICS:
        assert m.key in rep["overall"], m.key
        assert m.ci is None or m.ci in rep["overall"], m.ci
    row = next(iter(rep["per_tag"].values()))
    assert all(m.key in row and (m.ci is None or m.ci in row) for m in PER_TAG)
    assert all(m.key in rep["pairs"][0] for m in PAIR)
    weakest = min((r["alpha"], t) for t, r in rep["per_tag"].items() if r["alpha"] is not None)[1]
    assert weakest in rep["disputed"] and 0 < len(rep["disputed"][weakest]) <= 5
    for f, co in rep["cooccurrence"].items():
        m = co["matrix"]
        assert len(m) == len(co["tags"]) + 1 and all(m[i][j] == m[j][i] for i in range(len(m)) for j in range(len(m)))


def test_report_of_an_empty_project(seeded_db, tmp_path):
    """No judgments at all: the report still opens, says so, and draws no empty chart."""
    out = tmp_path / "empty.html"
    res = CliRunner().invoke(cli, ["--db", str(seeded_db), "report", "--out", str(out)])
    assert res.exit_code == 0, res.output
    html_text = out.read_text(encoding="utf-8")
    assert "no judgments yet" in html_text and "Not evaluated" in html_text
    assert "<svg" not in html_text


def test_resolved_sample_is_the_exports_resolution(double_template, taxonomy):
    """The report's suggestion sample reads sentences by id, but resolves them exactly as the export does."""
    from annotator.annotate.evaluate import bounded_evaluation
    from annotator.cli.annotate import resolved_examples
    from annotator.publish.samples import resolved_sample
    from annotator.store import Store

    store = Store(double_template)
    try:
        everything, candidates = resolved_sample(store, 10_000, 0)
        assert sorted(everything) == sorted(resolved_examples(store))
        assert candidates >= len(everything)
        few, _ = resolved_sample(store, 20, 3)
        assert len(few) == 20 and set(map(tuple, [(d, t, tuple(ls)) for d, t, ls in few])) <= \
            {(d, t, tuple(ls)) for d, t, ls in everything}
        assert bounded_evaluation(few, taxonomy, None)["skipped"].startswith("20 sentences with resolved labels")
    finally:
        store.close()
