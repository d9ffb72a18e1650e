"""files → segmenter → store: import reports idempotently, refusing what is not text.

Reading, decoding and segmenting run in a process pool when there are many files (both
cores work); the store writes documents in batches, each document all or nothing.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from annotator.core.errors import InputError, StoreError
from annotator.ingest.segmenter import SEGMENTER_VERSION, doc_id_for, segment_rows
from annotator.store import Store
from annotator.ingest.decoding import MAX_BYTES, DecodedText, file_problem, read_text, scan
from annotator.ingest.registry import format_of
from annotator.core.words import count

PARALLEL_MIN_FILES = 64
BATCH_SECONDS = 0.1  # how long one write transaction holds the lock: a screen waiting to save waits no longer
BATCH_BYTES = 300_000  # text in the first batch; later ones are sized from the speed measured (BATCH_SECONDS)
MAX_BATCH_BYTES = 8_000_000
YIELD_SECONDS = 0.005  # a pause after each batch, so a tagging screen waiting for the lock gets it
WORKER_NICE = 10  # the segmenting processes' niceness: the writing process goes first
INDEX_NOW_UNITS = 20_000  # an import adding more leaves the search index to a screen's background thread


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)  # paths
    unchanged: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    empty: list[str] = field(default_factory=list)
    links_out: list[str] = field(default_factory=list)  # symlinks pointing out of an imported folder
    sentences: int = 0
    units: int = 0
    bytes: int = 0
    indexed: int = 0  # units added to the search index
    unindexed: int = 0  # units left for the search index to take in later (search scans them meanwhile)

    def snapshot(self) -> tuple:
        return (len(self.added), len(self.unchanged), len(self.refused), len(self.empty), self.sentences,
                self.units, self.bytes)

    def restore(self, snap: tuple) -> None:
        """Back to a snapshot: a batch that was rolled back saved none of its documents."""
        added, unchanged, refused, empty, self.sentences, self.units, self.bytes = snap
        del self.added[added:], self.unchanged[unchanged:], self.refused[refused:], self.empty[empty:]

    def stopped_summary(self, files: int, stored: int) -> str:
        """What an import that stopped part-way saved, and what it did not."""
        return (f"{len(self.added)} of {files} documents saved ({self.sentences} sentences), "
                f"{len(self.unchanged)} already there; {files - stored} not saved: make room and run the same "
                "import again (saved documents are skipped)")

    def summary(self) -> str:
        return (
            f"{count(len(self.added), 'document')} added, {len(self.unchanged)} unchanged, "
            f"{len(self.refused)} refused, {len(self.empty)} empty; "
            f"{count(self.sentences, 'sentence')} added ({count(self.units, 'unit')})"
            + (f"; {count(len(self.links_out), 'symbolic link')} out of the folder not followed"
               if self.links_out else "")
        )

    def index_note(self) -> str:
        """What the search index still has to take in, when the import left that for later."""
        if not self.unindexed:
            return ""
        return (f"search: {count(self.unindexed, 'unit')} not indexed yet; search finds them by scanning meanwhile. "
                "The tagging screen indexes them in the background, or run `annotator index` now")


@dataclass
class _Prepared:
    path: str
    error: str | None = None
    doc_id: str = ""
    text: str = ""
    encoding: str = ""
    size: int = 0
    format: str = "text"
    title: str = ""
    units: list | None = None  # None: already in the database
    sentences: int = 0  # how many of the units are sentences


_KNOWN: frozenset[str] = frozenset()
_MAX_BYTES = MAX_BYTES


def _prepare(path: Path) -> _Prepared:
    hint = ""
    kinds: tuple[tuple[str, str], ...] = ()
    try:
        reader = format_of(path)
        if reader is not None and reader.extract is not None:  # PDF, Word, web pages: annotator.ingest.formats extracts the text
            problem = file_problem(path, _MAX_BYTES)  # never open a FIFO or a device, never read past the limit
            if problem:
                raise InputError(str(path), problem)
            from annotator.ingest.formats import extract

            ex = extract(path)
            decoded = DecodedText(str(path), ex.text, "", ex.size)
            hint, fmt, kinds = ex.title, ex.format, ex.kinds
        else:
            decoded = read_text(path, _MAX_BYTES)  # any other file given by name is read as plain text
            fmt = "text"
    except InputError as exc:
        return _Prepared(str(path), error=exc.reason)
    doc_id = doc_id_for(decoded.text)
    prep = _Prepared(str(path), None, doc_id, decoded.text, decoded.encoding, decoded.size, format=fmt)
    if doc_id not in _KNOWN:
        prep.title, rows = segment_rows(decoded.text, fallback_title=path.stem, title_hint=hint,
                                         line_kinds=kinds)
        text = decoded.text
        # a unit's text is usually the document slice itself: leave it out of the pickle to the parent
        prep.units = [(i, k, None if text[a:b] == t else t, sec, a, b) for i, k, t, sec, a, b in rows]
        prep.sentences = sum(1 for r in rows if r[1] == "sentence")
    return prep


def _init_worker(known: frozenset[str], max_bytes: int = MAX_BYTES) -> None:
    global _KNOWN, _MAX_BYTES
    _KNOWN, _MAX_BYTES = known, max_bytes


def _init_pool_worker(known: frozenset[str], max_bytes: int = MAX_BYTES) -> None:
    """A segmenting process: it yields the processor to the one writing (the import's critical path, which
    the workers outrun) and to anything interactive on the machine."""
    _init_worker(known, max_bytes)
    try:
        os.nice(WORKER_NICE)
    except OSError:
        pass


def import_paths(store: Store, paths: list[str | Path], progress: Callable[[str], None] | None = None,
                 max_bytes: int = MAX_BYTES) -> ImportReport:
    """Import files and folders (recursively: every suffix of annotator.ingest.registry). Each document is all or nothing.

    Reading, decoding and segmenting happen outside any transaction; the prepared documents are
    written in short batches (about BATCH_BYTES of text each), so annotators tagging the same
    database wait for the write lock a fraction of a second at a time, not for the whole import."""
    report = ImportReport()
    found = scan(paths)
    report.refused.extend(found.refused)
    report.links_out.extend(found.links_out)
    files = found.files
    known = frozenset(store.document_ids())
    pool = None
    if len(files) >= PARALLEL_MIN_FILES and (os.cpu_count() or 1) > 1 and "fork" in multiprocessing.get_all_start_methods():
        from annotator.ingest.wordbreak import freq_table

        freq_table()  # once, before forking: the workers share the word table page-break repair reads
        pool = multiprocessing.get_context("fork").Pool(os.cpu_count(), _init_pool_worker, (known, max_bytes))
        prepared = pool.imap(_prepare, files, chunksize=8)
    else:
        _init_worker(known, max_bytes)
        prepared = map(_prepare, files)
    stored = 0  # files whose batch is committed (added, unchanged, refused or empty)
    try:
        pending: list[_Prepared] = []
        size, target = 0, BATCH_BYTES
        for prep in prepared:
            pending.append(prep)
            size += prep.size
            if size >= target:
                t0 = time.perf_counter()
                stored += _write_batch(store, pending, report, progress)
                # the next batch holds the lock about BATCH_SECONDS at the speed just measured
                speed = size / max(time.perf_counter() - t0 - YIELD_SECONDS, 1e-3)
                target = int(min(max(speed * BATCH_SECONDS, BATCH_BYTES), MAX_BATCH_BYTES))
                pending, size = [], 0
        stored += _write_batch(store, pending, report, progress)
    except StoreError as exc:  # the disk filled up, the file became read-only…: say what is saved and what not
        if pool is not None:
            pool.terminate()
            pool = None
        raise StoreError(f"{exc}".removesuffix("; nothing was saved") + f" — {report.stopped_summary(len(files), stored)}"
                         ) from None
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    # the search index, once the rows are in: one set-based statement per chunk (store.index_pending) instead of a
    # trigger per row (3× faster imports); it also picks up what an interrupted import left unindexed. A large
    # import leaves it to the tagging screen's background thread (or `annotator index`): search scans what the
    # index does not hold yet, so its results are complete either way, and the import ends as soon as its rows are in.
    left = store.unindexed()
    if left <= INDEX_NOW_UNITS:
        report.indexed = store.index_pending()
    else:
        report.unindexed = left
    return report


def _write_batch(store: Store, batch: list[_Prepared], report: ImportReport,
                 progress: Callable[[str], None] | None) -> int:
    """One short transaction for documents already read, decoded and segmented. If it fails, the report
    is as it was before it (nothing of the batch was saved). Returns how many files it took."""
    if any(p.units for p in batch):
        before = report.snapshot()
        try:
            with store.batch():
                for prep in batch:
                    _store_one(store, prep, report)
        except BaseException:
            report.restore(before)
            raise
        time.sleep(YIELD_SECONDS)  # SQLite's lock is not fair: without a gap, the next batch would take it again
    else:
        for prep in batch:
            _store_one(store, prep, report)
    if progress:
        for prep in batch:
            progress(prep.path)
    return len(batch)


def _store_one(store: Store, prep: _Prepared, report: ImportReport) -> None:
    if prep.error is not None:
        if prep.error == "empty file":
            report.empty.append(prep.path)
        else:
            report.refused.append((prep.path, prep.error))
        return
    if prep.units is None:
        report.unchanged.append(prep.path)
        return
    # a unit whose text is None is the document's text from its start to its end (add_document slices it)
    if store.add_document(prep.doc_id, prep.path, prep.title, prep.text, prep.encoding, SEGMENTER_VERSION, prep.units,
                          source_format=prep.format):
        report.added.append(prep.path)
        report.units += len(prep.units)
        report.sentences += prep.sentences
        report.bytes += prep.size
    else:
        report.unchanged.append(prep.path)
