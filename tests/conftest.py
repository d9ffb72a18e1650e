from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from annotator.importer import import_paths
from annotator.resources import default_taxonomy_path, seeds_dir
from annotator.store import Store
from annotator.taxonomy import load_taxonomy

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def taxonomy():
    return load_taxonomy(default_taxonomy_path())


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory):
    """The seeds imported once; tests get their own copy."""
    path = tmp_path_factory.mktemp("tpl") / "seeds.db"
    store = Store(path)
    import_paths(store, [seeds_dir()])
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return path


@pytest.fixture
def seeded_db(seeded_template, tmp_path) -> Path:
    path = tmp_path / "work.db"
    shutil.copy(seeded_template, path)
    return path


@pytest.fixture
def store(seeded_db):
    s = Store(seeded_db)
    yield s
    s.close()
