"""Shared helpers for benchmarks: build large corpora from the bundled seeds."""

from __future__ import annotations

from pathlib import Path

from annotator.resources import seeds_dir


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
