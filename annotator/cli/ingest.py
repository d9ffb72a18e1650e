"""Ingest: import report files; list documents."""

from __future__ import annotations

import re

import click

from annotator.cli.context import open_store, progress_printer, say, shared_options
from annotator.cli.group import cli
from annotator.core.words import count
from annotator.ingest.decoding import scan
from annotator.ingest.registry import suffix_list
from annotator.ingest.importer import import_paths


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
    """Import report files and folders as sentence units.

    Folders are searched recursively for {suffixes}.

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
    if report.index_note():
        say(report.index_note())
    raise SystemExit(1 if report.refused else 0)


# the help lists what scan() reads, from the format registry (plain text first)
import_cmd.help = import_cmd.help.replace("{suffixes}", suffix_list())


@click.command("docs")
@shared_options
def docs_cmd():
    """List imported documents with their unit counts."""
    store = open_store(create=False, read=True)
    for d in store.documents():
        say(f"{d['id']}  {count(d['n_sentences'], 'sentence'):>16}  {count(d['n_units'], 'unit'):>12}  {d['title']}  "
            f"({d['path']})")


for _command in (import_cmd, docs_cmd):
    cli.add_command(_command)
