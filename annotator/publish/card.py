"""The dataset card: what a paper needs to cite an export (written beside it by `annotator export`)."""

from __future__ import annotations

import os
from datetime import datetime, timezone

from annotator import __version__
from annotator.core.taxonomy import Taxonomy
from annotator.core.textsafe import safe
from annotator.publish.export import ExportSummary
from annotator.store import Store


def clean_command(argv: list[str]) -> list[str]:
    """The command line as the card records it: no control characters, the home folder as ~."""
    home = os.path.expanduser("~")
    out = []
    for arg in argv:
        arg = safe(str(arg))
        if home not in ("", "/", "~"):
            arg = arg.replace(home + os.sep, "~" + os.sep)
        out.append(arg)
    return out


def dataset_card(store: Store, taxonomy: Taxonomy, summary: ExportSummary, command: list[str],
                 agreement: dict | None, *, bootstrap: dict | None = None, plan: dict | None = None,
                 exported_at: str | None = None) -> dict:
    """What a paper needs to cite the export: tool version, time (UTC), command, taxonomy, counts, the
    units left unresolved and why, the agreement figures with their bootstrap, and the assignment plan."""
    return {
        "tool": {"name": "annotator", "version": __version__},
        "exported_at": exported_at or datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "taxonomy": {"name": taxonomy.name, "version": taxonomy.version, "hash": taxonomy.hash,
                     "tags": [{"id": t.id, "facet": t.facet, "title": t.title, "en": t.en, "parent": t.parent}
                              for t in taxonomy.tags.values()]},
        "database": store.path,
        "command": clean_command(command),
        "files": summary.files,
        "records": summary.records,
        "records_per_split": summary.per_split,
        "records_per_label_source": dict(summary.per_source),
        "records_per_label": dict(sorted(summary.per_label.items())),
        "unresolved": None if summary.unresolved is None else {
            "units": sum(summary.unresolved.values()), "reasons": dict(summary.unresolved.most_common())},
        # gold whose judgments changed after adjudication: exported as adjudicated, worth a second look
        "stale_gold": len(store.stale_gold()),
        "agreement": agreement,
        "bootstrap": bootstrap if agreement is not None else None,
        "plan": plan,
        # every merge from another tool's export: source file and its sha256, format, time, counts
        "merged_from": [{**m, "source": clean_command([m.get("source", "")])[0]} for m in store.provenance()],
        **({"csv": summary.csv} if summary.csv is not None else {}),
    }
