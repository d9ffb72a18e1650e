"""What workers hand back to the screens: typed messages, posted from the worker thread.

A worker gets everything it needs as arguments when it starts and never reads screen or
session state; the screen takes the result when the message arrives, on its own thread.
"""

from __future__ import annotations

from textual.message import Message


class HighlighterReady(Message):
    """jieba and the taxonomy keywords are loaded: keyword highlighting can start."""

    def __init__(self, highlighter) -> None:
        super().__init__()
        self.highlighter = highlighter


class SuggesterReady(Message):
    """A model trained on the database's judgments, and (for --order uncertain) the sentences to visit first."""

    def __init__(self, suggester, priority: list[int]) -> None:
        super().__init__()
        self.suggester = suggester
        self.priority = priority


class WorkerFailed(Message):
    """A helper (suggestions, agreement) could not be computed; the screen goes on without it."""

    def __init__(self, text: str, severity: str = "warning") -> None:
        super().__init__()
        self.text = text
        self.severity = severity


class GoldStateReady(Message):
    def __init__(self, adjudicated: int, stale: int) -> None:
        super().__init__()
        self.adjudicated = adjudicated
        self.stale = stale


class ProgressReady(Message):
    """The assignment plan's progress (``measure.progress.progress``)."""

    def __init__(self, report: dict) -> None:
        super().__init__()
        self.report = report


class AgreementReady(Message):
    """The agreement report (``measure.report.report``) on the items `annotator agree` uses."""

    def __init__(self, report: dict) -> None:
        super().__init__()
        self.report = report
