"""Render the report page from its sections (Jinja2, autoescape on, template shipped in the package)."""

from __future__ import annotations

import os
from datetime import datetime, timezone

from jinja2 import Environment, PackageLoader, select_autoescape

from annotator import __version__
from annotator.core.textsafe import safe
from annotator.publish.card import clean_command

CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src 'none'; script-src 'none'; "
       "connect-src 'none'; base-uri 'none'; form-action 'none'")

_ENV = None


def _env() -> Environment:
    global _ENV
    if _ENV is None:
        _ENV = Environment(loader=PackageLoader("annotator.publish.report_html", "templates"),
                           autoescape=select_autoescape(default=True, default_for_string=True),
                           trim_blocks=True, lstrip_blocks=True)
        _ENV.filters["text"] = lambda v: "" if v is None else safe(str(v))
    return _ENV


def report_card(taxonomy: dict, command: list[str], database: str, seed: int, bootstrap: int,
                measured_on: dict | None, plan: dict | None, generated_at: str | None = None) -> dict:
    """The dataset card of a report: tool version, time (UTC), taxonomy and its hash, the command, the
    seed and bootstrap, the database and what agreement was measured on."""
    home = os.path.expanduser("~")
    db = database if home in ("", "/") else database.replace(home + os.sep, "~" + os.sep)
    return {
        "tool": f"annotator {__version__}",
        "generated_at": generated_at or datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "taxonomy": taxonomy,
        "command": " ".join(clean_command(command)),
        "database": db,
        "seed": seed,
        "bootstrap": bootstrap,
        "measured_on": measured_on,
        "plan": plan,
    }


def render(data: dict, titles: dict[str, str], card: dict, suggestions: dict | None = None) -> str:
    """The whole page. ``data`` is ``measure.overview.overview(...)``; ``titles`` tag id → title;
    ``suggestions`` the evaluation (or {"skipped": reason})."""
    from annotator.publish.report_html.sections import build

    sections = build(data, titles, suggestions, card)
    return _env().get_template("report.html.j2").render(csp=CSP, sections=sections, card=card,
                                                         corpus=data["corpus"], agreement=data["agreement"])
