"""Where the bundled seeds and taxonomy live, installed (package data) or in a checkout."""

from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent.parent  # the annotator package


def _find(name: str) -> Path:
    for base in (_PKG / "_data", _PKG.parent):
        p = base / name
        if p.exists():
            return p
    raise FileNotFoundError(f"bundled {name} not found next to {_PKG}")


def seeds_dir() -> Path:
    return _find("seeds")


def default_taxonomy_path() -> Path:
    return _find("taxonomies") / "cppcc.yaml"
