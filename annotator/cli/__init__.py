"""The command line: a thin click layer (parse, call the domain, print), one module per pipeline stage.

Importing this package attaches every command, so ``from annotator.cli import cli`` is complete.
"""

from annotator.cli import agree, annotate, ingest, maintenance, measure, publish, report  # each attaches its commands
from annotator.cli.group import cli, main

__all__ = ["cli", "main", "agree", "annotate", "ingest", "maintenance", "measure", "publish", "report"]
