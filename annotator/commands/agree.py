"""agree: inter-annotator agreement figures as tables or JSON."""

from __future__ import annotations

import click
from rich.table import Table
from rich.text import Text

from annotator.cli import console, open_store, say, shared_options, taxonomy_path
from annotator.commands.tables import print_table
from annotator.errors import AnnotatorError
from annotator.terminal import keys_as_typed
from annotator.workspace import resolve_taxonomy


def _fmt(v, low: float = 0.667, good: float = 0.8) -> Text:
    if v is None:
        return Text("—", style="dim")
    style = "bold red" if v < low else ("yellow" if v < good else "green")
    return Text(f"{v:.3f}", style=style)


def render(rep: dict, taxonomy, console) -> None:
    console.print(Text(f"{rep['items']} items double-annotated by {len(rep['annotators'])} annotators: "
                       + ", ".join(rep["annotators"]), style="bold"))
    t = Table(title="Agreement (α < 0.667 red, < 0.8 yellow)")
    t.add_column("scope", no_wrap=True)
    for col in ("items", "α nom", "α MASI", "MASI CI95", "α Jac", "%agr", "κ Cohen", "κ Fleiss"):
        t.add_column(col, justify="right", no_wrap=True)
    scopes = [("all", rep["overall"])] if rep["overall"] and len(rep["facets"]) != 1 else []
    scopes += list(rep["facets"].items())
    for name, f in scopes:
        ci = f["alpha_masi_ci95"]
        t.add_row(Text(name), str(f["items"]), _fmt(f["alpha_nominal"]), _fmt(f["alpha_masi"]),
                  Text(f"{ci[0]:.2f}–{ci[1]:.2f}" if ci else "—"), _fmt(f["alpha_jaccard"]),
                  Text(f"{f['percent_agreement']:.3f}" if f["percent_agreement"] is not None else "—"),
                  _fmt(f["cohen_kappa"]), _fmt(f["fleiss_kappa"]))
    print_table(console, t)
    reasons = {r for _, f in scopes for r in f["reasons"].values()}
    for r in sorted(reasons):
        console.print(Text(f"  — {r}", style="dim"))
    tags = Table(title="Per tag (weakest first)")
    for col in ("tag", "title", "α", "κ", "support", "prevalence"):
        tags.add_column(col, justify="right" if col not in ("tag", "title") else "left")
    rows = sorted(rep["per_tag"].items(), key=lambda kv: (kv[1]["alpha"] is None, kv[1]["alpha"] or 0))
    for tag, f in rows:
        title = taxonomy.tags[tag].title if tag in taxonomy.tags else ""
        tags.add_row(Text(tag), Text(title), _fmt(f["alpha"]), _fmt(f["kappa"]), str(f["support"]),
                     Text(f"{f['prevalence']:.3f}" if f["prevalence"] is not None else "—"))
    print_table(console, tags)
    pairs = Table(title="Annotator pairs")
    for col in ("a", "b", "shared items", "α MASI", "κ Cohen", "note"):
        pairs.add_column(col)
    for p in rep["pairs"]:
        pairs.add_row(Text(p["a"]), Text(p["b"]), str(p["shared_items"]), _fmt(p["alpha_masi"]),
                      _fmt(p.get("cohen_kappa")), Text(p.get("reason") or "", style="dim"))
    print_table(console, pairs)
    conf = Table(title="Top confusions: one chose A where the other chose B and not A")
    for col in ("A", "B", "count"):
        conf.add_column(col)
    for c in rep["confusion"][:15]:
        conf.add_row(Text(c["a"]), Text(c["b"] or "(nothing else)"), str(c["count"]))
    print_table(console, conf)
    if rep["excluded"]:
        console.print(Text("left out: " + ", ".join(f"{k}={v}" for k, v in rep["excluded"].items()), style="dim"))


@click.command("agree")
@shared_options
@click.option("--facet", default=None, help="Only this facet (default: all facets together and each facet).")
@click.option("--annotators", default=None, help="Comma-separated annotators to compare (default: all).")
@click.option("--bootstrap", default=1000, show_default=True, help="Bootstrap resamples for the α MASI 95% CI.")
@click.option("--seed", default=0, show_default=True, help="Seed of the bootstrap.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of tables.")
def agree_cmd(facet, annotators, bootstrap, seed, as_json):
    """Inter-annotator agreement on sentences confirmed (done) by two or more annotators.

    Krippendorff's α (nominal, MASI, Jaccard over tag sets) with a bootstrap CI, percent agreement,
    Cohen's and Fleiss' κ, per-tag binary α/κ, annotator pairs and tag confusions."""
    store = open_store(create=False, read=True)
    taxonomy = resolve_taxonomy(store, taxonomy_path(), every_label=True)
    names = [a.strip() for a in annotators.split(",")] if annotators else None
    from annotator.agree import report, to_json  # numpy: imported when agreement is asked for, not at start-up

    try:
        rep = report(store, taxonomy, facet=facet, annotators=names, bootstrap=bootstrap, seed=seed)
    except KeyError as exc:
        raise AnnotatorError(str(exc.args[0])) from None
    if as_json:
        say(to_json(rep))
    else:
        render(rep, taxonomy, console())


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
    from annotator.workspace import default_annotator

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
    app = build_app(store, taxonomy, annotator or default_annotator(), mode="review", tag=tag, pair=pair_t,
                    review_queue=queue)
    app.run()
    if app.fatal:
        raise AnnotatorError(f"{store.path}: {app.fatal}")


COMMANDS = [agree_cmd, review_cmd]
