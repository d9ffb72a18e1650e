"""Maintenance: backups, restore, the search index, taxonomy files."""

from __future__ import annotations

import click

from annotator.annotate.workspace import resolve_taxonomy
from annotator.cli.context import db_path, open_store, progress_printer, say, shared_options, taxonomy_path
from annotator.cli.group import cli
from annotator.core.errors import TaxonomyError
from annotator.core.taxonomy import load_taxonomy
from annotator.core.words import count


@click.command("backup")
@shared_options
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
def backup_cmd(path, force):
    """Copy the database to PATH safely while others are tagging (SQLite's online backup API).

    The copy is one consistent snapshot, checked with PRAGMA integrity_check before it is renamed
    into place; it is a plain single-file database that annotator opens like any other."""
    from annotator.core.files import terminate_cleanly

    store = open_store(create=False, read=True)
    with terminate_cleanly():  # SIGTERM removes the temporary copy too
        counts = store.backup_to(path, force=force)
    say(f"backed up {store.path} to {path}: " + ", ".join(f"{n} {t}" for t, n in counts.items())
               + "; integrity ok")


@click.command("restore")
@shared_options
@click.argument("backup", type=click.Path(dir_okay=False))
def restore_cmd(backup):
    """Put BACKUP in place of the database (--db): the backup is checked first (our own schema only,
    integrity), and the current database with its -wal/-shm files is kept aside (NAME.replaced-<time>),
    never deleted. At every moment the path holds the old database or the new one.

    Refused while the database is open in another process (a tagging or review screen): close it first."""
    from annotator.store.restore import restore

    done = restore(backup, db_path())
    aside = f"; the previous files were moved aside: {', '.join(done['moved_aside'])}" if done["moved_aside"] else ""
    say(f"restored {done['restored']} from {backup}: "
        + ", ".join(f"{n} {t}" for t, n in done["counts"].items()) + "; integrity ok" + aside)


@click.command("index")
@shared_options
@click.option("--rebuild", is_flag=True, help="Make the whole index again (after another tool wrote rows into the "
                                               "database; annotator itself only appends).")
def index_cmd(rebuild):
    """Bring the search index up to date now.

    A large import ends as soon as its sentences are stored and leaves the index to the tagging screen,
    which builds it in the background; search finds the sentences not indexed yet by scanning them, so
    its results are complete either way. This command does the work at once (ctrl+c keeps what is done)."""
    store = open_store(create=False, write=True)
    if rebuild:
        say(f"search index: rebuilt over {count(store.rebuild_index(), 'unit')}; it covers every unit now")
        return
    left = store.unindexed()
    with progress_printer("indexing", left) as bar:
        last = [0]

        def moved(done: int) -> None:
            bar.update(done - last[0])
            last[0] = done

        done = store.index_pending(progress=moved)
    say(f"search index: {count(done, 'unit')} indexed; it covers every unit now")


@click.group("taxonomy")
def taxonomy_group():
    """Work with taxonomy files."""


@taxonomy_group.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def taxonomy_check(files):
    """Validate taxonomy YAML files: print each one's tree (facets, tags, keys), or every problem with its
    line. Exit 2 if any file has a problem (every file is still checked)."""
    failed = 0
    for i, file in enumerate(files):
        if len(files) > 1:
            say(("\n" if i else "") + f"== {file}")
        try:
            tax = load_taxonomy(file)
        except TaxonomyError as exc:
            for p in exc.problems:
                say(f"error: {p}", err=True)
            failed += 1
            continue
        for line in tax.summary_lines():
            say(line)
    if len(files) > 1:
        say(f"{count(len(files) - failed, 'taxonomy', 'taxonomies')} valid, {failed} with problems")
    if failed:
        click.get_current_context().exit(TaxonomyError.exit_code)


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
    from annotator.annotate.workspace import default_annotator

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
    say(f"{verb} {count(counts['annotations'], 'judgment')} and {count(counts['gold'], 'gold judgment')}; "
               f"{counts['reopened']} reopened (no tag left)"
               + ("" if dry_run else f"; {tax.name} ({tax.hash}) is now the database's taxonomy"))


for _command in (backup_cmd, restore_cmd, index_cmd, taxonomy_group):
    cli.add_command(_command)
