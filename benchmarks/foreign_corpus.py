"""Synthetic corpus for timing merge --from: 400 documents × 500 sentences = 200,000 units."""
import json, random, sys
from annotator.store import Store
from annotator.ingest.segmenter import SEGMENTER_VERSION
rng = random.Random(0)
A = "政协委员会议协商调研监督提案民生经济建设党组学习乡村振兴生态环境城市治理"
store = Store(sys.argv[1])
with store.batch():
    for d in range(400):
        units, text, pos = [], [], 0
        for i in range(500):
            t = "".join(rng.choice(A) for _ in range(rng.randint(15, 60))) + f"{d}-{i}。"
            units.append((i, "sentence", t, None, pos, pos + len(t)))
            text.append(t); pos += len(t) + 1
        store.add_document(f"{d:016x}", f"doc{d}.txt", f"doc {d}", "\n".join(text), "utf-8", SEGMENTER_VERSION, units)
rows = store.conn.execute("SELECT text FROM sentences ORDER BY random() LIMIT 20000").fetchall()
with open(sys.argv[2], "w") as f:
    for (t,) in rows:
        f.write(json.dumps({"id": 1, "text": t, "label": [rng.choice(["政治协商", "Proposals", "economy"]), "review"]}, ensure_ascii=False) + "\n")
