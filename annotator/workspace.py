"""Opening a database with its taxonomy: the rule every label-handling command follows.

``--taxonomy FILE`` when given, else the taxonomy the database recorded, else the bundled
``taxonomies/cppcc.yaml``.
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path

from annotator.importer import ImportReport, import_paths
from annotator.resources import default_taxonomy_path, seeds_dir
from annotator.store import Store
from annotator.taxonomy import Taxonomy, load_taxonomy, parse_taxonomy


def resolve_taxonomy(store: Store, path: str | Path | None) -> Taxonomy:
    if path:
        return load_taxonomy(path)
    recorded = store.recorded_taxonomy()
    if recorded:
        source, origin = recorded
        return parse_taxonomy(source, origin or "<recorded in database>")
    return load_taxonomy(default_taxonomy_path())


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
