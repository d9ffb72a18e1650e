"""Databases that cannot be used as asked: not SQLite, from a newer annotator, read-only."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.core.errors import StoreError
from annotator.store import State, Store
from annotator.tui.app import build_app


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def checkpointed(path: Path) -> Path:
    s = Store(path)
    s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    s.close()
    return path


@contextlib.contextmanager
def unwritable(path: Path):
    """Make ``path`` unwritable for this process: chmod, and for root (whom chmod does not stop)
    the immutable attribute. Skips when neither works here."""
    mode = path.stat().st_mode
    path.chmod(0o444)
    immutable = False
    if os.access(path, os.W_OK):
        immutable = subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode == 0
    try:
        if os.access(path, os.W_OK):
            pytest.skip("cannot make a file unwritable for this user on this file system")
        yield path
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        path.chmod(mode)


def test_newer_schema_is_refused_and_left_untouched(seeded_db, tmp_path):
    checkpointed(seeded_db)
    con = sqlite3.connect(seeded_db)
    con.execute("PRAGMA user_version = 99")
    con.close()
    before = digest(seeded_db)
    runner = CliRunner()
    for args in (["agree"], ["export", "--out", str(tmp_path / "x.jsonl")], ["import", str(tmp_path)], ["tag"], ["review"]):
        r = runner.invoke(cli, ["--db", str(seeded_db), *args])
        assert r.exit_code == 1, args
        assert "schema version 99 is newer" in r.output and "Traceback" not in r.output
    assert digest(seeded_db) == before
    assert not (tmp_path / "x.jsonl").exists()


def test_a_foreign_sqlite_database_is_not_adopted(tmp_path):
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE customers (name TEXT)")
    con.commit()
    con.close()
    before = digest(other)
    with pytest.raises(StoreError, match="not an annotator database"):
        Store(other)
    assert digest(other) == before


def test_a_folder_or_a_text_file_as_database(tmp_path):
    r = CliRunner().invoke(cli, ["--db", str(tmp_path), "agree"])
    assert r.exit_code == 1 and "is a folder" in r.output
    txt = tmp_path / "notes.txt"
    txt.write_text("政协工作报告", encoding="utf-8")
    r = CliRunner().invoke(cli, ["--db", str(txt), "export", "--out", str(tmp_path / "o.jsonl")])
    assert r.exit_code == 1 and "not an SQLite database" in r.output
    assert txt.read_text(encoding="utf-8") == "政协工作报告"


def _read_only_checks(db: Path, tmp_path: Path, extra: list[str]) -> None:
    runner = CliRunner()
    before = digest(db)
    out = tmp_path / "ro.jsonl"
    r = runner.invoke(cli, ["--db", str(db), *extra, "export", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert len(out.read_text(encoding="utf-8").splitlines()) > 100
    r = runner.invoke(cli, ["--db", str(db), *extra, "agree", "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["overall"]["alpha_masi"] is not None
    for args in (["tag"], ["import", str(tmp_path)]):
        r = runner.invoke(cli, ["--db", str(db), *extra, *args])
        assert r.exit_code == 1 and "read-only" in r.output and "Traceback" not in r.output, r.output
    assert digest(db) == before


def test_read_only_flag_allows_review_agree_export(double_db, tmp_path):
    checkpointed(double_db)
    _read_only_checks(double_db, tmp_path, ["--read-only"])


def test_unwritable_database_file_opens_read_only(double_db, tmp_path):
    checkpointed(double_db)
    with unwritable(double_db):
        assert Store(double_db).read_only
        _read_only_checks(double_db, tmp_path, [])


async def test_review_screen_on_a_read_only_database(double_db, taxonomy):
    checkpointed(double_db)
    store = Store(double_db, read_only=True)
    app = build_app(store, taxonomy, "judge", mode="review")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        item = app.session.current
        assert item is not None and len(app.session.items) > 10
        assert "read-only" in str(app.screen.query_one("#status").render())
        await pilot.press("f1")
        await pilot.pause()
        assert any("read-only" in str(n.message) for n in app._notifications)
        assert app.session.gold == State((), "draft")
        await pilot.press("down")  # browsing still works
        assert app.session.current != item
        await pilot.press("ctrl+d")
        await pilot.pause(0.5)
    assert Store(double_db).gold(item.id) is None


def test_writes_to_a_read_only_store_name_the_file(seeded_db):
    checkpointed(seeded_db)
    store = Store(seeded_db, read_only=True)
    sent = next(iter(store.iter_units("sentence")))
    with pytest.raises(StoreError, match=str(seeded_db)):
        store.change("annotation", sent.id, "alice", "confirm", State((), "done"))
    assert store.resume_point("alice") is not None
