"""assign and progress: the team's assignment plan and how far it has got."""

from __future__ import annotations

import click
from rich.table import Table
from rich.text import Text

from annotator.cli import console, open_store, say, shared_options
from annotator.commands.tables import print_table
from annotator.textsafe import to_json


@click.command("assign")
@shared_options
@click.option("--annotators", required=True, help="Comma-separated names of the annotators: a,b,c.")
@click.option("--overlap", type=float, default=None,
              help="Fraction of the sentences in the overlap sample (default 0.2; 1 with --per-item alone).")
@click.option("--per-item", type=int, default=None,
              help="Annotators per overlap-sample sentence (default 2); alone: every sentence to this many.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the overlap sample.")
@click.option("--dry-run", is_flag=True, help="Show the plan without saving it.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
def assign_cmd(annotators, overlap, per_item, seed, dry_run, as_json):
    """Plan who tags what: each document whole to one annotator (balanced by sentences), and an overlap
    sample, stratified by document, to two annotators or more for agreement. Deterministic; re-planning
    (another annotator, one fewer) keeps everything already done."""
    from annotator.plan import DEFAULT_OVERLAP, Settings, assign, describe

    names = tuple(n.strip() for n in annotators.split(","))
    if overlap is None:
        overlap = 1.0 if per_item is not None else DEFAULT_OVERLAP
    settings = Settings(names, overlap, per_item if per_item is not None else 2, seed)
    store = open_store(create=False, write=not dry_run, read=dry_run)
    plan, before = assign(store, settings, dry_run=dry_run)
    rows = describe(plan)
    if as_json:
        say(to_json({"plan": {"id": plan.id, **settings.as_dict()}, "replaces": before["id"] if before else None,
                     "saved": not dry_run, "sample": len(plan.sample), "annotators": rows}, indent=2))
        return
    t = Table(title=f"Plan {plan.id}: overlap sample {len(plan.sample)} sentences "
                    f"({settings.overlap:.0%}) to {settings.per_item} annotators each")
    for col in ("annotator", "documents", "sentences", "overlap"):
        t.add_column(col, justify="left" if col == "annotator" else "right")
    for r in rows:
        t.add_row(Text(r["annotator"]), str(r["documents"]), str(r["sentences"]), str(r["overlap"]))
    print_table(console(), t)
    if dry_run:
        say("dry run: nothing saved")
    elif before and before["id"] == plan.id:
        say("the plan in force is already this one: nothing changed")
    elif before:
        say(f"replaced plan {before['id']}; finished work stays with whoever finished it")


@click.command("progress")
@shared_options
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
def progress_cmd(as_json):
    """Per annotator: assigned, done, remaining, speed (sentences per active hour), and how much of the
    overlap sample has two judgments (what agreement needs)."""
    from annotator.progress import progress

    store = open_store(create=False, read=True)
    rep = progress(store)
    if as_json:
        say(to_json(rep, indent=2))
        return
    render(rep, console())


def render(rep: dict, out) -> None:
    from annotator.progress import COLUMNS, LEGEND, overlap_line, table_rows

    t = Table(title=f"Progress of plan {rep['plan']['id']}")
    for col in COLUMNS:
        t.add_column(col, justify="left" if col == "annotator" else "right")
    for row in table_rows(rep):
        t.add_row(*(Text(c) for c in row))
    print_table(out, t)
    out.print(Text(LEGEND, style="dim"))
    out.print(Text(overlap_line(rep)))


COMMANDS = [assign_cmd, progress_cmd]
