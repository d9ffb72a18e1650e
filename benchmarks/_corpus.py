"""Shared helpers for benchmarks: build large corpora from the bundled seeds."""

from __future__ import annotations

from pathlib import Path

from annotator.core.resources import seeds_dir
from annotator.ingest.segmenter import SEGMENTER_VERSION, doc_id_for, segment
from annotator.store import Store


def seed_texts() -> list[tuple[str, str]]:
    return [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(seeds_dir().glob("*.txt"))]


def write_corpus(folder: Path, target_mb: float) -> tuple[list[Path], int]:
    """Distinct copies of the seeds (a numbered heading makes each one a new document)."""
    folder.mkdir(parents=True, exist_ok=True)
    seeds = seed_texts()
    files, total, k = [], 0, 0
    while total < target_mb * 1e6:
        for stem, text in seeds:
            p = folder / f"{k:05d}_{stem}.txt"
            data = f"# 副本 {k}\n\n{text}".encode("utf-8")
            p.write_bytes(data)
            files.append(p)
            total += len(data)
        k += 1
    return files, total


def build(db: Path, n_sentences: int) -> int:
    """Copies of the segmented seeds (each a distinct document) until n_sentences are stored."""
    segs = []
    for stem, text in seed_texts():
        seg = segment(text)
        segs.append((stem, doc_id_for(text), text, seg.title,
                     [(u.idx, u.kind, u.text, u.section, u.start, u.end) for u in seg.units]))
    store = Store(db)
    total, k = 0, 0
    with store.batch():
        while total < n_sentences:
            for stem, did, text, title, units in segs:
                if total >= n_sentences:
                    break
                keep, sent = [], 0
                for u in units:
                    if u[1] == "sentence":
                        if total + sent >= n_sentences:
                            break
                        sent += 1
                    keep.append(u)
                store.add_document(f"{did[:10]}{k:06d}", f"{stem}-{k}", title, text, "utf-8", SEGMENTER_VERSION, keep)
                total += sent
            k += 1
    store.close()
    return total
