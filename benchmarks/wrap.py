"""Chinese line breaking (annotator/tui/wrap.py) against Rich's Text.wrap, per unit wrapped.

    python benchmarks/wrap.py [--repeat 200]
"""

from __future__ import annotations

import argparse
import sys
import timeit
from pathlib import Path

from rich.console import Console
from rich.text import Text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from annotator.tui.wrap import lines  # noqa: E402

LONG = ("政协委员围绕乡村振兴开展专题协商，提出意见建议二十三条，" * 40)[:999] + "。"
SHORT = "区委书记狄志强参加有事好商量·共谋“十四五”活动，围绕乡村振兴开展专题协商。"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=200)
    n = ap.parse_args().repeat
    console = Console(width=200)
    for name, s in (("1,000 characters", LONG), ("40 characters", SHORT)):
        t = Text(s)
        ours = timeit.timeit(lambda: lines(t, 76), number=n) / n
        rich = timeit.timeit(lambda: t.wrap(console, 76), number=n) / n
        print(f"{name} at 76 cells: wrap.lines {ours * 1e3:.3f} ms, Rich Text.wrap {rich * 1e3:.3f} ms")


if __name__ == "__main__":
    main()
