"""A small import of text files loads nothing heavy: no jieba, scikit-learn, numpy, scipy, PDF, Word or
web-page library (each costs a noticeable part of the < 0.5 s a small import may take)."""

import json
import os
import subprocess
import sys
from pathlib import Path

from annotator.core.resources import seeds_dir

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("jieba", "sklearn", "numpy", "scipy", "pdfplumber", "pdfminer", "pypdf", "docx", "trafilatura", "lxml",
         "textual", "opencc")

PROBE = """
import json, runpy, sys
sys.argv = ["annotator"] + sys.argv[1:]
try:
    runpy.run_module("annotator", run_name="__main__")
except SystemExit as exc:
    code = exc.code
heavy = sorted({m.split(".")[0] for m in sys.modules} & set(HEAVY))
print(json.dumps({"code": code, "heavy": heavy}))
"""


def _run(args, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", f"HEAVY = {HEAVY!r}\n" + PROBE, *args], env=env, cwd=tmp_path,
                         capture_output=True, text=True, timeout=300)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_small_text_import_loads_nothing_heavy(tmp_path):
    got = _run(["--db", str(tmp_path / "a.db"), "import", str(seeds_dir())], tmp_path)
    assert got == {"code": 0, "heavy": []}


def test_reimport_and_docs_load_nothing_heavy(tmp_path):
    db = str(tmp_path / "b.db")
    _run(["--db", db, "import", str(seeds_dir())], tmp_path)
    assert _run(["--db", db, "import", str(seeds_dir())], tmp_path)["heavy"] == []
    assert _run(["--db", db, "docs"], tmp_path)["heavy"] == []
