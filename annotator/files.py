"""Writing files atomically (temporary file + rename) and reading JSON lines."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Iterable

from annotator.errors import AnnotatorError
from annotator.textsafe import to_json


class ExportError(AnnotatorError):
    pass


class AtomicFile:
    """Write to a temporary file beside the target and rename on success; nothing half-written remains."""

    def __init__(self, path: Path, force: bool):
        self.path = path
        if path.exists() and not force:
            raise ExportError(f"{path} exists: use --force to overwrite")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        except OSError as exc:
            raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from None
        self.tmp = Path(tmp)
        self.fh = os.fdopen(fd, "w", encoding="utf-8", newline="\n")

    def write(self, s: str) -> None:
        self.fh.write(s)

    def commit(self) -> None:
        self.fh.flush()
        os.fsync(self.fh.fileno())
        self.fh.close()
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        try:
            self.fh.close()
        finally:
            self.tmp.unlink(missing_ok=True)


def write_json(path: Path, obj: dict, force: bool = True) -> None:
    f = AtomicFile(path, force)
    try:
        f.write(to_json(obj, indent=2) + "\n")
        f.commit()
    except BaseException:
        f.abort()
        raise


def read_jsonl(path: Path) -> Iterable[tuple[int, str]]:
    with open(path, encoding="utf-8-sig") as fh:
        for i, line in enumerate(fh, 1):
            if line.strip():
                yield i, line
