"""import, taxonomy check, docs."""

from __future__ import annotations

import re

import click

from annotator.cli import open_store, progress_printer, say, shared_options, taxonomy_path
from annotator.importer import import_paths
from annotator.taxonomy import load_taxonomy
from annotator.textio import scan
from annotator.workspace import resolve_taxonomy


def parse_size(value: str) -> int:
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmMgG]?)[bB]?\s*", value or "")
    if not m:
        raise click.BadParameter(f"{value!r} is not a size such as 100MB, 1.5GB or 500000")
    return int(float(m.group(1)) * {"": 1, "k": 1e3, "m": 1e6, "g": 1e9}[m.group(2).lower()])


@click.command("import")
@shared_options
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--max-size", default="100MB", show_default=True, metavar="SIZE",
              help="Refuse a single report file larger than this (e.g. 250MB, 1GB).")
def import_cmd(paths, max_size):
    """Import report files and folders (recursively: .txt, .md) as sentence units.

    Encodings are detected (UTF-8 with or without BOM, UTF-16 with BOM, GB18030/GBK, Big5);
    Korean, Japanese and Latin-script files are refused. Only regular files are read: FIFOs,
    sockets and devices are refused by type without being opened. Importing the same content again
    adds nothing. Exit 1 if any file was refused."""
    limit = parse_size(max_size)
    store = open_store(write=True)
    files = scan(list(paths)).files
    with progress_printer("importing", len(files)) as bar:
        report = import_paths(store, list(paths), progress=lambda _p: bar.update(1), max_bytes=limit)
    for path, reason in report.refused:
        say(f"refused: {path}: {reason}", err=True)
    for path in report.empty:
        say(f"skipped: {path}: empty file", err=True)
    say(report.summary())
    raise SystemExit(1 if report.refused else 0)


@click.group("taxonomy")
def taxonomy_group():
    """Work with taxonomy files."""


@taxonomy_group.command("check")
@click.argument("file", type=click.Path(dir_okay=False))
def taxonomy_check(file):
    """Validate a taxonomy YAML: print its tree (facets, tags, keys), or every problem with its line."""
    tax = load_taxonomy(file)
    for line in tax.summary_lines():
        say(line)


@taxonomy_group.command("show")
@shared_options
def taxonomy_show():
    """Print the taxonomy this database uses (by the --taxonomy / recorded / bundled rule)."""
    tax = resolve_taxonomy(open_store(create=False, read=True), taxonomy_path())
    say(f"source: {tax.path}")
    for line in tax.summary_lines():
        say(line)


@taxonomy_group.command("migrate")
@shared_options
@click.option("--rename", multiple=True, metavar="OLD=NEW", help="Rename a tag in every judgment and gold (repeatable).")
@click.option("--drop", multiple=True, metavar="TAG", help="Remove a tag from every judgment and gold (repeatable).")
@click.option("--dry-run", is_flag=True, help="Report what would change; change nothing.")
def taxonomy_migrate(rename, drop, dry_run):
    """Move existing judgments to a new taxonomy (--taxonomy FILE) that renames or removes tags.

    One transaction: every changed judgment is logged in events; a judgment left with no tag is
    reopened for tagging; the new taxonomy becomes the database's. Refused (nothing changed) if any
    judgment would still use a tag the new taxonomy lacks."""
    from annotator.workspace import default_annotator

    if not taxonomy_path():
        raise click.UsageError("give the new taxonomy: annotator taxonomy migrate --taxonomy FILE ...")
    tax = load_taxonomy(taxonomy_path())
    renames: dict[str, str] = {}
    for r in rename:
        old, sep, new = (x.strip() for x in r.partition("="))
        if not (old and sep and new):
            raise click.UsageError(f"--rename takes OLD=NEW, not '{r}'")
        if new not in tax.tags:
            raise click.UsageError(f"--rename {r}: '{new}' is not a tag of {tax.path}")
        renames[old] = new
    store = open_store(create=False, write=True)
    t = tax
    counts = store.migrate_labels(renames, set(drop), set(tax.tags), default_annotator(),
                                  (t.name, t.version, t.hash, t.path, t.source), dry_run=dry_run)
    verb = "would change" if dry_run else "changed"
    say(f"{verb} {counts['annotations']} judgments and {counts['gold']} gold judgments; "
               f"{counts['reopened']} reopened (no tag left)"
               + ("" if dry_run else f"; {tax.name} ({tax.hash}) is now the database's taxonomy"))


@click.command("docs")
@shared_options
def docs_cmd():
    """List imported documents with their unit counts."""
    store = open_store(create=False, read=True)
    for d in store.documents():
        say(f"{d['id']}  {d['n_sentences']:>6} sentences  {d['n_units']:>6} units  {d['title']}  ({d['path']})")


COMMANDS = [import_cmd, taxonomy_group, docs_cmd]
