"""`annotator report`: one self-contained HTML file of the project's state."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from annotator.annotate.workspace import resolve_taxonomy
from annotator.cli.context import open_store, say, shared_options, taxonomy_path
from annotator.cli.group import cli
from annotator.core.files import write_atomically
from annotator.measure import bootstrap as boot


@click.command("report")
@shared_options
@click.option("--out", default="report.html", show_default=True, help="The HTML file to write.")
@click.option("--annotators", default=None, help="Comma-separated annotators to compare (default: all).")
@click.option("--sample", "scope", type=click.Choice(["planned", "all"]), default="planned", show_default=True,
              help="planned: the assignment plan's overlap sample when there is a plan; all: every sentence "
                   "done by two or more annotators.")
@click.option("--seed", default=boot.SEED, show_default=True, help="Seed of the bootstraps and the suggestion evaluation.")
@click.option("--bootstrap", default=boot.SAMPLES, show_default=True, help="Bootstrap resamples for the 95% CIs.")
@click.option("--no-suggestions", is_flag=True, help="Leave out the suggestion evaluation (the slowest part).")
def report_cmd(out, annotators, scope, seed, bootstrap, no_suggestions):
    """Write one self-contained HTML file (charts, tables, readings; no network, no script) of the corpus,
    progress, agreement, disagreements, labels, suggestions and the dataset card."""
    from annotator.measure.overview import overview
    from annotator.publish.report_html import render, report_card

    store = open_store(create=False, read=True)
    taxonomy = resolve_taxonomy(store, taxonomy_path(), every_label=True)
    names = [a.strip() for a in annotators.split(",") if a.strip()] if annotators else None
    everything = store.done_tag_sets()  # read once: for labels, agreement (when on everything) and suggestions
    data = overview(store, taxonomy, annotators=names, scope=scope, bootstrap=bootstrap, seed=seed,
                    tag_sets=everything)
    suggestions = None
    if not no_suggestions:
        from annotator.annotate.evaluate import REPORT_LIMIT, bounded_evaluation
        from annotator.publish.samples import resolved_sample

        examples, candidates = resolved_sample(store, REPORT_LIMIT, seed, everything[0])
        suggestions = bounded_evaluation(examples, taxonomy, seed=seed, candidates=candidates)
    card = report_card({"name": taxonomy.name, "version": taxonomy.version, "hash": taxonomy.hash},
                       ["annotator", *sys.argv[1:]], store.path, seed, bootstrap,
                       data["agreement"].get("measured_on"), data["plan"])
    html = render(data, {t.id: t.title for t in taxonomy.tags.values()}, card, suggestions)
    target = Path(out)
    write_atomically(target, html)
    say(f"report → {target} ({len(html.encode('utf-8')) / 1e6:.1f} MB)")


cli.add_command(report_cmd)
