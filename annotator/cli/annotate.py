"""Annotate: the tagging and review screens, assignment plans, suggestions."""

from __future__ import annotations

import json

import click
from rich.table import Table
from rich.text import Text

from annotator.annotate.tagging import QUEUES
from annotator.annotate.workspace import default_annotator, ensure_seeded, resolve_taxonomy
from annotator.cli.context import console, open_store, say, shared_options, taxonomy_path
from annotator.cli.group import cli, default_command
from annotator.cli.tables import fmt3, print_table
from annotator.cli.terminal import keys_as_typed
from annotator.core.errors import AnnotatorError
from annotator.core.words import count
from annotator.core.textsafe import to_json


@default_command
def embedded_default() -> None:
    """`annotator` alone: the bundled seeds into an empty database, then the tagging screen."""
    run_tag(annotator=None, doc=None, queue=None, seed=True)


@keys_as_typed()
def run_tag(annotator: str | None, doc: str | None, queue: str | None, seed: bool = False, suggest: bool = True,
            order: str = "document") -> None:
    store = open_store(write=True)
    if seed:
        report = ensure_seeded(store)
        if report:
            say(f"embedded default: imported the bundled seeds: {report.summary()}", err=True)
    if not store.count_units("sentence"):
        raise click.ClickException("the database has no sentences yet: run `annotator import PATH...` first")
    if doc and store.find_document(doc) is None:  # before the screen opens
        raise click.ClickException(f"no document matches {doc!r} (see `annotator docs`)")
    taxonomy = resolve_taxonomy(store, taxonomy_path())
    annotator = annotator or default_annotator()
    if queue is None:  # an annotator with an assignment works through it first
        queue = "assigned" if store.has_assignment(annotator) else "todo"
    elif queue == "assigned" and not store.has_assignment(annotator):
        raise AnnotatorError(f"nothing is assigned to {annotator}: see `annotator progress`, or use --queue todo")
    from annotator.tui.app import build_app

    run_app(build_app(store, taxonomy, annotator, queue=queue, doc=doc, suggestions=suggest, order=order), store)


def run_app(app, store) -> None:
    """Run a screen; a database error that ended it becomes the command's one-line error. Quitting ends
    any training process the screen started (it never waits for one)."""
    from annotator.annotate.shared import stop_trainings

    try:
        app.run()
    finally:
        stop_trainings()
        app.indexer.stop(wait=0.25)  # before its next chunk: what is indexed stays, the rest waits for next time
    if app.fatal:
        raise AnnotatorError(f"{store.path}: {app.fatal}")


@click.command("tag")
@shared_options
@click.option("--annotator", "-a", default=None, help="Your name (default: $ANNOTATOR, then the login name).")
@click.option("--doc", default=None, help="Start in this document (id, id prefix, or part of its path/title).")
@click.option("--queue", type=click.Choice(QUEUES), default=None,
              help="Which sentences enter and pagedown visit (default: assigned when the plan gives you "
                   "sentences — its overlap sample first — else todo).")
@click.option("--order", type=click.Choice(["document", "uncertain"]), default="document", show_default=True,
              help="uncertain: the sentences the model is least sure about first (active learning).")
@click.option("--no-suggest", is_flag=True, help="Hide tag suggestions (independent rounds for agreement).")
def tag_cmd(annotator, doc, queue, order, no_suggest):
    """Open the tagging screen: read sentence by sentence and tag from the taxonomy's keys."""
    run_tag(annotator, doc, queue, suggest=not no_suggest, order=order)


@click.command("review")
@shared_options
@click.option("--annotator", "-a", default=None, help="Adjudicator name (default: $ANNOTATOR, then the login name).")
@click.option("--tag", default=None, help="Only disagreements involving this tag.")
@click.option("--pair", default=None, help="Only disagreements between these two annotators: a,b.")
@click.option("--queue", type=click.Choice(["disagreements", "stale"]), default="disagreements", show_default=True,
              help="disagreements: items whose judgments differ; stale: adjudicated gold whose judgments changed "
                   "since (a merge, a re-edit).")
@keys_as_typed()
def review_cmd(annotator, tag, pair, queue):
    """Adjudicate: walk the items whose judgments differ (or whose gold went stale) and settle them into
    the gold layer."""
    from annotator.tui.app import build_app
    from annotator.annotate.workspace import default_annotator

    store = open_store(create=False)
    taxonomy = resolve_taxonomy(store, taxonomy_path())
    if tag and tag not in taxonomy.tags:
        raise AnnotatorError(f"unknown tag '{tag}' in taxonomy {taxonomy.name}")
    pair_t = None
    if pair:
        parts = [p.strip() for p in pair.split(",")]
        if len(parts) != 2:
            raise AnnotatorError("--pair takes two annotator names: a,b")
        pair_t = (parts[0], parts[1])
    run_app(build_app(store, taxonomy, annotator or default_annotator(), mode="review", tag=tag, pair=pair_t,
                      review_queue=queue), store)


@click.command("assign")
@shared_options
@click.option("--annotators", required=True, help="Comma-separated names of the annotators: a,b,c.")
@click.option("--overlap", type=float, default=None,
              help="Fraction of the sentences in the overlap sample (default 0.2; 1 with --per-item alone).")
@click.option("--per-item", type=int, default=None,
              help="Annotators per overlap-sample sentence (default 2); alone: every sentence to this many.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the overlap sample.")
@click.option("--dry-run", is_flag=True, help="Show the plan without saving it.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
def assign_cmd(annotators, overlap, per_item, seed, dry_run, as_json):
    """Plan who tags what: each document whole to one annotator (balanced by sentences), and an overlap
    sample, stratified by document, to two annotators or more for agreement. Deterministic; re-planning
    (another annotator, one fewer) keeps everything already done."""
    from annotator.annotate.plan import DEFAULT_OVERLAP, Settings, assign, describe, pair_counts

    names = tuple(n.strip() for n in annotators.split(","))
    if overlap is None:
        overlap = 1.0 if per_item is not None else DEFAULT_OVERLAP
    settings = Settings(names, overlap, per_item if per_item is not None else 2, seed)
    store = open_store(create=False, write=not dry_run, read=dry_run)
    plan, before = assign(store, settings, dry_run=dry_run)
    rows = describe(plan)
    pairs = pair_counts(plan)
    if as_json:
        say(to_json({"plan": {"id": plan.id, **settings.as_dict()}, "replaces": before["id"] if before else None,
                     "saved": not dry_run, "sample": len(plan.sample), "annotators": rows, "pairs": pairs}, indent=2))
        return
    out = console()
    out.print(Text(f"Plan {plan.id}: overlap sample {count(len(plan.sample), 'sentence')} "
                   f"({settings.overlap:.0%}), {settings.per_item} annotators each", style="bold"))
    t = Table()
    for col in ("annotator", "documents", "sentences", "overlap"):
        t.add_column(col, justify="left" if col == "annotator" else "right")
    for r in rows:
        t.add_row(Text(r["annotator"]), str(r["documents"]), str(r["sentences"]), str(r["overlap"]))
    print_table(out, t)
    if pairs and plan.sample:
        out.print(Text("Overlap sentences each pair shares (agreement per pair rests on them):", style="bold"))
        shared = {(r["a"], r["b"]): r["shared"] for r in pairs}
        shared.update({(b, a): v for (a, b), v in list(shared.items())})
        p = Table()
        p.add_column("")
        for n in names:
            p.add_column(Text(n), justify="right")
        for a in names:
            p.add_row(Text(a), *[Text("—", style="dim") if a == b else Text(str(shared[(a, b)])) for b in names])
        print_table(out, p)
    if dry_run:
        say("dry run: nothing saved")
    elif before and before["id"] == plan.id:
        say("the plan in force is already this one: nothing changed")
    elif before:
        say(f"replaced plan {before['id']}; finished work stays with whoever finished it")


def _load_labels(path: str) -> list[tuple[str, str, list[str]]]:
    """(document id, text, labels) from a JSONL sample of {"id": "<doc id>-<idx>", "text", "labels"}."""
    from pathlib import Path

    from annotator.ingest.decoding import decode_bytes

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


def resolved_examples(store) -> list[tuple[str, str, list[str]]]:
    """(document, text, labels) of every sentence with resolved labels (gold, else agreed, else majority)."""
    from annotator.publish.export import iter_units, select

    examples = []
    for unit in iter_units(store):
        labels, _ = select(unit, "resolved")
        if labels is not None:
            examples.append((unit.doc, unit.text, labels))
    return examples


def _evaluate(store, taxonomy, labels_file, folds, seed, threshold, by, as_json):
    from annotator.annotate.evaluate import evaluate
    from annotator.annotate.suggest import Highlighter

    if labels_file:
        examples = _load_labels(labels_file)
        unknown = sorted({t for _, _, ls in examples for t in ls} - set(taxonomy.tags))
        if unknown:
            raise AnnotatorError(f"{labels_file}: labels not in the taxonomy: {', '.join(unknown)}")
    else:
        examples = resolved_examples(store)
    groups = len({d for d, _, _ in examples}) if by == "document" else len(examples)
    if groups < folds:
        what = "document" if by == "document" else "sentence"
        raise AnnotatorError(f"{count(len(examples), 'sentence')} with resolved labels in {count(groups, what)}: "
                             f"need at least {count(folds, what)} for {folds} folds (try --folds or --by sentence)")
    result = evaluate(examples, taxonomy, Highlighter(taxonomy), folds=folds, seed=seed, threshold=threshold, by=by)
    if as_json:
        say(to_json(result, indent=2))
        return
    out = console()
    t = Table(title=f"{count(result['examples'], 'sentence')}, {folds} folds by {by}: keyword rules vs what the screen shows")
    for c in ("tag", "support", "kw P", "kw R", "kw F1", "screen P", "screen R", "screen F1"):
        t.add_column(c, justify="right" if c != "tag" else "left")
    for tag in taxonomy.tags:
        k, m = result["keywords"]["per_tag"][tag], result["screen"]["per_tag"][tag]
        t.add_row(Text(tag), str(k["support"]), fmt3(k["precision"]), fmt3(k["recall"]), fmt3(k["f1"]),
                  fmt3(m["precision"]), fmt3(m["recall"]), fmt3(m["f1"]))
    for name in ("micro", "macro"):
        k, m = result["keywords"][name], result["screen"][name]
        t.add_row(Text(name, style="bold"), "", fmt3(k.get("precision")), fmt3(k.get("recall")), fmt3(k["f1"]),
                  fmt3(m.get("precision")), fmt3(m.get("recall")), fmt3(m["f1"]))
    print_table(out, t)
    lc = Table(title="Learning curve: F1 of what the screen shows, by training sentences per fold")
    for c in ("training sentences", "micro F1", "macro F1", "keywords micro F1", "keywords macro F1"):
        lc.add_column(c, justify="right")
    kw = result["keywords"]
    for row in result["learning_curve"]:
        size = f"all ({row['mean_train_sentences']:.0f})" if row["train"] == "all" else str(row["train"])
        lc.add_row(size, fmt3(row["micro_f1"]), fmt3(row["macro_f1"]), fmt3(kw["micro"]["f1"]), fmt3(kw["macro"]["f1"]))
    print_table(out, lc)


def _predict(store, taxonomy, doc, threshold, as_json):
    from annotator.annotate.suggest import Highlighter, for_store

    if doc is not None and not store.has_document(doc):
        raise AnnotatorError(f"no document {doc!r} in {store.path} (see `annotator docs`)")
    units = store.units(doc) if doc is not None else store.iter_units("sentence")
    suggester = for_store(store, taxonomy, Highlighter(taxonomy), threshold)
    batch: list = []
    for unit in units:
        if unit.kind == "sentence":
            batch.append(unit)
        if len(batch) >= 2000:
            _print_scored(suggester, batch, as_json)
            batch = []
    _print_scored(suggester, batch, as_json)


def _print_scored(suggester, units: list, as_json: bool) -> None:
    """One line per sentence; the model scores the batch at once."""
    for unit, got in zip(units, suggester.scored_many([u.text for u in units])):
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
    learning curve at 50, 100, 200 — the sizes below every fold's training set — and all training sentences)
    next to the taxonomy's keyword rules."""
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


for _command in (tag_cmd, review_cmd, assign_cmd, suggest_cmd):
    cli.add_command(_command)
