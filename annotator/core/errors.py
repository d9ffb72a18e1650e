"""Domain errors: each carries a one-line, user-facing message."""


class AnnotatorError(Exception):
    """Base class for errors the CLI turns into a one-line message and exit code."""

    exit_code = 1


class TaxonomyError(AnnotatorError):
    """A taxonomy file is invalid; ``problems`` lists every problem found."""

    exit_code = 2

    def __init__(self, path: str, problems: list[str]):
        self.path = path
        self.problems = problems
        first = problems[0] if problems else "invalid taxonomy"
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"{first}{more}")


class InputError(AnnotatorError):
    """A file could not be read as text (binary, undecodable, empty...)."""

    def __init__(self, path: str, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class ExportError(AnnotatorError):
    """An export cannot be written as asked (options, destination, stored data)."""


class StoreError(AnnotatorError):
    """The database cannot be used as asked."""


class StoreBusy(StoreError):
    """Another process holds the write lock; nothing was written (the caller may wait and retry)."""


class TaxonomyMoved(StoreError):
    """The database moved to another taxonomy (``taxonomy migrate``) since this session opened it."""


class JudgmentChanged(AnnotatorError):
    """The row changed since the screen showed it (another window or reviewer); nothing was overwritten.

    ``current`` is the row as it is now (None when there is none)."""

    def __init__(self, message: str, current=None):
        super().__init__(message)
        self.current = current


class _NothingMerged(AnnotatorError):
    """A source refused whole: nothing from it is written; ``problems`` names each (the first 20 shown)."""

    MAX_SHOWN = 20

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        more = f" (and {len(problems) - self.MAX_SHOWN} more)" if len(problems) > self.MAX_SHOWN else ""
        super().__init__(f"{source}: nothing merged: " + "; ".join(problems[:self.MAX_SHOWN]) + more)


class MergeError(_NothingMerged):
    """A database source that cannot be merged (``merge``)."""


class SourceError(_NothingMerged):
    """A foreign source (Label Studio, Prodigy, doccano, CSV) that cannot be merged."""
