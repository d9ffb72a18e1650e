"""The agreement metrics are described once (annotator.core.metrics): every descriptor's key is in the
report `measure.report` writes (and so in `agree --json`), and every figure column the `agree` tables
show comes from a descriptor."""

from __future__ import annotations

import json

from click.testing import CliRunner

from annotator.cli import cli
from annotator.core.metrics import METRICS, PAIR, PER_DOCUMENT, PER_TAG
from annotator.measure.report import report
from annotator.store import Store

# the columns of `agree` tables that are not agreement figures
NOT_FIGURES = {"scope", "items", "tag", "title", "support", "prevalence", "note", "a", "b", "shared", "document",
               "annotator", "P micro", "R micro", "F1 micro", "P macro", "R macro", "F1 macro", "tags", "A", "B",
               "count"}


def test_every_descriptor_key_is_in_the_report(double_db, taxonomy):
    store = Store(double_db)
    rep = report(store, taxonomy, bootstrap=20, distance="hierarchy")
    store.close()
    o = rep["overall"]
    for m in METRICS:
        assert m.key in o, m.key
        assert m.ci is None or m.ci in o, m.ci
        for facet in rep["facets"].values():
            assert m.key in facet, m.key
    for m in PER_TAG:
        assert all(m.key in row for row in rep["per_tag"].values()), m.key
    for m in PAIR:
        assert rep["pairs"] and all(m.key in p for p in rep["pairs"]), m.key
    for m in PER_DOCUMENT:
        assert rep["per_document"] and all(m.key in d for d in rep["per_document"].values()), m.key
    keys = [m.key for m in METRICS]
    assert len(keys) == len(set(keys)) and len({m.header for m in METRICS}) == len(METRICS)


def test_every_figure_the_cli_shows_comes_from_the_descriptors(double_db, monkeypatch):
    import annotator.cli.agree as agree

    headers: list[str] = []
    real = agree.print_table

    def keep(out, table):
        headers.extend(str(c.header) for c in table.columns)
        real(out, table)

    monkeypatch.setattr(agree, "print_table", keep)
    runner = CliRunner()
    for extra in ([], ["--all"]):
        r = runner.invoke(cli, ["--db", str(double_db), "agree", "--distance", "hierarchy", "--bootstrap", "20", *extra],
                          env={"COLUMNS": "240"})
        assert r.exit_code == 0, r.output
    described = {m.header for ms in (METRICS, PER_TAG, PAIR, PER_DOCUMENT) for m in ms}
    intervals = {"CI95"} | {f"{m.header.removeprefix('α ')} CI95" for m in METRICS if m.ci}
    figures = [h for h in headers if h not in NOT_FIGURES]
    assert figures and set(figures) <= described | intervals, set(figures) - described - intervals
    # every overall figure appears in --all, every summary figure in the summary
    assert {m.header for m in METRICS} <= set(headers)
    rep = json.loads(runner.invoke(cli, ["--db", str(double_db), "agree", "--distance", "hierarchy", "--bootstrap",
                                         "20", "--json"]).output)
    assert {m.key for m in METRICS} <= set(rep["overall"])
