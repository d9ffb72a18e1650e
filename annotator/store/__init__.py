"""The SQLite store: the only package that knows table names or SQL.

Every write is its own committed transaction (WAL mode, busy timeout), so a crash,
``kill -9`` or a second annotator on the same file loses nothing.
"""

from annotator.core.model import FINISHED
from annotator.store.base import (ANY, EMPTY, Sentence, State, StoreBase, TaxonomyRecord, damaged,
                                  default_db_path, now)
from annotator.store.assignments import AssignmentsMixin
from annotator.store.corpus import CorpusMixin
from annotator.store.judgments import JudgmentsMixin, document_of
from annotator.store.labels import LabelsMixin, describe_usage
from annotator.store import records
from annotator.store.records import Judgment, Write
from annotator.store.staging import StagingMixin
from annotator.store.schema import SCHEMA_VERSION
from annotator.store.tables import EventsTable, GoldTable, JudgmentsTable
from annotator.store.sources import CHECK_SECONDS, bounded, check_schema


import os
from functools import cached_property
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


class Store(CorpusMixin, JudgmentsMixin, StagingMixin, AssignmentsMixin, LabelsMixin, StoreBase):
    """One database: corpus, judgments, gold, events and assignment plans. The judgment tables are
    objects (``store/tables.py``): ``store.judgments``, ``store.gold``, ``store.events``."""

    @cached_property
    def judgments(self) -> JudgmentsTable:
        return JudgmentsTable(self)

    @cached_property
    def gold(self) -> GoldTable:
        return GoldTable(self)

    @cached_property
    def events(self) -> EventsTable:
        return EventsTable(self)


@contextmanager
def open_source(path: str | Path) -> Iterator[Store]:
    """Another database to read from (a merge source), never written: its schema checked first (only
    ours, see sources.py), then opened read-only, or — when its schema is older than this annotator's —
    upgraded in a temporary copy that is deleted afterwards. Every read is bounded in time."""
    version = check_schema(path)
    if version == SCHEMA_VERSION:
        src = Store(path, create=False, read_only=True)
        try:
            with bounded(src.conn, CHECK_SECONDS, f"{path}: reading it"):
                yield src
        finally:
            src.close()
        return
    with tempfile.TemporaryDirectory(prefix="annotator-source-") as tmp:
        copy = os.path.join(tmp, "source.db")
        old = Store(path, create=False, read_only=True, upgrade_later=True)
        try:
            with bounded(old.conn, CHECK_SECONDS, f"{path}: copying it"):
                old.backup_to(copy)
        finally:
            old.close()
        src = Store(copy, create=False)
        try:
            with bounded(src.conn, CHECK_SECONDS, f"{path}: reading it"):
                yield src
        finally:
            src.close()


__all__ = ["open_source", "Judgment", "Write", "records", "ANY", "EMPTY", "TaxonomyRecord", "FINISHED", "SCHEMA_VERSION", "Sentence", "State", "Store", "damaged", "default_db_path", "describe_usage", "document_of",
           "now"]
