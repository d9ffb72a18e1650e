"""A database for the HTML report tests: the seeds judged by two annotators, some gold, and one
document, annotator and judgments full of hostile strings (markup, script, bidi overrides)."""

from __future__ import annotations

import shutil
from pathlib import Path

from annotator.ingest.importer import import_paths
from annotator.store import State, Store

HOSTILE_NAME = '<script>document.title="pwned"</script>'
HOSTILE_TITLE = '</style><img src=x onerror="document.title=\'pwned\'">标题'
HOSTILE_TEXT = '"><img src=x onerror=alert(1)>点击javascript:alert(2)\u202e反转文字\u202c结束。'
HOSTILE = (HOSTILE_NAME, HOSTILE_TITLE, HOSTILE_TEXT)
ANNOTATORS = ("alice", "bob", HOSTILE_NAME)


def build(double_db: Path, tmp: Path, taxonomy) -> Path:
    """``double_db`` (alice and bob on every seed sentence) plus a hostile document judged by alice, bob
    and a hostile annotator (bob and the hostile one), and gold on a quarter of the sentences."""
    folder = tmp / "hostile"
    folder.mkdir()
    lines = [HOSTILE_TITLE, ""] + [f"{HOSTILE_TEXT}第{i}句，政协委员开展调研。" for i in range(12)]
    (folder / "hostile.txt").write_text("\n".join(lines), encoding="utf-8")
    db = tmp / "report.db"
    shutil.copy(double_db, db)
    store = Store(db)
    import_paths(store, [folder])
    doc = [d for d in store.documents() if d["path"].endswith("hostile.txt")][0]
    # a tag only this document uses (economy), chosen unevenly: a weak tag whose disputed sentences are these
    sentences = [s for s in store.units(doc["id"]) if s.kind == "sentence"]
    for i, s in enumerate(sentences):
        for who, chooses in (("bob", i % 3 == 0), (HOSTILE_NAME, i % 2 == 0)):
            labels = ("economy", "review") if chooses else ("review",)
            store.change("annotation", s.id, who, "confirm", State(labels, "done", HOSTILE_TEXT))
    for i, s in enumerate(store.iter_units("sentence")):
        if i % 4 == 0:
            a = store.annotation(s.id, "alice")
            if a is not None:
                store.change("gold", s.id, "reviewer", "confirm", State(a.labels, "done"))
    store.close()
    return db
