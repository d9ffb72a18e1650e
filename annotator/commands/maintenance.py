"""backup: a consistent copy of the database while annotators keep working."""

from __future__ import annotations

import click

from annotator.cli import open_store, say, shared_options


@click.command("backup")
@shared_options
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
def backup_cmd(path, force):
    """Copy the database to PATH safely while others are tagging (SQLite's online backup API).

    The copy is one consistent snapshot, checked with PRAGMA integrity_check before it is renamed
    into place; it is a plain single-file database that annotator opens like any other."""
    store = open_store(create=False)
    counts = store.backup_to(path, force=force)
    say(f"backed up {store.path} to {path}: " + ", ".join(f"{n} {t}" for t, n in counts.items())
               + "; integrity ok")


COMMANDS = [backup_cmd]
