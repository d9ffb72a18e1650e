"""The SQLite store: the only package that knows table names or SQL.

Every write is its own committed transaction (WAL mode, busy timeout), so a crash,
``kill -9`` or a second annotator on the same file loses nothing.
"""

from annotator.store.base import (ANY, EMPTY, FINISHED, Sentence, State, StoreBase, TaxonomyRecord, damaged,
                                  default_db_path, now)
from annotator.store.corpus import CorpusMixin
from annotator.store.judgments import JudgmentsMixin, document_of
from annotator.store.labels import LabelsMixin, describe_usage
from annotator.store.schema import SCHEMA_VERSION


class Store(CorpusMixin, JudgmentsMixin, LabelsMixin, StoreBase):
    """One database: corpus, judgments, gold and events."""


__all__ = ["ANY", "EMPTY", "TaxonomyRecord", "FINISHED", "SCHEMA_VERSION", "Sentence", "State", "Store", "damaged", "default_db_path", "describe_usage", "document_of",
           "now"]
