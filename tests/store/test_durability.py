"""kill -9 in the middle of tagging loses no committed judgment."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

from annotator.store import Store

WRITER = textwrap.dedent("""
    import sys, time
    from annotator.store import Store
    from annotator.annotate.tagging import TaggingSession
    from annotator.core.taxonomy import load_taxonomy
    from annotator.core.resources import default_taxonomy_path
    store = Store(sys.argv[1])
    s = TaggingSession(store, load_taxonomy(default_taxonomy_path()), "victim")
    s.start()
    for i in range(int(sys.argv[2])):
        s.toggle("consultation")
        s.confirm()
    print("written", flush=True)
    time.sleep(60)
""")


def test_kill_9_loses_nothing(seeded_db):
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(seeded_db), "40"], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "written"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    store = Store(seeded_db)
    assert store.count_status("victim", "done") == 40
    assert len([e for e in store.events() if e["annotator"] == "victim"]) == 80
