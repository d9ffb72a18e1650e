"""The segmenter's version moves when its output moves: the segmentation of the seeds and the test
fixtures is pinned (tests/data/segmentation.golden.json, written by `python -m tests.regen_golden`).

Why: a sentence id is '<document id>-<index>'. Databases keep the units their documents were cut into
(and the segmenter version that cut them); merge places judgments by text, and refuses to place a
record without text by id on a document of another segmenter version. That only works if the version
says when the cutting changed."""

from __future__ import annotations

from annotator.ingest.segmenter import SEGMENTER_VERSION
from regen_golden import changed, current, load

REGEN = "python -m tests.regen_golden"


def test_the_segmentation_of_the_seeds_and_fixtures_moves_only_with_the_segmenter_version():
    golden = load()
    now = current()
    moved = changed(golden, now)
    if golden["segmenter_version"] != SEGMENTER_VERSION:
        raise AssertionError(f"SEGMENTER_VERSION is {SEGMENTER_VERSION}, the golden file pins version "
                             f"{golden['segmenter_version']}: regenerate it with `{REGEN}`")
    assert not moved, (f"the segmentation of {len(moved)} pinned texts changed ({', '.join(moved[:5])}) while "
                       f"SEGMENTER_VERSION stayed {SEGMENTER_VERSION}: bump SEGMENTER_VERSION in "
                       f"annotator/ingest/segmenter.py, then regenerate the golden file with `{REGEN}`")
    seeds = [n for n in golden["texts"] if n.startswith("seeds/")]
    assert len(seeds) >= 5 and all(n in now for n in seeds)  # the seeds are really pinned


def test_the_check_notices_a_change(monkeypatch):
    golden = load()
    now = current()
    name = next(iter(now))
    now[name] = {**now[name], "sha256": "0" * 64}
    assert changed(golden, now) == [name]
