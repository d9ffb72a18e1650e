"""Import speed, three figures:

1. the bundled seeds imported end to end by the real command from a cold start (a new process each
   time: interpreter start, imports, segmentation, the database written), median of several runs;
2. a corpus built from the seeds (30 MB by default) against a floor measured in the same run: the
   same files read, split with a bare regex and inserted with one executemany. The import is timed as
   `annotator import` runs it (search works when it returns); the search index built afterwards (by
   the screen's background thread or `annotator index`) is timed on its own line;
3. PDF extraction, pages per second, on a Chinese PDF written here with reportlab (STSong-Light).

Run: python benchmarks/import.py [--mb 30] [--repeat 3] [--cold 7] [--pages 60]
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _corpus import write_corpus  # noqa: E402

from annotator.ingest.importer import import_paths  # noqa: E402
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


def ours(files: list[Path], folder: Path, db: Path) -> tuple[float, int, float]:
    """The import as `annotator import` runs it (search works when it returns: what the index does not
    hold yet is scanned), and then the index brought up to date as the screen's thread or `annotator
    index` does it: (import seconds, sentences, index seconds)."""
    t0 = time.perf_counter()
    store = Store(db)
    report = import_paths(store, [folder])
    store.close()
    t_import = time.perf_counter() - t0
    t0 = time.perf_counter()
    store = Store(db)
    store.index_pending()
    store.close()
    return t_import, report.sentences, time.perf_counter() - t0


ROOT = Path(__file__).resolve().parent.parent


def cold_seeds(work: Path, runs: int) -> None:
    """`annotator import seeds/` in a new process each time, into a new database; and `--help`."""
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    times, helps = [], []
    for r in range(runs):
        db = work / f"cold{r}.db"
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "annotator", "--db", str(db), "import", str(ROOT / "seeds")],
                       check=True, stdout=subprocess.DEVNULL, env=env)
        times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "annotator", "--help"], check=True, stdout=subprocess.DEVNULL, env=env)
        helps.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    bare = time.perf_counter() - t0
    print(f"seeds, cold `annotator import seeds/` (5 documents, 401 sentences), {runs} runs: "
          f"median {statistics.median(times):.2f} s, best {min(times):.2f} s (target < 0.5 s)")
    print(f"`annotator --help`: median {statistics.median(helps):.2f} s; bare interpreter start {bare:.2f} s")


def make_pdf(path: Path, pages: int) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    from _corpus import seed_texts

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    text = "".join(t for _, t in seed_texts()).replace("\n", "").replace("#", "").replace("*", "")
    w, h = A4
    c = canvas.Canvas(str(path), pagesize=A4)
    pos, per_line = 0, 34
    for page in range(1, pages + 1):
        c.setFont("STSong-Light", 9)
        c.drawString(72, h - 40, "政协某县委员会文件")
        c.drawCentredString(w / 2, 36, f"— {page} —")
        c.setFont("STSong-Light", 12)
        for k in range(30):
            c.drawString(72, h - 90 - 22 * k, text[pos:pos + per_line])
            pos = (pos + per_line) % (len(text) - per_line)
        c.showPage()
    c.save()


def pdf_speed(work: Path, pages: int) -> None:
    from annotator.ingest.formats import extract
    from annotator.ingest.segmenter import segment

    pdf = work / "bench.pdf"
    make_pdf(pdf, pages)
    extract(pdf)  # warm: the libraries imported once
    t0 = time.perf_counter()
    ex = extract(pdf)
    t_ex = time.perf_counter() - t0
    t0 = time.perf_counter()
    seg = segment(ex.text, "bench", ex.title)
    t_seg = time.perf_counter() - t0
    print(f"PDF: {pages} pages, {len(ex.text):,} characters extracted in {t_ex:.2f} s = {pages / t_ex:.1f} pages/s "
          f"(pdfminer.six, layout-aware); segmenting {len(seg.units)} units {t_seg * 1000:.0f} ms")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=30.0)
    ap.add_argument("--repeat", type=int, default=3, help="alternate floor and import runs; report medians")
    ap.add_argument("--cold", type=int, default=7, help="cold-start runs of `annotator import seeds/`")
    ap.add_argument("--pages", type=int, default=60, help="pages of the generated PDF")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="annotator-bench-"))
    try:
        cold_seeds(work, args.cold)
        pdf_speed(work, args.pages)
        files, size = write_corpus(work / "corpus", args.mb)
        mb = size / 1e6
        floors, ours_t, index_t = [], [], []
        for r in range(args.repeat):
            floors.append(floor(files, work / f"floor{r}.db"))
            t, n, ti = ours(files, work / "corpus", work / f"ours{r}.db")
            ours_t.append(t)
            index_t.append(ti)
            print(f"run {r + 1}: floor {floors[-1]:.2f} s, import {t:.2f} s, ratio {t / floors[-1]:.2f}x; "
                  f"then the search index {ti:.2f} s", flush=True)
        t_floor, t_ours, t_index = statistics.median(floors), statistics.median(ours_t), statistics.median(index_t)
        print(f"corpus: {len(files)} files, {mb:.1f} MB, {n} sentence units")
        print(f"floor (read + regex split + one executemany), median: {t_floor:6.2f} s  {mb / t_floor:6.2f} MB/s")
        print(f"annotator import (decode, segment, page-break repair, store; search works), median: {t_ours:6.2f} s  "
              f"{mb / t_ours:6.2f} MB/s")
        print(f"ratio of medians annotator/floor: {t_ours / t_floor:.2f}x (target <= 2.0x)")
        print(f"the search index afterwards (the screen's background thread, or `annotator index`), median: "
              f"{t_index:.2f} s; import and index together {(t_ours + t_index) / t_floor:.2f}x the floor")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
