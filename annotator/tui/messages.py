"""What workers hand back to the screens: typed messages, posted from the worker thread.

A worker gets everything it needs as arguments when it starts and never reads screen or
session state; the screen takes the result when the message arrives, on its own thread.
Each message is a dataclass (Textual's ``Message.__post_init__`` initialises the base).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from textual.message import Message


@dataclass
class HighlighterReady(Message):
    """jieba and the taxonomy keywords are loaded: keyword highlighting can start."""

    highlighter: Any


@dataclass
class SuggesterReady(Message):
    """A model trained on the database's judgments, and (for --order uncertain) the sentences to visit first."""

    suggester: Any
    priority: list[int] = field(default_factory=list)


@dataclass
class WorkerFailed(Message):
    """A helper (suggestions, agreement) could not be computed; the screen goes on without it."""

    text: str
    severity: str = "warning"


@dataclass
class GoldStateReady(Message):
    """How much gold is adjudicated, and how much of it is stale."""

    adjudicated: int
    stale: int


@dataclass
class ProgressReady(Message):
    """The assignment plan's progress (``measure.progress.progress``)."""

    report: dict


@dataclass
class AgreementReady(Message):
    """The agreement report (``measure.report.report``) on the items `annotator agree` uses."""

    report: dict
