"""Which tags judgments use, and renaming or dropping tags across every judgment and gold."""

from __future__ import annotations

import json

from annotator.core.errors import StoreError
from annotator.core.model import FINISHED
from annotator.store.base import now


class LabelsMixin:
    """Which tags judgments use, and moving judgments to another taxonomy.

    Uses StoreBase (``conn``, ``transaction``, ``record_taxonomy_once``) and JudgmentsMixin
    (``pull_frontier``)."""

    def label_usage(self) -> dict[str, tuple[int, int]]:
        """Every tag any judgment uses: tag → (annotator judgments, gold judgments)."""
        usage: dict[str, list[int]] = {}
        for layer, table in ((0, "annotations"), (1, "gold")):
            for tag, n in self.conn.execute(
                    f"SELECT j.value, count(*) FROM {table} t, json_each(t.labels) j GROUP BY j.value"):
                usage.setdefault(tag, [0, 0])[layer] = n
        return {t: (a, g) for t, (a, g) in sorted(usage.items())}

    def migrate_labels(self, renames: dict[str, str], drops: set[str], known: set[str], who: str,
                       taxonomy: tuple[str, str, str, str, str], dry_run: bool = False) -> dict:
        """Rename and drop tags in every judgment and gold judgment, in one transaction, logging each
        changed judgment in ``events`` (action ``migrate``, not undoable with ctrl+z). A judgment
        left with no tags after a drop is reopened (status draft) so it is judged again.

        Afterwards every tag in use must be in ``known`` (the new taxonomy's tags), else nothing is
        changed and StoreError lists the tags still in use. ``taxonomy`` = (name, version, hash,
        path, source) is recorded as the database's current taxonomy. Returns counts."""
        counts = {"annotations": 0, "gold": 0, "reopened": 0}
        action = "migrate:" + ",".join([f"{a}={b}" for a, b in sorted(renames.items())]
                                       + [f"-{d}" for d in sorted(drops)])
        at = now()
        try:
            with self.transaction():
                self._migrate_labels(renames, drops, known, who, taxonomy, action, at, counts)
                if dry_run:
                    raise _DryRun
        except _DryRun:
            pass
        return counts

    def _migrate_labels(self, renames, drops, known, who, taxonomy, action, at, counts) -> None:
        affected = sorted(set(renames) | set(drops))
        marks = ",".join("?" * len(affected))
        for layer, table, key in (("annotation", "annotations", "annotator"), ("gold", "gold", "adjudicator")):
            rows = self.conn.execute(
                f"SELECT sentence_id, {key}, sentence_n, labels, status, note FROM {table}"
                f" WHERE EXISTS (SELECT 1 FROM json_each(labels) WHERE value IN ({marks}))", affected).fetchall()
            for sid, person, n, raw, status, note in rows:
                labels = json.loads(raw)
                new = sorted({renames.get(t, t) for t in labels if t not in drops})
                if new == sorted(labels):
                    continue
                new_status = status
                if not new and labels and status in FINISHED and layer == "annotation":
                    new_status = "draft"
                    counts["reopened"] += 1
                    self.pull_frontier(person, n)
                where = "sentence_id = ?" + (" AND annotator = ?" if layer == "annotation" else "")
                args = (sid, person) if layer == "annotation" else (sid,)
                self.conn.execute(f"UPDATE {table} SET labels = ?, status = ?, updated_at = ? WHERE {where}",
                                  (json.dumps(new, ensure_ascii=False), new_status, at, *args))
                self.conn.execute(
                    "INSERT INTO events(at, annotator, layer, sentence_id, action, before, after, undo_state)"
                    " VALUES (?,?,?,?,?,?,?,-1)",
                    (at, person or who, layer, sid, action,
                     json.dumps({"labels": labels, "status": status, "note": note}, ensure_ascii=False),
                     json.dumps({"labels": new, "status": new_status, "note": note}, ensure_ascii=False)))
                counts["annotations" if layer == "annotation" else "gold"] += 1
        usage = self.label_usage()
        missing = {t: u for t, u in usage.items() if t not in known}
        if missing:
            raise StoreError("after this migration, judgments would still use tags the taxonomy lacks: "
                             + describe_usage(missing) + "; add --rename OLD=NEW or --drop TAG for each")
        name, version, hash_, path, source = taxonomy
        self.conn.execute(
            "INSERT OR IGNORE INTO taxonomies(hash, name, version, path, source, recorded_at) VALUES (?,?,?,?,?,?)",
            (hash_, name, version, path, source, at))
        self.conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('taxonomy', ?)", (hash_,))


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


def describe_usage(usage: dict[str, tuple[int, int]]) -> str:
    """'econ (412 judgments, 3 gold), old (2 judgments)'."""
    parts = []
    for tag, (a, g) in usage.items():
        what = [f"{a} judgment{'s' if a != 1 else ''}"] if a else []
        what += [f"{g} gold"] if g else []
        parts.append(f"{tag} ({', '.join(what)})")
    return ", ".join(parts)
