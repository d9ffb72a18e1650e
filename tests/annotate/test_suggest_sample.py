"""On the hand-labeled seed sample, what the screen shows beats the keyword rules (document folds)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from annotator.cli import cli

SAMPLE = Path(__file__).parents[1] / "data" / "seed_labels.jsonl"


def test_sample_covers_the_seeds_and_the_taxonomy():
    from annotator.core.resources import default_taxonomy_path
    from annotator.core.taxonomy import load_taxonomy

    tax = load_taxonomy(default_taxonomy_path())
    rows = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 401 and len({r["id"] for r in rows}) == 401
    assert len({r["id"].rpartition("-")[0] for r in rows}) == 5
    used = {t for r in rows for t in r["labels"]}
    assert used <= set(tax.tags) and len(used) == len(tax.tags)  # every tag has examples


def test_screen_beats_keywords_at_every_training_size(tmp_path):
    r = CliRunner().invoke(cli, ["--db", str(tmp_path / "x.db"), "import", str(Path(__file__).parents[2] / "seeds")])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(cli, ["--db", str(tmp_path / "x.db"), "suggest", "--evaluate", "--labels", str(SAMPLE),
                                 "--json"])
    assert r.exit_code == 0, r.output
    result = json.loads(r.output)
    assert result["by"] == "document" and result["folds"] == 5
    kw = result["keywords"]
    curve = {row["train"]: row for row in result["learning_curve"]}
    assert list(curve) == [50, 100, 200, "all"]
    for row in curve.values():
        assert row["macro_f1"] > kw["macro"]["f1"] and row["micro_f1"] > kw["micro"]["f1"]
    assert curve["all"]["macro_f1"] >= 0.65 and curve["all"]["micro_f1"] >= 0.68
