"""Import throughput on a ≥50 MB corpus built from the seeds, next to a floor measured in the same run.

Floor: the same files read, split with a bare regex and inserted with one executemany.
Run: python benchmarks/import.py [--mb 50]
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _corpus import write_corpus  # noqa: E402

from annotator.importer import import_paths  # noqa: E402
from annotator.store import Store  # noqa: E402


def floor(files: list[Path], db: Path) -> float:
    t0 = time.perf_counter()
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute('CREATE TABLE sentences (id TEXT, doc_id TEXT, idx INT, kind TEXT, text TEXT, section TEXT,'
                 ' start INT, "end" INT)')
    split = re.compile(r"(?<=[。！？!?])")
    rows = []
    for f in files:
        text = f.read_bytes().decode("utf-8")
        pos = 0
        for i, piece in enumerate(split.split(text)):
            rows.append((f"{f.stem}-{i}", f.stem, i, "sentence", piece, None, pos, pos + len(piece)))
            pos += len(piece)
    conn.executemany("INSERT INTO sentences VALUES (?,?,?,?,?,?,?,?)", rows)
    conn.commit()
    conn.close()
    return time.perf_counter() - t0


def ours(files: list[Path], folder: Path, db: Path) -> tuple[float, int]:
    # jieba's dictionary is loaded lazily by the segmenting workers: its cost is inside this timing
    t0 = time.perf_counter()
    store = Store(db)
    report = import_paths(store, [folder])
    store.close()
    return time.perf_counter() - t0, report.sentences


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=50.0)
    ap.add_argument("--repeat", type=int, default=3, help="alternate floor and import runs; report medians")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="annotator-bench-"))
    try:
        files, size = write_corpus(work / "corpus", args.mb)
        mb = size / 1e6
        floors, ours_t = [], []
        for r in range(args.repeat):
            floors.append(floor(files, work / f"floor{r}.db"))
            t, n = ours(files, work / "corpus", work / f"ours{r}.db")
            ours_t.append(t)
            print(f"run {r + 1}: floor {floors[-1]:.2f} s, import {t:.2f} s, ratio {t / floors[-1]:.2f}x", flush=True)
        t_floor, t_ours = statistics.median(floors), statistics.median(ours_t)
        print(f"corpus: {len(files)} files, {mb:.1f} MB, {n} sentence units")
        print(f"floor (read + regex split + one executemany), median: {t_floor:6.2f} s  {mb / t_floor:6.2f} MB/s")
        print(f"annotator import (decode, segment, jieba, store), median: {t_ours:6.2f} s  {mb / t_ours:6.2f} MB/s")
        print(f"ratio of medians annotator/floor: {t_ours / t_floor:.2f}x (target <= 2.0x)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
