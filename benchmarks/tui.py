"""Tagging-screen speed on 1,000 and 1,000,000 sentences.

Keypress-to-screen in a real terminal: the real app (``python -m annotator tag``), a minimal Textual
app that updates one Static on every key, and a second floor that redraws ``--lines`` lines of styled
Chinese per key (as many as a move to the next sentence changes) run side by side in one tmux server,
each in its own window of the same size. A tmux control-mode client sends one key at a time, in turn
to each app, and timestamps the pane output each key causes: the figure is the time from sending the key to
the last byte of the redraw (the output is then quiet for ``--gap`` ms). Keys: a tag key (toggle,
writes the database) and down/up (the next/previous sentence, no write).

``--inapp`` adds the older in-app figures: launch to first sentence and handler time of toggle,
confirm-and-advance and undo (p50/p99), measured inside the app through Textual's test pilot.

Run: python benchmarks/tui.py [--keys 100] [--sizes 1000,1000000] [--lines 6] [--cache DIR] [--inapp N]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import queue
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


# ------------------------------------------------------------------ the minimal app
LINE = "按照区委下发的《关于加强新时代人民政协党的建设工作的实施意见》,加强政协党的建设,严格党内政治生活,落实制度"


def floor_app(lines: int) -> None:
    """A floor: one Static updated on every key (ctrl+q quits). ``lines`` 0: one short line with a
    counter (the minimal app); else that many lines of styled Chinese that all change (what a move to
    the next sentence redraws: both sentences' lines, the tag rows whose marks change, and part of the
    status line, about 6 lines)."""
    from rich.text import Text
    from textual.app import App
    from textual.widgets import Static

    class Floor(App):
        def compose(self):
            yield Static("ready", id="n")

        def on_key(self, event) -> None:
            if event.key == "ctrl+q":
                self.exit()
                return
            self.n = getattr(self, "n", 0) + 1
            text = Text("" if lines else f"key {self.n}: {event.key}")
            for i in range(lines):
                text.append(f"\n{self.n} " if i else f"{self.n} ", style="bold")
                text.append(LINE[self.n % 7:], style="bold underline #61afef" if i % 2 else "italic")
            self.query_one("#n", Static).update(text)

    Floor().run()


# ------------------------------------------------------------------ tmux in control mode
class Tmux:
    """One private tmux server; one control-mode client that sends keys and timestamps pane output."""

    def __init__(self, size: tuple[int, int]):
        self.socket = f"annotator-bench-{os.getpid()}"
        self.size = size
        self.panes: dict[str, str] = {}  # name -> pane id (%N)
        self._run("new-session", "-d", "-s", "bench", "-x", str(size[0]), "-y", str(size[1]), "sleep 100000")
        self.client = None
        self.events: queue.Queue = queue.Queue()

    def attach(self) -> None:
        """After every window is open (tmux 3.3 crashes opening one under ``window-size manual``): fix
        the size, then attach the control client."""
        self._run("set", "-g", "window-size", "manual")
        for pane in self.panes.values():
            self._run("resize-window", "-t", pane, "-x", str(self.size[0]), "-y", str(self.size[1]))
        self.client = subprocess.Popen(["tmux", "-L", self.socket, "-C", "attach", "-t", "bench"],
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
        threading.Thread(target=self._read, daemon=True).start()

    def _run(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, "-f", "/dev/null", *args], check=True,
                              capture_output=True, text=True).stdout

    def _read(self) -> None:
        for line in iter(self.client.stdout.readline, b""):
            if line.startswith(b"%output "):
                t = time.perf_counter()
                pane = line.split(b" ", 2)[1].decode()
                self.events.put((t, pane, len(line)))

    def open(self, name: str, argv: list[str], env: dict[str, str]) -> None:
        cmd = "exec env " + " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items()) + " " + shlex.join(argv)
        pane = self._run("new-window", "-d", "-P", "-F", "#{pane_id}", "-t", "bench:", "-n", name, cmd).strip()
        self.panes[name] = pane

    def capture(self, name: str) -> str:
        return self._run("capture-pane", "-p", "-t", self.panes[name])

    def settle(self, quiet: float, limit: float) -> None:
        """Wait until no pane has written anything for ``quiet`` seconds."""
        end = time.perf_counter() + limit
        while time.perf_counter() < end:
            try:
                self.events.get(timeout=quiet)
            except queue.Empty:
                return

    def key(self, name: str, key: str, gap: float, limit: float = 5.0) -> tuple[float, float] | None:
        """Send one key; (seconds to the first output byte, seconds to the last byte before ``gap`` of quiet)."""
        pane = self.panes[name]
        while not self.events.empty():  # output from before this key is not its redraw
            self.events.get_nowait()
        t0 = time.perf_counter()
        self.client.stdin.write(f"send-keys -t {pane} {key}\n".encode())
        first = last = None
        end = t0 + limit
        while True:
            timeout = gap if last is not None else max(0.0, end - time.perf_counter())
            try:
                t, p, _n = self.events.get(timeout=timeout)
            except queue.Empty:
                break
            if p != pane:
                continue
            first = first if first is not None else t
            last = t
        return None if last is None else (first - t0, last - t0)

    def close(self) -> None:
        try:
            if self.client is not None:
                self.client.stdin.close()
            self.client.wait(timeout=5)
        except Exception:
            self.client.kill()
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


APPS = ("minimal", "lines", "annotator")


def terminal_figures(db: Path, keys: int, size: tuple[int, int], gap: float, lines: int) -> dict:
    env = {"PYTHONPATH": str(ROOT), "TERM": "xterm-256color", "USER": "bench"}
    tmux = Tmux(size)
    try:
        tmux.open("minimal", [sys.executable, str(Path(__file__).resolve()), "--minimal-app"], env)
        tmux.open("lines", [sys.executable, str(Path(__file__).resolve()), "--lines-app", str(lines)], env)
        tmux.open("annotator", [sys.executable, "-m", "annotator", "--db", str(db), "tag", "-a", "bench"], env)
        tmux.attach()
        tmux.settle(quiet=3.0, limit=90.0)  # start-up, jieba and the model worker
        screen = tmux.capture("annotator")
        if "todo" not in screen:
            raise SystemExit("the tagging screen did not open:\n" + screen)
        for name in APPS:  # warm-up: first draws of each kind
            for k in ("c", "c", "Down", "Up"):
                tmux.key(name, k, gap)
        out: dict[str, list[float]] = {}
        plan = [("toggle", "c")] * keys + [("move", "Down" if i % 2 == 0 else "Up") for i in range(keys)]
        for what, k in plan:
            for name in APPS:  # side by side: the same load for all
                r = tmux.key(name, k, gap)
                if r is not None:
                    out.setdefault(f"{name}_{what}", []).append(r[1] * 1000)
                    out.setdefault(f"{name}_{what}_first", []).append(r[0] * 1000)
        return out
    finally:
        tmux.close()


# ------------------------------------------------------------------ in-app handler times
async def measure_inapp(db: Path, actions: int) -> dict:
    from annotator.core.resources import default_taxonomy_path
    from annotator.store import Store
    from annotator.core.taxonomy import load_taxonomy
    from annotator.tui.app import build_app

    taxonomy = load_taxonomy(default_taxonomy_path())
    t0 = time.perf_counter()
    app = build_app(Store(db), taxonomy, "inapp")
    async with app.run_test(size=(120, 40)) as pilot:
        while app.first_paint is None:
            await pilot.pause(0.001)
        launch = app.first_paint - t0
        app.timings.clear()
        for key in ("c", "enter", "ctrl+z"):
            for _ in range(actions):
                await pilot.press(key)
    out = {"launch_ms": launch * 1000}
    for name in ("toggle", "confirm", "undo"):
        xs = [t * 1000 for n, t in app.timings if n == name]
        out[f"{name}_p50_ms"] = statistics.median(xs)
        out[f"{name}_p99_ms"] = pct(xs, 99)
    return out


def database(cache: Path, n: int) -> Path:
    from _corpus import build

    db = cache / f"c{n}.db"
    if not db.exists():
        t = time.perf_counter()
        part = cache / f"c{n}.part.db"
        for p in cache.glob(f"c{n}.part.db*"):
            p.unlink()
        built = build(part, n)
        part.rename(db)
        print(f"built {built:,} sentences in {time.perf_counter() - t:.1f} s ({db})", flush=True)
    return db


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--keys", type=int, default=100, help="keys of each kind per app and database")
    ap.add_argument("--sizes", default="1000,1000000")
    ap.add_argument("--terminal", default="120x40")
    ap.add_argument("--gap", type=float, default=30.0, help="ms of quiet output that end a redraw")
    ap.add_argument("--cache", help="keep the built databases here (reused by later runs)")
    ap.add_argument("--inapp", type=int, default=0, metavar="N", help="also N in-app actions of each kind")
    ap.add_argument("--lines", type=int, default=6, help="lines the second floor app redraws per key")
    ap.add_argument("--minimal-app", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--lines-app", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.minimal_app or args.lines_app:
        floor_app(args.lines_app)
        return
    if not shutil.which("tmux"):
        raise SystemExit("tmux is needed")
    sizes = [int(s) for s in args.sizes.split(",")]
    size = tuple(int(x) for x in args.terminal.split("x"))
    cache = Path(args.cache) if args.cache else Path(tempfile.mkdtemp(prefix="annotator-tui-"))
    cache.mkdir(parents=True, exist_ok=True)
    rows: dict[str, dict[int, str]] = {}
    try:
        for n in sizes:
            db = database(cache, n)
            work = cache / f"run{n}.db"  # a fresh copy: the run's judgments never accumulate
            for p in cache.glob(f"run{n}.db*"):
                p.unlink()
            shutil.copy(db, work)
            fig = terminal_figures(work, args.keys, size, args.gap / 1000, args.lines)
            for what in ("toggle", "move"):
                m, a = fig.get(f"minimal_{what}", []), fig.get(f"annotator_{what}", [])
                if not m or not a:
                    rows.setdefault(f"{what}: no figures", {})[n] = "—"
                    continue
                rows.setdefault(f"{what}: minimal app p50 / p90", {})[n] = \
                    f"{statistics.median(m):.1f} / {pct(m, 90):.1f} ms"
                rows.setdefault(f"{what}: annotator p50 / p90", {})[n] = \
                    f"{statistics.median(a):.1f} / {pct(a, 90):.1f} ms"
                f = fig[f"annotator_{what}_first"]
                rows.setdefault(f"{what}: annotator first byte p50", {})[n] = f"{statistics.median(f):.1f} ms"
                rows.setdefault(f"{what}: ratio of p50 (n)", {})[n] = \
                    f"{statistics.median(a) / statistics.median(m):.2f} ({len(a)})"
                w = fig.get(f"lines_{what}", [])
                if w:
                    rows.setdefault(f"{what}: floor redrawing {args.lines} lines p50, annotator's ratio to it", {})[n] = \
                        f"{statistics.median(w):.1f} ms, {statistics.median(a) / statistics.median(w):.2f}"
            if args.inapp:
                for p in cache.glob(f"run{n}.db*"):
                    p.unlink()
                shutil.copy(db, work)
                for k, v in asyncio.run(measure_inapp(work, args.inapp)).items():
                    rows.setdefault(f"in-app {k}", {})[n] = f"{v:.2f}"
            for p in cache.glob(f"run{n}.db*"):
                p.unlink()
    finally:
        if not args.cache:
            shutil.rmtree(cache, ignore_errors=True)
    print(f"terminal {args.terminal}, {args.keys} keys of each kind, redraw ends after {args.gap:g} ms of quiet")
    print("| figure | " + " | ".join(f"{n:,}" for n in sizes) + " |")
    print("|---|" + "---|" * len(sizes))
    for k, v in rows.items():
        print(f"| {k} | " + " | ".join(v.get(n, "") for n in sizes) + " |")


if __name__ == "__main__":
    main()
