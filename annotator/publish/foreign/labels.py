"""Another tool's label names → our tag ids: an explicit --label-map first, then the tag id itself, its
Chinese title, its English name (case and surrounding spaces ignored), or the ``title / en`` option
text our Prodigy export shows."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import yaml

from annotator.core.errors import AnnotatorError
from annotator.core.taxonomy import Taxonomy


class LabelMapError(AnnotatorError):
    pass


def load_label_map(path: str | Path, taxonomy: Taxonomy) -> dict[str, list[str]]:
    """A YAML mapping {their label: tag id, a list of tag ids, or null to leave the label out},
    read with safe_load; every value is checked against the taxonomy."""
    p = Path(path)
    try:
        raw = yaml.safe_load(p.read_bytes().decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise LabelMapError(f"{p}: cannot read the label map as UTF-8 text ({exc})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise LabelMapError(f"{p}:{mark.line + 1 if mark else 1}: not a YAML label map "
                            f"({getattr(exc, 'problem', None) or 'YAML error'})") from None
    if not isinstance(raw, dict):
        raise LabelMapError(f"{p}: a label map is a YAML mapping, their label: tag id")
    out: dict[str, list[str]] = {}
    bad = []
    for k, v in raw.items():
        ids = [] if v is None else [v] if isinstance(v, str) else v
        if not isinstance(ids, list) or not all(isinstance(x, str) for x in ids):
            bad.append(f"{k!r}: must map to a tag id, a list of tag ids, or null")
            continue
        unknown = [x for x in ids if x not in taxonomy.tags]
        if unknown:
            bad.append(f"{k!r} → {', '.join(unknown)}: not a tag of {taxonomy.name}")
        out[str(k).strip()] = ids
    if bad:
        raise LabelMapError(f"{p}: " + "; ".join(bad))
    return out


def _norm(name: str) -> str:
    return " ".join(name.split()).casefold()


class LabelMapper:
    """Maps names, counting the unknown ones (to list them all at once) and the ones mapped away."""

    def __init__(self, taxonomy: Taxonomy, explicit: dict[str, list[str]] | None = None):
        self.explicit = {_norm(k): v for k, v in (explicit or {}).items()}
        named: dict[str, set[str]] = {}
        for t in taxonomy.tags.values():
            for name in (f"{t.title} / {t.en}", t.en, t.title):
                named.setdefault(_norm(name), set()).add(t.id)
        # a title or English name two tags share names neither (map it with --label-map); an id is unique
        self.shared = {name: sorted(ids) for name, ids in named.items() if len(ids) > 1}
        self.known: dict[str, str] = {name: next(iter(ids)) for name, ids in named.items() if len(ids) == 1}
        self.known.update({_norm(t): t for t in taxonomy.tags})
        self.unknown: Counter = Counter()
        self.mapped_away: Counter = Counter()

    def __call__(self, names: list[str]) -> list[str]:
        out: list[str] = []
        for name in names:
            key = _norm(name)
            if key in self.explicit:
                ids = self.explicit[key]
                if not ids:
                    self.mapped_away[name] += 1
                out += ids
            elif key in self.known:
                out.append(self.known[key])
            else:
                self.unknown[name if key not in self.shared else f"{name} (names {', '.join(self.shared[key])})"] += 1
        return sorted(set(out))
