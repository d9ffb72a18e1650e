"""Crash and concurrency drills, shared by the test suite and ``benchmarks/chaos.py``.

The drivers (``chaos_driver.py``) run the real tagging screen headless and log each judgment the
screen shows. *Kill trials* fork drivers from a warmed-up zygote process (imports done once), kill
each with SIGKILL at a random moment, reopen the database and check: ``PRAGMA integrity_check`` is
ok, and every judgment a ``shown`` line reported is in the database (only the sentence of an action
still in flight when the kill came may differ). *Import kills* do the same to ``annotator import``.
*Concurrency runs* start several drivers as different annotators on one database for a bounded
time, with ``agree``, ``export`` and ``backup`` running beside them.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from storehelpers import iter_annotations

DRIVER = str(Path(__file__).with_name("chaos_driver.py"))


# ----------------------------------------------------------------------------- checking a log
@dataclass
class Check:
    actions_shown: int = 0
    judgments_checked: int = 0
    lost: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    integrity: str = "ok"
    finished: bool = False


def check_log(db: str | Path, annotator: str, log: str | Path, exact: bool = False) -> Check:
    """Compare what the driver showed with what the database holds after it died or finished.
    ``exact``: the annotator has no judgments but this log's (a fresh annotator), so any other
    row of theirs counts as a difference too."""
    from annotator.store import Store

    expected: dict[str, tuple] = {}
    inflight: dict | None = None
    out = Check()
    for line in Path(log).read_text(encoding="utf-8").splitlines():
        try:
            rec = json.loads(line)
        except json.JSONDecodeError:  # the last line of a killed driver may be cut short
            continue
        if "intent" in rec:
            inflight = rec
        elif "shown" in rec:
            inflight = None
            out.actions_shown += 1
            out.errors += rec["errors"]
            if "sid" in rec:
                expected[rec["sid"]] = tuple(rec["state"][0]), rec["state"][1], rec["state"][2]
        elif rec.get("finished"):
            out.finished = True
    store = Store(db)
    try:
        out.integrity = store.conn.execute("PRAGMA integrity_check").fetchone()[0]
        differ = []
        for sid, (labels, status, note) in expected.items():
            got = store.annotation(sid, annotator)
            got_t = (tuple(sorted(got.labels)), got.status, got.note) if got else ((), "draft", "")
            if got_t != (labels, status, note):
                differ.append(sid)
        if exact:
            rows = {r["sentence_id"] for r in iter_annotations(store) if r["annotator"] == annotator}
            differ += sorted(rows - set(expected))
        out.judgments_checked = len(expected)
        if inflight is not None and len(differ) == 1:
            # the action in flight at the kill may have committed before its screen update was logged
            if inflight["action"] in ("undo", "redo") or differ[0] == inflight["sid"]:
                differ = []
        out.lost = differ
    finally:
        store.close()
    return out


# ----------------------------------------------------------------------------- kill trials
class Zygote:
    """A process that has imported everything once and forks a driver per request."""

    def __init__(self):
        self.proc = subprocess.Popen([sys.executable, DRIVER, "zygote"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, bufsize=1)
        assert self.proc.stdout.readline().strip() == "ready"

    def spawn(self, db: str, annotator: str, seed: int, log: str) -> int:
        self.proc.stdin.write(json.dumps([db, annotator, seed, log]) + "\n")
        return int(self.proc.stdout.readline())

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _wait_for(predicate, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.005)
    return predicate()


@dataclass
class Tally:
    """What a drill checked: actions the screens showed, judgments compared, judgments lost."""

    actions_shown: int = 0
    judgments_checked: int = 0
    lost: int = 0
    failures: list[str] = field(default_factory=list)


@dataclass
class KillReport(Tally):
    trials: int = 0
    killed_before_ready: int = 0
    bad_integrity: int = 0
    planned_actions: int = 0  # the actions the kills waited for (each kill came after its trial's number)


def _shown(log: Path) -> int:
    try:
        return log.read_text(encoding="utf-8").count('"shown"')
    except FileNotFoundError:
        return 0


def kill_trials(dbs: list[Path], trials: int, seed: int = 0, most_actions: int = 20, workdir: Path | None = None,
                patience: float = 300.0) -> KillReport:
    """Run ``trials`` drivers, each killed with SIGKILL, and check the database after each kill.

    The moment is chosen by what has been observed, not by the clock, so the drill does the same
    work on a slow machine as on a fast one: a trial draws a number of actions (1…``most_actions``),
    waits until the driver has shown that many, then kills it a random few milliseconds later (in
    the middle of the next action). One trial in ten kills during start-up instead. Each database
    in ``dbs`` is a lane (one annotator, who resumes after every kill); lanes run side by side."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    workdir = workdir or dbs[0].parent
    report = KillReport()
    zygote = Zygote()
    spawn_lock, report_lock = threading.Lock(), threading.Lock()

    def trial(t: int) -> None:
        rng = random.Random(seed * 1_000_003 + t)
        lane = t % len(dbs)
        db, annotator, log = dbs[lane], f"crash{lane}", workdir / f"trial{t}.log"
        with spawn_lock:
            pid = zygote.spawn(str(db), annotator, rng.randrange(1 << 30), str(log))
        failures = []
        planned = 0
        if rng.random() < 0.1:  # sometimes during start-up
            time.sleep(rng.uniform(0, 0.3))
        else:
            planned = rng.randint(1, most_actions)
            if not _wait_for(lambda: _shown(log) >= planned, patience):
                failures.append(f"trial {t}: the driver showed {_shown(log)} of {planned} actions in {patience} s")
            time.sleep(rng.uniform(0, 0.01))
        ready = log.exists() and "ready" in log.read_text(encoding="utf-8")
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            failures.append(f"trial {t}: the driver ended before the kill: {log.read_text(encoding='utf-8')[-800:]}")
        if not _wait_for(lambda: not _alive(pid), 10):
            failures.append(f"trial {t}: pid {pid} survived SIGKILL")
        if not log.exists():
            log.write_text("", encoding="utf-8")
        c = check_log(db, annotator, log)
        if c.integrity != "ok":
            failures.append(f"trial {t}: integrity_check: {c.integrity}")
        if c.lost:
            failures.append(f"trial {t}: shown but not in the database: {c.lost}")
        if c.errors:
            failures.append(f"trial {t}: errors shown: {c.errors}")
        with report_lock:
            report.trials += 1
            report.killed_before_ready += not ready
            report.planned_actions += planned
            report.actions_shown += c.actions_shown
            report.judgments_checked += c.judgments_checked
            report.lost += len(c.lost)
            report.bad_integrity += c.integrity != "ok"
            report.failures += failures

    def lane(k: int) -> None:
        for t in range(k, trials, len(dbs)):
            trial(t)

    try:
        with ThreadPoolExecutor(len(dbs)) as pool:
            for f in [pool.submit(lane, k) for k in range(len(dbs))]:
                f.result()
    finally:
        zygote.close()
    return report


@dataclass
class ImportKillReport:
    trials: int = 0
    documents_checked: int = 0
    partial_documents: int = 0
    failures: list[str] = field(default_factory=list)
    databases: list[Path] = field(default_factory=list)


def _documents(db: Path) -> int:
    """Documents another process has committed so far (0 while the database is not there yet)."""
    import sqlite3

    if not db.exists():
        return 0
    try:
        conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=0.1)
        try:
            return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:  # still being created
        return 0


def import_kill_trials(db: Path, folder: Path, trials: int, seed: int = 0, most_documents: int = 200,
                       patience: float = 300.0) -> ImportKillReport:
    """``annotator import FOLDER`` into a new database, killed with SIGKILL once per trial: every
    document in the database must have all its units (each is written all or nothing). The moment
    is chosen by what has been observed: the first trial is killed as soon as it starts, the others
    after a drawn number of documents (1…``most_documents``) are in the database, a random few
    milliseconds later. The databases are ``db`` with the trial number added to its name."""
    from annotator.store import Store

    rng = random.Random(seed)
    report = ImportKillReport()
    for t in range(trials):
        db_t = db.with_name(f"{db.stem}-{t}{db.suffix}")
        report.databases.append(db_t)
        proc = subprocess.Popen([sys.executable, "-m", "annotator", "--db", str(db_t), "import", str(folder)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if t:
            planned = rng.randint(1, most_documents)
            if not _wait_for(lambda: _documents(db_t) >= planned or proc.poll() is not None, patience):
                report.failures.append(f"trial {t}: {_documents(db_t)} of {planned} documents in {patience} s")
            time.sleep(rng.uniform(0, 0.01))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        report.trials += 1
        if not db_t.exists():
            continue  # killed before the database was created
        store = Store(db_t)
        try:
            ok = store.conn.execute("PRAGMA integrity_check").fetchone()[0]
            if ok != "ok":
                report.failures.append(f"trial {t}: integrity_check: {ok}")
            for d in store.documents():
                report.documents_checked += 1
                if len(store.units(d["id"])) != d["n_units"]:
                    report.partial_documents += 1
                    report.failures.append(f"trial {t}: document {d['id']} is partial")
        finally:
            store.close()
    return report


def copies_of_seeds(folder: Path, copies: int) -> Path:
    """``copies`` × the bundled seed reports, each copy a distinct document (a numbered heading)."""
    from annotator.core.resources import seeds_dir

    folder.mkdir(parents=True, exist_ok=True)
    for k in range(copies):
        for p in sorted(seeds_dir().glob("*.txt")):
            (folder / f"{k:04d}_{p.name}").write_text(f"# 副本 {k}\n\n" + p.read_text(encoding="utf-8"),
                                                      encoding="utf-8")
    return folder


# ----------------------------------------------------------------------------- concurrency
@dataclass
class ConcurrencyReport(Tally):
    writers: int = 0
    seconds: float = 0.0
    reader_runs: int = 0


def concurrency_run(db: Path, writers: int = 4, seconds: float = 6.0, workdir: Path | None = None,
                    seed: int = 0) -> ConcurrencyReport:
    """``writers`` drivers tag the same database as different annotators for ``seconds`` while the
    real ``annotator agree --json``, ``export`` and ``backup`` run over and over beside them."""
    workdir = workdir or db.parent
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    procs = []
    for w in range(writers):
        log = workdir / f"writer{w}.log"
        procs.append((f"writer{w}", log, subprocess.Popen(
            [sys.executable, DRIVER, "drive", str(db), f"writer{w}", str(seed * 100 + w), str(log), str(seconds)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)))
    report = ConcurrencyReport(writers=writers, seconds=seconds)
    cli = [sys.executable, "-m", "annotator", "--db", str(db)]
    start = time.monotonic()
    k = 0
    while any(p.poll() is None for _, _, p in procs):
        args = [["agree", "--json"], ["export", "--out", str(workdir / "during.jsonl"), "--force"],
                ["backup", str(workdir / "during-backup.db"), "--force"]][k % 3]
        r = subprocess.run(cli + args, capture_output=True, text=True, env=env, timeout=300)
        report.reader_runs += 1
        if r.returncode != 0 or "locked" in r.stderr or "Traceback" in r.stderr:
            report.failures.append(f"reader {' '.join(args)} exit {r.returncode}: {r.stderr.strip()[-300:]}")
        k += 1
        if time.monotonic() - start > seconds * 20 + 120:
            report.failures.append("writers did not finish in time")
            break
    for name, log, p in procs:
        try:
            _, err = p.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            p.kill()
            _, err = p.communicate()
        if p.returncode != 0:
            report.failures.append(f"{name} exit {p.returncode}: {err.strip()[-500:]}")
        c = check_log(db, name, log, exact=True)
        report.actions_shown += c.actions_shown
        report.judgments_checked += c.judgments_checked
        report.lost += len(c.lost)
        if not c.finished:
            report.failures.append(f"{name} did not finish its run")
        if c.lost:
            report.failures.append(f"{name}: shown but not in the database: {c.lost}")
        if c.errors:
            report.failures.append(f"{name}: errors shown: {c.errors}")
        if c.integrity != "ok":
            report.failures.append(f"integrity_check: {c.integrity}")
    return report
