"""Writing files atomically, alone or as a set, and reading JSON lines.

A single file is written to a temporary beside it and renamed into place. A set of files (an
export's splits, its dataset card and its manifest) is committed together: every file is complete
and fsynced as a temporary first; a small commit journal naming every rename is written (atomically)
before the first rename and removed after the last; the manifest, naming the run and each file's
SHA-256, is renamed last. A kill -9 during the renames leaves the journal, and the next write to the
same place finishes them first, so the set ends complete; a kill before them leaves the old set
untouched. Temporaries carry the writer's pid and are removed on any failure, on SIGTERM, and by the
next writer when their owner is gone. Files get the umask's permissions (teammates can read a
shared dataset), not mkstemp's 0600.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable

from annotator.core.errors import ExportError
from annotator.core.textsafe import to_json


def umask_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _temp_prefix(path: Path) -> str:
    return f".{path.name}.{os.getpid()}."


class AtomicFile:
    """Write to a temporary file beside the target and rename on success; nothing half-written remains."""

    def __init__(self, path: Path, force: bool):
        self.path = Path(path)
        if self.path.is_dir():
            raise ExportError(f"{path} is a folder: give a file name")
        if self.path.exists() and not force:
            raise ExportError(f"{path} exists: use --force to overwrite")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            remove_stale_temporaries(self.path)
            fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(self.path), suffix=".tmp", dir=self.path.parent)
        except OSError as exc:
            raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from None
        self.tmp = Path(tmp)
        self.fh = os.fdopen(fd, "w", encoding="utf-8", newline="\n")
        self.sha256 = hashlib.sha256()
        self.bytes = 0

    def write(self, s: str) -> None:
        data = s.encode("utf-8")
        self.sha256.update(data)
        self.bytes += len(data)
        try:
            self.fh.write(s)
        except OSError as exc:
            raise ExportError(f"cannot write {self.path}: {exc.strerror or exc}; nothing was written") from None

    def finish(self) -> None:
        """Complete and durable as a temporary (not yet in place)."""
        try:
            self.fh.flush()
            os.fsync(self.fh.fileno())
            self.fh.close()
            os.chmod(self.tmp, umask_mode())
        except OSError as exc:
            raise ExportError(f"cannot write {self.path}: {exc.strerror or exc}; nothing was written") from None

    def commit(self) -> None:
        self.finish()
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        try:
            self.fh.close()
        except OSError:
            pass
        finally:
            self.tmp.unlink(missing_ok=True)


def remove_stale_temporaries(path: Path) -> None:
    """Temporaries of ``path`` left by a writer that no longer runs (killed with -9)."""
    for tmp in path.parent.glob(f".{path.name}.*.tmp"):
        pid = tmp.name[len(path.name) + 2:].split(".", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            tmp.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class FileSet:
    """Files that are replaced together (see the module's docstring), committed with a manifest."""

    def __init__(self, manifest: Path, force: bool):
        self.manifest = Path(manifest)
        self.force = force
        self.files: dict[str, AtomicFile] = {}
        finish_interrupted(self.manifest)

    def open(self, path: Path) -> AtomicFile:
        f = self.files[str(path)] = AtomicFile(path, self.force)
        return f

    def add_json(self, path: Path, obj: dict) -> None:
        self.open(path).write(to_json(obj, indent=2) + "\n")

    def commit(self, run: str, about: dict) -> dict:
        """Put every file in place, the manifest last; returns the manifest."""
        for f in self.files.values():
            f.finish()
        manifest = {"run": run, **about, "files": {
            f.path.name: {"sha256": f.sha256.hexdigest(), "bytes": f.bytes} for f in self.files.values()}}
        m = AtomicFile(self.manifest, True)
        try:
            m.write(to_json(manifest, indent=2) + "\n")
            m.finish()
        except BaseException:
            m.abort()
            raise
        renames = [(str(f.tmp), str(f.path)) for f in self.files.values()] + [(str(m.tmp), str(m.path))]
        journal = _journal(self.manifest)
        write_atomically(journal, to_json(renames))
        for tmp, final in renames:
            os.replace(tmp, final)
        journal.unlink()
        return manifest

    def abort(self) -> None:
        for f in self.files.values():
            f.abort()


def _journal(manifest: Path) -> Path:
    return manifest.with_name(f".{manifest.name}.commit")


def finish_interrupted(manifest: Path) -> None:
    """A set whose renames were interrupted (kill -9) is completed before anything else is written."""
    journal = _journal(manifest)
    if not journal.exists():
        return
    try:
        renames = json.loads(journal.read_text(encoding="utf-8"))
        for tmp, final in renames:
            if os.path.exists(tmp):
                os.replace(tmp, final)
        journal.unlink()
    except (OSError, ValueError) as exc:
        raise ExportError(f"{journal}: an interrupted export could not be completed ({exc}); remove the file to "
                          "start over") from None


def write_atomically(path: Path, text: str) -> None:
    f = AtomicFile(path, True)
    try:
        f.write(text)
        f.commit()
    except BaseException:
        f.abort()
        raise


@contextmanager
def terminate_cleanly():
    """SIGTERM ends the process through the normal exit path, so ``finally`` blocks remove temporaries."""
    def stop(signum, frame):
        raise SystemExit(128 + signum)

    try:
        previous = signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def read_jsonl(path: Path) -> Iterable[tuple[int, str]]:
    with open(path, encoding="utf-8-sig") as fh:
        for i, line in enumerate(fh, 1):
            if line.strip():
                yield i, line
