"""Thin click layer: parse, call the domain, print. Domain errors become one-line messages."""

from __future__ import annotations

import functools
import sqlite3
import sys

import click
from rich.console import Console
from rich.segment import Segment

from annotator import __version__
from annotator.errors import AnnotatorError, StoreError, TaxonomyError
from annotator.store import Store, damaged, default_db_path
from annotator.textsafe import safe

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def shared_options(f):
    """--db and --taxonomy work before the command and after it."""

    @click.option("--db", "db_path", metavar="PATH", default=None,
                  help="SQLite database (default: $ANNOTATOR_DB or ./annotations.db).")
    @click.option("--taxonomy", "taxonomy_path", metavar="FILE", default=None,
                  type=click.Path(dir_okay=False), help="Taxonomy YAML (default: the one the database recorded, "
                  "else the bundled taxonomies/cppcc.yaml).")
    @click.option("--read-only", "read_only", is_flag=True, default=None,
                  help="Open the database read-only (automatic when the file or its folder cannot be written).")
    @functools.wraps(f)
    def wrapper(*args, db_path=None, taxonomy_path=None, read_only=None, **kwargs):
        obj = click.get_current_context().find_root().ensure_object(dict)
        if read_only:
            obj["read_only"] = True
        if db_path:
            obj["db"] = db_path
        if taxonomy_path:
            obj["taxonomy"] = taxonomy_path
        return f(*args, **kwargs)

    return wrapper


def db_path() -> str:
    return click.get_current_context().find_root().ensure_object(dict).get("db") or default_db_path()


def taxonomy_path() -> str | None:
    return click.get_current_context().find_root().ensure_object(dict).get("taxonomy")


def open_store(create: bool = True, write: bool = False, read: bool = False) -> Store:
    """The database; ``write=True`` for commands that exist to write (import, tag, merge…),
    ``read=True`` for commands that only read: opened read-only at the SQLite level (mode=ro),
    so they can never change the file, whatever happens."""
    read_only = True if read or click.get_current_context().find_root().ensure_object(dict).get("read_only") else None
    store = Store(db_path(), create=create, read_only=read_only)
    if write and store.read_only:
        store.close()
        raise StoreError(f"{store.path} is read-only (file or folder not writable, or --read-only); this command "
                         "writes to it — review, agree and export work read-only")
    return store


def say(message: str, err: bool = False) -> None:
    """Every line the CLI prints goes through here: user text in it cannot act on the terminal."""
    click.echo(safe(message), err=err)


class SafeConsole(Console):
    """Rich output for tables: styling stays, control codes inside the text become stand-ins."""

    def _render_buffer(self, buffer):
        return super()._render_buffer(
            s if s.control else Segment(safe(s.text), s.style, s.control) for s in buffer)


def console() -> Console:
    return SafeConsole()


class DomainErrors(click.Group):
    """Turn domain errors into a one-line message and a non-zero exit, never a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except TaxonomyError as exc:
            for p in exc.problems:
                say(f"error: {p}", err=True)
            ctx.exit(exc.exit_code)
        except AnnotatorError as exc:
            say(f"error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except sqlite3.DatabaseError as exc:  # a damaged file found mid-command
            say(f"error: {db_path()}: {damaged(exc)}", err=True)
            ctx.exit(1)


@click.group(cls=DomainErrors, invoke_without_command=True, context_settings=CONTEXT)
@shared_options
@click.version_option(__version__, prog_name="annotator")
@click.pass_context
def cli(ctx: click.Context):
    """Tag sentences of Chinese government work reports from a YAML taxonomy, keep every judgment
    in SQLite, measure agreement and export datasets.

    With no command: open the tagging screen; an empty database first gets the bundled seed
    reports and the bundled taxonomy (the embedded default)."""
    if ctx.invoked_subcommand is None:
        from annotator.commands.tag import run_tag

        run_tag(annotator=None, doc=None, queue=None, seed=True)


def main() -> None:
    from annotator.commands import register

    register(cli)
    try:
        code = cli.main(prog_name="annotator", standalone_mode=False)
    except click.exceptions.Exit as exc:
        raise SystemExit(exc.exit_code) from None
    except click.Abort:
        say("aborted", err=True)
        raise SystemExit(1) from None
    except click.ClickException as exc:  # usage errors may quote what was typed: sanitized too
        say(f"error: {exc.format_message()}", err=True)
        raise SystemExit(exc.exit_code) from None
    raise SystemExit(code if isinstance(code, int) else 0)


def progress_printer(label: str, total: int):
    """A progress bar on a terminal, nothing otherwise."""
    if sys.stderr.isatty() and total > 1:
        return click.progressbar(length=total, label=label, file=sys.stderr)
    return _NoProgress()


class _NoProgress:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def update(self, n: int) -> None:
        pass
