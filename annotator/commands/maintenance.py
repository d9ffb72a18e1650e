"""backup and restore: a consistent copy while annotators keep working, and putting one back safely."""

from __future__ import annotations

import click

from annotator.cli import db_path, open_store, say, shared_options


@click.command("backup")
@shared_options
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
def backup_cmd(path, force):
    """Copy the database to PATH safely while others are tagging (SQLite's online backup API).

    The copy is one consistent snapshot, checked with PRAGMA integrity_check before it is renamed
    into place; it is a plain single-file database that annotator opens like any other."""
    from annotator.files import terminate_cleanly

    store = open_store(create=False, read=True)
    with terminate_cleanly():  # SIGTERM removes the temporary copy too
        counts = store.backup_to(path, force=force)
    say(f"backed up {store.path} to {path}: " + ", ".join(f"{n} {t}" for t, n in counts.items())
               + "; integrity ok")


@click.command("restore")
@shared_options
@click.argument("backup", type=click.Path(dir_okay=False))
def restore_cmd(backup):
    """Put BACKUP in place of the database (--db): the backup is checked first, and the current
    database with its -wal/-shm files is moved aside (NAME.replaced-<time>), never deleted.

    Stop every annotator and command using the database first."""
    from annotator.store.restore import restore

    done = restore(backup, db_path())
    aside = f"; the previous files were moved aside: {', '.join(done['moved_aside'])}" if done["moved_aside"] else ""
    say(f"restored {done['restored']} from {backup}: "
        + ", ".join(f"{n} {t}" for t, n in done["counts"].items()) + "; integrity ok" + aside)


COMMANDS = [backup_cmd, restore_cmd]
