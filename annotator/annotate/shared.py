"""One suggestion model per database, shared by every screen and command open on it (no UI).

The model is a file beside the database (``<db>.model.npz``; in a private temporary folder when the
database's folder cannot be written), keyed by the state of the judgments it learnt from: the
taxonomy's hash, the id of the last event and the number of done judgments. Whoever needs a model
first trains it, under an exclusive lock file (``<model>.lock``), so there are never two trainings at
once on a database; the model is written to a temporary file and renamed into place, so a reader
never sees half of one. Everyone else loads it. A model made after the judgments one asked about
(a later event) serves too: forty screens asking within one training cost one or two trainings.

Screens train in a separate process (``python -m annotator.annotate.trainer``): the screen's process
keeps its interpreter lock for the keys, its memory stays that of the model, and quitting ends the
training at once (``stop_trainings``). Commands train in their own process (``shared_model``).
The file is numpy arrays and JSON (no pickle): loading a model never runs code.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from annotator.annotate.features import CharGrams
from annotator.annotate.judged import Judged
from annotator.core.errors import AnnotatorError
from annotator.core.files import remove_stale_temporaries, umask_mode

MODEL_FORMAT = 1
SUFFIX = ".model.npz"
POLL_SECONDS = 0.05


class TrainingCancelled(Exception):
    pass


@dataclass(frozen=True)
class State:
    taxonomy: str  # the taxonomy's hash
    event: int  # the id of the last event when the judgments were read
    done: int  # done judgments and gold then


def state_of(store, taxonomy) -> State:
    event, done = store.training_state()
    return State(taxonomy.hash, event, done)


def serves(found: State, want: State, now: State) -> bool:
    """Whether a model trained at ``found`` answers a request made at ``want`` (``now``: the database
    as it is): the same taxonomy, made at or after the request, and not from a state this database
    never reached (another database put in its place)."""
    return found.taxonomy == want.taxonomy and want.event <= found.event <= now.event


def model_path(db_path: str) -> Path:
    p = Path(db_path).resolve()
    if os.access(p.parent, os.W_OK | os.X_OK):
        return p.with_name(p.name + SUFFIX)
    cache = Path(tempfile.gettempdir()) / f"annotator-models-{os.getuid() if hasattr(os, 'getuid') else 0}"
    cache.mkdir(mode=0o700, exist_ok=True)
    return cache / (hashlib.sha256(str(p).encode("utf-8")).hexdigest()[:16] + SUFFIX)


def save(path: Path, state: State, model) -> None:
    """Write the model (or None: no judgments to learn from) atomically."""
    meta = {"format": MODEL_FORMAT, "state": asdict(state), "model": model is not None}
    arrays = {}
    if model is not None:
        meta.update(tags=model.tags, keyword_precision=model.keyword_precision, n_examples=model.n_examples)
        arrays = dict(vocab=model.features.vocab, idf=model.features.idf, coef=model.coef,
                      intercept=model.intercept, calibration=model.calibration, trained=model.trained)
    remove_stale_temporaries(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, meta=np.array(json.dumps(meta, ensure_ascii=False)), **arrays)
        os.chmod(tmp, umask_mode())  # readable by the others who open the database, as any file made here
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load(path: Path):
    """(State, Model or None) from a model file; None when there is none or it is unreadable."""
    from annotator.annotate.classifier import Model

    try:
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(str(z["meta"]))
            if meta.get("format") != MODEL_FORMAT:
                return None
            state = State(**meta["state"])
            if not meta["model"]:
                return state, None
            model = Model(meta["tags"], CharGrams(z["vocab"], z["idf"]), z["coef"], z["intercept"],
                          z["calibration"], z["trained"], meta["keyword_precision"], meta["n_examples"])
            return state, model
    except (OSError, ValueError, KeyError, TypeError):
        return None


@contextmanager
def training_lock(path: Path, cancelled: Callable[[], bool] | None = None):
    """The exclusive right to train this database's model (released when the process ends, however)."""
    try:
        import fcntl
    except ImportError:  # no POSIX locks: trainings may overlap, the files stay whole
        yield
        return
    try:
        fd = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT, 0o666)  # the umask applies
    except PermissionError:  # made by another user: a lock needs only an open file
        fd = os.open(f"{path}.lock", os.O_RDONLY)
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if cancelled is not None and cancelled():
                    raise TrainingCancelled from None
                time.sleep(POLL_SECONDS)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def shared_model(store, taxonomy, highlighter, cancelled: Callable[[], bool] | None = None, seed: int = 0):
    """The model for the database's judgments now, in this process: loaded when a fresh one is on disk,
    else trained (under the lock, re-checking once it holds it) and saved. None: nothing to learn from."""
    return obtain(store, taxonomy, highlighter, cancelled, seed)[0]


def obtain(store, taxonomy, highlighter, cancelled: Callable[[], bool] | None = None, seed: int = 0):
    """``shared_model``, and whether this call trained it (True) or loaded it (False)."""
    from annotator.annotate import suggest

    def train(precision=None):  # the judgments read compactly: their labels, and the texts of the sample only
        return suggest.learn(Judged.from_store(store, list(taxonomy.tags)), taxonomy, highlighter, seed=seed,
                             precision=precision)

    if store.path == ":memory:":
        return train(), True
    path = model_path(store.path)
    want = state_of(store, taxonomy)
    got = load(path)
    if got is not None and serves(got[0], want, want):
        return got[1], False
    with training_lock(path, cancelled):
        now = state_of(store, taxonomy)
        got = load(path)
        if got is not None and serves(got[0], want, now):
            return got[1], False
        model = train(reused_precision(got, now) if got is not None else None)
        try:
            save(path, now, model)
        except OSError:  # a full disk or a folder that refuses: the model serves this process only
            pass
        return model, True


REUSE_SHARE = 0.1  # an earlier model's keyword precision serves while at most this share of judgments changed


def reused_precision(earlier, now: State) -> dict[str, float] | None:
    """The keyword rules' precision of the model made before (``earlier``: its state and model), when it
    still measures these judgments: the same taxonomy, measured on a sample (more than KEYWORD_SAMPLE
    judgments: a new measurement would be another sample's estimate, no better), and at most
    REUSE_SHARE of the judgments changed since (every change writes an event). A retrain every 25
    confirmations then skips jieba (its dictionary load and tokenising: a second at 100,000)."""
    from annotator.annotate.suggest import KEYWORD_SAMPLE

    state, model = earlier
    if model is None or state.taxonomy != now.taxonomy or model.n_examples <= KEYWORD_SAMPLE:
        return None
    if not 0 <= now.event - state.event <= REUSE_SHARE * now.done:
        return None
    return dict(model.keyword_precision)


_RUNNING: set[subprocess.Popen] = set()


def stop_trainings() -> None:
    """End every training process this process started (quitting must not wait for one)."""
    for proc in list(_RUNNING):
        if proc.poll() is None:
            proc.kill()
        _RUNNING.discard(proc)


atexit.register(stop_trainings)


def model_in_process(db_path: str, store, taxonomy, cancelled: Callable[[], bool]):
    """The model for the database's judgments now, for a screen: loaded when a fresh one is on disk, else
    trained by a training process (``annotator.annotate.trainer``; it takes the lock, so when another
    process is training already it waits for that one and loads its model when it serves). Returns
    None when there is nothing to learn from; raises TrainingCancelled when ``cancelled()`` turns true
    (the training process is killed)."""
    path = model_path(db_path)
    want = state_of(store, taxonomy)
    got = load(path)
    if got is not None and serves(got[0], want, want):
        return got[1]
    proc = subprocess.Popen([sys.executable, "-m", "annotator.annotate.trainer", db_path],
                            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)})
    _RUNNING.add(proc)
    try:
        proc.stdin.write(json.dumps({"source": taxonomy.source, "path": taxonomy.path}).encode("utf-8"))
        proc.stdin.close()
        while proc.poll() is None:
            if cancelled():
                proc.kill()
                proc.wait()
                raise TrainingCancelled
            time.sleep(POLL_SECONDS)
        err = proc.stderr.read().decode("utf-8", "replace").strip()
    finally:
        _RUNNING.discard(proc)
        if proc.poll() is None:
            proc.kill()
        proc.stderr.close()
    if proc.returncode != 0:
        raise AnnotatorError(f"the training process failed ({err.splitlines()[-1] if err else proc.returncode})")
    got = load(path)
    if got is None:
        raise AnnotatorError(f"the training process wrote no model to {path}")
    return got[1]
