"""What copying tagging events costs a merge: a database of N done judgments, each with 3 tagging
events, merged into a copy of its corpus, once with its events and once without.

Prints the merge's duration and how long its one write transaction lasted (the time a tagging
screen may wait for the lock). In process, so the transaction can be timed from inside.

Run: python benchmarks/merge_events.py [--judgments 100000]
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _corpus import build  # noqa: E402

from annotator.publish.merge import merge  # noqa: E402
from annotator.core.resources import default_taxonomy_path  # noqa: E402
from annotator.store import Store  # noqa: E402
from annotator.core.taxonomy import load_taxonomy  # noqa: E402


def sql(db: Path, *statements: tuple) -> None:
    """Run statements and close, the WAL checkpointed into the file (the file is copied next)."""
    c = sqlite3.connect(db)
    with c:
        for s in statements:
            c.execute(*s)
    c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    c.close()


def source(db: Path, n: int) -> None:
    build(db, n)
    s = Store(db)
    rows = [{"sentence_id": u.id, "annotator": "remote", "labels": ["consultation"], "status": "done", "note": "",
             "updated_at": "2026-01-01T00:00:00.000Z"} for u in s.iter_units("sentence")]
    s.import_judgments(rows[:n])
    s.close()
    sql(db, ("DELETE FROM events",), *[  # a toggle, a note and a confirm per judgment, 1 s apart
        ("INSERT INTO events(at, annotator, layer, sentence_id, action, before, after) SELECT"
         " strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01', '+' || (sentence_n * 3 + ?) || ' seconds'),"
         " annotator, 'annotation', sentence_id, ?, NULL,"
         " '{\"labels\":[\"consultation\"],\"status\":\"done\",\"note\":\"\"}' FROM annotations", (k, act))
        for k, act in enumerate(("toggle:consultation", "note", "confirm"))])


def timed_merge(src: Path, work: Path) -> tuple[float, float, int]:
    target = work / "target.db"
    shutil.copy(src, target)
    sql(target, ("DELETE FROM annotations",), ("DELETE FROM events",))  # the same corpus without the judgments
    store = Store(target)
    held: list[float] = []
    inner = store.transaction

    @contextlib.contextmanager
    def transaction():
        t = time.perf_counter()
        with inner():
            yield
        held.append(time.perf_counter() - t)

    store.transaction = transaction
    t0 = time.perf_counter()
    rep = merge(store, load_taxonomy(default_taxonomy_path()), src)
    secs = time.perf_counter() - t0
    store.close()
    for leftover in (target, target.with_name("target.db-wal"), target.with_name("target.db-shm")):
        leftover.unlink(missing_ok=True)  # a stale -wal beside the next copy would damage it
    return secs, max(held), rep.events_copied


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--judgments", type=int, default=100_000)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="mergeevents-"))
    try:
        with_events = work / "source.db"
        source(with_events, args.judgments)
        without = work / "bare.db"
        shutil.copy(with_events, without)
        sql(without, ("DELETE FROM events",))
        for name, db in (("without events", without), ("with events", with_events)):
            secs, held, copied = timed_merge(db, work)
            print(f"merge of {args.judgments:,} judgments {name} ({copied:,} copied): {secs:.1f} s, "
                  f"write transaction {held:.2f} s")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
