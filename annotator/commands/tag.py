"""tag: the tagging screen."""

from __future__ import annotations

import click

from annotator.cli import open_store, say, shared_options, taxonomy_path
from annotator.errors import AnnotatorError
from annotator.session import QUEUES
from annotator.terminal import keys_as_typed
from annotator.workspace import default_annotator, ensure_seeded, resolve_taxonomy


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

    app = build_app(store, taxonomy, annotator, queue=queue, doc=doc, suggestions=suggest,
                    order=order)
    app.run()
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


COMMANDS = [tag_cmd]
