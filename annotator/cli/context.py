"""What every command shares: --db/--taxonomy/--read-only, opening the store, safe output."""

from __future__ import annotations

import functools
import sys

import click
from rich.console import Console
from rich.segment import Segment

from annotator.core.errors import StoreError
from annotator.core.textsafe import safe
from annotator.store import Store, default_db_path


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
    path = click.get_current_context().find_root().ensure_object(dict).get("db") or default_db_path()
    if path == ":memory:" or path.startswith("file:"):  # SQLite would take it as an in-memory or URI database
        raise StoreError(f"--db takes a file path, not a URI: {path} (for a file named like that, write ./{path})")
    return path


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


class TerminalText:
    """Text written to a terminal, passed through ``safe`` on its way (a CSV row's CR LF ends as a line
    end): exports to ``--out -`` on a terminal cannot act on it. Pipes and files get the data unchanged."""

    def __init__(self, stream):
        self.stream = stream
        self._cr = ""  # a CR at the end of one write may be the first half of a CR LF

    def write(self, text: str) -> int:
        chunk = self._cr + text
        self._cr = ""
        if chunk.endswith("\r"):
            chunk, self._cr = chunk[:-1], "\r"
        self.stream.write(safe(chunk.replace("\r\n", "\n")))
        return len(text)

    def flush(self) -> None:
        if self._cr:
            self.stream.write(safe(self._cr))
            self._cr = ""
        self.stream.flush()


def stdout_for_data():
    """Where a command writes data meant for stdout: sanitised on a terminal, exact into a pipe or a file."""
    return TerminalText(sys.stdout) if sys.stdout.isatty() else sys.stdout


class SafeConsole(Console):
    """Rich output for tables: styling stays, control codes inside the text become stand-ins."""

    def _render_buffer(self, buffer):
        return super()._render_buffer(
            s if s.control else Segment(safe(s.text), s.style, s.control) for s in buffer)


def console() -> Console:
    return SafeConsole()


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
