"""suggest --evaluate and stats."""

from __future__ import annotations

import json

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from annotator.cli import open_store, shared_options, taxonomy_path
from annotator.commands.tables import print_table
from annotator.errors import AnnotatorError
from annotator.workspace import resolve_taxonomy


def _f(v) -> str:
    return "—" if v is None else f"{v:.3f}"


@click.command("suggest")
@shared_options
@click.option("--evaluate", is_flag=True, required=True, help="Cross-validate keyword rules and the learned model.")
@click.option("--folds", default=5, show_default=True, help="Number of folds.")
@click.option("--seed", default=0, show_default=True, help="Seed of the fold assignment.")
@click.option("--threshold", default=0.5, show_default=True, help="Model probability at which a tag is predicted.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def suggest_cmd(evaluate, folds, seed, threshold, as_json):
    """Evaluate tag suggestions: k-fold precision, recall and F1 per tag, micro and macro, for the
    taxonomy's keyword rules alone and for the model learned from this database's resolved labels."""
    from annotator.export import iter_units, select
    from annotator.suggest import Highlighter, cross_validate

    store = open_store(create=False)
    taxonomy = resolve_taxonomy(store, taxonomy_path())
    examples = []
    for unit in iter_units(store):
        labels, _ = select(unit, "resolved")
        if labels is not None:
            examples.append((unit.text, labels))
    if len(examples) < folds:
        raise AnnotatorError(f"only {len(examples)} sentences have resolved labels: need at least {folds}")
    result = cross_validate(examples, taxonomy, Highlighter(taxonomy), folds=folds, seed=seed, threshold=threshold)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    console = Console()
    t = Table(title=f"{result['examples']} sentences, {folds}-fold cross-validation")
    for c in ("tag", "support", "kw P", "kw R", "kw F1", "model P", "model R", "model F1"):
        t.add_column(c, justify="right" if c != "tag" else "left")
    for tag in taxonomy.tags:
        k, m = result["keywords"]["per_tag"][tag], result["model"]["per_tag"][tag]
        t.add_row(Text(tag), str(k["support"]), _f(k["precision"]), _f(k["recall"]), _f(k["f1"]),
                  _f(m["precision"]), _f(m["recall"]), _f(m["f1"]))
    for name in ("micro", "macro"):
        k, m = result["keywords"][name], result["model"][name]
        t.add_row(Text(name, style="bold"), "", _f(k.get("precision")), _f(k.get("recall")), _f(k["f1"]),
                  _f(m.get("precision")), _f(m.get("recall")), _f(m["f1"]))
    print_table(console, t)


@click.command("stats")
@shared_options
@click.option("--words", is_flag=True, help="Also the most distinctive jieba words per tag (weighted log-odds).")
@click.option("--top", default=8, show_default=True, help="Words per tag with --words.")
def stats_cmd(words, top):
    """Counts per tag, per annotator and per document, throughput per annotator (from the event log)."""
    from annotator import stats

    store = open_store(create=False)
    taxonomy = resolve_taxonomy(store, taxonomy_path())
    console = Console()
    counts = stats.tag_counts(store)
    t = Table(title="Done judgments per tag")
    for c in ("tag", "title", "judgments"):
        t.add_column(c)
    for tag in taxonomy.tags.values():
        t.add_row(Text(tag.id), Text(tag.title), str(counts.get(tag.id, 0)))
    print_table(console, t)
    thr = stats.throughput(store)
    a = Table(title="Annotators")
    for c in ("annotator", "done", "skipped", "flagged", "draft", "active hours", "sentences/hour"):
        a.add_column(c, justify="right" if c != "annotator" else "left")
    for who, st in sorted(stats.annotator_counts(store).items()):
        tp = thr.get(who, {})
        a.add_row(Text(who), *(str(st.get(k, 0)) for k in ("done", "skipped", "flagged", "draft")),
                  f"{tp.get('active_seconds', 0) / 3600:.2f}", _f(tp.get("per_hour")).replace(".000", ""))
    print_table(console, a)
    d = Table(title="Documents")
    for c in ("document", "sentences", "annotated", "judgments", "gold"):
        d.add_column(c, justify="right" if c != "document" else "left")
    for doc in store.doc_judgment_counts():
        d.add_row(Text(doc["title"] or doc["id"]), str(doc["n_sentences"]), str(doc["annotated"]),
                  str(doc["judgments"]), str(doc["gold"]))
    print_table(console, d)
    if words:
        from annotator.suggest import Highlighter

        w = Table(title="Most distinctive words per tag (z-scored weighted log-odds, Monroe et al. 2008)")
        w.add_column("tag")
        w.add_column("words")
        for tag, ranked in stats.distinctive_words(store, taxonomy, Highlighter(taxonomy), top).items():
            w.add_row(Text(tag), Text("  ".join(f"{word} {z:.1f}" for word, z in ranked)))
        print_table(console, w)


COMMANDS = [suggest_cmd, stats_cmd]
