from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from annotator.ingest.importer import import_paths
from annotator.core.resources import default_taxonomy_path, seeds_dir
from annotator.store import Store
from annotator.core.taxonomy import load_taxonomy

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def taxonomy():
    return load_taxonomy(default_taxonomy_path())


def _template(path: Path, start_from: Path | None, fill) -> Path:
    """A database built once per session (from a copy of ``start_from`` if given), checkpointed."""
    if start_from is not None:
        shutil.copy(start_from, path)
    store = Store(path)
    fill(store)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return path


def _copy(template: Path, path: Path) -> Path:
    shutil.copy(template, path)
    return path


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory):
    """The seeds imported once; tests get their own copy."""
    return _template(tmp_path_factory.mktemp("tpl") / "seeds.db", None, lambda s: import_paths(s, [seeds_dir()]))


@pytest.fixture
def seeded_db(seeded_template, tmp_path) -> Path:
    return _copy(seeded_template, tmp_path / "work.db")


@pytest.fixture
def store(seeded_db):
    s = Store(seeded_db)
    yield s
    s.close()


def annotate_two(store: Store, taxonomy, seed: int = 1, n: int | None = None) -> None:
    """alice and bob confirm every seed sentence; bob differs on roughly a third of them."""
    import random

    from annotator.store import State

    rng = random.Random(seed)
    tags = list(taxonomy.tags)
    for i, sent in enumerate(store.iter_units("sentence")):
        if n is not None and i >= n:
            break
        base = {rng.choice(tags[:18]), rng.choice(["review", "plan"])}
        store.change("annotation", sent.id, "alice", "confirm", State(tuple(sorted(base)), "done"))
        other = set(base)
        if rng.random() < 0.35:
            other ^= {rng.choice(tags[:18])}
        store.change("annotation", sent.id, "bob", "confirm", State(tuple(sorted(other)), "done"))


@pytest.fixture(scope="session")
def double_template(seeded_template, tmp_path_factory, taxonomy):
    return _template(tmp_path_factory.mktemp("dbl") / "double.db", seeded_template,
                     lambda s: annotate_two(s, taxonomy))


@pytest.fixture
def double_db(double_template, tmp_path) -> Path:
    return _copy(double_template, tmp_path / "double.db")


async def wait_for_palette_hits(app, pilot, tries: int = 50) -> None:
    """Wait until the command palette lists at least one hit (its search runs in a worker)."""
    from textual.widgets import OptionList

    for _ in range(tries):
        await pilot.pause(0.1)
        lists = app.screen.query(OptionList)
        if lists and lists.first().option_count > 0:
            return
    raise AssertionError("the command palette showed no hits")


@pytest.fixture
def palette_hits():
    return wait_for_palette_hits


@pytest.fixture(autouse=True)
def no_real_terminal_app(monkeypatch):
    """A command that would open the full-screen app inside a test fails loudly instead of taking
    over (and silently ending) the test process."""
    from annotator.tui.app import AnnotatorApp

    def refuse(self, *a, **k):
        raise AssertionError("a test tried to run the TUI on the real terminal; use app.run_test()")

    monkeypatch.setattr(AnnotatorApp, "run", refuse)


def pytest_collection_modifyitems(config, items):
    """The long drills (marked slow) first: with pytest-xdist they then run beside the short tests instead
    of leaving one worker busy at the end. CI runs them all; `-m "not slow"` leaves them out locally."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
