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
    r = runner.invoke(cli, ["--db", str(double_db), "agree"])
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


@pytest.mark.parametrize("columns", [80, 60])
def test_stats_tables_print_every_number_in_full(double_db, columns, monkeypatch):
    monkeypatch.setenv("COLUMNS", str(columns))
    r = CliRunner().invoke(cli, ["--db", str(double_db), "stats"])
    assert r.exit_code == 0, r.output
    assert "…" not in r.output
    assert max(len(line) for line in r.output.splitlines()) <= columns
