"""Partial results say exactly what was saved; refusals are one line with the path: an import that
fills the disk, a backup that fills it, a --db that is a URI."""

from __future__ import annotations

import os
import sqlite3
import types

import pytest
from click.testing import CliRunner

from annotator.cli import cli

SENTENCE = "县政协围绕{n}号议题开展协商议政，提出意见建议{n}条，推动问题解决。"


def run(*args):
    r = CliRunner().invoke(cli, list(args))
    return r.exit_code, r.output


def reports(folder, count: int):
    folder.mkdir()
    for i in range(count):
        (folder / f"r{i:03d}.txt").write_text("\n".join(SENTENCE.format(n=i * 10 + j) for j in range(6)) + "\n",
                                              encoding="utf-8")
    return folder


def test_an_import_that_fills_the_disk_says_what_was_saved(tmp_path, monkeypatch):
    import annotator.cli.ingest as ingest_cli
    import annotator.ingest.importer as importer

    src = reports(tmp_path / "in", 300)
    db = tmp_path / "full.db"
    monkeypatch.setattr(importer, "BATCH_BYTES", 1)  # a transaction per document
    monkeypatch.setattr(importer, "PARALLEL_MIN_FILES", 10 ** 9)
    monkeypatch.setattr(importer, "YIELD_SECONDS", 0)
    real_open = ingest_cli.open_store

    def small_disk(**kw):  # SQLite's own "database or disk is full" once the file has grown a little
        store = real_open(**kw)
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages + 120}")
        return store

    monkeypatch.setattr(ingest_cli, "open_store", small_disk)
    code, out = run("--db", str(db), "import", str(src))
    assert code == 1
    lines = out.strip().splitlines()
    assert len(lines) == 1, out
    with sqlite3.connect(db) as c:
        saved = c.execute("SELECT count(*) FROM documents").fetchone()[0]
        sentences = c.execute("SELECT count(*) FROM sentences WHERE kind = 'sentence'").fetchone()[0]
    assert 0 < saved < 300
    line = lines[0]
    assert line.startswith(f"error: {db}: database or disk is full")
    assert f"{saved} of 300 documents saved ({sentences} sentences)" in line
    assert f"{300 - saved} not saved" in line and "nothing was saved" not in line
    # the same import again, with room: the saved documents are skipped, the rest added
    monkeypatch.setattr(ingest_cli, "open_store", real_open)
    code, out = run("--db", str(db), "import", str(src))
    assert code == 0 and f"{300 - saved} documents added, {saved} unchanged" in out


def test_a_backup_that_fills_the_disk_leaves_no_partial_file_or_journal(seeded_db, tmp_path, monkeypatch):
    import annotator.store.base as base

    real = sqlite3.connect

    def connect(path, *a, **k):
        conn = real(path, *a, **k)
        if str(path).endswith(".tmp"):  # the copy: a full disk after a few pages, with SQLite's journal beside it
            open(f"{path}-journal", "wb").close()
            conn.execute("PRAGMA max_page_count = 5")
        return conn

    shim = types.SimpleNamespace(**{n: getattr(sqlite3, n) for n in dir(sqlite3) if not n.startswith("__")})
    shim.connect = connect
    monkeypatch.setattr(base, "sqlite3", shim)
    out_dir = tmp_path / "backups"
    out_dir.mkdir()
    code, out = run("--db", str(seeded_db), "backup", str(out_dir / "b.db"))
    assert code == 1 and len(out.strip().splitlines()) == 1, out
    assert "disk is full" in out and str(out_dir / "b.db") in out
    assert os.listdir(out_dir) == []


@pytest.mark.parametrize("value", ["file:x.db?mode=memory", "file::memory:", ":memory:", "file:/tmp/a.db"])
@pytest.mark.parametrize("command", [["import", "."], ["stats"], ["docs"]])
def test_db_must_be_a_file_path_not_a_uri(value, command, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out = run("--db", value, *command)
    assert code != 0
    assert out.strip() == f"error: --db takes a file path, not a URI: {value} (for a file named like that, write ./{value})"
    assert os.listdir(tmp_path) == []


def test_annotator_db_from_the_environment_is_checked_too(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ANNOTATOR_DB", "file:env.db?mode=memory")
    code, out = run("stats")
    assert code != 0 and "--db takes a file path, not a URI: file:env.db?mode=memory" in out
