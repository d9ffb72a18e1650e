"""How the HTML report draws charts: a document × tag heat map (1,000 documents × 28 tags) three ways.

matplotlib as one embedded PNG inside the SVG (imshow), matplotlib as vector cells (pcolormesh), and the
Vega-Lite spec altair writes (when altair is installed; the browser would also need the vega runtime
inlined, about 0.8 MB of script). Prints each one's size and drawing time.
Run: python benchmarks/chart_libraries.py
"""

from __future__ import annotations

import io
import time

import numpy as np


def main() -> None:
    rng = np.random.default_rng(0)
    m = rng.poisson(3, size=(1000, 28))
    t = time.perf_counter()
    import matplotlib

    matplotlib.use("svg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.fonttype"] = "none"
    t1 = time.perf_counter()
    print(f"matplotlib import: {t1 - t:.2f} s")
    for name, draw in (("imshow (one PNG in the SVG)", lambda ax: ax.imshow(m, aspect="auto", interpolation="nearest")),
                       ("pcolormesh (vector cells)", lambda ax: ax.pcolormesh(m))):
        t = time.perf_counter()
        fig, ax = plt.subplots(figsize=(8, 12))
        draw(ax)
        buf = io.StringIO()
        fig.savefig(buf, format="svg")
        plt.close(fig)
        print(f"matplotlib {name}: {len(buf.getvalue()) / 1e3:.0f} KB, {time.perf_counter() - t:.2f} s")
    try:
        import altair as alt
        import pandas as pd
    except ImportError:
        print("altair: not installed (pip install altair) — skipped")
        return
    t = time.perf_counter()
    alt.data_transformers.disable_max_rows()
    df = pd.DataFrame([(d, f"tag{j}", int(m[d, j])) for d in range(1000) for j in range(28)], columns=["doc", "tag", "n"])
    spec = alt.Chart(df).mark_rect().encode(x="tag:N", y="doc:O", color="n:Q").to_json()
    print(f"altair Vega-Lite spec: {len(spec) / 1e3:.0f} KB, {time.perf_counter() - t:.2f} s "
          "(plus the vega runtime, and the drawing happens in the browser)")


if __name__ == "__main__":
    main()
