"""Is a database open in another process? Asked of the locks SQLite's connections hold, without taking any.

Every SQLite connection to a database in WAL mode holds, for as long as it is open (idle too), a
read lock on the "dead man switch" byte of the -shm file (byte 128) and, once it has read, a shared
lock on the database file's lock range. POSIX ``F_GETLK`` asks whether a write lock there would
conflict with another process's lock — it takes no lock, so nothing changes for that process.
Locks held by this very process are not seen (POSIX locks are per process) — and closing the file
descriptor this check opens drops every POSIX lock this process holds on that file: call it only in a
process that has no connection to the database (the restore command has none).
"""

from __future__ import annotations

import fcntl
import os
import struct
import sys
from pathlib import Path

SHM_DMS = 128  # SQLite's unix VFS: (22 + 8) * 4 + 8, the byte every open connection read-locks
DB_LOCKS = (0x40000000, 512)  # PENDING, RESERVED and the SHARED range of the database file

_FLOCK = "hhqqi" if sys.platform.startswith("linux") else None  # struct flock (l_type, l_whence, start, len, pid)


def _conflicts(path: Path, start: int, length: int) -> bool:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        if _FLOCK is not None:
            query = struct.pack(_FLOCK, fcntl.F_WRLCK, os.SEEK_SET, start, length, 0)
            answer = fcntl.fcntl(fd, fcntl.F_GETLK, query)
            return struct.unpack(_FLOCK, answer)[0] != fcntl.F_UNLCK
        try:  # elsewhere: a read lock (shared with other readers) on a copy of the byte range, then let go
            fcntl.lockf(fd, fcntl.LOCK_SH | fcntl.LOCK_NB, length, start)
        except OSError:
            return True
        fcntl.lockf(fd, fcntl.LOCK_UN, length, start)
        return False
    finally:
        os.close(fd)


def in_use_by_another_process(db: str | Path) -> bool:
    """True when another process has the database open (an idle connection included)."""
    db = Path(db)
    shm = Path(f"{db}-shm")
    return (shm.exists() and _conflicts(shm, SHM_DMS, 1)) or (db.exists() and _conflicts(db, *DB_LOCKS))
