"""What the search index costs an import: the same corpus imported by whole processes
(`python -m annotator import FOLDER`, a new database each time) with this tree and with a previous
revision (default: the one whose insert trigger filled the index row by row), alternating, next to
the floor (read + bare regex split + one executemany, benchmarks/import.py) measured in the same run.
Each of ours is `annotator import` then `annotator index`: the index complete when both return.

Run: python benchmarks/import_tax.py [--mb 10] [--repeat 3] [--before b68932e]
"""

from __future__ import annotations

import argparse
import importlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))

from _corpus import write_corpus  # noqa: E402

floor = importlib.import_module("import").floor


def run_import(tree: Path, folder: Path, db: Path) -> float:
    t = time.perf_counter()
    env = {"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-m", "annotator", "--db", str(db), "import", str(folder)], check=True,
                   stdout=subprocess.DEVNULL, cwd=tree, env=env)  # -m puts the working folder first on the path
    if (tree / "annotator" / "annotate" / "indexing.py").exists():  # a tree that leaves a large index for later
        subprocess.run([sys.executable, "-m", "annotator", "--db", str(db), "index"], check=True,
                       stdout=subprocess.DEVNULL, cwd=tree, env=env)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=10.0)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--before", default="b68932e")
    a = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="annotator-tax-"))
    try:
        old = work / "before"
        old.mkdir()
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", a.before, "annotator", "seeds", "taxonomies"],
                                 check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
        files, size = write_corpus(work / "corpus", a.mb)
        f, b, n = [], [], []
        for r in range(a.repeat):
            f.append(floor(files, work / f"floor{r}.db"))
            b.append(run_import(old, work / "corpus", work / f"before{r}.db"))
            n.append(run_import(ROOT, work / "corpus", work / f"now{r}.db"))
            print(f"run {r + 1}: floor {f[-1]:.2f} s, before {b[-1]:.2f} s, now {n[-1]:.2f} s", flush=True)
        mf, mb, mn = (statistics.median(x) for x in (f, b, n))
        print(f"{len(files)} files, {size / 1e6:.1f} MB. Medians: floor {mf:.2f} s, import before ({a.before}, "
              f"trigger) {mb:.2f} s, import now {mn:.2f} s; now/before {mn / mb:.2f}x, now/floor {mn / mf:.2f}x, "
              f"before/floor {mb / mf:.2f}x")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
