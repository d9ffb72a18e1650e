"""suggest --evaluate and stats."""

from __future__ import annotations

import json

import click
from rich.table import Table
from rich.text import Text

from annotator.cli import console, open_store, say, shared_options, taxonomy_path
from annotator.commands.tables import print_table
from annotator.errors import AnnotatorError
from annotator.textsafe import safe, to_json
from annotator.workspace import resolve_taxonomy


def _f(v) -> str:
    return "—" if v is None else f"{v:.3f}"


def _load_labels(path: str) -> list[tuple[str, str, list[str]]]:
    """(document id, text, labels) from a JSONL sample of {"id": "<doc id>-<idx>", "text", "labels"}."""
    from pathlib import Path

    from annotator.textio import decode_bytes

    out = []
    try:
        raw, _encoding = decode_bytes(Path(path).read_bytes(), path)
    except OSError as exc:
        raise AnnotatorError(f"{path}: cannot read the labels: {exc.strerror or exc}") from None
    for no, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            doc = str(rec["id"]).rpartition("-")[0] or str(rec["id"])
            out.append((doc, str(rec["text"]), [str(t) for t in rec["labels"]]))
        except (ValueError, KeyError, TypeError) as exc:
            raise AnnotatorError(f"{path}:{no}: not a labeled sentence ({exc})") from None
    return out


def _evaluate(store, taxonomy, labels_file, folds, seed, threshold, by, as_json):
    from annotator.export import iter_units, select
    from annotator.suggest import Highlighter, evaluate

    if labels_file:
        examples = _load_labels(labels_file)
        unknown = sorted({t for _, _, ls in examples for t in ls} - set(taxonomy.tags))
        if unknown:
            raise AnnotatorError(f"{labels_file}: labels not in the taxonomy: {', '.join(unknown)}")
    else:
        examples = []
        for unit in iter_units(store):
            labels, _ = select(unit, "resolved")
            if labels is not None:
                examples.append((unit.doc, unit.text, labels))
    groups = len({d for d, _, _ in examples}) if by == "document" else len(examples)
    if groups < folds:
        what = "documents" if by == "document" else "sentences"
        raise AnnotatorError(f"{len(examples)} sentences with resolved labels in {groups} {what}: "
                             f"need at least {folds} {what} for {folds} folds (try --folds or --by sentence)")
    result = evaluate(examples, taxonomy, Highlighter(taxonomy), folds=folds, seed=seed, threshold=threshold, by=by)
    if as_json:
        say(to_json(result, indent=2))
        return
    out = console()
    t = Table(title=f"{result['examples']} sentences, {folds} folds by {by}: keyword rules vs what the screen shows")
    for c in ("tag", "support", "kw P", "kw R", "kw F1", "screen P", "screen R", "screen F1"):
        t.add_column(c, justify="right" if c != "tag" else "left")
    for tag in taxonomy.tags:
        k, m = result["keywords"]["per_tag"][tag], result["screen"]["per_tag"][tag]
        t.add_row(Text(tag), str(k["support"]), _f(k["precision"]), _f(k["recall"]), _f(k["f1"]),
                  _f(m["precision"]), _f(m["recall"]), _f(m["f1"]))
    for name in ("micro", "macro"):
        k, m = result["keywords"][name], result["screen"][name]
        t.add_row(Text(name, style="bold"), "", _f(k.get("precision")), _f(k.get("recall")), _f(k["f1"]),
                  _f(m.get("precision")), _f(m.get("recall")), _f(m["f1"]))
    print_table(out, t)
    lc = Table(title="Learning curve: F1 of what the screen shows, by training sentences per fold")
    for c in ("training sentences", "micro F1", "macro F1", "keywords micro F1", "keywords macro F1"):
        lc.add_column(c, justify="right")
    kw = result["keywords"]
    for row in result["learning_curve"]:
        size = f"all ({row['mean_train_sentences']:.0f})" if row["train"] == "all" else str(row["train"])
        lc.add_row(size, _f(row["micro_f1"]), _f(row["macro_f1"]), _f(kw["micro"]["f1"]), _f(kw["macro"]["f1"]))
    print_table(out, lc)


def _predict(store, taxonomy, doc, threshold, as_json):
    from annotator.suggest import Highlighter, for_store

    if doc is not None and not store.has_document(doc):
        raise AnnotatorError(f"no document {doc!r} in {store.path} (see `annotator docs`)")
    units = store.units(doc) if doc is not None else store.iter_units("sentence")
    suggester = for_store(store, taxonomy, Highlighter(taxonomy), threshold)
    for unit in units:
        if unit.kind != "sentence":
            continue
        got = suggester.scored(unit.text)
        if as_json:
            say(to_json({"id": unit.id, "suggestions": [
                {"tag": x.tag, "score": round(x.score, 4), "shown": x.shown} for x in got]}))
        else:
            shown = "  ".join(f"★{x.tag} {x.score:.2f}" for x in got if x.shown) or "—"
            rest = "  ".join(f"{x.tag} {x.score:.2f}" for x in got if not x.shown)
            say(f"{unit.id}  {shown}" + (f"   ({rest})" if rest else ""))


@click.command("suggest")
@shared_options
@click.option("--evaluate", is_flag=True, help="Cross-validate what the screen shows against the keyword rules.")
@click.option("--predict", is_flag=True, help="The suggestions the tagging screen shows, for every sentence.")
@click.option("--doc", default=None, metavar="ID", help="With --predict: only this document's sentences.")
@click.option("--folds", default=5, show_default=True, help="Number of folds.")
@click.option("--by", type=click.Choice(["document", "sentence"]), default="document", show_default=True,
              help="Folds hold whole documents, or random sentences.")
@click.option("--labels", "labels_file", default=None, metavar="FILE",
              help="With --evaluate: a JSONL sample ({id, text, labels}) instead of the database's resolved labels.")
@click.option("--seed", default=0, show_default=True, help="Seed of the fold assignment and training subsets.")
@click.option("--threshold", default=0.5, show_default=True, help="Probability at which a tag is starred.")
@click.option("--json", "as_json", is_flag=True, help="--evaluate: one JSON object; --predict: one object per line.")
def suggest_cmd(evaluate, predict, doc, folds, by, labels_file, seed, threshold, as_json):
    """Tag suggestions as the tagging screen shows them (trained on this database's done judgments and
    gold): --predict lists them per sentence, --evaluate cross-validates them (folds by document, a
    learning curve at 50, 100, 200 and all training sentences) next to the taxonomy's keyword rules."""
    if evaluate == predict:
        raise click.UsageError("give one of --evaluate or --predict")
    if doc is not None and not predict:
        raise click.UsageError("--doc goes with --predict")
    if labels_file is not None and not evaluate:
        raise click.UsageError("--labels goes with --evaluate")
    if folds < 2:
        raise click.UsageError("--folds must be at least 2")
    store = open_store(create=False, read=True)
    taxonomy = resolve_taxonomy(store, taxonomy_path())
    if evaluate:
        _evaluate(store, taxonomy, labels_file, folds, seed, threshold, by, as_json)
    else:
        _predict(store, taxonomy, doc, threshold, as_json)


@click.command("stats")
@shared_options
@click.option("--words", is_flag=True, help="Also the most distinctive jieba words per tag (weighted log-odds).")
@click.option("--top", default=8, show_default=True, help="Words per tag with --words.")
def stats_cmd(words, top):
    """Counts per tag, per annotator and per document, throughput per annotator (from the event log)."""
    from annotator import stats

    store = open_store(create=False, read=True)
    taxonomy = resolve_taxonomy(store, taxonomy_path(), every_label=True)
    out = console()
    counts = stats.tag_counts(store)
    t = Table(title="Done judgments per tag")
    for c in ("tag", "title", "judgments"):
        t.add_column(c)
    for tag in taxonomy.tags.values():
        t.add_row(Text(tag.id), Text(tag.title), str(counts.get(tag.id, 0)))
    print_table(out, t)
    thr = stats.throughput(store)
    a = Table(title="Annotators")
    for c in ("annotator", "done", "skipped", "flagged", "draft", "active hours", "sentences/hour"):
        a.add_column(c, justify="right" if c != "annotator" else "left")
    reasons = []
    for who, st in sorted(stats.annotator_counts(store).items()):
        tp = thr[who]
        if tp.get("reason"):
            reasons.append(Text(safe(f"{who}: {tp['reason']}"), style="dim"))
        unknown = tp["active_seconds"] is None
        a.add_row(Text(who), *(str(st.get(k, 0)) for k in ("done", "skipped", "flagged", "draft")),
                  "n/a" if unknown else f"{tp['active_seconds'] / 3600:.2f}",
                  "n/a" if unknown else _f(tp.get("per_hour")).replace(".000", ""))
    print_table(out, a)
    for line in reasons:
        out.print(line)
    d = Table(title="Documents")
    for c in ("document", "sentences", "annotated", "judgments", "gold"):
        d.add_column(c, justify="right" if c != "document" else "left")
    for doc in store.doc_judgment_counts():
        d.add_row(Text(doc["title"] or doc["id"]), str(doc["n_sentences"]), str(doc["annotated"]),
                  str(doc["judgments"]), str(doc["gold"]))
    print_table(out, d)
    if words:
        from annotator.suggest import Highlighter

        w = Table(title="Most distinctive words per tag (z-scored weighted log-odds, Monroe et al. 2008)")
        w.add_column("tag")
        w.add_column("words")
        for tag, ranked in stats.distinctive_words(store, taxonomy, Highlighter(taxonomy), top).items():
            w.add_row(Text(tag), Text("  ".join(f"{word} {z:.1f}" for word, z in ranked)))
        print_table(out, w)


COMMANDS = [suggest_cmd, stats_cmd]
