"""Assignment plans at scale: `assign`, `progress` and the assigned queue's per-key queries.

    python benchmarks/assign.py [--sentences 1000000] [--annotators 10]

Prints the time to plan and save (and how long the write transaction held the lock), to compute
progress, and the per-call time of what a key does in the assigned queue (next sentence, the
assignment lookup) against the todo queue's next sentence in the same database as the floor.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _corpus import build  # noqa: E402

from annotator.annotate.plan import Settings, assign  # noqa: E402
from annotator.measure.progress import progress  # noqa: E402
from annotator.store import Store  # noqa: E402


def per_call(fn, repeat: int = 300) -> float:
    t = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - t) / repeat * 1e3


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sentences", type=int, default=1_000_000)
    ap.add_argument("--annotators", type=int, default=10)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "big.db"
        t = time.perf_counter()
        n = build(db, args.sentences)
        print(f"corpus: {n:,} sentences built in {time.perf_counter() - t:.1f} s")
        store = Store(db)
        names = tuple(f"a{i:02d}" for i in range(args.annotators))
        held = []
        real_tx = store.transaction

        def timed_tx():
            tx = real_tx()
            enter, leave = tx.__enter__, tx.__exit__

            class T:
                def __enter__(self):
                    self.t = time.perf_counter()
                    return enter()

                def __exit__(self, *exc):
                    r = leave(*exc)
                    held.append(time.perf_counter() - self.t)
                    return r
            return T()

        store.transaction = timed_tx
        t = time.perf_counter()
        plan, _ = assign(store, Settings(names, 0.2, 2, 1))
        print(f"assign {len(names)} annotators, overlap 0.2: {time.perf_counter() - t:.1f} s "
              f"(write transaction held the lock {max(held):.2f} s); sample {len(plan.sample):,}")
        t = time.perf_counter()
        progress(store)
        print(f"progress: {time.perf_counter() - t:.2f} s")
        who = names[0]
        first = store.next_assigned(who, 0, True)
        late = store.next_assigned(who, 0, False)
        print(f"per key (ms): next assigned (sample) {per_call(lambda: store.next_assigned(who, first.n, True)):.3f}, "
              f"next assigned (rest) {per_call(lambda: store.next_assigned(who, late.n, False)):.3f}, "
              f"assignment lookup {per_call(lambda: store.assignment(late.n, who)):.3f}, "
              f"floor: next todo {per_call(lambda: store.next_in_queue(who, 'todo', late.n)):.3f}")
        store.close()


if __name__ == "__main__":
    main()
