"""The judgment record: one field list from which the ``annotations`` row, the staging table, the
export's per-annotator dict, the merge record and the unplaced record all derive.

Adding a field to a judgment: add it to ``Judgment`` here (with its upsert rule and whether gold has
it), add the column in ``schema.py`` (with a migration), and validate it in ``publish/mergecheck.py``.
Everything else (SQL column lists, staging, export, merge, unplaced) follows from ``fields()``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields

from annotator.store.base import TaxonomyRecord


def _col(default, upsert: str | None = "excluded.{c}", gold: bool = True, store=None, export=None):
    """A judgment field: ``upsert`` is the SQL a write to an existing row sets the column to (None: the
    stored value is kept); ``gold``: the gold table has the column too; ``store``: how the value is
    stored, given it and the judgment (None: as it is); ``export``: how the export shows the stored
    value (None: as stored)."""
    return field(default=default, metadata={"upsert": upsert, "gold": gold, "store": store, "export": export})


@dataclass(frozen=True)
class Judgment:
    """One annotator's judgment on one unit, every stored field (gold: the annotator is the
    adjudicator, and only the fields with ``gold`` set). Field order is the export's key order."""

    sentence_id: str
    annotator: str
    labels: tuple[str, ...] | list[str] = _col((), store=lambda v, j: json.dumps(sorted(v), ensure_ascii=False))
    status: str = _col("done")
    note: str = _col("", store=lambda v, j: v or "", export=lambda v: v or "")
    updated_at: str | None = _col(None)
    created_at: str | None = _col(None, upsert=None, gold=False, store=lambda v, j: v or j.updated_at)
    taxonomy: str | None = _col(None, upsert="coalesce(excluded.{c}, {c})")
    seconds: float = _col(0.0, upsert="{c} + excluded.{c}", gold=False, store=lambda v, j: float(v or 0),
                          export=lambda v: float(v or 0))
    suggestions_shown: bool | int = _col(False, upsert="max({c}, excluded.{c})", gold=False,
                                         store=lambda v, j: int(bool(v)), export=lambda v: int(v or 0))

    def as_dict(self) -> dict:
        return asdict(self)

    def row(self, names: tuple[str, ...] | None = None) -> tuple:
        """The values as stored, in ``NAMES`` order or that of ``names`` (labels as sorted JSON, note
        never NULL, the creation time defaulting to the update time)."""
        stored = {}
        for f in _FIELDS:
            if names is None or f.name in names:
                v, conv = getattr(self, f.name), f.metadata.get("store")
                stored[f.name] = conv(v, self) if conv else v
        return tuple(stored.values()) if names is None else tuple(stored[n] for n in names)

    @classmethod
    def from_dict(cls, d: dict) -> "Judgment":
        return cls(**{k: d[k] for k in NAMES if k in d})


_FIELDS = fields(Judgment)
NAMES = tuple(f.name for f in _FIELDS)  # every field, in Judgment.row() order
VALUES = NAMES[2:]  # what a judgment holds beside its key (sentence id, annotator)
GOLD_VALUES = tuple(f.name for f in _FIELDS[2:] if f.metadata["gold"])
GOLD_NAMES = NAMES[:2] + GOLD_VALUES  # gold stores the annotator as ``adjudicator``


def upserts(prefix: str = "") -> str:
    """The ``ON CONFLICT … DO UPDATE SET`` list of an ``annotations`` write."""
    return ", ".join(f"{f.name} = " + f.metadata["upsert"].format(c=f.name)
                     for f in _FIELDS[2:] if f.metadata["upsert"] is not None)


def columns(names: tuple[str, ...] = NAMES, alias: str = "", gold: bool = False) -> str:
    """A column list (``alias.`` before each; gold's annotator column is ``adjudicator``)."""
    pre = f"{alias}." if alias else ""
    return ", ".join(pre + ("adjudicator" if gold and n == "annotator" else n) for n in names)


def select(names: tuple[str, ...] = NAMES, alias: str = "", gold: bool = False) -> str:
    """A ``SELECT`` list giving each field its own name (gold's ``adjudicator`` read as ``annotator``)."""
    return columns(names, alias, gold).replace("adjudicator", "adjudicator AS annotator") if gold \
        else columns(names, alias)


_EXPORT = tuple((f.name, f.metadata["export"]) for f in _FIELDS[2:])
_GOLD_EXPORT = tuple(p for p in _EXPORT if p[0] in GOLD_VALUES)


def exported(row, labels: list[str], gold: bool = False) -> dict:
    """A judgment's stored values as the export writes them, read as attributes of ``row`` (gold: the
    ``gold_<field>`` ones), labels already parsed."""
    pre = "gold_" if gold else ""
    out = {k: (conv(getattr(row, pre + k)) if conv else getattr(row, pre + k))
           for k, conv in (_GOLD_EXPORT if gold else _EXPORT)}
    out["labels"] = labels
    return out


@dataclass(frozen=True)
class Write:
    """How one write is made, beside the new state: the taxonomy the judgment was made with, the
    working time to add, whether suggestions were on screen; ``allowed_taxonomies``: the database's
    current taxonomy must be one of these (else TaxonomyMoved); ``record``: the caller's taxonomy,
    recorded as the database's on its first write."""

    taxonomy: str | None = None
    seconds: float = 0.0
    suggestions_shown: bool = False
    record: TaxonomyRecord | None = None
    allowed_taxonomies: frozenset[str] | None = None

    def values(self) -> dict:
        """The judgment fields this write sets (those ``Write`` and ``Judgment`` share by name)."""
        return {k: getattr(self, k) for k in _WRITTEN}


_WRITTEN = tuple(f.name for f in fields(Write) if f.name in NAMES)
