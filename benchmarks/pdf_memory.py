"""Peak memory and time of importing one long PDF (default 2,000 pages) with the real command.

A Chinese PDF is written here with reportlab (STSong-Light, a few paragraphs per page, running
header and page numbers); then ``python -m annotator --db … import FILE`` runs in a child process
and reports its own peak RSS (``VmHWM`` of /proc/self/status at exit; ``ru_maxrss`` of a child
would count this process's size at the fork).

Run: python benchmarks/pdf_memory.py [--pages 2000]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PARA = ("一年来，县政协常务委员会坚持以习近平新时代中国特色社会主义思想为指导，认真履行政治协商、民主监督、"
        "参政议政职能，全年召开常委会议14次，组织委员开展专题调研12次，提出意见建议80余条。")


def write_pdf(path: Path, pages: int) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    w, h = A4
    c = canvas.Canvas(str(path), pagesize=A4)
    per_line = 38
    for n in range(1, pages + 1):
        c.setFont("STSong-Light", 9)
        c.drawString(72, h - 40, "政协某县第九届委员会第三次会议文件")
        c.drawCentredString(w / 2, 36, f"— {n} —")
        c.setFont("STSong-Light", 12)
        y = h - 90
        for k in range(4):
            text = f"第{n}页第{k + 1}段。" + PARA
            first = True
            while text:
                width = per_line - (2 if first else 0)
                c.drawString(72 + (24 if first else 0), y, text[:width])
                text, first = text[width:], False
                y -= 20
            y -= 4
        c.showPage()
    c.save()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=2000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="pdfmem") as tmp:
        pdf = Path(tmp) / "long.pdf"
        t0 = time.perf_counter()
        write_pdf(pdf, args.pages)
        print(f"wrote {args.pages} pages, {pdf.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - t0:.1f} s")
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        # the child reports its own high-water mark (VmHWM): ru_maxrss of a child would include the
        # size of this process at the fork, before the exec
        runner = ("import atexit, runpy, sys\n"
                  "def hwm():\n"
                  "    kb = [l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0]\n"
                  "    print('VmHWM', kb, file=sys.stderr)\n"
                  "atexit.register(hwm)\n"
                  "sys.argv = ['annotator'] + sys.argv[1:]\n"
                  "runpy.run_module('annotator', run_name='__main__')\n")
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", runner, "--db", str(Path(tmp) / "a.db"), "import", str(pdf)],
                              env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - t0
        peak_kb = int(next(line.split()[1] for line in proc.stderr.splitlines() if line.startswith("VmHWM")))
        print(proc.stdout.strip() or proc.stderr.strip())
        print(f"import of {args.pages} pages: {seconds:.1f} s, peak RSS {peak_kb / 1024:.0f} MB "
              f"(exit {proc.returncode})")

if __name__ == "__main__":
    main()
