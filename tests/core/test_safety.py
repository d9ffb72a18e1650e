"""Untrusted YAML never builds objects; text that looks like SQL is only ever data."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.core.errors import TaxonomyError
from annotator.store import State, Store
from annotator.core.taxonomy import load_taxonomy
INJECTION = "%'; DROP TABLE annotations; --"


@pytest.mark.parametrize("payload", [
    "!!python/object/apply:os.system ['touch {marker}']",
    "!!python/object/new:subprocess.check_output [['touch', '{marker}']]",
    "!!python/name:os.system",
])
def test_yaml_tags_never_construct_objects(tmp_path, payload):
    marker = tmp_path / "pwned"
    bad = tmp_path / "evil.yaml"
    bad.write_text(f"name: {payload.format(marker=marker)}\ntags:\n  - id: a\n    title: 甲\n", encoding="utf-8")
    with pytest.raises(TaxonomyError) as exc:
        load_taxonomy(bad)
    assert f"{bad}:1:" in exc.value.problems[0] and "not allowed" in exc.value.problems[0]
    result = CliRunner().invoke(cli, ["taxonomy", "check", str(bad)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert not marker.exists()


def _tables(store: Store) -> set[str]:
    return {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_sql_looking_text_is_just_text(store):
    before = _tables(store)
    assert store.search(INJECTION) == []
    for wildcard in ("%", "_"):  # LIKE wildcards match only themselves
        assert all(wildcard in h.text for h in store.search(wildcard))
    assert store.find_document(INJECTION) is None and store.find_document("%") is None
    sent = next(iter(store.iter_units("sentence")))
    store.change("annotation", sent.id, INJECTION, "confirm", State((INJECTION,), "done", INJECTION))
    assert store.annotation(sent.id, INJECTION) == State((INJECTION,), "done", INJECTION)
    assert store.next_in_queue(INJECTION, "todo", 0) is not None
    assert store.count_status(INJECTION, "done") == 1
    assert _tables(store) == before
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_sql_looking_arguments_on_the_command_line(seeded_db, tmp_path):
    runner = CliRunner()
    out = tmp_path / "out.jsonl"
    r = runner.invoke(cli, ["--db", str(seeded_db), "export", "--out", str(out), "--source", f"annotator:{INJECTION}"])
    assert "Traceback" not in r.output
    r = runner.invoke(cli, ["--db", str(seeded_db), "agree", "--tag", INJECTION])
    assert "Traceback" not in r.output
    store = Store(seeded_db)
    assert {"annotations", "events", "gold", "sentences"} <= _tables(store)
