"""Publish: export datasets; merge other annotators' work."""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path

import click

from annotator.annotate.workspace import resolve_taxonomy
from annotator.cli.context import open_store, progress_printer, say, shared_options, stdout_for_data, taxonomy_path
from annotator.cli.foreign import check_plain, foreign_options, run_foreign
from annotator.cli.group import cli
from annotator.core.files import FileSet, terminate_cleanly
from annotator.core.textsafe import to_json
from annotator.measure import bootstrap as boot
from annotator.publish.card import dataset_card
from annotator.publish.export import ExportError, FORMATS, export, manifest_path, run_id
from annotator.core.words import count


@click.command("export")
@shared_options
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="jsonl", show_default=True,
              help="jsonl: native records; doccano: text classification; prodigy: one choice task per judgment; "
              "csv: one row per unit, a 0/1 column per tag (R, pandas, Stata).")
@click.option("--source", default="resolved", show_default=True,
              help="resolved (gold, else agreed, else majority), gold, or annotator:NAME.")
@click.option("--all", "include_all", is_flag=True, help="Every unit of every kind, resolved or not.")
@click.option("--split", default=None, help="Split by document, e.g. train=0.8,dev=0.1,test=0.1.")
@click.option("--seed", default=0, show_default=True, help="Seed of the document split.")
@click.option("--out", default=None, help="Output file, or - for stdout (default: exports/<db>-<UTC time>.jsonl).")
@click.option("--force", is_flag=True, help="Overwrite existing files.")
@click.option("--no-agreement", is_flag=True, help="Leave agreement figures out of the .meta.json card.")
@click.option("--excel", is_flag=True, help="csv for spreadsheets: a UTF-8 BOM, and cells beginning with = + - @ "
              "prefixed with ' so they are never run as formulas.")
@click.option("--label-names", type=click.Choice(("id", "title", "en")), default="id", show_default=True,
              help="doccano: name the tags by id, Chinese title or English name (as the doccano project does; "
              "`merge --from doccano` reads each back).")
def export_cmd(fmt, source, include_all, split, seed, out, force, no_agreement, excel, label_names):
    """Export labeled data as JSONL or CSV (UTF-8, Chinese kept), atomically, with a .meta.json dataset card."""
    if excel and fmt != "csv":
        raise click.UsageError("--excel goes with --format csv")
    store = open_store(create=False, read=True)
    taxonomy = resolve_taxonomy(store, taxonomy_path(), every_label=True)
    if out == "-":
        target = None
    elif out:
        target = Path(out)
    else:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        target = Path("exports") / f"{Path(store.path).stem}-{stamp}.{'csv' if fmt == 'csv' else 'jsonl'}"
    meta = target.with_name(f"{target.stem}.meta.json") if target is not None else None
    if meta is not None and meta.exists() and not force:
        raise ExportError(f"{meta} exists: use --force to overwrite")
    total = store.count_units(None if include_all else "sentence")
    if target is None:
        with progress_printer("exporting", 0) as bar:
            stdout = stdout_for_data()  # a terminal gets the one sanitiser; a pipe gets the data exactly
            summary = export(store, taxonomy, None, fmt=fmt, source=source, include_all=include_all, seed=seed,
                             stdout=stdout, progress=bar.update, excel=excel, label_names=label_names)
            stdout.flush()
        for note in summary.notes:
            say(f"note: {note}", err=True)
        return
    # the data files, the dataset card and the manifest are one set: all new or all old (see files.py)
    with terminate_cleanly():
        files = FileSet(manifest_path(target), force)
        try:
            with progress_printer("exporting", total) as bar:
                summary = export(store, taxonomy, target, fmt=fmt, source=source, include_all=include_all,
                                 split=split, seed=seed, force=force, progress=bar.update, fileset=files,
                                 excel=excel, label_names=label_names)
            agreement = None
            if not no_agreement:
                from annotator.measure.report import report, scope_of

                sample, measured_on = scope_of(store)  # the items `annotator agree` uses: the figures match
                agreement = report(store, taxonomy, bootstrap=boot.SAMPLES, seed=boot.SEED, sample=sample)["overall"]
                agreement = {**agreement, "measured_on": measured_on} if agreement else agreement
            run = run_id()
            from annotator.measure.progress import plan_summary

            plan = plan_summary(store)
            card = dataset_card(store, taxonomy, summary, ["annotator", *sys.argv[1:]], agreement,
                                bootstrap={"samples": boot.SAMPLES, "seed": boot.SEED}, plan=plan)
            card["run"], card["manifest"] = run, manifest_path(target).name
            files.add_json(meta, card)
            files.commit(run, {"database": store.path, "command": card["command"]})
        except BaseException:
            files.abort()
            raise
    per = ", ".join(f"{k}: {v}" for k, v in summary.per_split.items())
    say(f"{count(summary.records, 'record')} ({per}) → {', '.join(summary.files)}; dataset card {meta}; "
        f"manifest {manifest_path(target)}")
    if summary.unresolved:
        say(f"{count(sum(summary.unresolved.values()), 'sentence')} left unresolved: "
            + ", ".join(f"{k} {v}" for k, v in summary.unresolved.most_common()), err=True)
    if card["plan"] is not None:
        say(f"plan: {to_json(card['plan'])}")
    for note in summary.notes:
        say(f"note: {note}", err=True)


@click.command("merge")
@shared_options
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--ignore-plan", is_flag=True, help="Keep this database's assignment plan whatever the sources bring.")
@foreign_options
def merge_cmd(sources, ignore_plan, from_, **foreign):
    """Merge other annotators' databases or native JSONL exports into this database.

    A judgment lands only on the sentence whose text is the text it was given to: on the sentence with
    its id when the texts are equal, else on the one sentence of the same document with exactly that
    text; otherwise it is not placed but kept in DB.unplaced-<time>.jsonl beside the database.
    Documents missing here come along from a database source. The later updated_at wins a conflict and
    both versions stay in the event log. Each source is all or nothing. A database's assignment plan
    comes along when this database has none or an older one (--ignore-plan keeps this database's).
    Exit status: 0 all merged and placed; 3 merged, but some judgments not placed (see the file);
    1 a source was refused (nothing of it merged).

    With --from: another tool's export (doccano, Label Studio, Prodigy, CSV), each record placed on
    the sentence with its text; the placement table says what was placed, re-segmented, missing or
    ambiguous (--dry-run: only the table)."""
    from annotator.core.errors import MergeError
    from annotator.publish.merge import merge

    if from_ is None:
        check_plain(foreign)
    store = open_store(write=from_ is None or not foreign["dry_run"], read=from_ is not None and foreign["dry_run"])
    taxonomy = resolve_taxonomy(store, taxonomy_path())
    if from_ is not None:
        code = run_foreign(store, taxonomy, sources, from_, **foreign)
        if code:
            raise SystemExit(code)
        return
    failed, unplaced = False, []
    for src in sources:
        try:
            report = merge(store, taxonomy, src, ignore_plan=ignore_plan)
        except MergeError as exc:
            failed = True
            say(f"error: {exc.source}: nothing merged", err=True)
            for p in exc.problems:
                say(f"  {p}", err=True)
            continue
        say(report.summary())
        if report.unplaced:
            unplaced.append(report)
    for r in unplaced:
        say(f"warning: {r.source}: {count(r.unplaced, 'judgment')} not placed on any sentence (the first: "
            f"{r.unplaced_reason}): kept with their reasons in {r.unplaced_file}; everything else from it is merged",
            err=True)
    if failed:
        raise SystemExit(1)
    if unplaced:
        raise SystemExit(3)


for _command in (export_cmd, merge_cmd):
    cli.add_command(_command)
