"""The pinned segmentation (tests/data/segmentation.golden.json): regenerate it with

    python -m tests.regen_golden

It holds, per text, a hash of the units the segmenter makes — (kind, text, section, start, end) and
the title — for every seed report, the previous-release fixture and every Chinese text literal in the
segmenter tests, with SEGMENTER_VERSION. tests/test_segmentation_golden.py fails when an output
changes while the version stays. Regenerating refuses to bless a changed output under the same
version: bump SEGMENTER_VERSION in annotator/ingest/segmenter.py first (see docs: what a version
change means for existing databases). New texts are added freely.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
import sys
from pathlib import Path

from annotator.core.resources import seeds_dir
from annotator.ingest.decoding import read_text
from annotator.ingest.segmenter import SEGMENTER_VERSION, segment_rows

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "data" / "segmentation.golden.json"
FIXTURE_TESTS = ("ingest/test_segmenter.py", "ingest/test_furniture.py")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def texts() -> dict[str, str]:
    """Name → text of everything pinned."""
    out = {}
    for p in sorted(Path(seeds_dir()).iterdir()):
        if p.suffix in (".txt", ".md"):
            out[f"seeds/{p.name}"] = read_text(p).text
    out["tests/data/release-9792e61/web_report.txt"] = read_text(ROOT / "tests/data/release-9792e61/web_report.txt").text
    for name in FIXTURE_TESTS:
        tree = ast.parse((ROOT / "tests" / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and CHINESE.search(node.value) \
                    and len(node.value) >= 8:
                out[f"tests/{name}:{hashlib.sha256(node.value.encode()).hexdigest()[:12]}"] = node.value
    return out


def fingerprint(text: str) -> dict:
    title, rows = segment_rows(text, fallback_title="fallback")
    units = [(kind, text[a:b] if t is None else t, section, a, b) for _, kind, t, section, a, b in rows]
    blob = json.dumps([title, units], ensure_ascii=False)
    return {"units": len(units), "sha256": hashlib.sha256(blob.encode("utf-8")).hexdigest()}


def current() -> dict[str, dict]:
    return {name: fingerprint(t) for name, t in texts().items()}


def load() -> dict:
    return json.loads(GOLDEN.read_text(encoding="utf-8"))


def changed(golden: dict, now: dict[str, dict]) -> list[str]:
    return sorted(n for n, f in golden["texts"].items() if n in now and now[n] != f)


def main() -> int:
    now = current()
    if GOLDEN.exists():
        golden = load()
        moved = changed(golden, now)
        if moved and golden["segmenter_version"] == SEGMENTER_VERSION:
            print(f"the segmentation of {len(moved)} pinned texts changed ({', '.join(moved[:5])}…) while "
                  f"SEGMENTER_VERSION stayed {SEGMENTER_VERSION}: bump it in annotator/ingest/segmenter.py, then "
                  "run this again", file=sys.stderr)
            return 1
    GOLDEN.write_text(json.dumps({"segmenter_version": SEGMENTER_VERSION, "texts": now}, ensure_ascii=False,
                                 indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{GOLDEN}: {len(now)} texts pinned at segmenter version {SEGMENTER_VERSION}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
