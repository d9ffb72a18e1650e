"""The chaos driver: the real tagging screen, headless, pressing random keys and logging what it shows.

Before each key it logs an ``intent`` line; after the screen has been redrawn it logs a ``shown``
line with the judgment the screen now shows for the sentence the key acted on. Lines go to a log
file with one write each, so what was logged survives the driver being killed.

Run as a script: ``zygote`` (import everything once, then fork a driver per request line on
stdin, printing each pid) or ``drive DB NAME SEED LOG SECONDS``. ``chaos.py`` runs the drills.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import sys
import time
from dataclasses import replace

ACTIONS = ["tag", "confirm", "flag", "skip", "undo", "redo", "down", "up", "note"]
WEIGHTS = [46, 20, 3, 3, 9, 4, 6, 3, 6]
KEYS = {"confirm": ["enter"], "flag": ["exclamation_mark"], "skip": ["minus"], "undo": ["ctrl+z"],
        "redo": ["ctrl+y"], "down": ["down"], "up": ["up"]}
ADVANCING = {"confirm": "done", "skip": "skipped"}


def drive(db: str, annotator: str, seed: int, log: str, seconds: float = 3600.0, max_steps: int = 100_000) -> None:
    asyncio.run(_drive(db, annotator, seed, log, seconds, max_steps))


async def _drive(db: str, annotator: str, seed: int, log: str, seconds: float, max_steps: int) -> None:
    from annotator.core.resources import default_taxonomy_path
    from annotator.store import EMPTY, Store
    from annotator.core.taxonomy import load_taxonomy
    from annotator.tui.app import build_app

    rng = random.Random(seed)
    taxonomy = load_taxonomy(default_taxonomy_path())
    tag_keys = [t.key for t in taxonomy.tags.values() if t.key]
    from annotator.tui.tagging import TagScreen

    TagScreen.RETRAIN_EVERY = 5  # the model worker's own connection opens and closes often
    app = build_app(Store(db), taxonomy, annotator, suggestions=False)
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def emit(rec: dict) -> None:
        os.write(fd, (json.dumps(rec, ensure_ascii=False) + "\n").encode("utf-8"))

    deadline = time.monotonic() + seconds
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        emit({"ready": os.getpid()})
        for step in range(max_steps):
            s = app.session
            if s.current is None or time.monotonic() > deadline:
                break
            sid0, state0 = s.current.id, s.state
            action = rng.choices(ACTIONS, WEIGHTS)[0]
            emit({"intent": step, "action": action, "sid": sid0})
            if action == "tag":
                await press(pilot, rng.choice(tag_keys))
            elif action == "note":
                await press(pilot, "semicolon")
                await press(pilot, "ctrl+u", *rng.sample("abcdefgh", 3), "enter")
                for _ in range(100):  # the dialog closes, then its callback saves the note
                    if not app.screen.is_modal:
                        break
                    await pilot._wait_for_screen()
                await pilot._wait_for_screen()
            else:
                await press(pilot, *KEYS[action])
            s = app.session
            if s.current is not None and s.current.id == sid0:
                shown = (sid0, s.state)
            elif action in ADVANCING:
                shown = (sid0, replace(state0, status=ADVANCING[action]))
            elif action in ("undo", "redo") and s.current is not None:
                shown = (s.current.id, s.state)
            else:
                shown = None  # moved without writing
            errors = [str(n.message) for n in app._notifications if n.severity == "error"]
            rec = {"shown": step, "errors": errors}
            if shown is not None:
                st = shown[1] or EMPTY
                rec.update(sid=shown[0], state=[sorted(st.labels), st.status, st.note])
            emit(rec)
    emit({"finished": True})
    os.close(fd)


async def press(pilot, *keys: str) -> None:
    """Like ``pilot.press`` without its waits for the CPU to go idle (which cap a driver at a few
    keys a second): send each key as the terminal driver would, then wait until the app and the
    screen have handled everything queued, the redraw included."""
    from textual import events

    app = pilot.app
    for key in keys:
        char = key if len(key) == 1 else {"semicolon": ";", "minus": "-", "exclamation_mark": "!"}.get(key)
        if key == "enter":
            char = "\r"
        event = events.Key(key, char)
        event.set_sender(app)
        app._driver.send_message(event)
        await pilot._wait_for_screen()
    await pilot._wait_for_screen()


def _zygote() -> None:
    import annotator.tui.app  # noqa: F401  (the imports every driver needs, done once)
    from annotator.core.resources import default_taxonomy_path
    from annotator.core.taxonomy import load_taxonomy

    load_taxonomy(default_taxonomy_path())
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # killed drivers are reaped automatically
    print("ready", flush=True)
    for line in sys.stdin:
        db, annotator, seed, log = json.loads(line)
        pid = os.fork()
        if pid == 0:
            try:
                drive(db, annotator, seed, log)
            except BaseException:
                import traceback

                with open(log, "a", encoding="utf-8") as fh:
                    fh.write(json.dumps({"crash": traceback.format_exc()}) + "\n")
            finally:
                os._exit(0)
        print(pid, flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "zygote":
        _zygote()
    elif sys.argv[1] == "drive":
        drive(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5], float(sys.argv[6]))
