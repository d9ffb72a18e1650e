"""The edges going out: export sets, damaged databases, restore, and everything the CLI prints."""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.core import files as files_mod
from annotator.cli import cli
from annotator.store import State, Store
from storehelpers import iter_annotations
ROOT = Path(__file__).resolve().parents[2]
HOSTILE = "\x1b]52;c;cHduZWQ=\x07[b]x[/b]\x1b]0;owned\x07\x1b[2J\x9b31m\u202e"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def annotator(*args, timeout=120, **kw):
    return subprocess.run([sys.executable, "-m", "annotator", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "PYTHONPATH": str(ROOT)}, **kw)


def harmless(text: str) -> None:
    assert not any(c in text for c in "\x1b\x07\x9b\u202e"), repr(text[:300])
    assert "Traceback" not in text


# ----------------------------------------------------------------------------- export sets
def test_split_export_writes_data_card_and_manifest_as_one_set(double_db, tmp_path):
    out = tmp_path / "ds" / "data.jsonl"
    r = run("--db", double_db, "export", "--out", out, "--split", "train=0.8,test=0.2", "--no-agreement")
    assert r.exit_code == 0, r.output
    manifest = json.loads((tmp_path / "ds" / "data.manifest.json").read_text(encoding="utf-8"))
    card = json.loads((tmp_path / "ds" / "data.meta.json").read_text(encoding="utf-8"))
    assert card["run"] == manifest["run"] and card["manifest"] == "data.manifest.json"
    assert set(manifest["files"]) == {"data-train.jsonl", "data-test.jsonl", "data.meta.json"}
    import hashlib

    for name, f in manifest["files"].items():
        assert hashlib.sha256((tmp_path / "ds" / name).read_bytes()).hexdigest() == f["sha256"]
    assert sorted(p.name for p in (tmp_path / "ds").iterdir()) == [
        "data-test.jsonl", "data-train.jsonl", "data.manifest.json", "data.meta.json"]  # no temporaries


def test_a_split_export_failing_midway_leaves_the_old_set(double_db, tmp_path, monkeypatch):
    out = tmp_path / "data.jsonl"
    assert run("--db", double_db, "export", "--out", out, "--split", "train=0.5,test=0.5", "--no-agreement").exit_code == 0
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file() and p.suffix != ".db"}
    real = files_mod.AtomicFile.write
    calls = {"n": 0}

    def full_disk(self, s):
        calls["n"] += 1
        if calls["n"] == 150:
            raise files_mod.ExportError(f"cannot write {self.path}: {os.strerror(errno.ENOSPC)}; nothing was written")
        return real(self, s)

    monkeypatch.setattr(files_mod.AtomicFile, "write", full_disk)
    r = run("--db", double_db, "export", "--out", out, "--split", "train=0.5,test=0.5", "--force", "--no-agreement")
    assert r.exit_code == 1 and "No space left on device" in r.output and "Traceback" not in r.output
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file() and p.suffix != ".db"}
    assert after == before  # the old set, whole; no temporaries


def test_a_full_disk_is_one_line(double_db, tmp_path, monkeypatch):
    def enospc(*a, **k):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(files_mod.os, "fsync", enospc)
    r = run("--db", double_db, "export", "--out", tmp_path / "x.jsonl", "--no-agreement")
    assert r.exit_code == 1 and "No space left on device" in r.output and "Traceback" not in r.output
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("double.db")] == []


def test_an_existing_folder_as_out_is_one_line(double_db, tmp_path):
    (tmp_path / "folder.jsonl").mkdir()
    r = run("--db", double_db, "export", "--out", tmp_path / "folder.jsonl", "--no-agreement")
    assert r.exit_code == 1 and "is a folder" in r.output and "Traceback" not in r.output


def test_exports_follow_the_umask(double_db, tmp_path):
    old = os.umask(0o022)
    try:
        assert run("--db", double_db, "export", "--out", tmp_path / "x.jsonl").exit_code == 0
    finally:
        os.umask(old)
    for name in ("x.jsonl", "x.meta.json", "x.manifest.json"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o644


def test_kill_9_during_a_split_export_leaves_the_old_or_the_new_set(double_db, tmp_path):
    """Killed at several moments: afterwards (and after the next export finished any interrupted
    commit) the manifest's hashes match every file of its set."""
    import hashlib

    out = tmp_path / "data.jsonl"
    args = ["--db", double_db, "export", "--out", out, "--split", "train=0.5,test=0.5", "--force", "--no-agreement"]
    assert annotator(*args).returncode == 0
    for delay in (0.3, 0.6, 0.9, 1.2):
        p = subprocess.Popen([sys.executable, "-m", "annotator", *map(str, args)], env={**os.environ,
                             "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        p.send_signal(signal.SIGKILL)
        p.wait()
        files_mod.finish_interrupted(tmp_path / "data.manifest.json")  # what the next export does first
        manifest = json.loads((tmp_path / "data.manifest.json").read_text(encoding="utf-8"))
        for name, f in manifest["files"].items():
            assert hashlib.sha256((tmp_path / name).read_bytes()).hexdigest() == f["sha256"], (delay, name)
    assert annotator(*args).returncode == 0
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # stale temporaries cleaned


def test_export_to_stdout_prints_nothing_when_it_fails(double_db, tmp_path):
    damaged = damage(double_db, tmp_path)
    r = annotator("--db", damaged, "export", "--out", "-")
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr.count("\n") == 1 and "damaged" in r.stderr and "annotator restore" in r.stderr


# ----------------------------------------------------------------------------- damaged databases
def damage(db: Path, tmp_path: Path) -> Path:
    """A real database with bytes overwritten in the middle (its header intact)."""
    bad = tmp_path / "damaged.db"
    shutil.copy(db, bad)
    size = bad.stat().st_size
    with open(bad, "r+b") as fh:
        for at in range(8192, size - 4096, max(4096, size // 8)):
            fh.seek(at)
            fh.write(os.urandom(2048))
    return bad


@pytest.mark.parametrize("args", [["agree"], ["stats"], ["export", "--out", "X", "--no-agreement"],
                                  ["suggest", "--evaluate"]])
def test_a_damaged_database_is_one_line_naming_the_file(double_db, tmp_path, args):
    bad = damage(double_db, tmp_path)
    args = [str(tmp_path / "o.jsonl") if a == "X" else a for a in args]
    r = annotator("--db", bad, *args)
    assert r.returncode == 1, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and str(bad) in r.stderr, r.stderr
    harmless(r.stderr)


def test_restore_puts_a_backup_in_place_and_moves_the_old_files_aside(double_db, tmp_path):
    backup = tmp_path / "backup.db"
    assert run("--db", double_db, "backup", backup).exit_code == 0
    live = tmp_path / "live.db"
    shutil.copy(damage(double_db, tmp_path), live)
    (tmp_path / "live.db-wal").write_bytes(b"stale wal from another life")
    r = run("--db", live, "restore", backup)
    assert r.exit_code == 0, r.output
    aside = sorted(p.name for p in tmp_path.iterdir() if ".replaced-" in p.name)
    assert len(aside) == 2 and aside[0].endswith("Z") and aside[1].endswith("Z-wal")
    assert not (tmp_path / "live.db-wal").exists()
    assert Store(live).conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert len(list(iter_annotations(Store(live)))) == len(list(iter_annotations(Store(double_db))))


def test_restore_refuses_a_bad_backup_and_changes_nothing(double_db, tmp_path):
    live = tmp_path / "live.db"
    shutil.copy(double_db, live)
    before = live.read_bytes()
    (tmp_path / "junk.db").write_bytes(b"not a database at all" * 100)
    r = run("--db", live, "restore", tmp_path / "junk.db")
    assert r.exit_code == 1 and "junk.db" in r.output and live.read_bytes() == before
    r = run("--db", live, "restore", damage(double_db, tmp_path))
    assert r.exit_code == 1 and live.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if ".replaced-" in p.name or p.name.startswith(".")]


def test_reading_commands_never_write_the_database(double_db, tmp_path):
    """agree, stats, export, docs, taxonomy show, suggest and backup open the file with mode=ro."""
    os.chmod(double_db, 0o644)
    before = double_db.read_bytes()
    for args in (["agree", "--json"], ["stats"], ["docs"], ["taxonomy", "show"],
                 ["export", "--out", tmp_path / "e.jsonl", "--no-agreement"], ["backup", tmp_path / "b.db"]):
        assert run("--db", double_db, *args).exit_code == 0, args
    assert double_db.read_bytes() == before
    assert not Path(f"{double_db}-wal").exists() or Path(f"{double_db}-wal").stat().st_size == 0


# ----------------------------------------------------------------------------- what the CLI prints
def test_every_cli_output_prints_hostile_text_harmlessly(seeded_db, tmp_path, taxonomy):
    store = Store(seeded_db)
    doc = store.documents()[0]
    with store.transaction():  # a hostile title, as a web page's <title> might carry
        store.conn.execute("UPDATE documents SET title = ? WHERE id = ?", (HOSTILE, doc["id"]))
    sid = next(store.iter_units("sentence")).id
    for who in (HOSTILE, "bob"):
        store.change("annotation", sid, who, "confirm", State(("study",) if who == "bob" else ("plan",), "done"))
    store.close()
    outputs = []
    for args in (["docs"], ["agree"], ["stats"], ["export", "--out", tmp_path / "x.jsonl"],
                 ["export", "--out", "-"], ["taxonomy", "show"]):
        r = annotator("--db", seeded_db, *args)
        assert r.returncode == 0, (args, r.stderr)
        outputs.append(r.stdout + r.stderr)
    name = tmp_path / f"report{HOSTILE.replace('/', '')}.txt"
    name.write_bytes(b"\x00\x01binary")
    r = annotator("--db", seeded_db, "import", name)
    assert r.returncode == 1 and "binary" in r.stderr
    outputs.append(r.stdout + r.stderr)
    jl = tmp_path / "in.jsonl"
    jl.write_text(json.dumps({"id": sid, "annotations": {HOSTILE: {"labels": ["nope\x1b[2J"]}}}) + "\n",
                  encoding="utf-8")
    r = annotator("--db", seeded_db, "merge", jl)
    assert r.returncode == 1
    outputs.append(r.stdout + r.stderr)
    r = annotator("--db", seeded_db, "tag", "--queue", HOSTILE)
    assert r.returncode == 2
    outputs.append(r.stdout + r.stderr)
    for out in outputs:
        harmless(out)
    assert "[b]x[/b]" in outputs[0]  # shown literally, as data
