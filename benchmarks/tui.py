"""Tagging-screen speed on 1,000 and 1,000,000 sentences, measured inside the app.

For each database: time from launch to the first sentence on screen, and handler time of
toggle, confirm-and-advance and undo (p50/p99 over --actions each), then the 1M/1k ratios.
Run: python benchmarks/tui.py [--actions 500]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _corpus import build  # noqa: E402

from annotator.core.resources import default_taxonomy_path  # noqa: E402
from annotator.store import Store  # noqa: E402
from annotator.core.taxonomy import load_taxonomy  # noqa: E402


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


async def measure(db: Path, actions: int) -> dict:
    from annotator.tui.app import build_app

    taxonomy = load_taxonomy(default_taxonomy_path())
    t0 = time.perf_counter()
    app = build_app(Store(db), taxonomy, "bench")
    async with app.run_test(size=(120, 40)) as pilot:
        while app.first_paint is None:
            await pilot.pause(0.001)
        launch = app.first_paint - t0
        app.timings.clear()
        for i in range(actions):
            await pilot.press("c")
        for i in range(actions):
            await pilot.press("enter")
        for i in range(actions):
            await pilot.press("ctrl+z")
    out = {"launch_ms": launch * 1000}
    for name in ("toggle", "confirm", "undo"):
        xs = [t * 1000 for n, t in app.timings if n == name]
        out[f"{name}_n"] = len(xs)
        out[f"{name}_p50_ms"] = statistics.median(xs)
        out[f"{name}_p99_ms"] = pct(xs, 99)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--actions", type=int, default=500)
    ap.add_argument("--sizes", default="1000,1000000")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    work = Path(tempfile.mkdtemp(prefix="annotator-tui-"))
    results = {}
    try:
        for n in sizes:
            db = work / f"c{n}.db"
            t = time.perf_counter()
            built = build(db, n)
            print(f"built {built} sentences in {time.perf_counter() - t:.1f} s", flush=True)
            results[n] = asyncio.run(measure(db, args.actions))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    keys = list(results[sizes[0]])
    print(f"{'figure':<16}" + "".join(f"{n:>14,}" for n in sizes) + (f"{'ratio':>10}" if len(sizes) > 1 else ""))
    for k in keys:
        row = f"{k:<16}" + "".join(f"{results[n][k]:>14.2f}" for n in sizes)
        if len(sizes) > 1 and not k.endswith("_n"):
            row += f"{results[sizes[-1]][k] / results[sizes[0]][k]:>10.2f}"
        print(row)


if __name__ == "__main__":
    main()
