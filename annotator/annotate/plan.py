"""Assignment plans: who tags which sentence (pure: no SQL, no UI).

A plan gives each document whole to one annotator (its owner), balancing sentence counts, and
sends a sample of the sentences — the overlap sample, stratified by document — to two or more
annotators, so that agreement can be measured on it. The sample is shared out so that every pair of
annotators shares about as many sentences as every other pair, and each carries an even part of it. The plan is deterministic: the same corpus,
annotators, settings and seed give the same plan.

Re-planning keeps everything already done: whoever finished a sentence stays assigned to it, a
document someone has started stays with them while they remain in the plan, and a finished
sentence is never handed to somebody else (except to complete the overlap sample).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import random
from dataclasses import dataclass, field

import numpy as np

from annotator.core.errors import AnnotatorError
from annotator.core.textsafe import printable_name

DEFAULT_OVERLAP = 0.2  # the overlap sample: 10–20 % of the items is usual in published annotation projects


@dataclass(frozen=True)
class Settings:
    annotators: tuple[str, ...]
    overlap: float = DEFAULT_OVERLAP  # fraction of the sentences in the overlap sample
    per_item: int = 2  # annotators per overlap-sample sentence
    seed: int = 0

    def check(self) -> None:
        names = self.annotators
        if not names:
            raise AnnotatorError("--annotators needs at least one name: a,b,c")
        if any(not n or n != n.strip() or "," in n for n in names):
            raise AnnotatorError("annotator names must be non-empty, without commas or surrounding spaces")
        if any(not printable_name(n) for n in names):
            raise AnnotatorError("annotator names must be printable text (no control characters)")
        if len(set(names)) != len(names):
            raise AnnotatorError("an annotator is named twice in --annotators")
        if not 0 <= self.overlap <= 1:
            raise AnnotatorError(f"--overlap must be a fraction between 0 and 1, not {self.overlap}")
        if self.overlap > 0 and not 2 <= self.per_item <= len(names):
            raise AnnotatorError(f"--per-item {self.per_item}: an overlap sentence goes to 2 annotators or more, and "
                                 f"at most to all {len(names)} in the plan" if len(names) > 1 else
                                 "an overlap sample needs two annotators or more (or --overlap 0)")

    def as_dict(self) -> dict:
        return {"annotators": list(self.annotators), "overlap": self.overlap, "per_item": self.per_item,
                "seed": self.seed}


@dataclass
class AssignmentPlan:
    settings: Settings
    owners: dict[str, str]  # document id → owner
    assigned: dict[str, tuple[str, ...]]  # sentence id → annotators (whoever finished it first)
    sample: set[str] = field(default_factory=set)  # sentence ids in the overlap sample
    id: str = ""

    def rows(self):
        """(sentence id, annotator, in the overlap sample) for every assignment."""
        for sid, names in self.assigned.items():
            o = sid in self.sample
            for name in names:
                yield sid, name, o


def quotas(sizes: dict[str, int], fraction: float) -> dict[str, int]:
    """Sentences each document gives to the sample: proportional to its size (largest remainder), so the
    sample is stratified by document and its total is round(fraction × all sentences)."""
    total = sum(sizes.values())
    want = round(fraction * total)
    exact = {d: fraction * n for d, n in sizes.items()}
    q = {d: int(x) for d, x in exact.items()}
    rest = want - sum(q.values())
    for d in sorted(sizes, key=lambda d: (-(exact[d] - q[d]), d))[:max(rest, 0)]:
        q[d] += 1
    return q


def make_plan(docs: dict[str, list[str]], settings: Settings, previous_owners: dict[str, str] | None = None,
              finished: dict[str, set[str]] | None = None) -> AssignmentPlan:
    """A plan over ``docs`` (document id → its sentence ids in order).

    ``previous_owners``: the current plan's document owners;
    ``finished``: sentence id → the annotators who finished it (done, skipped or flagged)."""
    settings.check()
    previous_owners, finished = previous_owners or {}, finished or {}
    names = settings.annotators
    rank = {n: i for i, n in enumerate(names)}
    sizes = {d: len(s) for d, s in docs.items()}

    # 1. The overlap sample: in each document its quota, drawn with a generator seeded by (seed, document).
    sample: set[str] = set()
    if settings.overlap > 0 and len(names) > 1:
        for d, q in quotas(sizes, settings.overlap).items():
            if q:
                rng = random.Random(f"{settings.seed}\x00{d}")
                sample.update(docs[d][i] for i in sorted(rng.sample(range(sizes[d]), q)))

    # 2. Owners: a started document stays with its owner while they remain; the rest are balanced by the
    # sentences outside the sample (the sample is shared out evenly on its own, below), largest first, each to
    # the least loaded annotator (ties by the order given).
    outside = {d: sum(s not in sample for s in docs[d]) for d in docs}
    load = {n: 0 for n in names}
    owners: dict[str, str] = {}
    for d in docs:
        o = previous_owners.get(d)
        if o in load and any(o in finished.get(s, ()) for s in docs[d]):
            owners[d] = o
            load[o] += outside[d]
    for d in sorted((d for d in docs if d not in owners), key=lambda d: (-outside[d], -sizes[d], d)):
        o = min(names, key=lambda n: (load[n], rank[n]))
        owners[d] = o
        load[o] += outside[d]

    # 3. Who tags each sentence: outside the sample, whoever finished it, else the owner; in the sample, a
    # group of per_item annotators that keeps every pair's shared items and every annotator's share even.
    assigned: dict[str, tuple[str, ...]] = {}
    sample_order: list[tuple[str, str]] = []
    for d, sids in docs.items():
        for sid in sids:
            did = sorted(finished.get(sid, ()), key=lambda n: (rank.get(n, len(rank)), n))
            if sid in sample:
                sample_order.append((sid, owners[d]))
            else:
                assigned[sid] = tuple(did) if did else (owners[d],)
    assigned.update(balanced_groups(sample_order, finished, names, settings.per_item))
    assigned = {sid: assigned[sid] for sids in docs.values() for sid in sids}  # corpus order
    plan = AssignmentPlan(settings, owners, assigned, sample)
    plan.id = plan_id(plan)
    return plan


def balanced_groups(items: list[tuple[str, str]], finished: dict[str, set[str]], names: tuple[str, ...],
                    per_item: int) -> dict[str, tuple[str, ...]]:
    """Sample sentence → its annotators. ``items``: (sentence id, document owner) in corpus order.

    Whoever finished a sample sentence keeps it (finished work counts towards the sample). The other places
    are filled greedily, constrained sentences first: the group whose new pairs have shared the fewest items
    so far, then whose members carry the fewest sample sentences, then one with the document's owner (who
    knows its context), then the order given. With two per sentence this keeps every pair's count within
    one of every other's and each annotator's share within one of 2·S/k (tests/test_assign_balance.py)."""
    rank = {n: i for i, n in enumerate(names)}
    k = len(names)
    shared = np.zeros((k, k), dtype=np.int64)  # sample sentences each pair shares so far
    carried = np.zeros(k, dtype=np.int64)  # sample sentences each annotator carries so far
    iu, ju = np.triu_indices(k, 1)
    out: dict[str, tuple[str, ...]] = {}

    def cost(group: tuple[int, ...], fixed: list[int], owner: int) -> tuple:
        new = [int(shared[x, y]) for x in group for y in (*fixed, *group) if x != y and (y in fixed or x < y)]
        return (max(new, default=0), sum(new), int(carried[list(group)].sum()), owner not in (*fixed, *group),
                list(group))

    for sid, owner_name in sorted(items, key=lambda it: not finished.get(it[0])):  # stable: corpus order within
        done = sorted(finished.get(sid, ()), key=lambda n: (rank.get(n, k), n))
        fixed = [rank[n] for n in done if n in rank]  # a finisher no longer in the plan keeps it, uncounted
        owner = rank.get(owner_name, -1)
        need = per_item - len(done)
        chosen: tuple[int, ...] = ()
        if need == 2 and not fixed and k > 1:  # the common case, vectorised: the best of every pair
            best = np.lexsort((ju, iu, (iu != owner) & (ju != owner), carried[iu] + carried[ju], shared[iu, ju]))[0]
            chosen = (int(iu[best]), int(ju[best]))
        elif need > 0:
            free = [i for i in range(k) if i not in fixed]
            if math.comb(len(free), need) <= 2_000:
                chosen = min(itertools.combinations(free, need), key=lambda g: cost(g, fixed, owner))
            else:  # very many annotators: one member at a time
                for _ in range(need):
                    n = min((i for i in free if i not in chosen), key=lambda i: cost((i,), [*fixed, *chosen], owner))
                    chosen += (n,)
        members = [*fixed, *chosen]
        for x, y in itertools.combinations(members, 2):
            shared[x, y] += 1
            shared[y, x] += 1
        carried[members] += 1
        out[sid] = (*done, *(names[i] for i in chosen))
    return out


def pair_counts(plan: AssignmentPlan) -> list[dict]:
    """Per pair of annotators in the plan: the overlap-sample sentences both are assigned."""
    names = plan.settings.annotators
    counts = {p: 0 for p in itertools.combinations(names, 2)}
    rank = {n: i for i, n in enumerate(names)}
    for sid in plan.sample:
        group = sorted((n for n in plan.assigned[sid] if n in rank), key=rank.get)
        for p in itertools.combinations(group, 2):
            counts[p] += 1
    return [{"a": a, "b": b, "shared": n} for (a, b), n in counts.items()]


def plan_id(plan: AssignmentPlan) -> str:
    """A short fingerprint of a plan's settings and assignments (the same plan, the same id)."""
    h = hashlib.sha256(json.dumps(plan.settings.as_dict(), sort_keys=True).encode())
    for sid in sorted(plan.assigned):
        h.update(f"{sid}\x00{','.join(plan.assigned[sid])}\x00{int(sid in plan.sample)}\n".encode())
    return h.hexdigest()[:16]


def assign(store, settings: Settings, *, dry_run: bool = False) -> tuple[AssignmentPlan, dict | None]:
    """Plan (or re-plan) the database's sentences for ``settings.annotators`` and make it the current plan.

    Returns the plan and the plan it replaces (None for the first). The plan is computed outside any
    write; its rows are written in short batches and take effect with one small write."""
    docs = store.sentence_ids_by_document()
    if not docs:
        raise AnnotatorError("the database has no sentences yet: run `annotator import PATH...` first")
    before = store.current_plan()
    plan = make_plan(docs, settings, store.plan_owners() if before else {}, store.finished_by())
    if dry_run or (before and before["id"] == plan.id):
        return plan, before
    try:
        store.stage_plan(plan.rows(), plan.owners)
        store.load_staged_plan(plan.id)  # in short batches, not yet in force
        with store.transaction():
            store.activate_plan(plan.id, settings.as_dict(), replaces=before["id"] if before else None)
        store.prune_plans()
    finally:
        store.drop_staged_plan()
    return plan, before


def describe(plan: AssignmentPlan, sizes: dict[str, int] | None = None) -> list[dict]:
    """Per annotator: documents owned, sentences assigned, of them in the overlap sample."""
    out = {n: {"annotator": n, "documents": 0, "sentences": 0, "overlap": 0} for n in plan.settings.annotators}
    for d, o in plan.owners.items():
        out.setdefault(o, {"annotator": o, "documents": 0, "sentences": 0, "overlap": 0})["documents"] += 1
    for sid, names in plan.assigned.items():
        for n in names:
            row = out.setdefault(n, {"annotator": n, "documents": 0, "sentences": 0, "overlap": 0})
            row["sentences"] += 1
            row["overlap"] += sid in plan.sample
    return list(out.values())
