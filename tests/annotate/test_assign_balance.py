"""Balanced overlap: with k annotators and two per sentence, every pair shares about as many sample
sentences as every other (within one), each annotator carries 2·S/k of them (within one), and re-planning
still keeps every finished judgment with whoever made it."""

from __future__ import annotations

import json
import random

from click.testing import CliRunner
from hypothesis import given, settings, strategies as st

from annotator.annotate.plan import Settings, make_plan, pair_counts
from annotator.cli import cli

NAMES = "abcdef"


def corpus(sizes):
    return {f"d{i}": [f"d{i}-{j}" for j in range(n)] for i, n in enumerate(sizes)}


@settings(max_examples=150, deadline=None)
@given(st.integers(2, 6), st.lists(st.integers(1, 90), min_size=1, max_size=9),
       st.sampled_from([0.05, 0.1, 0.2, 0.35, 0.5, 1.0]), st.integers(0, 50))
def test_every_pair_shares_as_many_items_and_every_annotator_carries_a_fair_share(k, sizes, overlap, seed):
    names = tuple(NAMES[:k])
    plan = make_plan(corpus(sizes), Settings(names, overlap, 2, seed))
    shared = [p["shared"] for p in pair_counts(plan)]
    assert len(shared) == k * (k - 1) // 2 and sum(shared) == len(plan.sample)
    assert max(shared) - min(shared) <= 1, shared
    share = [sum(n in plan.assigned[sid] for sid in plan.sample) for n in names]
    assert all(abs(x - 2 * len(plan.sample) / k) <= 1 for x in share), share
    assert all(len(plan.assigned[sid]) == 2 for sid in plan.sample)


@settings(max_examples=80, deadline=None)
@given(st.integers(2, 6), st.lists(st.integers(5, 60), min_size=1, max_size=6), st.integers(0, 20),
       st.sampled_from(["add", "drop", "same"]), st.floats(0.05, 0.9))
def test_replanning_keeps_finished_work(k, sizes, seed, change, progress):
    docs = corpus(sizes)
    names = tuple(NAMES[:k])
    first = make_plan(docs, Settings(names, 0.25, 2, seed))
    rng = random.Random(seed)
    finished: dict[str, set[str]] = {}
    for sid, who in first.assigned.items():
        for n in who:
            if rng.random() < progress:
                finished.setdefault(sid, set()).add(n)
    if change == "add" and k < 6:
        names = tuple(NAMES[:k + 1])
    elif change == "drop" and k > 2:
        names = names[:-1]
    again = make_plan(docs, Settings(names, 0.25, 2, seed), first.owners, finished)
    for sid, who in finished.items():
        assert who <= set(again.assigned[sid]), (sid, who, again.assigned[sid])
    assert all(len(again.assigned[sid]) >= 2 for sid in again.sample)
    assert set(again.assigned) == set(first.assigned)


def test_dry_run_shows_the_pair_table_and_json_the_pairs(seeded_db):
    """The case the issue met: three annotators on the seeds once shared 47, 28 and 5 items."""
    r = CliRunner().invoke(cli, ["--db", str(seeded_db), "assign", "--annotators", "ann,bo,cy", "--overlap", "0.2",
                                 "--dry-run"], env={"COLUMNS": "80"})
    assert r.exit_code == 0, r.output
    assert "Overlap sentences each pair shares" in r.output and "dry run: nothing saved" in r.output
    j = json.loads(CliRunner().invoke(cli, ["--db", str(seeded_db), "assign", "--annotators", "ann,bo,cy",
                                            "--overlap", "0.2", "--dry-run", "--json"]).output)
    shared = {(p["a"], p["b"]): p["shared"] for p in j["pairs"]}
    assert set(shared) == {("ann", "bo"), ("ann", "cy"), ("bo", "cy")}
    assert max(shared.values()) - min(shared.values()) <= 1 and sum(shared.values()) == j["sample"]
    grid = {ln.split()[0]: ln.split()[1:] for ln in r.output.replace("│", " ").splitlines()
            if ln.replace("│", " ").split()[:1] in (["ann"], ["bo"], ["cy"]) and "—" in ln}
    assert grid["ann"] == ["—", str(shared[("ann", "bo")]), str(shared[("ann", "cy")])]
