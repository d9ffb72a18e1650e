"""Measure: statistics and progress of the plan (agreement: cli/agree.py)."""

from __future__ import annotations

import click
from rich.table import Table
from rich.text import Text

from annotator.annotate.workspace import resolve_taxonomy
from annotator.cli.context import console, open_store, say, shared_options, taxonomy_path
from annotator.cli.group import cli
from annotator.cli.tables import fmt3, print_table
from annotator.core.textsafe import safe, to_json


@click.command("stats")
@shared_options
@click.option("--words", is_flag=True, help="Also the most distinctive jieba words per tag (weighted log-odds).")
@click.option("--top", default=8, show_default=True, help="Words per tag with --words.")
def stats_cmd(words, top):
    """Counts per tag, per annotator and per document, throughput per annotator (from the event log)."""
    from annotator.measure import stats
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
                  "n/a" if unknown or tp.get("per_hour") is None else fmt3(tp["per_hour"]).replace(".000", ""))
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
        from annotator.annotate.suggest import Highlighter

        w = Table(title="Most distinctive words per tag (z-scored weighted log-odds, Monroe et al. 2008)")
        w.add_column("tag")
        w.add_column("words")
        for tag, ranked in stats.distinctive_words(store, taxonomy, Highlighter(taxonomy), top).items():
            w.add_row(Text(tag), Text("  ".join(f"{word} {z:.1f}" for word, z in ranked)))
        print_table(out, w)


@click.command("progress")
@shared_options
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
def progress_cmd(as_json):
    """Per annotator: assigned, done, remaining, speed (sentences per active hour), and how much of the
    overlap sample has two judgments (what agreement needs)."""
    from annotator.measure.progress import progress

    store = open_store(create=False, read=True)
    rep = progress(store)
    if as_json:
        say(to_json(rep, indent=2))
        return
    render_progress(rep, console())


def render_progress(rep: dict, out) -> None:
    from annotator.measure.progress import COLUMNS, LEGEND, overlap_line, table_rows

    t = Table(title=f"Progress of plan {rep['plan']['id']}")
    for col in COLUMNS:
        t.add_column(col, justify="left" if col == "annotator" else "right")
    for row in table_rows(rep):
        t.add_row(*(Text(c) for c in row))
    print_table(out, t)
    out.print(Text(LEGEND, style="dim"))
    out.print(Text(overlap_line(rep)))


for _command in (stats_cmd, progress_cmd):
    cli.add_command(_command)
