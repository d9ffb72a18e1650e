"""Opening a database with its taxonomy: the rule every label-handling command follows.

``--taxonomy FILE`` when given, else the taxonomy the database recorded, else the bundled
``taxonomies/cppcc.yaml``.
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path

from annotator.ingest.importer import ImportReport, import_paths
from annotator.core.resources import default_taxonomy_path, seeds_dir
from annotator.core.errors import AnnotatorError
from annotator.store import Store, describe_usage
from annotator.core.taxonomy import Taxonomy, load_taxonomy, parse_taxonomy


def resolve_taxonomy(store: Store, path: str | Path | None, check_usage: bool = True,
                     every_label: bool = False) -> Taxonomy:
    """``every_label``: also check the database's own recorded taxonomy against the labels in use
    (commands that read every label — agree, stats, export — refuse labels their taxonomy lacks)."""
    if path:
        tax = load_taxonomy(path)
        if check_usage and (every_label or tax.hash != store.get_meta("taxonomy")):
            ensure_covers_usage(store, tax)
        return tax
    recorded = store.recorded_taxonomy()
    if recorded:
        source, origin = recorded
        tax = parse_taxonomy(source, origin or "<recorded in database>")
        if every_label:
            ensure_covers_usage(store, tax)
        return tax
    tax = load_taxonomy(default_taxonomy_path())
    if check_usage:
        ensure_covers_usage(store, tax)
    return tax


def ensure_covers_usage(store: Store, tax: Taxonomy) -> None:
    """A taxonomy may add tags, never silently lose ones that judgments use (renamed or removed):
    refuse, listing each such tag with how many judgments use it."""
    missing = {t: u for t, u in store.label_usage().items() if t not in tax.tags}
    if missing:
        raise AnnotatorError(
            f"{tax.path} lacks tags that existing judgments use: {describe_usage(missing)}. Keep them in the "
            f"taxonomy, or move the judgments first: annotator taxonomy migrate --taxonomy {tax.path} "
            "--rename OLD=NEW --drop TAG")


def ensure_seeded(store: Store) -> ImportReport | None:
    """The embedded default: an empty database gets the bundled seed reports."""
    if store.count_documents():
        return None
    return import_paths(store, [seeds_dir()])


def default_annotator() -> str:
    name = os.environ.get("ANNOTATOR")
    if name:
        return name
    try:
        return getpass.getuser()
    except Exception:  # no login name (some containers)
        return "annotator"
