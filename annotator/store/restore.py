"""Putting a backup in place of a database: checked first, refused while the database is open anywhere,
the old files kept beside it (never deleted), and never a moment without a database at the path.

The steps, each safe to be killed after (``kill -9``): the backup's schema is checked (only ours) and
its integrity (bounded in time); a full copy is written to a temporary file beside the database and
fsynced; the old file gets a second name ``NAME.replaced-<UTC time>`` (a hard link, so the path keeps
it; a copy when a -wal is beside it) and its -wal/-shm are copied aside as they are; the write-ahead
log is checkpointed into the old file (so the file alone holds all of the old database) and removed;
then one ``os.replace`` puts the new copy at the path. At every moment the path holds the old
database or the new one.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from annotator.core.errors import StoreError
from annotator.core.files import remove_stale_temporaries
from annotator.store.inuse import in_use_by_another_process
from annotator.store.sources import CHECK_SECONDS, bounded, check_schema, open_readonly

SIDECARS = ("-wal", "-shm", "-journal")
TABLES = ("documents", "sentences", "annotations", "gold", "events")


def _step() -> None:
    """A pause between steps, for the test that kills a restore at every point (never set otherwise)."""
    pause = os.environ.get("ANNOTATOR_TEST_RESTORE_PAUSE")
    if pause:
        time.sleep(float(pause))


def restore(backup: str | Path, target: str | Path) -> dict:
    """Replace ``target`` (and its -wal/-shm, which would otherwise be replayed onto the restored file)
    with a copy of ``backup``. The backup must be a sound annotator database of our own schema; no
    process may have the target open. The old files are kept as ``NAME.replaced-<UTC time>`` beside
    it. Returns {"restored": path, "moved_aside": [paths], "counts": {...}}."""
    backup, target = Path(backup), Path(target)
    if not backup.is_file():
        raise StoreError(f"{backup}: no such backup file")
    if target.exists() and backup.resolve() == target.resolve():
        raise StoreError(f"{backup} is the database itself: nothing to restore")
    counts = _check_backup(backup)
    if target.exists() or any(Path(f"{target}{s}").exists() for s in SIDECARS):
        if in_use_by_another_process(target):
            raise StoreError(f"{target} is open in another process (a tagging or review screen, or a command): "
                             "close it first; nothing was changed")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(target)  # a restore or backup killed with -9 left its copy
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=target.parent)
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
        _step()
        stamp = _free_stamp(target)
        sidecars = [Path(f"{target}{s}") for s in SIDECARS if Path(f"{target}{s}").exists()]
        if target.exists():
            aside = Path(f"{target}.replaced-{stamp}")
            if sidecars:  # the checkpoint below writes the old file: keep an exact copy aside
                _copy_synced(target, aside)
            else:
                _second_name(target, aside)
            moved.append(str(aside))
            _step()
        for old in sidecars:  # copies kept exactly as they were, before anything opens the old database
            aside = Path(f"{target}.replaced-{stamp}{old.name[len(target.name):]}")
            _copy_synced(old, aside)
            moved.append(str(aside))
            _step()
        if target.exists() and sidecars:
            _checkpoint(target)  # the path's file alone now holds the whole old database
            _step()
        for old in sidecars:
            if old.exists():
                old.unlink()  # (its copy is aside) never replayed onto the restored file
                _step()
        os.replace(tmp, target)
        _sync_folder(target.parent)
    except OSError as exc:
        raise StoreError(f"cannot restore {target}: {exc.strerror or exc}"
                         + (f"; the old database is still at {target}, a copy at {', '.join(moved)}" if moved
                            else "; nothing was changed")) from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return {"restored": str(target), "moved_aside": moved, "counts": counts}


def _free_stamp(target: Path) -> str:
    """A UTC time for the names set aside that no file uses yet (a killed restore may have left some)."""
    base = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    stamp, k = base, 1
    while any(Path(f"{target}.replaced-{stamp}{s}").exists() for s in ("", *SIDECARS)):
        k += 1
        stamp = f"{base}-{k}"
    return stamp


def _check_backup(backup: Path) -> dict:
    check_schema(backup)  # only our own schema: no extra trigger, view, index; bounded in time
    conn = open_readonly(backup)
    try:
        with bounded(conn, CHECK_SECONDS, f"{backup}: its integrity check"):
            ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
            counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{backup}: not a sound database ({exc}); nothing was changed") from None
    finally:
        conn.close()
    if ok != "ok":
        raise StoreError(f"{backup}: the backup fails its integrity check ({ok}); nothing was changed")
    return counts


def _checkpoint(target: Path) -> None:
    """Fold the old database's write-ahead log into its file, so the file alone is the whole old database
    while the -wal goes aside. A damaged database may refuse: then its -wal is kept aside as it is."""
    try:
        conn = sqlite3.connect(target, timeout=0, isolation_level=None)
        try:
            with bounded(conn, CHECK_SECONDS, f"{target}: folding its write-ahead log in"):
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
    except (sqlite3.DatabaseError, StoreError):
        pass


def _second_name(target: Path, aside: Path) -> None:
    """The old file under a second name while the path keeps it (a hard link; a full copy where links
    are not possible)."""
    try:
        os.link(target, aside)
    except OSError:
        _copy_synced(target, aside)


def _copy_synced(src: Path, dest: Path) -> None:
    shutil.copy2(src, dest)
    with open(dest, "rb+") as fh:
        os.fsync(fh.fileno())


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
