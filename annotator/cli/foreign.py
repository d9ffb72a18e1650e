"""`annotator merge FILE --from doccano|label-studio|prodigy|csv`: other tools' labels, placed by text."""

from __future__ import annotations

import click

from annotator.cli.context import say
from annotator.core.textsafe import safe

SHOWN = 30  # problems printed for one refused source
FORMATS = ("doccano", "label-studio", "prodigy", "csv")  # publish.foreign.SOURCES (checked by a test)


def foreign_options(f):
    """The options of a merge from another tool (each does nothing without --from)."""
    for decorator in reversed([
        click.option("--from", "from_", type=click.Choice(FORMATS), default=None,
                     help="The sources are another tool's export: doccano JSONL (or its zip of one file per user), "
                     "Label Studio JSON, Prodigy JSONL, or a spreadsheet's CSV. Records are placed on sentences by "
                     "their text."),
        click.option("--annotator", default=None, help="--from: whose labels these are (overrides the names the "
                     "file gives; needed when it gives none)."),
        click.option("--rename-annotator", "renames", multiple=True, metavar="THEIRS=OURS",
                     help="--from: call an annotator the file names THEIRS (a Label Studio user2, an email, a Prodigy "
                     "session) OURS; repeat for each."),
        click.option("--label-map", type=click.Path(exists=True, dir_okay=False), default=None,
                     help="--from: YAML mapping their label → tag id (a list of ids, or null to leave it out)."),
        click.option("--drop-unknown", is_flag=True, help="--from: leave out labels the taxonomy does not know "
                     "(counted), instead of refusing the source."),
        click.option("--import-missing", is_flag=True, help="--from: a record whose text is in no unit becomes a "
                     "new document (else it is listed, not placed)."),
        click.option("--split-records", is_flag=True, help="--from: a record of several sentences gives each "
                     "sentence its labels (else it is listed, not placed)."),
        click.option("--keep-empty", is_flag=True, help="--from: a record with no label is a judgment that no tag "
                     "applies (else it is left out, counted: doccano writes [] for examples nobody labelled)."),
        click.option("--dry-run", is_flag=True, help="--from: print the placement table; write nothing."),
        click.option("--text-column", default="text", show_default=True,
                     help="--from csv: the text column; label-studio: the data key holding the text."),
        click.option("--labels-column", default="labels", show_default=True, help="--from csv: the labels column."),
        click.option("--delimiter", default=None, help="--from csv: the field delimiter (default: sniffed among "
                     ", ; tab |)."),
        click.option("--label-separator", default=None, help="--from csv: what separates labels in a cell "
                     "(default: any of ; , | and their full-width forms, and 、)."),
    ]):
        f = decorator(f)
    return f


def run_foreign(store, taxonomy, sources, from_, annotator, renames, label_map, drop_unknown, import_missing,
                split_records, keep_empty, dry_run, text_column, labels_column, delimiter, label_separator) -> int:
    """Merge each source; prints the table and every record not placed. Returns the exit status, as a
    merge of our own files: 0 all placed, 3 merged but some records not placed (kept beside the
    database), 1 a source refused (nothing of it written)."""
    from annotator.publish.foreign.labels import load_label_map
    from annotator.publish.foreign.merging import merge_foreign
    from annotator.core.errors import SourceError
    from annotator.publish.foreign.records import Options

    if delimiter == "\\t":
        delimiter = "\t"
    pairs = {}
    for item in renames:
        theirs, sep, ours = item.partition("=")
        if not sep or not theirs or not ours:
            raise click.UsageError(f"--rename-annotator {safe(item)!r}: write THEIRS=OURS")
        pairs[theirs] = ours
    if annotator and pairs:
        raise click.UsageError("--annotator names everyone already: leave out --rename-annotator")
    opts = Options(annotator, text_column, labels_column, delimiter, label_separator, keep_empty, pairs)
    mapping = load_label_map(label_map, taxonomy) if label_map else None
    refused = unplaced = False
    for src in sources:
        try:
            report = merge_foreign(store, taxonomy, src, from_, opts, label_map=mapping, drop_unknown=drop_unknown,
                                   split_records=split_records, import_missing=import_missing, dry_run=dry_run)
        except SourceError as exc:
            refused = True
            say(f"error: {exc.source}: nothing merged", err=True)
            for p in exc.problems[:SHOWN]:
                say(f"  {p}", err=True)
            if len(exc.problems) > SHOWN:
                say(f"  … and {len(exc.problems) - SHOWN} more problems", err=True)
            continue
        for line in report.table():
            say(line)
        for line in report.unplaced_lines(None if dry_run else 20):
            say(f"  not placed: {line}", err=not dry_run)
        say(report.summary())
        if report.not_placed and not dry_run:
            unplaced = True
    return 1 if refused else 3 if unplaced else 0


def check_plain(options: dict) -> None:
    """--from's options make no sense without it: say so instead of ignoring them."""
    given = [name for name, value in options.items() if value not in (None, False, "text", "labels", ())]
    if given:
        raise click.UsageError(f"{', '.join('--' + safe(n).replace('_', '-') for n in given)} go with --from")
