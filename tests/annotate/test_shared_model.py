"""One suggestion model per database: a model file beside it, trained once (under a lock) and loaded by
every other screen or command; --no-suggest trains nothing; quitting ends a training at once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotator.annotate import shared, suggest
from annotator.annotate.suggest import Highlighter
from annotator.core.resources import default_taxonomy_path, seeds_dir
from annotator.core.taxonomy import load_taxonomy
from annotator.ingest.importer import import_paths
from annotator.store import Store
from annotator.tui.app import build_app

from pty_app import PtyApp, keys

ROOT = Path(__file__).resolve().parents[2]
LABELS = [["review"], ["plan", "politics"], ["review", "member"], []]


@pytest.fixture(scope="module")
def tax():
    return load_taxonomy(default_taxonomy_path())


@pytest.fixture(scope="module")
def hl(tax):
    return Highlighter(tax)


def judged(path: Path, tax, n: int | None = None) -> Store:
    """The seeds imported and ``n`` (default: all) sentences judged done, in one bulk write."""
    store = Store(path)
    import_paths(store, [seeds_dir()])
    store.record_taxonomy(tax.name, tax.version, tax.hash, tax.path, tax.source)
    units = list(store.iter_units("sentence"))[:n]
    store.import_judgments([{"sentence_id": u.id, "annotator": "ann", "labels": LABELS[i % 4]}
                            for i, u in enumerate(units)])
    return store


def _count_fits(monkeypatch) -> list[int]:
    calls = []
    real = suggest.learn

    def counting(judged, *a, **k):
        calls.append(len(judged))
        return real(judged, *a, **k)

    monkeypatch.setattr(suggest, "learn", counting)
    return calls


def test_model_is_trained_once_and_loaded_until_the_judgments_change(tmp_path, tax, hl, monkeypatch):
    store = judged(tmp_path / "a.db", tax)
    calls = _count_fits(monkeypatch)
    first = suggest.for_store(store, tax, hl)
    path = shared.model_path(store.path)
    assert calls == [401] and path.exists() and path.parent == tmp_path
    other = Store(store.path)  # another session on the same database loads the file: no training
    again = suggest.for_store(other, tax, hl)
    assert calls == [401]
    text = "我们认真履行政治协商职能。"
    assert (again.model.predict(None, text) == first.model.predict(None, text)).all()
    assert [s.tag for s in again.suggest(text)] == [s.tag for s in first.suggest(text)]
    # a new judgment: the next request trains again, on the new state
    u = next(store.iter_units("sentence"))
    from annotator.store import State

    store.change("annotation", u.id, "bob", "confirm", State(("plan",), "done"))
    suggest.for_store(other, tax, hl)
    assert calls == [401, 402]
    # a damaged model file is ignored (and replaced), never trusted
    path.write_bytes(b"not a model")
    store.change("annotation", u.id, "bob", "confirm", State(("review",), "done"))
    suggest.for_store(store, tax, hl)
    assert calls == [401, 402, 402] and shared.load(path) is not None


def test_two_sessions_at_once_cost_one_training(tmp_path, tax):
    store = judged(tmp_path / "b.db", tax)
    store.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    spec = json.dumps({"source": tax.source, "path": tax.path})
    procs = [subprocess.Popen([sys.executable, "-m", "annotator.annotate.trainer", str(tmp_path / "b.db")],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env) for _ in range(2)]
    outs = [json.loads(p.communicate(spec.encode("utf-8"), timeout=600)[0]) for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert sorted(o["trained"] for o in outs) == [False, True]  # one trained, the other waited and loaded
    assert not list(tmp_path.glob(".*.tmp"))


async def test_no_suggest_trains_and_loads_nothing(tmp_path, tax, monkeypatch):
    store = judged(tmp_path / "c.db", tax)
    calls = _count_fits(monkeypatch)
    started = []
    monkeypatch.setattr(shared.subprocess, "Popen", lambda *a, **k: started.append(a) or pytest.fail("trainer"))
    app = build_app(Store(store.path), tax, "blind", suggestions=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter", "enter")
        await app.workers.wait_for_complete()
        assert app.screen.suggester is None and app.screen.highlighter is None
    assert calls == [] and started == [] and app.suggester_trainings == 0
    assert not shared.model_path(store.path).exists()


def _trainers(db: Path) -> list[int]:
    pids = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                cmd = (d / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"annotator.annotate.trainer" in cmd and str(db).encode() in cmd:
                pids.append(int(d.name))
    return pids


def test_ctrl_q_quits_while_the_model_trains(tmp_path, tax):
    db = tmp_path / "q.db"
    store = judged(db, tax)
    # enough judgments that a training lasts a while: every sentence judged by 40 annotators
    units = list(store.iter_units("sentence"))
    store.import_judgments([{"sentence_id": u.id, "annotator": f"a{k}", "labels": LABELS[(i + k) % 4]}
                            for k in range(40) for i, u in enumerate(units)])
    store.close()
    with PtyApp(db, "tag", "--annotator", "quitter") as app:
        app.wait(lambda: _trainers(db), "a training process to start")
        trainer = _trainers(db)
        app.send(keys("ctrl+q"))
        app.wait(app.exited, "the app to quit while the model trains")
        app.wait(lambda: not any(Path(f"/proc/{p}").exists() and b"trainer" in Path(f"/proc/{p}/cmdline").read_bytes()
                                 for p in trainer), "the training process to end")
    assert not shared.model_path(str(db)).exists()  # killed before it finished: no model, no half of one
    assert not list(tmp_path.glob(".*.tmp"))


async def test_a_burst_of_confirmations_never_runs_two_trainings(tmp_path, tax, monkeypatch):
    import threading

    from annotator.tui.tagging import TagScreen

    store = judged(tmp_path / "burst.db", tax, n=100)
    monkeypatch.setattr(TagScreen, "RETRAIN_EVERY", 5)
    real = shared.model_in_process
    lock = threading.Lock()
    running, seen = [0], []

    def tracked(*a, **k):
        with lock:
            running[0] += 1
            seen.append(running[0])
        try:
            return real(*a, **k)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(shared, "model_in_process", tracked)
    app = build_app(Store(store.path), tax, "burst")
    async with app.run_test(size=(120, 40)) as pilot:
        while not seen:  # the first training has started
            await pilot.pause(0.01)
        for _ in range(30):  # six retrain requests while it runs
            await pilot.press("r", "enter")
        await app.workers.wait_for_complete()
        for _ in range(100):  # a request made meanwhile runs after it, once
            await pilot.pause(0.05)
            await app.workers.wait_for_complete()
            if running[0] == 0 and not app.screen._training:
                break
    assert max(seen) == 1  # never two at once
    assert 2 <= len(seen) <= 1 + 6  # the requests made during a training became one more, not six
