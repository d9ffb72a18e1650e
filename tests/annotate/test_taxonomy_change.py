"""A taxonomy may grow under existing judgments; renaming or removing a tag in use needs `taxonomy migrate`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.core.resources import default_taxonomy_path
from annotator.store import Store
from storehelpers import iter_annotations, iter_gold
BUNDLED = default_taxonomy_path().read_text(encoding="utf-8")
EXTRA_TAG = """      - id: health
        title: 卫生健康
        en: Health
        description: 医疗卫生。
"""


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def variant(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / f"{name}.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def used(store: Store, tag: str, table: str = "annotations") -> int:
    rows = iter_annotations(store) if table == "annotations" else iter_gold(store)
    return sum(tag in r["labels"] for r in rows)


def snapshot(db: Path) -> list:
    s = Store(db)
    return [list(iter_annotations(s)), list(iter_gold(s)), len(s.events())]


def renamed(text: str, old: str, new: str) -> str:
    return re.sub(rf"\bid: {old}\n", f"id: {new}\n", text)


def without(text: str, tag: str) -> str:
    return re.sub(rf"      - id: {tag}\n(?:        .*\n)+", "", text)


def test_adding_tags_is_accepted(double_db, tmp_path):
    grown = variant(tmp_path, "grown", BUNDLED.replace("      - id: rural\n", EXTRA_TAG + "      - id: rural\n"))
    r = run("--db", double_db, "--taxonomy", grown, "agree", "--json")
    assert r.exit_code == 0, r.output
    r = run("--db", double_db, "--taxonomy", grown, "export", "--out", tmp_path / "o.jsonl", "--no-agreement")
    assert r.exit_code == 0, r.output


@pytest.mark.parametrize("command", [["agree"], ["review"], ["tag"], ["export", "--out", "OUT"], ["suggest", "--evaluate"], ["stats"]])
def test_removing_or_renaming_a_used_tag_is_refused_with_counts(double_db, tmp_path, command):
    store = Store(double_db)
    n_econ, n_plan = used(store, "study"), used(store, "plan")
    assert n_econ and n_plan
    changed = variant(tmp_path, "changed", renamed(without(BUNDLED, "study"), "plan", "planning"))
    before = snapshot(double_db)
    args = [str(tmp_path / "o.jsonl") if a == "OUT" else a for a in command]
    r = run("--db", double_db, "--taxonomy", changed, *args)
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert f"study ({n_econ} judgments)" in r.output and f"plan ({n_plan} judgments)" in r.output
    assert "taxonomy migrate" in r.output and str(changed) in r.output
    assert snapshot(double_db) == before and not (tmp_path / "o.jsonl").exists()


def test_migrate_renames_logs_and_records_the_new_taxonomy(double_db, tmp_path):
    store = Store(double_db)
    n_plan, n_events = used(store, "plan"), len(store.events())
    new = variant(tmp_path, "renamed", renamed(BUNDLED, "plan", "planning"))
    r = run("--db", double_db, "--taxonomy", new, "taxonomy", "migrate", "--rename", "plan=planning", "--dry-run")
    assert r.exit_code == 0 and f"would change {n_plan} judgments" in r.output
    assert used(Store(double_db), "plan") == n_plan
    r = run("--db", double_db, "--taxonomy", new, "taxonomy", "migrate", "--rename", "plan=planning")
    assert r.exit_code == 0, r.output
    store = Store(double_db)
    assert used(store, "plan") == 0 and used(store, "planning") == n_plan
    events = store.events()
    migrated = [e for e in events if e["action"] == "migrate:plan=planning"]
    assert len(migrated) == n_plan == len(events) - n_events
    assert all('"plan"' in e["before"] and '"planning"' in e["after"] for e in migrated)
    r = run("--db", double_db, "taxonomy", "show")  # the database now records the new taxonomy
    assert "planning" in r.output
    assert run("--db", double_db, "agree").exit_code == 0


def test_migrate_drop_reopens_judgments_left_without_tags(seeded_db, tmp_path):
    from annotator.store import State

    store = Store(seeded_db)
    a, b = list(store.iter_units("sentence"))[:2]
    store.change("annotation", a.id, "amy", "confirm", State(("economy",), "done"))
    store.change("annotation", b.id, "amy", "confirm", State(("economy", "review"), "done"))
    store.change("gold", a.id, "judge", "gold-save", State(("economy",), "done"))
    new = variant(tmp_path, "dropped", without(BUNDLED, "economy"))
    r = run("--db", seeded_db, "--taxonomy", new, "taxonomy", "migrate", "--drop", "economy")
    assert r.exit_code == 0 and "changed 2 judgments and 1 gold" in r.output and "1 reopened" in r.output
    store = Store(seeded_db)
    assert store.annotation(a.id, "amy") == State((), "draft")
    assert store.annotation(b.id, "amy") == State(("review",), "done")
    assert store.resume_point("amy").id == a.id  # reopened work is back in the queue


def test_incomplete_migration_changes_nothing(double_db, tmp_path):
    new = variant(tmp_path, "two", renamed(renamed(BUNDLED, "plan", "planning"), "review", "retro"))
    before = snapshot(double_db)
    r = run("--db", double_db, "--taxonomy", new, "taxonomy", "migrate", "--rename", "plan=planning")
    assert r.exit_code == 1 and "review (" in r.output and "plan (" not in r.output
    assert snapshot(double_db) == before
    r = run("--db", double_db, "--taxonomy", new, "taxonomy", "migrate", "--rename", "plan=nowhere")
    assert r.exit_code == 2 and "'nowhere' is not a tag" in r.output
