"""`agree` and `stats` tables never cut a number, at 80 columns and narrower."""

import json
import re

import pytest
from click.testing import CliRunner

from annotator.cli import cli


def _numbers(obj):
    if isinstance(obj, bool) or obj is None:
        return
    if isinstance(obj, float):
        yield f"{obj:.3f}"
    elif isinstance(obj, int):
        yield str(obj)
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _numbers(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _numbers(v)


@pytest.mark.parametrize("columns", [80, 60, 40])
def test_agree_tables_print_every_number_in_full(double_db, columns, monkeypatch):
    monkeypatch.setenv("COLUMNS", str(columns))
    runner = CliRunner()
    r = runner.invoke(cli, ["--db", str(double_db), "agree", "--all"])
    assert r.exit_code == 0, r.output
    assert "…" not in r.output
    assert max(len(line) for line in r.output.splitlines()) <= columns
    rep = json.loads(runner.invoke(cli, ["--db", str(double_db), "agree", "--json"]).output)
    tokens = set(re.findall(r"[-\d.]+", r.output))
    for f in list(rep["facets"].values()) + [rep["per_tag"][t] for t in rep["per_tag"]]:
        for key in ("alpha_masi", "alpha_nominal", "alpha", "kappa", "prevalence"):
            v = f.get(key)
            if isinstance(v, float):
                assert f"{v:.3f}" in tokens, (key, v)
        if "support" in f:
            assert str(f["support"]) in tokens


@pytest.mark.parametrize("columns", [80, 60, 40])
def test_agree_summary_fits_a_screen_and_keeps_tag_ids_whole(double_db, columns, monkeypatch):
    monkeypatch.setenv("COLUMNS", str(columns))
    runner = CliRunner()
    r = runner.invoke(cli, ["--db", str(double_db), "agree", "--bootstrap", "50"])
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert max(len(line) for line in lines) <= columns and "…" not in r.output
    if columns == 80:
        assert len(lines) < 40, r.output
    rep = json.loads(runner.invoke(cli, ["--db", str(double_db), "agree", "--json", "--bootstrap", "50"]).output)
    tokens = set(re.findall(r"[-\d.]+", r.output))
    for f in [rep["overall"], *rep["facets"].values(), *rep["pairs"]]:
        for key in ("alpha_masi", "gwet_ac1", "cohen_kappa"):
            if isinstance(f.get(key), float):
                assert f"{f[key]:.3f}" in tokens, (key, f[key])
    words = set(re.findall(r"[\w.]+", r.output, re.ASCII))
    few = [t for t, f in rep["per_tag"].items() if not f["reliable"]]
    assert few and all(t in words for t in few)  # every tag with too few items named, none broken
    weakest = sorted((f["alpha"], t) for t, f in rep["per_tag"].items() if f["reliable"] and f["alpha"] is not None)[:5]
    assert all(t in words for _, t in weakest)
    assert "--tag ID" in r.output and "--all" in r.output


def test_agree_tag_shows_one_tag(double_db, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    runner = CliRunner()
    rep = json.loads(runner.invoke(cli, ["--db", str(double_db), "agree", "--json", "--bootstrap", "0"]).output)
    tag, f = next((t, f) for t, f in rep["per_tag"].items() if f["reliable"])
    r = runner.invoke(cli, ["--db", str(double_db), "agree", "--tag", tag, "--bootstrap", "0"])
    assert r.exit_code == 0 and r.output.startswith(tag)
    assert f"{f['gwet_ac1']:.3f}" in r.output and f"chosen on {f['items_with_tag']} item" in r.output
    one = json.loads(runner.invoke(cli, ["--db", str(double_db), "agree", "--tag", tag, "--json", "--bootstrap", "0"]).output)
    assert one == f | {"tag": tag}
    r = runner.invoke(cli, ["--db", str(double_db), "agree", "--tag", "no.such.tag"])
    assert r.exit_code != 0 and len(r.output.strip().splitlines()) == 1 and "no tag 'no.such.tag'" in r.output


def test_identifier_columns_never_break_inside_a_word():
    from rich.console import Console
    from rich.table import Table

    from annotator.cli.tables import print_table

    console = Console(width=40, record=True, file=open("/dev/null", "w"))
    t = Table()
    for c in ("tag", "note"):
        t.add_column(c)
    t.add_row("consultation.grassroots", "a long note that may fold anywhere it needs to")
    print_table(console, t)
    assert "consultation.grassroots" in console.export_text()


@pytest.mark.parametrize("columns", [80, 60])
def test_stats_tables_print_every_number_in_full(double_db, columns, monkeypatch):
    monkeypatch.setenv("COLUMNS", str(columns))
    r = CliRunner().invoke(cli, ["--db", str(double_db), "stats"])
    assert r.exit_code == 0, r.output
    assert "…" not in r.output
    assert max(len(line) for line in r.output.splitlines()) <= columns
