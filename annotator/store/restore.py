"""Putting a backup in place of a database: checked first, the old files moved aside, never deleted."""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from annotator.core.errors import StoreError

SIDECARS = ("-wal", "-shm", "-journal")


def restore(backup: str | Path, target: str | Path) -> dict:
    """Replace ``target`` (and its -wal/-shm, which would otherwise be replayed onto the restored file)
    with a copy of ``backup``. The backup must be a sound annotator database (integrity_check); no
    process may be writing to the target. The old files are renamed ``NAME.replaced-<UTC time>``
    beside it, never deleted. Returns {"restored": path, "moved_aside": [paths], "counts": {...}}."""
    from annotator.store import Store

    backup, target = Path(backup), Path(target)
    if not backup.is_file():
        raise StoreError(f"{backup}: no such backup file")
    if target.exists() and backup.resolve() == target.resolve():
        raise StoreError(f"{backup} is the database itself: nothing to restore")
    src = Store(backup, create=False, read_only=True)  # refuses foreign, newer or non-SQLite files
    try:
        ok = src.conn.execute("PRAGMA integrity_check").fetchone()[0]
        counts = {t: src.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("documents", "sentences", "annotations", "gold", "events")}
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{backup}: not a sound database ({exc}); nothing was changed") from None
    finally:
        src.close()
    if ok != "ok":
        raise StoreError(f"{backup}: the backup fails its integrity check ({ok}); nothing was changed")
    if target.exists():
        _no_writer(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".restoring", dir=target.parent)
        os.close(fd)
    except OSError as exc:
        raise StoreError(f"cannot write beside {target}: {exc.strerror or exc}") from None
    moved: list[str] = []
    try:
        shutil.copyfile(backup, tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        mode = (os.stat(target).st_mode if target.exists() else os.stat(backup).st_mode) & 0o777
        os.chmod(tmp, mode)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        for suffix in ("", *SIDECARS):
            old = Path(f"{target}{suffix}")
            if old.exists():
                aside = Path(f"{target}.replaced-{stamp}{suffix}")
                os.replace(old, aside)
                moved.append(str(aside))
        os.replace(tmp, target)
    except OSError as exc:
        raise StoreError(f"cannot restore {target}: {exc.strerror or exc}"
                         + (f"; the old files are at {', '.join(moved)}" if moved else "; nothing was changed")) from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return {"restored": str(target), "moved_aside": moved, "counts": counts}


def _no_writer(target: Path) -> None:
    """Refuse while another process writes to the target (moving its files then would lose its work)."""
    conn = sqlite3.connect(f"{target.resolve().as_uri()}?mode=ro", uri=True, timeout=0)
    try:
        conn.execute("PRAGMA busy_timeout = 0")
        wal = Path(f"{target}-wal")
        if wal.exists() and wal.stat().st_size and Path(f"{target}-shm").exists():
            try:  # a reader's snapshot needs no lock a writer holds; an open write transaction shows as busy
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("ROLLBACK")
            except sqlite3.OperationalError as exc:
                if "locked" in str(exc) or "busy" in str(exc):
                    raise StoreError(f"{target} is being written by another process: stop every annotator and "
                                     "command using it, then restore") from None
    except sqlite3.DatabaseError:
        pass  # a damaged target is exactly what a restore is for
    finally:
        conn.close()
