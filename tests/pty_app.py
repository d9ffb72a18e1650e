"""The real app in a pseudo-terminal: the real Textual driver reads whole bursts of bytes at once.

``PtyApp`` starts ``python -m annotator …`` on a pty of a given size, drains everything the app
draws (a full pty would block it), writes bytes exactly as a terminal would deliver them, and lets
tests wait for a condition on the database. Nothing here asserts on time: waits poll the database
until the condition holds or a generous limit (a busy machine is slow, never wrong) runs out.
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import signal
import sqlite3
import struct
import sys
import termios
import threading
import time
from pathlib import Path

KEYS = {
    "enter": b"\r", "escape": b"\x1b", "up": b"\x1b[A", "down": b"\x1b[B", "right": b"\x1b[C", "left": b"\x1b[D",
    "pageup": b"\x1b[5~", "pagedown": b"\x1b[6~", "home": b"\x1b[H", "end": b"\x1b[F", "backspace": b"\x7f",
    "ctrl+z": b"\x1a", "ctrl+y": b"\x19", "ctrl+p": b"\x10", "ctrl+o": b"\x0f", "ctrl+n": b"\x0e",
    "ctrl+d": b"\x04", "ctrl+u": b"\x15", "ctrl+q": b"\x11", "f1": b"\x1bOP", "f2": b"\x1bOQ", "f3": b"\x1bOR",
    "tab": b"\t",
}
WAIT = float(os.environ.get("ANNOTATOR_PTY_WAIT", "120"))  # seconds: only ever reached when something is wrong


def keys(*names: str) -> bytes:
    """Key names (see KEYS) and literal text, as the bytes a terminal sends."""
    return b"".join(KEYS.get(n, n.encode("utf-8")) for n in names)


class PtyApp:
    def __init__(self, db: Path, *args: str, size: tuple[int, int] = (120, 40), env: dict | None = None):
        self.db = Path(db)
        self.screen = bytearray()
        pid, fd = pty.fork()
        if pid == 0:  # the child: the app on the pty's slave side
            try:
                os.environ.update({"TERM": "xterm-256color", "COLUMNS": str(size[0]), "LINES": str(size[1]),
                                   "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
                                   **(env or {})})
                os.execv(sys.executable, [sys.executable, "-m", "annotator", "--db", str(db), *args])
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()
        self.status: int | None = None

    def _drain(self) -> None:
        while True:
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.screen.extend(chunk[-200_000:])
            del self.screen[:-400_000]

    def send(self, data: bytes) -> None:
        """One burst: all bytes in one write, as a terminal delivers fast typing or a paste."""
        os.write(self.fd, data)

    def drawn(self, text: str) -> bool:
        return text.encode("utf-8") in self.screen

    def wait_drawn(self, text: str) -> None:
        self.wait(lambda: self.drawn(text), f"the screen never showed {text!r}")

    def wait(self, condition, what: str = "the condition") -> None:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            if condition():
                return
            if self.exited():
                raise AssertionError(f"the app exited ({self.status}) before {what}:\n{self.tail()}")
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}:\n{self.tail()}")

    def tail(self) -> str:
        return bytes(self.screen[-3000:]).decode("utf-8", "replace")

    def exited(self) -> bool:
        if self.status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = status
        return self.status is not None

    def quit(self) -> None:
        if not self.exited():
            self.send(KEYS["ctrl+q"])
            try:
                self.wait(self.exited, "the app to quit")
            except AssertionError:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
        try:
            os.close(self.fd)
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.quit()


def judgments(db, who: str) -> dict[int, tuple]:
    """An annotator's judgments as the database holds them: sentence number → (sorted tags, status, note)."""
    c = sqlite3.connect(db)
    try:
        return {n: (tuple(sorted(json.loads(labels))), status, note) for n, labels, status, note in c.execute(
            "SELECT sentence_n, labels, status, note FROM annotations WHERE annotator = ?", (who,))}
    finally:
        c.close()
