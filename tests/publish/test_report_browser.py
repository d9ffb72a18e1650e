"""The HTML report in a real browser: headless Chromium (Debian's `chromium`) driven by Playwright.

Skipped, with the reason, where chromium or the playwright package is missing (`.ci/run` installs
chromium with apt; the browser Playwright would download is never used). The screenshot is kept as a
test artefact under pytest's tmp folder (its path is printed)."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from tests.report_data import HOSTILE_NAME, build

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None

pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium on this machine (apt-get install -y chromium)"),
    pytest.mark.skipif(sync_playwright is None, reason="the playwright package is not installed (pip install playwright)"),
]


@pytest.fixture(scope="module")
def report_file(tmp_path_factory, double_template, taxonomy):
    tmp = tmp_path_factory.mktemp("browser")
    db = build(double_template, tmp, taxonomy)
    out = tmp / "report.html"
    res = CliRunner().invoke(cli, ["--db", str(db), "report", "--out", str(out), "--bootstrap", "100"])
    assert res.exit_code == 0, res.output
    return out


def test_report_in_chromium(report_file):
    requests, errors = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})

            def route(r):
                url = r.request.url
                requests.append(url)
                if url.startswith(("file:", "data:")):
                    r.continue_()
                else:
                    r.abort()

            page.route("**/*", route)
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("dialog", lambda d: (errors.append(f"dialog: {d.message}"), d.dismiss()))
            page.goto(report_file.as_uri(), wait_until="load")
            page.wait_for_timeout(300)  # let any (forbidden) late request or script show itself
            figures = page.evaluate("""() => [...document.querySelectorAll('figure[data-chart]')].map(f => {
                const svg = f.querySelector('svg');
                const r = svg.getBoundingClientRect();
                const marks = svg.querySelectorAll('[id^="' + f.dataset.key + '-mark-"]');
                const drawn = [...marks].filter(m => { const b = m.getBoundingClientRect();
                                                       return b.width > 0 || b.height > 0; }).length;  // a bar of 0 has no width
                return {key: f.dataset.key, w: r.width, h: r.height, expected: +f.dataset.marks,
                        marks: marks.length, drawn};
            })""")
            title = page.title()
            body = page.inner_text("body")
            images = page.evaluate("() => document.querySelectorAll('img').length")
            shot = report_file.with_suffix(".png")
            page.screenshot(path=str(shot), full_page=True)
            print(f"screenshot: {shot}")
        finally:
            browser.close()
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
    assert errors == []
    assert "pwned" not in title  # no script from the data ran
    assert images == 0  # the data's <img onerror> is text, not an element
    assert HOSTILE_NAME in body and "onerror=alert(1)" in body
    keys = {f["key"] for f in figures}
    assert {"status", "per-day", "overall", "per-tag", "pairs", "per-doc", "gold", "co-activity", "prevalence",
            "doc-tag", "curve", "star"} <= keys
    for f in figures:
        assert f["w"] > 50 and f["h"] > 50, f
        assert f["marks"] == f["expected"] > 0, f
        assert f["drawn"] == f["marks"], f
    assert shot.stat().st_size > 10_000
