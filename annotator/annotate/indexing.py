"""The search index brought up to date off the keys' path: a large import leaves it to the screen.

A thread with its own connection takes the units the index does not hold yet in short chunks (each
chunk one short write transaction, with a pause after it, so a judgment waiting for the lock is saved
within a fraction of a second). SQLite does the work with the interpreter lock released, so keys are
not delayed. Search scans whatever is not indexed yet, so its results are complete all along; quitting
stops the thread before its next chunk (the watermark keeps what is done)."""

from __future__ import annotations

import threading

from annotator.core.errors import AnnotatorError

CHUNK = 10_000  # units per write transaction: about a twentieth of a second here
PAUSE = 0.01  # seconds between chunks: the lock is free for a screen's judgment


class BackgroundIndex:
    def __init__(self, store):
        self.store = store
        self.done = 0
        self.error: str | None = None
        self.finished = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> bool:
        """Start when there is something to index and the database can be written; True if started."""
        if self.store.read_only or self._thread is not None or self.store.path == ":memory:":
            return False  # (no second connection sees an in-memory database)
        if not self.store.index_behind():  # not a count: this runs on the screen's thread at first paint
            return False
        self._thread = threading.Thread(target=self._run, name="search-index", daemon=True)
        self._thread.start()
        return True

    def _run(self) -> None:
        other = None
        try:
            other = self.store.reopen()
            self.done = other.index_pending(CHUNK, progress=self._moved, stop=self._stop.is_set, pause=PAUSE)
        except (AnnotatorError, OSError) as exc:  # busy for long, the file replaced…: search keeps scanning
            self.error = str(exc)
        except Exception as exc:  # sqlite3 errors: the screen's own writes report a damaged database
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            if other is not None:
                other.close()
            self.finished.set()

    def running(self) -> bool:
        return self._thread is not None and not self.finished.is_set()

    def _moved(self, done: int) -> None:
        self.done = done

    def stop(self, wait: float = 0.0) -> None:
        """Stop before the next chunk; ``wait`` seconds at most for the chunk under way."""
        self._stop.set()
        if self._thread is not None and wait:
            self._thread.join(wait)
