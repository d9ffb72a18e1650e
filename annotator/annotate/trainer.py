"""The training process a screen starts: ``python -m annotator.annotate.trainer DB`` with the taxonomy
as JSON ({"source", "path"}) on standard input. It trains the database's shared model (or finds that
another process did: see ``shared.shared_model``), writes it beside the database and exits; the
screen loads the file. Killing it at any moment leaves no half-written model and no lock held."""

from __future__ import annotations

import json
import sys


class _Lazy:
    """A highlighter made on first use: jieba's dictionary loads only when a judgment holds a keyword,
    and is dropped once the keyword rules are measured (``release``), before the features and fits."""

    def __init__(self, taxonomy, make):
        self.taxonomy, self._make, self._h = taxonomy, make, None

    def __getattr__(self, name):
        if self._h is None:
            self._h = self._make(self.taxonomy)
        return getattr(self._h, name)

    def release(self) -> None:
        import gc

        self._h = None
        gc.collect()


class _WithoutPandas:
    """An import finder that refuses pandas: scikit-learn imports it whenever it is installed (30 MB and
    0.2 s here) but handles its absence, and training never hands it a data frame."""

    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] == "pandas":
            raise ModuleNotFoundError("the training process does without pandas", name=name)
        return None


def main(argv: list[str]) -> int:
    if "pandas" not in sys.modules:
        sys.meta_path.insert(0, _WithoutPandas())
    from annotator.annotate.shared import obtain
    from annotator.annotate.suggest import Highlighter
    from annotator.core.taxonomy import parse_taxonomy
    from annotator.store import Store

    spec = json.loads(sys.stdin.read())
    taxonomy = parse_taxonomy(spec["source"], spec.get("path") or "<taxonomy>")
    store = Store(argv[0], create=False)
    try:
        _, trained = obtain(store, taxonomy, _Lazy(taxonomy, Highlighter))
    finally:
        store.close()
    print(json.dumps({"trained": trained}))  # whether this process trained the model or found it made
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except Exception as exc:  # one line for the screen's notification, no traceback
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        sys.exit(1)
