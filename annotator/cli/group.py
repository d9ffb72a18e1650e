"""The click group: domain errors become one line and a non-zero exit; ``main`` is the entry point."""

from __future__ import annotations

import sqlite3

import click

from annotator import __version__
from annotator.cli.context import CONTEXT, db_path, say, shared_options
from annotator.core.errors import AnnotatorError, TaxonomyError
from annotator.store import damaged


_DEFAULT: list = []  # what runs with no command: registered by the stage module that owns it (cli/annotate.py)


def default_command(f):
    """Register what ``annotator`` with no command runs (the group imports no stage module)."""
    _DEFAULT[:] = [f]
    return f


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
        _DEFAULT[0]()


def main() -> None:
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
