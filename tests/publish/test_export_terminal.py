"""`export --out -` on a terminal goes through the one sanitiser (textsafe); into a pipe or a file the
report text stays exact data, and --excel keeps neutralising formulas."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.ingest.importer import import_paths
from annotator.store import State, Store

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = "本委开展协商\x1b[2J\x1b]52;c;ZXZpbA==\x07\x9b31m\u202e议政。"
RAW = ("\x1b", "\x07", "\x9b", "\u202e")


@pytest.fixture
def hostile_db(tmp_path):
    doc = tmp_path / "r.txt"
    doc.write_text(f"{HOSTILE}\n=SUM(A1:A2)开头的句子。\n", encoding="utf-8")
    db = tmp_path / "h.db"
    store = Store(db)
    import_paths(store, [doc])
    for s in store.iter_units("sentence"):
        store.change("annotation", s.id, "alice", "confirm", State(("study",), "done", "note\x1b[31m"))
    store.close()
    return db


def on_terminal(*args: str) -> str:
    """Run the CLI with stdout on a pseudo-terminal; everything it printed."""
    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.environ["PYTHONPATH"] = str(ROOT)
            os.execv(sys.executable, [sys.executable, "-m", "annotator", *args])
        finally:
            os._exit(127)
    out = bytearray()
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        out.extend(chunk)
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0, out.decode("utf-8", "replace")
    return out.decode("utf-8")


def in_pipe(*args: str) -> str:
    r = subprocess.run([sys.executable, "-m", "annotator", *args], capture_output=True,
                       env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300)
    assert r.returncode == 0, r.stderr
    return r.stdout.decode("utf-8")


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "doccano"])
def test_export_to_a_terminal_shows_control_codes_as_stand_ins(hostile_db, fmt):
    shown = on_terminal("--db", str(hostile_db), "export", "--format", fmt, "--out", "-")
    assert "本委开展协商" in shown
    assert not any(c in shown for c in RAW), [c for c in RAW if c in shown]
    if fmt == "csv":
        assert "␛[2J" in shown and "\ufffd" in shown  # ESC as its picture; C1 and bidi as U+FFFD


def test_export_csv_into_a_pipe_is_the_exact_data(hostile_db, tmp_path):
    piped = in_pipe("--db", str(hostile_db), "export", "--format", "csv", "--out", "-")
    assert HOSTILE in piped and "\r\n" in piped  # report text kept as data, rows end in CR LF
    out = tmp_path / "x.csv"
    in_pipe("--db", str(hostile_db), "export", "--format", "csv", "--out", str(out))
    assert HOSTILE in out.read_text(encoding="utf-8")


def test_excel_csv_on_a_terminal_still_neutralises_formulas(hostile_db):
    shown = on_terminal("--db", str(hostile_db), "export", "--format", "csv", "--excel", "--out", "-")
    assert "'=SUM(A1:A2)" in shown and "\n=SUM" not in shown and ",=SUM" not in shown
    assert not any(c in shown for c in RAW)
