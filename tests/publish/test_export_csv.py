"""export --format csv (pandas round trip, column names, formula cells) and the dataset card."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from annotator import __version__
from annotator.publish import card as cards
from annotator.publish import export as ex
from annotator.cli import cli
from annotator.publish.csvtable import column_name
from annotator.ingest.importer import import_paths
from annotator.store import State, Store, Write

VALID = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,31}$")  # valid in R (make.names leaves it), pandas, Stata, SQL


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, keep_default_na=False, dtype=str)


def test_csv_round_trips_through_pandas_one_row_per_unit(double_db, taxonomy, tmp_path):
    store = Store(double_db)
    sid = next(store.iter_units("sentence")).id
    store.change("gold", sid, "judge", "gold-save", State(("epidemic", "plan"), "done"),
                 write=Write(taxonomy.hash))
    out = tmp_path / "d.csv"
    r = run("--db", double_db, "export", "--format", "csv", "--all", "--out", out)
    assert r.exit_code == 0, r.output
    raw = out.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and "政协".encode() in raw  # UTF-8, no BOM (R read.csv, pandas)
    df = read(out)
    tags = list(taxonomy.tags)
    assert list(df.columns) == ["id", "document", "text", "labels_alice", "status_alice", "labels_bob",
                                "status_bob", "labels", "label_source", *[column_name(t, set()) for t in tags]]
    units = list(store.iter_units(None))
    assert len(df) == len(units) and list(df["id"]) == [u.id for u in units]
    assert list(df["text"]) == [u.text for u in units] and list(df["document"]) == [u.doc_id for u in units]
    by_id = df.set_index("id")
    row = by_id.loc[sid]
    assert row["labels"] == "epidemic;plan" and row["label_source"] == "gold"
    assert row["epidemic"] == "1" and row["plan"] == "1" and row["review"] == "0"
    assert row["labels_alice"] == ";".join(store.annotation(sid, "alice").labels) and row["status_alice"] == "done"
    for unit in ex.iter_units(store, None):
        labels, source = ex.select(unit, "resolved")
        got = by_id.loc[unit.id]
        assert got["label_source"] == (source or "")
        if labels is None:  # unresolved: unknown, never a 0
            assert got["labels"] == "" and all(got[column_name(t, set())] == "" for t in tags)
        else:
            assert got["labels"] == ";".join(labels)
            assert [got[column_name(t, set())] for t in tags] == ["1" if t in labels else "0" for t in tags]
    card = json.loads((tmp_path / "d.meta.json").read_text(encoding="utf-8"))
    assert list(card["csv"]["columns"]) == list(df.columns) and card["csv"]["bom"] is False
    typed = pd.read_csv(out, keep_default_na=False)
    resolved = typed[typed["label_source"] != ""]
    assert set(pd.to_numeric(resolved["plan"]).unique()) <= {0, 1}


def hostile_db(tmp_path: Path) -> Path:
    doc = tmp_path / "h.txt"
    doc.write_text('=SUM(A1:A9)+1。他说"你好,世界",然后走了。-5%的增长。@everyone 注意。NA。普通的一句话。',
                   encoding="utf-8")
    db = tmp_path / "h.db"
    store = Store(db)
    import_paths(store, [doc])
    names = ["text", "Text", "张三", "李四", "a b", "labels", "x" * 40, "x" * 41, "9lives"]
    for i, s in enumerate(store.iter_units("sentence")):
        for who in names:
            store.change("annotation", s.id, who, "confirm", State(("plan",) if i % 2 else (), "done"))
    store.close()
    return db


def test_csv_cells_with_commas_quotes_and_formulas_and_odd_annotator_names(tmp_path):
    db = hostile_db(tmp_path)
    out = tmp_path / "h.csv"
    r = run("--db", db, "export", "--format", "csv", "--out", out, "--no-agreement")
    assert r.exit_code == 0, r.output
    assert "cells begin with =, +, -, @" in r.output  # the risk is named
    df = read(out)
    store = Store(db)
    assert list(df["text"]) == [u.text for u in store.iter_units("sentence")]  # exact: R and pandas run nothing
    assert '他说"你好,世界",然后走了。' in list(df["text"]) and "NA。" in list(df["text"])
    cols = list(df.columns)
    assert len(cols) == len({c.lower() for c in cols}) and all(VALID.match(c) for c in cols), cols
    card = json.loads((tmp_path / "h.meta.json").read_text(encoding="utf-8"))
    meanings = card["csv"]["columns"]
    assert list(meanings) == cols and card["csv"]["formula_cells"] == 3
    for who in ("text", "Text", "张三", "李四", "a b", "labels", "x" * 40, "x" * 41, "9lives"):
        # every annotator keeps a column of their own, named in the card
        assert sum(1 for m in meanings.values() if m.startswith(f"tags of {who}'s ")) == 1
    assert cols[:3] == ["id", "document", "text"] and "labels" in cols and "label_source" in cols


def test_excel_csv_has_a_bom_and_no_formula_cells(tmp_path):
    db = hostile_db(tmp_path)
    out = tmp_path / "x.csv"
    r = run("--db", db, "export", "--format", "csv", "--excel", "--out", out, "--no-agreement")
    assert r.exit_code == 0, r.output
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    df = pd.read_csv(out, encoding="utf-8-sig", keep_default_na=False, dtype=str)
    assert df.columns[0] == "id"
    cells = [c for col in df.columns for c in df[col]]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert "'=SUM(A1:A9)+1。" in list(df["text"])
    assert run("--db", db, "export", "--excel", "--out", tmp_path / "y.jsonl").exit_code != 0


def test_csv_splits_each_have_a_header_and_unknown_annotator_is_an_error(double_db, tmp_path):
    out = tmp_path / "s.csv"
    r = run("--db", double_db, "export", "--format", "csv", "--split", "train=0.8,dev=0.1,test=0.1", "--out", out,
            "--no-agreement")
    assert r.exit_code == 0, r.output
    frames = {n: read(tmp_path / f"s-{n}.csv") for n in ("train", "dev", "test")}
    assert all(len(f) for f in frames.values())  # no split left empty
    assert len({tuple(f.columns) for f in frames.values()}) == 1
    docs = [set(f["document"]) for f in frames.values()]
    assert not (docs[0] & docs[1] or docs[0] & docs[2] or docs[1] & docs[2])  # documents never divided
    r = run("--db", double_db, "export", "--format", "csv", "--source", "annotator:nobody", "--out",
            tmp_path / "n.csv")
    assert r.exit_code == 1 and "no judgments by 'nobody'" in r.output and not (tmp_path / "n.csv").exists()


def test_column_names_are_valid_unique_and_short():
    taken: set[str] = set()
    got = [column_name(n, taken) for n in ["id", "ID", "labels_a b", "labels_a_b", "9x", "", "张三", "a" * 50,
                                           "a" * 50, "consultation.grassroots", "-x-", "next", "NA", "in", "int"]]
    assert got[:3] == ["id", "ID_2", "labels_a_b"] and got[3] == "labels_a_b_2"
    assert all(VALID.match(g) for g in got) and len({g.lower() for g in got}) == len(got)
    assert got[-4:] == ["next_", "NA_", "in_", "int_"]  # R's read.csv would rename a reserved word


def test_card_cites_version_time_command_bootstrap_and_matches_agree(double_db, tmp_path, monkeypatch):
    out = tmp_path / "c.jsonl"
    home = str(tmp_path)
    monkeypatch.setenv("HOME", home)
    monkeypatch.setattr("sys.argv", ["annotator", "--db", str(double_db), "export", "--out", str(out),
                                     "--note\x1b]0;x\x07"])
    assert run("--db", double_db, "export", "--out", out).exit_code == 0
    card = json.loads((tmp_path / "c.meta.json").read_text(encoding="utf-8"))
    version = run("--version").output
    assert card["tool"] == {"name": "annotator", "version": __version__} and __version__ in version
    at = datetime.fromisoformat(card["exported_at"].replace("Z", "+00:00"))
    assert at.utcoffset().total_seconds() == 0 and card["exported_at"].endswith("Z")
    assert card["command"][:2] == ["annotator", "--db"] and card["command"][2].startswith("~/")
    assert not any("\x1b" in a or "\x07" in a for a in card["command"])
    assert card["bootstrap"] == {"samples": 1000, "seed": 0} and card["plan"] is None
    agree = json.loads(run("--db", double_db, "agree", "--json").output)
    assert agree["bootstrap"]["samples"] == card["bootstrap"]["samples"]
    assert card["agreement"]["alpha_masi_ci95"] == agree["overall"]["alpha_masi_ci95"]
    measured_on = card["agreement"].pop("measured_on")
    assert card["agreement"] == agree["overall"] and measured_on == agree["measured_on"]


def test_card_plan_is_recorded_when_given(double_db, taxonomy, tmp_path):
    store = Store(double_db)
    summary = ex.export(store, taxonomy, tmp_path / "p.jsonl")
    plan = {"annotators": ["alice", "bob"], "overlap": 0.2, "seed": 0}
    card = cards.dataset_card(store, taxonomy, summary, ["annotator", "export"], None, plan=plan)
    assert card["plan"] == plan and card["bootstrap"] is None


def test_card_counts_unresolved_units_by_reason(seeded_db, taxonomy, tmp_path):
    store = Store(seeded_db)
    s = [u.id for u in store.iter_units("sentence")][:7]
    done = lambda labels: State(labels, "done")  # noqa: E731
    store.change("annotation", s[0], "a", "confirm", done(("plan",)))
    store.change("annotation", s[0], "b", "confirm", done(("review",)))  # disagreement, no gold
    store.change("annotation", s[1], "a", "confirm", done(("plan",)))
    store.change("annotation", s[1], "b", "confirm", done(("review",)))
    store.change("gold", s[1], "judge", "gold-save", State(("plan",), "draft"))  # gold not finished
    store.change("annotation", s[2], "a", "toggle", State(("plan",), "draft"))  # a single draft
    store.change("annotation", s[3], "a", "skip", State((), "skipped"))
    store.change("annotation", s[4], "a", "confirm", done(("plan",)))  # single: resolved
    store.change("annotation", s[5], "a", "confirm", done(()))
    store.change("annotation", s[5], "b", "confirm", done(()))  # agreed on none: resolved
    summary = ex.export(store, taxonomy, tmp_path / "u.jsonl")
    card = cards.dataset_card(store, taxonomy, summary, ["annotator"], None)
    n = store.count_units("sentence")
    assert card["unresolved"]["units"] == n - 2 == n - summary.records
    assert card["unresolved"]["reasons"] == {
        "not judged": n - 6, "disagreement without a majority, no gold": 1,
        "disagreement without a majority, gold still a draft": 1, "drafts only": 1,
        "skipped or flagged, none done": 1}
    summary = ex.export(store, taxonomy, tmp_path / "g.jsonl", source="gold")
    assert summary.unresolved == {"no adjudicated gold": n - 1, "gold still a draft": 1}


def test_one_bootstrap_default_everywhere():
    """agree, the review dashboard and the dataset card take the resamples and seed from one place."""
    from annotator.measure import bootstrap as boot
    root = Path(__file__).resolve().parents[2] / "annotator"
    literal = re.compile(r"(bootstrap|samples)\s*(:\s*int\s*)?=\s*\d|--bootstrap\", default=\d")
    offenders = [f"{p.name}: {m.group(0)}" for p in root.rglob("*.py")
                 for m in literal.finditer(p.read_text(encoding="utf-8"))]
    assert offenders == [] and (boot.SAMPLES, boot.SEED) == (1000, 0)


def test_prodigy_card_resolves_nothing(double_db, taxonomy, tmp_path):
    store = Store(double_db)
    summary = ex.export(store, taxonomy, tmp_path / "p.jsonl", fmt="prodigy")
    assert cards.dataset_card(store, taxonomy, summary, ["annotator"], None)["unresolved"] is None


def test_resolved_csv_reads_with_integer_tag_columns(double_db, taxonomy, tmp_path):
    out = tmp_path / "r.csv"
    assert run("--db", double_db, "export", "--format", "csv", "--out", out, "--no-agreement").exit_code == 0
    df = pd.read_csv(out)  # pandas defaults: the analyst's first try
    tags = [column_name(t, set()) for t in taxonomy.tags]
    assert all(str(df[t].dtype) == "int64" for t in tags) and set(df[tags].stack().unique()) <= {0, 1}
    assert len(df) == ex.export(Store(double_db), taxonomy, tmp_path / "r.jsonl").records
